"""The reporter clock (ARCHITECTURE §3: tell the reporter something at least every 30 days).

Rule (documented in domain/deadlines.py): the clock restarts when the case is received, when a
message or question goes to the reporter, and when a status change with a public wording is
published, even if the wording stays the same. Assignment, the contact log and other internal
work do not restart it; closing stops it.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.console import (
    CLI,
    events_about,
    make_account,
    publish_report,
    totp_code,
)
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import base_url, service_dsn

pytestmark = pytest.mark.stack

DAYS = 30


def today() -> date:
    return datetime.now(UTC).date()


@pytest.fixture
async def db() -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        yield conn
    finally:
        await conn.close()


async def set_clock(db: asyncpg.Connection, case_id: str, due: date) -> None:
    await db.execute(
        "UPDATE cases SET reporter_update_due = $2 WHERE id = $1", uuid.UUID(case_id), due
    )


async def detail(staff: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    r = await staff.get(f"/api/v1/cases/{case_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def due_of(staff: httpx.AsyncClient, case_id: str) -> date | None:
    got = (await detail(staff, case_id))["reporter_update_due"]
    return date.fromisoformat(got) if got else None


async def step(staff: httpx.AsyncClient, case_id: str, to: str, **extra: str) -> None:
    r = await staff.post(
        f"/api/v1/cases/{case_id}/transitions", json={"to": to, "note": f"Langkah ke {to}", **extra}
    )
    assert r.status_code == 200, r.text


async def test_the_clock_moves_when_the_reporter_is_told_and_not_for_internal_work(
    staff_client: httpx.AsyncClient,
    db: asyncpg.Connection,
) -> None:
    report = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, report.report_number)
    cid = case["id"]
    # Received: the reporter got their receipt, the clock starts.
    assert await due_of(staff_client, cid) == today() + timedelta(days=DAYS)
    back = today() - timedelta(days=10)

    # Internal work (assignment, contact log) tells the reporter nothing.
    await set_clock(db, cid, back)
    me = next(
        u["id"]
        for u in (await staff_client.get("/api/v1/staff")).json()
        if u["username"] == "test-coordinator"
    )
    assert (
        await staff_client.post(f"/api/v1/cases/{cid}/assignment", json={"assignee_id": me})
    ).status_code == 200
    assert (
        await staff_client.post(
            f"/api/v1/cases/{cid}/contacts",
            json={
                "on_date": str(today()),
                "channel": "phone",
                "party": "Saksi",
                "result": "Konfirmasi internal",
            },
        )
    ).status_code == 201
    assert await due_of(staff_client, cid) == back
    listed = await staff_client.get(
        "/api/v1/cases", params={"overdue": "true", "q": report.report_number}
    )
    assert [(c["reporter_update_flag"], c["deadline_flag"]) for c in listed.json()["items"]] == [
        ("overdue", "overdue")
    ]

    # A message to the reporter restarts it.
    sent = await staff_client.post(
        f"/api/v1/cases/{cid}/messages",
        json={"kind": "message", "text": "Laporan Anda kami proses"},
    )
    assert sent.status_code == 201, sent.text
    assert await due_of(staff_client, cid) == today() + timedelta(days=DAYS)
    listed = await staff_client.get(
        "/api/v1/cases", params={"overdue": "true", "q": report.report_number}
    )
    assert listed.json()["items"] == []

    # A published status change restarts it: received -> verifying (in_process) ...
    await set_clock(db, cid, back)
    await step(staff_client, cid, "verifying")
    assert await due_of(staff_client, cid) == today() + timedelta(days=DAYS)
    # ... and verifying -> reviewing too, though the public wording stays "in_process".
    await set_clock(db, cid, back)
    await step(staff_client, cid, "reviewing")
    assert await due_of(staff_client, cid) == today() + timedelta(days=DAYS)

    # Closing stops the clock; archiving (no public wording) does not restart it.
    await step(staff_client, cid, "not_actionable", reason="Bukan kewenangan Itjen KKP")
    assert await due_of(staff_client, cid) is None
    await step(staff_client, cid, "archived", reason="Diarsipkan sesuai retensi")
    assert await due_of(staff_client, cid) is None


async def test_an_overdue_reporter_clock_gives_exactly_one_notice(
    staff_client: httpx.AsyncClient,
    db: asyncpg.Connection,
) -> None:
    report = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, report.report_number)
    cid = uuid.UUID(case["id"])
    due = today() - timedelta(days=2)
    await set_clock(db, case["id"], due)
    for _ in range(2):
        done = await asyncio.to_thread(
            subprocess.run, [CLI, "check-deadlines"], capture_output=True, text=True, check=True
        )
        assert "deadline notices published" in done.stdout
    notices = await db.fetch(
        "SELECT stage, due_on, state FROM deadline_notices WHERE case_id = $1", cid
    )
    assert [tuple(n) for n in notices] == [("reporter_update", due, "overdue")]
    events = await events_about("case.deadline_due", report.report_id, 2, timeout=8)
    assert len(events) == 1
    assert events[0]["payload"]["stage"] == "reporter_update"
    assert events[0]["payload"]["state"] == "overdue"
    assert events[0]["payload"]["due_on"] == str(due)


async def test_the_case_page_shows_the_next_update_in_both_languages(
    staff_client: httpx.AsyncClient,
    db: asyncpg.Connection,
) -> None:
    report = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, report.report_number)
    due = today() + timedelta(days=2)
    await set_clock(db, case["id"], due)
    account = await asyncio.to_thread(make_account, f"clock-{uuid.uuid4().hex[:6]}", "coordinator")
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        r = await c.post(
            "/console/login",
            data={
                "username": account.username,
                "password": account.password,
                "totp": totp_code(account.totp_secret),
            },
        )
        assert r.status_code == 303, r.text
        token = re.search(r"peluit_staff=([^;]+)", r.headers["set-cookie"])
        assert token
        headers = {"cookie": f"peluit_staff={token.group(1)}"}
        pages = {
            lang: (await c.get(f"/console/cases/{case['id']}?lang={lang}", headers=headers)).text
            for lang in ("id", "en")
        }
        listing = (
            await c.get(f"/console/cases?q={report.report_number}&lang=en", headers=headers)
        ).text
    assert "Kabar ke pelapor berikutnya paling lambat" in pages["id"]
    assert "Next update to the reporter due" in pages["en"]
    for text in pages.values():
        cell = re.search(r'id="reporter-update-due">([^<]*)<span class="flag ([a-z_]+)"', text)
        assert cell and cell.group(1).strip() == str(due) and cell.group(2) == "due_soon"
    assert "Update to the reporter" in listing and str(due) in listing
