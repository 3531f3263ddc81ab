"""Assignment with conflict-of-interest declarations, deadline notices, staff events, OpenAPI."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from datetime import date, timedelta

import asyncpg
import httpx
import pytest

from tests.support.console import (
    CLI,
    api_login,
    events_about,
    make_account,
    publish_report,
)
from tests.support.kafka import kafka_options
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import ServiceProcess, base_url, service_dsn

pytestmark = pytest.mark.stack


async def staff_id(staff: httpx.AsyncClient, username: str) -> str:
    users = (await staff.get("/api/v1/staff")).json()
    return str(next(u["id"] for u in users if u["username"] == username))


async def test_a_declared_conflict_blocks_the_assignment_and_reassigning_needs_a_reason(
    staff_client: httpx.AsyncClient,
) -> None:
    first = await asyncio.to_thread(make_account, "coi-handler-a", "handler")
    await asyncio.to_thread(make_account, "coi-handler-b", "handler")
    report = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, report.report_number)
    a = await staff_id(staff_client, "coi-handler-a")
    b = await staff_id(staff_client, "coi-handler-b")
    url = f"/api/v1/cases/{case['id']}/assignment"

    token = await asyncio.to_thread(api_login, base_url("cases"), first)
    async with httpx.AsyncClient(
        base_url=base_url("cases"), timeout=10, headers={"authorization": f"Bearer {token}"}
    ) as handler_a:
        declared = await handler_a.post(
            f"/api/v1/cases/{case['id']}/conflicts", json={"note": "Terlapor adalah ipar saya"}
        )
        assert declared.status_code == 204
    refused = await staff_client.post(url, json={"assignee_id": a})
    assert refused.status_code == 409 and "conflict" in refused.json()["detail"]

    assert (await staff_client.post(url, json={"assignee_id": b})).status_code == 200
    no_reason = await staff_client.post(url, json={"assignee_id": a})
    assert no_reason.status_code in (409, 422)
    c = await staff_client.post(
        f"/api/v1/cases/{case['id']}/assignment",
        json={"assignee_id": str(uuid.uuid4()), "reason": "x" * 12},
    )
    assert c.status_code == 422

    assigned = await events_about("case.assigned", report.report_id, 1)
    assert assigned[0]["payload"]["assignee_id"] == b
    assert assigned[0]["payload"]["reassignment"] is False
    history = (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()["history"]
    assert {"conflict_declared", "assigned"} <= {h["action"] for h in history}


async def test_overdue_cases_get_one_deadline_notice_per_stage_and_state(
    staff_client: httpx.AsyncClient,
) -> None:
    report = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, report.report_number)
    assert case["stage"] == "verification" and case["due_on"]
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        await conn.execute(
            "UPDATE cases SET due_on = $2 WHERE id = $1",
            uuid.UUID(case["id"]),
            date.today() - timedelta(days=3),
        )
        for _ in range(2):
            done = await asyncio.to_thread(
                subprocess.run, [CLI, "check-deadlines"], capture_output=True, text=True, check=True
            )
            assert "deadline notices published" in done.stdout
        notices = await conn.fetchval(
            "SELECT count(*) FROM deadline_notices WHERE case_id = $1", uuid.UUID(case["id"])
        )
    finally:
        await conn.close()
    assert notices == 1
    listed = await staff_client.get(
        "/api/v1/cases", params={"overdue": "true", "q": report.report_number}
    )
    assert [c["deadline_flag"] for c in listed.json()["items"]] == ["overdue"]
    due = await events_about("case.deadline_due", report.report_id, 2, timeout=8)
    assert len(due) == 1
    assert due[0]["payload"]["state"] == "overdue"
    assert due[0]["payload"]["stage"] == "verification"


async def test_new_staff_accounts_are_published_for_notifications(
    services: dict[str, ServiceProcess],
) -> None:
    from aiokafka import AIOKafkaConsumer

    username = f"notify-{uuid.uuid4().hex[:6]}"
    await asyncio.to_thread(make_account, username, "viewer")
    consumer = AIOKafkaConsumer(
        "staff.changed",
        **kafka_options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        found = False
        loop = asyncio.get_running_loop()
        end = loop.time() + 15
        while not found and loop.time() < end:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found = found or any(username.encode() in r.value for r in records)
    finally:
        await consumer.stop()
    assert found


async def test_the_api_is_described_by_openapi(services: dict[str, ServiceProcess]) -> None:
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        schema = (await c.get("/schema/openapi.json")).json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{case_id}/transitions",
        "/api/v1/cases/{case_id}/assignment",
        "/api/v1/cases/{case_id}/messages",
        "/api/v1/cases/{case_id}/contacts",
        "/api/v1/cases/{case_id}/identity",
        "/api/v1/dashboard",
        "/api/v1/export.csv",
        "/api/v1/audit",
        "/api/v1/manual-reports",
        "/api/v1/auth/login",
    ):
        assert path in paths, path
    assert not any(p.startswith("/console") for p in paths)


async def test_a_key_rotation_while_running_keeps_old_cases_readable_and_opens_new_ones(
    staff_client: httpx.AsyncClient,
) -> None:
    before = await publish_report(sample_report())
    old_case, _ = await wait_for_case(staff_client, before.report_number)
    done = await asyncio.to_thread(
        subprocess.run, [CLI, "keys", "generate"], capture_output=True, text=True, check=True
    )
    assert "is current" in done.stdout
    after = await publish_report(sample_report())  # sealed to the new current key
    new_case, _ = await wait_for_case(staff_client, after.report_number)
    for case in (old_case, new_case):
        detail = await staff_client.get(f"/api/v1/cases/{case['id']}")
        assert detail.status_code == 200
        assert detail.json()["report"]["where"].startswith("Pelabuhan")
