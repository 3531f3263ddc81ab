"""Backup size per 1 000 reports: file N reports through the real stack, back up, measure.

Usage (after ./peluit up, intake started with a submission limit above N, e.g.
PELUIT_INTAKE_SUBMISSIONS_PER_SOURCE_PER_HOUR=100000):
    PELUIT_BENCH_REPORTS=300 .venv/bin/python bench/backup_size.py
Takes a full backup first (the baseline), files N reports over HTTP to intake (every tenth with
a photo), waits until cases has opened them all and their WAL is archived, takes another full
backup, and prints how much the repository grew (WAL archive + the new full backup) and how
much larger the full backup got, each per 1 000 reports. Leaves both backups in the repository
(retention expires them).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.evidence import jpeg_parts  # noqa: E402
from tests.support.portal import api_sign_in  # noqa: E402
from tests.support.reports import sample_report  # noqa: E402
from tests.support.stack import admin_dsn, base_url, service_dsn  # noqa: E402

BACKUP = ROOT / "deploy" / "local" / "backup.sh"


def backup(*args: str) -> str:
    done = subprocess.run(
        [str(BACKUP), *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    return done.stdout


def last_full_bytes() -> int:
    conf = Path(
        subprocess.run(
            ["bash", "-c", '. deploy/local/env.sh && printf %s "$(dirname "$PELUIT_PG_DATA")"'],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
    )
    pgbr = ["pgbackrest", f"--config={conf}/pgbackrest/pgbackrest.conf", "--stanza=peluit"]
    if os.geteuid() == 0:
        pgbr = ["runuser", "-u", "postgres", "--", *pgbr]
    info = json.loads(subprocess.check_output([*pgbr, "info", "--output=json"], text=True))
    return int(info[0]["backup"][-1]["info"]["repository"]["size"])


async def file_one(client: httpx.AsyncClient, i: int) -> str:
    r = await client.post("/api/v1/reports", json=sample_report(f"BENCH-{i}"))
    r.raise_for_status()
    accepted = r.json()
    if i % 10 == 0:
        token = await api_sign_in(client, accepted["receipt"])
        photo, _ = jpeg_parts(f"BENCH-{i}")
        up = await client.post(
            "/api/v1/mailbox/evidence",
            content=photo,
            headers={
                "authorization": f"Bearer {token}",
                "content-type": "image/jpeg",
                "x-filename": f"bench-{i}.jpg",
            },
        )
        up.raise_for_status()
    return str(accepted["report_number"])


async def file_reports(count: int, parallel: int = 4) -> list[str]:
    numbers: list[str] = []
    gate = asyncio.Semaphore(parallel)
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=60) as client:

        async def one(i: int) -> None:
            async with gate:
                numbers.append(await file_one(client, i))

        await asyncio.gather(*(one(i) for i in range(count)))
    return numbers


async def wait_cases(numbers: list[str]) -> None:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        for _ in range(600):
            n = await conn.fetchval(
                "SELECT count(*) FROM cases WHERE report_number = ANY($1)", numbers
            )
            if n == len(numbers):
                return
            await asyncio.sleep(1)
        raise TimeoutError("cases did not open every report")
    finally:
        await conn.close()


async def archive_now() -> None:
    conn = await asyncpg.connect(admin_dsn())
    try:
        await conn.execute("CREATE TEMP TABLE bench_tick (x int)")
        segment = await conn.fetchval("SELECT pg_walfile_name(pg_switch_wal())")
        for _ in range(600):
            done = await conn.fetchval("SELECT last_archived_wal FROM pg_stat_archiver")
            if done and done[8:] >= segment[8:]:
                return
            await asyncio.sleep(0.2)
        raise TimeoutError("WAL not archived")
    finally:
        await conn.close()


async def main() -> None:
    count = int(os.environ.get("PELUIT_BENCH_REPORTS", "300"))
    backup("setup")
    backup("backup", "full")
    repo0, full0 = int(backup("size")), last_full_bytes()
    t0 = time.monotonic()
    numbers = await file_reports(count)
    filed = time.monotonic() - t0
    await wait_cases(numbers)
    await archive_now()
    print(backup("backup", "full").rstrip())
    repo1, full1 = int(backup("size")), last_full_bytes()
    per = 1000 / count
    print(
        f"[bench] {count} reports ({count // 10 + (count % 10 > 0)} with a photo) filed in "
        f"{filed:.0f}s\n"
        f"[bench] repository grew {(repo1 - repo0) / 1e6:.2f} MB (WAL + one more full backup): "
        f"{(repo1 - repo0) * per / 1e6:.2f} MB per 1000 reports\n"
        f"[bench] full backup {full0 / 1e6:.2f} -> {full1 / 1e6:.2f} MB: "
        f"{(full1 - full0) * per / 1e6:.2f} MB per 1000 reports (compressed, encrypted)"
    )


if __name__ == "__main__":
    asyncio.run(main())
