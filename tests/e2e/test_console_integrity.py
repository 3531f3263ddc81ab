"""Integrity: the audit chain detects tampering, stale updates are refused, poison events
are dead-lettered without blocking other reports, repeated failures lock an account."""

from __future__ import annotations

import asyncio
import io
import subprocess
import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from peluit_shared.crypto import SealedData, key_id_of
from peluit_shared.events import ReportSubmitted
from peluit_shared.events.reports import ReportSubmittedPayload
from tests.support.console import (
    CLI,
    api_login,
    cases_public_key,
    make_account,
    new_report_number,
    publish,
    publish_report,
    totp_code,
)
from tests.support.kafka import kafka_options
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import ServiceProcess, admin_dsn, service_dsn

pytestmark = pytest.mark.stack


def verify_audit() -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "verify-audit"], capture_output=True, text=True, check=False)


async def test_the_audit_log_refuses_changes_and_verify_names_a_tampered_row(
    staff_client: httpx.AsyncClient,
) -> None:
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number)
    assert (await staff_client.get(f"/api/v1/cases/{case['id']}")).status_code == 200
    ok = await asyncio.to_thread(verify_audit)
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout

    service = await asyncpg.connect(service_dsn("cases"))
    try:
        row_id, original = await service.fetchrow(
            "SELECT id, detail::text FROM audit.entries WHERE case_id = $1 "
            "AND action = 'case_viewed' ORDER BY id DESC LIMIT 1",
            uuid.UUID(case["id"]),
        )
        # The service's own role cannot rewrite history: it may only read and append.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await service.execute(
                "UPDATE audit.entries SET action = 'nothing' WHERE id = $1", row_id
            )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await service.execute("DELETE FROM audit.entries WHERE id = $1", row_id)
    finally:
        await service.close()

    admin = await asyncpg.connect(admin_dsn("peluit_cases"))
    try:
        async with admin.transaction():
            await admin.execute("ALTER TABLE audit.entries DISABLE TRIGGER entries_no_update")
            await admin.execute(
                """UPDATE audit.entries SET detail = '{"content": false}'::jsonb WHERE id = $1""",
                row_id,
            )
            await admin.execute("ALTER TABLE audit.entries ENABLE TRIGGER entries_no_update")
        broken = await asyncio.to_thread(verify_audit)
        assert broken.returncode != 0
        assert f"BROKEN at entry {row_id} " in broken.stderr
    finally:
        # Put the row back so the chain (and later runs) verify again.
        async with admin.transaction():
            await admin.execute("ALTER TABLE audit.entries DISABLE TRIGGER entries_no_update")
            await admin.execute(
                "UPDATE audit.entries SET detail = $2::jsonb WHERE id = $1", row_id, original
            )
            await admin.execute("ALTER TABLE audit.entries ENABLE TRIGGER entries_no_update")
        await admin.close()
    assert (await asyncio.to_thread(verify_audit)).returncode == 0


