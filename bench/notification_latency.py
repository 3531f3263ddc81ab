"""Event -> SMTP receipt latency of the notifications service (not a test).

    .venv/bin/python bench/notification_latency.py --count 100 --rate 20

Against `./peluit up`: publishes a staff.changed (one coordinator with a fresh address), then
`--count` case.created events at `--rate` per second, and times each from just before the
publish to the moment the SMTP sink stored the message for that address (the sink's file
name carries its UTC arrival time in microseconds). Prints p50/p95/p99/max.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email
import email.policy
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.kafka import publish
from tests.support.notify import (
    MAIL,
    add_staff,
    new_case_created,
    retire_staff,
)


def arrivals(address: str) -> dict[str, float]:
    """report number -> arrival time (epoch seconds) of mail to `address`."""
    found: dict[str, float] = {}
    for path in MAIL.glob("*.eml"):
        raw = path.read_bytes()
        if address.encode() not in raw.split(b"\r\n", 2)[1]:
            continue
        stamp = dt.datetime.strptime(path.name[:22], "%Y%m%dT%H%M%S.%f").replace(tzinfo=dt.UTC)
        subject = str(email.message_from_bytes(raw, policy=email.policy.default)["subject"])
        found[subject.split()[-2]] = stamp.timestamp()
    return found


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--rate", type=float, default=20.0)
    args = ap.parse_args()
    staff_id, address = await add_staff("coordinator")
    assert address
    sent: dict[str, float] = {}
    for _ in range(args.count):
        event = new_case_created()
        sent[event.payload.report_number] = time.time()
        await publish(event)  # as cases does: its Kafka user and signature
        await asyncio.sleep(1 / args.rate)
    deadline = time.monotonic() + 60
    got: dict[str, float] = {}
    while time.monotonic() < deadline:
        got = arrivals(address)
        if len(got) >= args.count:
            break
        await asyncio.sleep(0.5)
    await retire_staff(staff_id)
    latencies = [(got[n] - t) * 1000 for n, t in sent.items() if n in got]
    print(f"{len(latencies)}/{args.count} emails received (run {uuid.uuid4().hex[:6]})")
    print(
        f"event -> SMTP sink, ms: p50 {pct(latencies, 50):.1f}  p95 {pct(latencies, 95):.1f}"
        f"  p99 {pct(latencies, 99):.1f}  max {max(latencies):.1f}"
        f"  mean {statistics.mean(latencies):.1f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
