"""After a restore leaves intake and cases disagreeing, `python -m peluit_shared.reconcile`
republishes what cases is missing (one case, never two) and names what cannot come back."""

from __future__ import annotations

import asyncio
import os
import subprocess

import asyncpg
import httpx
import pytest

from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ROOT, VENV, admin_dsn

pytestmark = pytest.mark.stack


async def forget_rows(database: str, table: str, column: str, value: object) -> None:
    """Delete one row and everything that references it: what a restore to an earlier point
    would not have (as the admin, since services may not delete their history). The audit log
    is left alone: its chain must keep verifying for every later test."""
    conn = await asyncpg.connect(admin_dsn(database))
    try:
        async with conn.transaction():
            await conn.execute(
                "SET session_replication_role = replica"
            )  # no FK checks, no triggers
            refs = await conn.fetch(
                """SELECT cl.relname AS tbl, a.attname AS col, n.nspname AS sch
                   FROM pg_constraint c
                   JOIN pg_class cl ON cl.oid = c.conrelid
                   JOIN pg_namespace n ON n.oid = cl.relnamespace
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                   WHERE c.contype = 'f' AND c.confrelid = $1::regclass
                     AND n.nspname <> 'audit'""",
                table,
            )
            key = await conn.fetchval(f"SELECT id FROM {table} WHERE {column} = $1", value)
            for ref in refs:
                await conn.execute(
                    f'DELETE FROM "{ref["sch"]}"."{ref["tbl"]}" WHERE "{ref["col"]}" = $1',
                    key,
                )
            await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", value)
    finally:
        await conn.close()


def reconcile(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "peluit_shared.reconcile", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ,
        timeout=120,
    )


async def test_a_case_lost_in_a_restore_is_republished_once_and_a_lost_mailbox_is_named(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    lost_case = await submit(intake_client, sample_report())
    lost_mailbox = await submit(intake_client, sample_report())
    for accepted in (lost_case, lost_mailbox):
        await wait_for_case(staff_client, accepted["report_number"], timeout=30)

    # cases restored to a point before the first report: the case and the record that its
    # event was handled are both gone.
    cases = await asyncpg.connect(admin_dsn("peluit_cases"))
    intake = await asyncpg.connect(admin_dsn("peluit_intake"))
    try:
        ids = {
            r["report_number"]: r["id"]
            for r in await intake.fetch(
                "SELECT id, report_number FROM reports WHERE report_number = ANY($1)",
                [lost_case["report_number"], lost_mailbox["report_number"]],
            )
        }
        report_id = ids[lost_case["report_number"]]
        event_id = await intake.fetchval(
            "SELECT event_id FROM outbox"
            " WHERE event_type = 'report.submitted' AND partition_key = $1",
            str(report_id).encode(),
        )
        await cases.execute("DELETE FROM processed_events WHERE event_id = $1", event_id)
    finally:
        await cases.close()
        await intake.close()
    await forget_rows("peluit_cases", "cases", "report_id", report_id)
    # intake restored to a point before the second report: the reporter's copy is gone.
    await forget_rows("peluit_intake", "reports", "id", ids[lost_mailbox["report_number"]])

    listed = reconcile("--dry-run")
    assert f"republished to cases: {lost_case['report_number']}" in listed.stdout, listed.stdout
    assert f"reporter's copy lost (mailbox gone): {lost_mailbox['report_number']}" in listed.stdout
    assert listed.returncode == 1  # a lost mailbox cannot be brought back

    done = reconcile()
    assert f"republished to cases: {lost_case['report_number']}" in done.stdout, done.stderr
    await wait_for_case(staff_client, lost_case["report_number"], timeout=30)
    await asyncio.sleep(2)  # a second copy would have arrived by now
    conn = await asyncpg.connect(admin_dsn("peluit_cases"))
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM cases WHERE report_number = $1", lost_case["report_number"]
        )
    finally:
        await conn.close()
    assert count == 1
    again = reconcile("--dry-run")
    assert lost_case["report_number"] not in again.stdout
    # Nothing here touched the record of what staff did.
    audit = await asyncio.to_thread(
        subprocess.run,
        [str(VENV / "bin" / "peluit-cases"), "verify-audit"],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=120,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
