"""The intake database and the Kafka topic hold ciphertext only; logs hold no client data."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from peluit_shared.topics import REPORT_SUBMITTED
from tests.support.evidence import jpeg_parts
from tests.support.kafka import topic_records
from tests.support.portal import api_sign_in, eventually, submitted_event
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import DATA, ServiceProcess, service_dsn

pytestmark = pytest.mark.stack


async def test_report_content_and_identity_are_never_stored_or_sent_in_clear(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    marker = f"RAHASIA{uuid.uuid4().hex}"
    name = f"Pelapor{uuid.uuid4().hex[:8]}"
    accepted = await submit(
        intake_client,
        sample_report(marker=marker, identity={"name": name, "email": f"{name}@example.com"}),
    )
    await wait_for_case(staff_client, accepted["report_number"])

    intake = await asyncpg.connect(service_dsn("intake"))
    try:
        rows = await intake.fetch(
            "SELECT * FROM reports WHERE report_number = $1", accepted["report_number"]
        )
        outbox = await intake.fetch("SELECT payload, headers FROM outbox")
    finally:
        await intake.close()
    assert len(rows) == 1
    raw_rows = repr([dict(r) for r in rows]) + repr([dict(r) for r in outbox])
    on_topic = b"".join(await topic_records(REPORT_SUBMITTED, last=50))
    digits = accepted["receipt"].replace("-", "")
    for secret in (marker, name, "Budi Santoso", digits):
        assert secret not in raw_rows
        assert secret.encode() not in on_topic
    assert accepted["report_number"].encode() in on_topic  # the topic was really read


async def test_logs_carry_no_user_agent_or_client_address(
    services: dict[str, ServiceProcess], intake_client: httpx.AsyncClient
) -> None:
    agent = f"Mozilla/5.0 LogMarker{uuid.uuid4().hex}"
    r = await intake_client.post(
        "/api/v1/reports",
        json=sample_report(),
        headers={"user-agent": agent, "x-forwarded-for": "203.0.113.9"},
    )
    assert r.status_code == 201
    await intake_client.post("/api/v1/reports", content=b"{", headers={"user-agent": agent})
    for proc in services.values():
        text = proc.log_text()
        assert agent not in text
        assert "203.0.113.9" not in text


async def test_logs_are_private_and_name_no_report_in_a_reporters_actions(
    services: dict[str, ServiceProcess], intake_client: httpx.AsyncClient
) -> None:
    """Reporting, signing in, answering and adding evidence leave no report id, number or file
    id in any service's log (with the exact time of each line, they would say who did what
    when), and every log file is readable by its owner only."""
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    auth = {"authorization": f"Bearer {token}"}
    posted = await intake_client.post(
        "/api/v1/mailbox/followups",
        json={"kind": "information", "text": "Informasi tambahan."},
        headers=auth,
    )
    assert posted.status_code == 201, posted.text
    photo, _ = jpeg_parts(uuid.uuid4().hex)
    added = await intake_client.post(
        "/api/v1/mailbox/evidence",
        content=photo,
        headers={**auth, "x-filename": "foto.jpg", "content-type": "image/jpeg"},
    )
    assert added.status_code == 201, added.text
    report_id = (await submitted_event(accepted["report_number"])).payload.report_id
    await eventually(lambda: _evidence_consumed(added.json()["evidence_id"]), timeout=30)
    await intake_client.delete("/api/v1/mailbox/session", headers=auth)
    traces = (
        str(report_id),
        report_id.hex,
        accepted["report_number"],
        added.json()["evidence_id"],
        accepted["receipt"],
    )
    for proc in services.values():
        text = proc.log_text()
        assert "Started server process" in text  # the right file was read
        for trace in traces:
            assert trace not in text, (proc.name, trace)
    logs = sorted(p for p in (DATA / "logs").iterdir() if p.is_file())
    assert {f"test-{name}.log" for name in services} <= {p.name for p in logs}
    loose = {p.name: oct(p.stat().st_mode & 0o777) for p in logs if p.stat().st_mode & 0o077}
    assert not loose, loose


async def _evidence_consumed(evidence_id: str) -> bool | None:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        found = await conn.fetchval(
            "SELECT 1 FROM evidence WHERE evidence_id = $1", uuid.UUID(evidence_id)
        )
    finally:
        await conn.close()
    return True if found else None
