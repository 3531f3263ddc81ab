"""Staff case list with 100 000 cases: p50/p99 of the list query, directly and over HTTP.

Usage (stack up, e.g. after ./peluit up or ./peluit test):
    .venv/bin/python bench/case_list.py --cases 100000 --rounds 200
Creates a scratch database `peluit_cases_bench` (admin DSN), migrates it, fills it with COPY,
then measures typical list queries on the same code path the API uses (`cases_repo.list_cases`)
and through a cases process serving that database on its own port. Drops nothing: re-running
reuses the filled database (--refill to start over).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from peluit_cases.adapters.cases_repo import CaseFilter, list_cases  # noqa: E402
from peluit_cases.bootstrap import MIGRATIONS  # noqa: E402
from peluit_shared.migrations import migrate  # noqa: E402
from tests.support.console import api_login, make_account  # noqa: E402
from tests.support.stack import OFFSET, PG_PORT, ServiceProcess, admin_dsn  # noqa: E402

DB = "peluit_cases_bench"
PASSWORD = os.environ.get("PELUIT_PG_PASSWORD_CASES", "peluit-cases-dev")
DSN = f"postgresql://peluit_cases:{PASSWORD}@127.0.0.1:{PG_PORT}/{DB}"
STATUSES = [
    "received",
    "verifying",
    "needs_info",
    "reviewing",
    "investigating",
    "referred",
    "not_actionable",
    "concluded",
    "archived",
]
CATEGORIES = [
    "korupsi",
    "suap_gratifikasi",
    "pungutan_liar",
    "benturan_kepentingan",
    "penyalahgunaan_wewenang",
    "pelanggaran_disiplin",
    "pelanggaran_kode_etik",
    "pengadaan_barang_jasa",
    "hambatan_pelayanan",
    "lainnya",
]
CHANNELS = ["portal", "portal", "portal", "api", "letter", "phone", "email", "in_person"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def prepare(n: int, refill: bool) -> list[uuid.UUID]:
    admin = await asyncpg.connect(admin_dsn())
    try:
        if refill:
            await admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB):
            await admin.execute(f"CREATE DATABASE {DB} OWNER peluit_cases")
    finally:
        await admin.close()
    conn = await asyncpg.connect(DSN)
    try:
        await migrate(conn, {"cases": MIGRATIONS})
        handlers = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM staff_users WHERE username LIKE 'bench-handler-%'"
            )
        ]
        if not handlers:
            handlers = [uuid.uuid4() for _ in range(40)]
            await conn.executemany(
                "INSERT INTO staff_users (id, username, password_hash, role) "
                "VALUES ($1, $2, 'x', 'handler')",
                [(h, f"bench-handler-{i}") for i, h in enumerate(handlers)],
            )
        have = await conn.fetchval("SELECT count(*) FROM cases")
        if have < n:
            await fill(conn, n - have, handlers)
            await conn.execute("ANALYZE cases")
    finally:
        await conn.close()
    return handlers


async def fill(conn: asyncpg.Connection, n: int, handlers: list[uuid.UUID]) -> None:
    rng = random.Random(4)
    now = datetime.now(UTC)
    start = int(time.time() * 1000) % 10**6
    rows: list[tuple[Any, ...]] = []
    for i in range(n):
        received = now - timedelta(minutes=rng.randint(0, 60 * 24 * 730))
        status = rng.choice(STATUSES)
        open_ = status not in ("not_actionable", "concluded", "archived", "referred")
        told = received + timedelta(days=rng.randint(0, 60))  # last told the reporter
        rows.append(
            (
                uuid.uuid4(),
                uuid.uuid4(),
                f"WBS-{received.year}-{start + i:08d}",
                status,
                rng.choice(CHANNELS),
                rng.choice(CATEGORIES),
                rng.random() < 0.7,
                "bench",
                b"\x00" * 64,
                received,
                received,
                received,
                rng.choice(handlers) if rng.random() < 0.8 else None,
                "verification" if open_ else None,
                (received + timedelta(days=rng.randint(7, 90))).date() if open_ else None,
                (told + timedelta(days=30)).date()
                if status not in ("not_actionable", "concluded", "archived")
                else None,
            )
        )
    await conn.copy_records_to_table(
        "cases",
        records=rows,
        columns=[
            "id",
            "report_id",
            "report_number",
            "status",
            "channel",
            "category",
            "anonymous",
            "sealed_key_id",
            "sealed_report",
            "received_at",
            "created_at",
            "updated_at",
            "assignee_id",
            "stage",
            "due_on",
            "reporter_update_due",
        ],
    )


def queries(handlers: list[uuid.UUID]) -> dict[str, tuple[CaseFilter, dict[str, str]]]:
    h = str(handlers[3])
    return {
        "newest (no filter)": (CaseFilter(), {}),
        "status=reviewing": (CaseFilter(status="reviewing"), {"status": "reviewing"}),
        "category+channel": (
            CaseFilter(category="korupsi", channel="letter"),
            {"category": "korupsi", "channel": "letter"},
        ),
        "assignee (a handler's queue)": (CaseFilter(assignee=handlers[3]), {"assignee_id": h}),
        "overdue": (CaseFilter(overdue_before=date.today()), {"overdue": "true"}),
        "date range": (
            CaseFilter(
                received_from=date.today() - timedelta(days=60),
                received_to=date.today() - timedelta(days=30),
            ),
            {
                "received_from": str(date.today() - timedelta(days=60)),
                "received_to": str(date.today() - timedelta(days=30)),
            },
        ),
        "search number prefix": (CaseFilter(search="WBS-2026-0"), {"q": "WBS-2026-0"}),
    }


async def direct(handlers: list[uuid.UUID], rounds: int) -> None:
    conn = await asyncpg.connect(DSN)
    try:
        for name, (flt, _) in queries(handlers).items():
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                rows = await list_cases(conn, 51, flt)
                if rows:  # the second page, as a user clicking "next"
                    await list_cases(conn, 51, flt, after=(rows[-1]["created_at"], rows[-1]["id"]))
                times.append((time.perf_counter() - t0) * 1000 / (2 if rows else 1))
            print(f"direct  {name:30s} p50={pct(times, 50):6.2f} ms  p99={pct(times, 99):6.2f} ms")
    finally:
        await conn.close()


async def over_http(handlers: list[uuid.UUID], rounds: int) -> None:
    port = 8020 + OFFSET + 50
    env = {
        "PELUIT_CASES_DB_DSN": DSN,
        "PELUIT_CASES_HTTP_PORT": str(port),
        "PELUIT_CASES_KAFKA_GROUP_ID": "cases-bench",
    }
    os.environ.update(env)  # this process and its CLI calls: the scratch database and port
    account = await asyncio.to_thread(make_account, "bench-viewer", "viewer")
    proc = ServiceProcess("cases", env=env)
    proc.start()
    try:
        await asyncio.to_thread(proc.wait_ready)
        url = f"http://127.0.0.1:{port}"
        token = await asyncio.to_thread(api_login, url, account)
        async with httpx.AsyncClient(
            base_url=url, timeout=10, headers={"authorization": f"Bearer {token}"}
        ) as c:
            for name, (_, params) in queries(handlers).items():
                times = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    r = await c.get("/api/v1/cases", params={**params, "limit": "50"})
                    r.raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                print(
                    f"http    {name:30s} p50={pct(times, 50):6.2f} ms  "
                    f"p99={pct(times, 99):6.2f} ms  mean={statistics.fmean(times):6.2f} ms"
                )
    finally:
        proc.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    handlers = await prepare(args.cases, args.refill)
    print(f"database {DB} ready with >= {args.cases} cases in {time.perf_counter() - t0:.1f}s")
    await direct(handlers, args.rounds)
    await over_http(handlers, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
