"""Receipts with the memory-hard KDF: submit and sign-in latency, and intake's throughput as a
share of the KDF-only ceiling measured in the same run; intake's memory across the burst.

Usage (after ./peluit up; the per-source limits must allow one source to do all of it, since
sign-in attempts are reserved before they are checked, e.g. start the stack with
PELUIT_INTAKE_SUBMISSIONS_PER_SOURCE_PER_HOUR=100000
PELUIT_INTAKE_RECEIPT_FAILURES_PER_SOURCE=1000):
    .venv/bin/python bench/receipt_kdf.py --latency 40 --burst 20 --rounds 4 --clients 8

1. KDF-only ceiling: Argon2id runs (libsodium, 96 bytes, intake's parameters) in as many threads
   as intake's pool (the machine's cores, at most 4), nothing else: runs per second.
2. Latency, one request at a time: POST /api/v1/reports and POST /api/v1/mailbox/session.
3. Throughput, `--clients` concurrent: submissions/s and sign-ins/s (each is one Argon2id run in
   intake), as a share of the ceiling; the three are measured in interleaved rounds.
Intake's resident memory (VmRSS of the `./peluit up` process) before and after the bursts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import nacl.pwhash

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.reports import sample_report  # noqa: E402
from tests.support.stack import DATA, base_url  # noqa: E402

OPSLIMIT, MEMLIMIT = 3, 64 * 1024 * 1024


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name}: n={len(ms)} median {statistics.median(ms):.0f} ms, p95 {pct(ms, 95):.0f} ms, "
        f"p99 {pct(ms, 99):.0f} ms, max {max(ms):.0f} ms"
    )


def intake_rss_mb() -> float | None:
    try:
        pid = (DATA / "run" / "intake.pid").read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def kdf_ceiling(runs: int, threads: int) -> float:
    def one(i: int) -> None:
        nacl.pwhash.argon2id.kdf(96, b"%020d" % i, os.urandom(16), OPSLIMIT, MEMLIMIT)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(runs)))
    return runs / (time.perf_counter() - started)


async def submit(client: httpx.AsyncClient) -> tuple[str, float]:
    started = time.perf_counter()
    r = await client.post("/api/v1/reports", json=sample_report())
    r.raise_for_status()
    return r.json()["receipt"], time.perf_counter() - started


async def sign_in(client: httpx.AsyncClient, receipt: str) -> float:
    started = time.perf_counter()
    r = await client.post("/api/v1/mailbox/session", json={"receipt": receipt})
    r.raise_for_status()
    token = r.json()["token"]
    await client.delete("/api/v1/mailbox/session", headers={"authorization": f"Bearer {token}"})
    return time.perf_counter() - started


async def burst(count: int, clients: int, work: object) -> float:
    """Requests per second with `clients` in flight."""
    gate = asyncio.Semaphore(clients)

    async def one(i: int) -> None:
        async with gate:
            await work(i)  # type: ignore[operator]

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return count / (time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=int, default=40, help="requests timed one at a time")
    parser.add_argument("--burst", type=int, default=20, help="requests per burst and round")
    parser.add_argument("--rounds", type=int, default=4, help="ceiling/submit/sign-in rounds")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    args = parser.parse_args()
    print(f"Argon2id {MEMLIMIT // 2**20} MiB, t={OPSLIMIT}; {args.threads} threads")
    rss_before = intake_rss_mb()
    limits = httpx.Limits(max_connections=args.clients + 4)
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=120, limits=limits) as c:
        submits, receipts = [], []
        for _ in range(args.latency):
            receipt, took = await submit(c)
            receipts.append(receipt)
            submits.append(took)
        print(summary("submit (one at a time)", submits))
        sign_ins = [await sign_in(c, r) for r in receipts]
        print(summary("receipt sign-in (one at a time)", sign_ins))

        made: list[str] = []

        async def submit_one(_: int) -> None:
            made.append((await submit(c))[0])

        async def sign_in_one(i: int) -> None:
            await sign_in(c, made[i % len(made)])

        # Rounds interleave the three, so load from elsewhere on the machine hits them alike.
        ceilings, submit_rates, sign_in_rates = [], [], []
        for _ in range(args.rounds):
            ceilings.append(kdf_ceiling(args.burst, args.threads))
            submit_rates.append(await burst(args.burst, args.clients, submit_one))
            sign_in_rates.append(await burst(args.burst, args.clients, sign_in_one))
    ceiling = len(ceilings) / sum(1 / r for r in ceilings)  # same work per round: harmonic mean
    submit_rate = len(submit_rates) / sum(1 / r for r in submit_rates)
    sign_in_rate = len(sign_in_rates) / sum(1 / r for r in sign_in_rates)
    print(f"KDF-only ceiling: {ceiling:.2f} runs/s (rounds: {fmt(ceilings)})")
    print(
        f"submit throughput, {args.clients} clients: {submit_rate:.2f}/s "
        f"= {submit_rate / ceiling:.0%} of the ceiling (rounds: {fmt(submit_rates)})"
    )
    print(
        f"sign-in throughput, {args.clients} clients: {sign_in_rate:.2f}/s "
        f"= {sign_in_rate / ceiling:.0%} of the ceiling (rounds: {fmt(sign_in_rates)})"
    )
    rss_after = intake_rss_mb()
    if rss_before is not None and rss_after is not None:
        print(f"intake resident memory: {rss_before:.0f} MB before, {rss_after:.0f} MB after")


def fmt(rates: list[float]) -> str:
    return ", ".join(f"{r:.2f}" for r in rates)


if __name__ == "__main__":
    asyncio.run(main())
