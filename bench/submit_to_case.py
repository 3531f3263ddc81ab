"""Submit → case visible to staff: latency at a steady submission rate, against a running system.

Usage (after ./peluit up):  .venv/bin/python bench/submit_to_case.py --reports 100 --rate 20
Each report is submitted over HTTP to intake; one watcher polls the staff API's newest cases every
10 ms and marks each report's case as visible when it appears (one poller for all reports, so the
watching costs the system the same at any rate). Prints p50/p95/p99/max of submit-start →
case-visible, and the intake response time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.console import api_login, make_account  # noqa: E402
from tests.support.reports import sample_report  # noqa: E402
from tests.support.stack import base_url  # noqa: E402


def staff_token() -> str:
    return api_login(base_url("cases"), make_account("bench", "viewer"))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Watcher:
    """One poller for every report in flight: the newest cases every 10 ms."""

    def __init__(self, staff: httpx.AsyncClient) -> None:
        self.staff = staff
        self.waiting: dict[str, asyncio.Future[float]] = {}

    def expect(self, number: str) -> asyncio.Future[float]:
        return self.waiting.setdefault(number, asyncio.get_running_loop().create_future())

    async def run(self) -> None:
        while True:
            found = await self.staff.get("/api/v1/cases", params={"limit": 50})
            found.raise_for_status()
            now = time.perf_counter()
            for item in found.json()["items"]:
                future = self.waiting.get(item["report_number"])
                if future is not None and not future.done():
                    future.set_result(now)
            await asyncio.sleep(0.01)


async def one(intake: httpx.AsyncClient, watcher: Watcher) -> tuple[float, float]:
    start = time.perf_counter()
    r = await intake.post("/api/v1/reports", json=sample_report())
    r.raise_for_status()
    accepted = time.perf_counter() - start
    seen = await asyncio.wait_for(watcher.expect(r.json()["report_number"]), 30)
    return accepted, seen - start


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="submissions per second")
    args = parser.parse_args()
    token = staff_token()
    limits = httpx.Limits(max_connections=200)
    auth = {"authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base_url("intake"), limits=limits, timeout=30) as intake,
        httpx.AsyncClient(
            base_url=base_url("cases"), limits=limits, timeout=30, headers=auth
        ) as staff,
    ):
        watcher = Watcher(staff)
        polling = asyncio.create_task(watcher.run())
        await one(intake, watcher)  # warm-up
        tasks = []
        t0 = time.perf_counter()
        for i in range(args.reports):
            delay = t0 + i / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(intake, watcher)))
        results = await asyncio.gather(*tasks)
        wall = time.perf_counter() - t0
        polling.cancel()
    submit = [a * 1000 for a, _ in results]
    visible = [v * 1000 for _, v in results]
    print(f"reports={args.reports} target_rate={args.rate}/s achieved={args.reports / wall:.1f}/s")
    pipeline = [v - a for a, v in zip(submit, visible, strict=True)]
    for name, values in (
        ("intake 201", submit),
        ("submit->case visible", visible),
        ("201->case visible", pipeline),
    ):
        print(
            f"{name:22s} p50={pct(values, 50):7.1f} ms  p95={pct(values, 95):7.1f} ms  "
            f"p99={pct(values, 99):7.1f} ms  max={max(values):7.1f} ms  "
            f"mean={statistics.fmean(values):7.1f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
