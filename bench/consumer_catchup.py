"""Backlog catch-up: how fast the cases consumer works through events piled up while it was down.

Usage (after ./peluit up):  .venv/bin/python bench/consumer_catchup.py --events 10000
1. stops the cases service (`./peluit services stop cases`);
2. publishes `--events` report.submitted events to the real topic, each sealed to the cases key
   exactly as intake seals reports (so the consumer really decrypts, inserts and writes its
   outbox for every one);
3. starts cases again and counts its cases table until every event has become a case.
Prints the consumer rate from the first case seen to the last (target: ≥ 500 events/s) and
the time from process start to the whole backlog done. The generated cases stay in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from peluit_shared.crypto import seal  # noqa: E402
from peluit_shared.events import ReportSubmitted  # noqa: E402
from peluit_shared.events.reports import ReportSubmittedPayload  # noqa: E402
from tests.support.console import cases_public_key  # noqa: E402
from tests.support.kafka import credentials, kafka_options, signer  # noqa: E402
from tests.support.reports import sample_report  # noqa: E402
from tests.support.stack import ServiceProcess, service_dsn  # noqa: E402

PELUIT = ROOT / "peluit"


async def publish_backlog(count: int) -> float:
    key = cases_public_key()
    body = json.dumps(sample_report()).encode()
    # As intake publishes: its Kafka user, its event signature.
    producer = AIOKafkaProducer(
        acks="all", enable_idempotence=True, linger_ms=20, **kafka_options(credentials("intake"))
    )
    intake = signer("intake")
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []
        for _ in range(count):
            report_id = uuid.uuid4()
            event = ReportSubmitted(
                correlation_id=report_id,
                payload=ReportSubmittedPayload(
                    report_id=report_id,
                    report_number=f"WBS-2026-{report_id.int % 10**12:012d}",
                    channel="api",
                    sealed_report=seal(key, body),
                ),
            )
            value, k = event.to_bytes(), event.partition_key()
            headers = [(h, v.encode()) for h, v in intake.headers(event.TOPIC, k, value).items()]
            pending.append(await producer.send(event.TOPIC, value, key=k, headers=headers))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return time.perf_counter() - started


def peluit(action: str) -> None:
    subprocess.run(
        [str(PELUIT), "services", action, "cases"], check=True, stdout=subprocess.DEVNULL
    )


async def count_cases(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM cases"))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    peluit("stop")
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        before = await count_cases(conn)
        publish_s = await publish_backlog(args.events)
        print(f"published {args.events} report.submitted in {publish_s:.1f} s")
        cases = ServiceProcess("cases")
        t0 = time.perf_counter()
        cases.start()
        try:
            ready = asyncio.create_task(asyncio.to_thread(cases.wait_ready, 60))
            target = before + args.events
            t_first = None
            while (done := await count_cases(conn)) < target:
                if t_first is None and done > before:
                    t_first, first_count = time.perf_counter(), done - before
                if time.perf_counter() - t0 > 600:
                    raise TimeoutError(f"only {done - before} of {args.events} cases after 600 s")
                await asyncio.sleep(0.05)
            t_done = time.perf_counter()
            ready_s = await ready
        finally:
            # Hand the service back to ./peluit (this process is a child of the bench).
            cases.stop()
            peluit("start")
    finally:
        await conn.close()
    if t_first is None:  # all done between two looks: no rate to tell
        t_first, first_count = t0, 0
    rate = (args.events - first_count) / (t_done - t_first)
    print(
        f"cases ready after {ready_s:.2f} s (while consuming); all {args.events} events were "
        f"cases {t_done - t0:.1f} s after start; first case seen {t_first - t0:.1f} s after"
    )
    print(f"catch-up rate: {rate:.0f} events/s (target >= 500)")


if __name__ == "__main__":
    asyncio.run(main())
