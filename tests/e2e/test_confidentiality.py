"""The intake database and the Kafka topic hold ciphertext only; logs hold no client data."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from peluit_shared.topics import REPORT_SUBMITTED
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import KAFKA_BOOTSTRAP, ServiceProcess, service_dsn

pytestmark = pytest.mark.stack


async def topic_bytes(topic: str, last: int = 50) -> bytes:
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA_BOOTSTRAP, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not parts:
            await consumer._client.force_metadata_update()
            parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        for tp in parts:
            consumer.seek(tp, max(0, ends[tp] - last))
        data = b""
        batch = await consumer.getmany(timeout_ms=2000, max_records=10_000)
        for records in batch.values():
            for r in records:
                data += (r.key or b"") + (r.value or b"")
        return data
    finally:
        await consumer.stop()


async def test_report_content_and_identity_are_never_stored_or_sent_in_clear(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    marker = f"RAHASIA{uuid.uuid4().hex}"
    name = f"Pelapor{uuid.uuid4().hex[:8]}"
    accepted = await submit(intake_client, sample_report(
        marker=marker, identity={"name": name, "email": f"{name}@example.com"}))
    await wait_for_case(staff_client, accepted["report_number"])

    intake = await asyncpg.connect(service_dsn("intake"))
    try:
        rows = await intake.fetch("SELECT * FROM reports WHERE report_number = $1",
                                  accepted["report_number"])
        outbox = await intake.fetch("SELECT payload, headers FROM outbox")
    finally:
        await intake.close()
    assert len(rows) == 1
    raw_rows = repr([dict(r) for r in rows]) + repr([dict(r) for r in outbox])
    on_topic = await topic_bytes(REPORT_SUBMITTED)
    digits = accepted["receipt"].replace("-", "")
    for secret in (marker, name, "Budi Santoso", digits):
        assert secret not in raw_rows
        assert secret.encode() not in on_topic
    assert accepted["report_number"].encode() in on_topic  # the topic was really read


async def test_logs_carry_no_user_agent_or_client_address(
    services: dict[str, ServiceProcess], intake_client: httpx.AsyncClient
) -> None:
    agent = f"Mozilla/5.0 LogMarker{uuid.uuid4().hex}"
    r = await intake_client.post("/api/v1/reports", json=sample_report(),
                                 headers={"user-agent": agent, "x-forwarded-for": "203.0.113.9"})
    assert r.status_code == 201
    await intake_client.post("/api/v1/reports", content=b"{", headers={"user-agent": agent})
    for proc in services.values():
        text = proc.log_text()
        assert agent not in text
        assert "203.0.113.9" not in text
