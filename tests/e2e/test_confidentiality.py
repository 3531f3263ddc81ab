"""The intake database and the Kafka topic hold ciphertext only; logs hold no client data."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from peluit_shared.topics import REPORT_SUBMITTED
from tests.support.kafka import topic_records
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ServiceProcess, service_dsn

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