async def test_a_stale_version_is_refused_and_nothing_is_lost(
    staff_client: httpx.AsyncClient,
) -> None:
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number)
    url = f"/api/v1/cases/{case['id']}/transitions"
    version = case["version"]
    first = await staff_client.post(
        url, json={"to": "verifying", "note": "Saya duluan"}, headers={"if-match": str(version)}
    )
    assert first.status_code == 200 and first.json()["version"] == version + 1
    stale = await staff_client.post(
        url,
        json={
            "to": "not_actionable",
            "note": "Saya juga",
            "reason": "Tidak memenuhi unsur 4W+1H",
            "version": version,
        },
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version + 1
    detail = (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()
    assert detail["status"] == "verifying"


async def test_two_concurrent_steps_on_one_version_one_wins(
    staff_client: httpx.AsyncClient,
) -> None:
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number)
    url = f"/api/v1/cases/{case['id']}/transitions"
    body = {"to": "verifying", "note": "Bersamaan", "version": case["version"]}
    answers = await asyncio.gather(*(staff_client.post(url, json=body) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]


async def test_an_illegal_step_lists_the_allowed_ones(staff_client: httpx.AsyncClient) -> None:
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number)
    url = f"/api/v1/cases/{case['id']}/transitions"
    r = await staff_client.post(url, json={"to": "concluded", "note": "Langsung selesai"})
    assert r.status_code == 409
    assert r.json()["allowed"] == ["verifying", "not_actionable"]
    no_reason = await staff_client.post(url, json={"to": "not_actionable", "note": "Tutup"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    no_note = await staff_client.post(url, json={"to": "verifying", "note": ""})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    bad = await staff_client.post(url, json={"to": "somewhere", "note": "x"})
    assert bad.status_code == 422


async def test_asking_a_reporter_without_a_mailbox_key_is_refused(
    services: dict[str, ServiceProcess], staff_client: httpx.AsyncClient
) -> None:
    report = await publish_report(sample_report(), with_reporter_key=False)
    case, _ = await wait_for_case(staff_client, report.report_number)
    detail = (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()
    assert detail["can_message"] is False
    asked = await staff_client.post(
        f"/api/v1/cases/{case['id']}/messages", json={"kind": "question", "text": "Siapa saksinya?"}
    )
    assert asked.status_code == 409
    assert "mailbox" in asked.json()["detail"]


async def dead_letters(marker: str, timeout: float = 15.0) -> list[dict[str, str]]:
    consumer = AIOKafkaConsumer(
        "report.submitted.dlq",
        **kafka_options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    if marker.encode() in record.value:
                        return [{k: v.decode() for k, v in record.headers}]
        return []
    finally:
        await consumer.stop()


async def test_an_undecryptable_report_is_dead_lettered_and_the_next_report_still_arrives(
    staff_client: httpx.AsyncClient,
    services: dict[str, ServiceProcess],
) -> None:
    report_id = uuid.uuid4()
    number = new_report_number()
    garbage = SealedData(key_id=key_id_of(cases_public_key()), ciphertext=b"\x00" * 80)
    await publish(
        ReportSubmitted(
            correlation_id=report_id,
            payload=ReportSubmittedPayload(
                report_id=report_id, report_number=number, channel="portal", sealed_report=garbage
            ),
        )
    )
    following = await publish_report(sample_report())

    await wait_for_case(staff_client, following.report_number)
    letters = await dead_letters(number)
    assert letters and "cannot be opened" in letters[0]["dlq_reason"]
    r = await staff_client.get("/api/v1/cases", params={"report_number": number})
    assert r.json()["items"] == []


async def test_repeated_failures_lock_the_account(services: dict[str, ServiceProcess]) -> None:
    account = await asyncio.to_thread(make_account, f"lock-{uuid.uuid4().hex[:6]}", "handler")
    async with httpx.AsyncClient(base_url=services["cases"].url, timeout=10) as c:
        for _ in range(5):
            r = await c.post(
                "/api/v1/auth/login",
                json={"username": account.username, "password": account.password, "totp": "000000"},
            )
            assert r.status_code == 401
        right = await c.post(
            "/api/v1/auth/login",
            json={
                "username": account.username,
                "password": account.password,
                "totp": totp_code(account.totp_secret),
            },
        )
        # Locked: the same answer as wrong credentials (no way to tell a locked account).
        assert right.status_code == 401
        assert {**right.json(), "request_id": ""} == {**r.json(), "request_id": ""}
        no_totp = await c.post(
            "/api/v1/auth/login", json={"username": account.username, "password": account.password}
        )
        assert no_totp.status_code == 401


async def test_an_idle_session_expires(services: dict[str, ServiceProcess]) -> None:
    account = await asyncio.to_thread(make_account, f"idle-{uuid.uuid4().hex[:6]}", "viewer")
    token = await asyncio.to_thread(api_login, services["cases"].url, account)
    auth = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=services["cases"].url, timeout=10) as c:
        assert (await c.get("/api/v1/cases", headers=auth)).status_code == 200
        conn = await asyncpg.connect(service_dsn("cases"))
        try:
            await conn.execute(
                "UPDATE staff_sessions SET last_seen = now() - interval '16 minutes' "
                "WHERE user_id = (SELECT id FROM staff_users WHERE username = $1)",
                account.username,
            )
        finally:
            await conn.close()
        assert (await c.get("/api/v1/cases", headers=auth)).status_code == 401


async def test_the_xlsx_register_has_no_identities_or_content(
    staff_client: httpx.AsyncClient,
) -> None:
    from openpyxl import load_workbook

    identity = {"name": "Nama Rahasia Pelapor", "phone": "+62 812 0000 2222"}
    report = await publish_report(sample_report(identity=identity))
    await wait_for_case(staff_client, report.report_number)
    r = await staff_client.get("/api/v1/export.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["report_number", "received_at", "channel", "category", "status"]
    assert any(row[0] == report.report_number for row in rows)
    flat = str(rows)
    assert "Nama Rahasia" not in flat and "Budi Santoso" not in flat and "pelicin" not in flat
