"""Replayed events change nothing twice, also where no unique key would stop a second row.

Kafka delivers at least once (a consumer killed before it commits its offset gets the batch
again). The reporter's status history (intake) and the case history (cases) are plain appends:
only the consumer's `processed_events` record keeps a replay from adding a row. Each event is
published three times, then a later event on the same partition; once that one is applied, the
replays before it have been consumed, and the rows are counted."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from peluit_shared.events import EvidenceAccessed
from peluit_shared.events.evidence import EvidenceAccessedPayload
from tests.support.console import publish_report
from tests.support.kafka import publish
from tests.support.portal import eventually, send_status, submitted_event
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import service_dsn

pytestmark = pytest.mark.stack


async def count(service: str, sql: str, *args: object) -> int:
    conn = await asyncpg.connect(service_dsn(service))
    try:
        return int(await conn.fetchval(sql, *args))
    finally:
        await conn.close()


async def test_a_replayed_status_change_adds_one_row_to_the_reporters_history(
    intake_client: httpx.AsyncClient,
) -> None:
    accepted = await submit(intake_client, sample_report())
    submitted = await submitted_event(accepted["report_number"])
    report_id = submitted.payload.report_id
    history = "SELECT count(*) FROM status_history WHERE report_id = $1 AND public_status = $2"
    before = await count("intake", history, report_id, "in_process")
    # Intake itself skips a status equal to the last one, so each replay follows another step:
    # only the consumer's record of the event keeps it from becoming a line again.
    first = await send_status(submitted, "verifying", "in_process")
    second = await send_status(submitted, "needs_info", "needs_info")
    for event in (first, second, first, second):
        await publish(event)  # the same events (same ids) again
    await send_status(submitted, "investigating", "followed_up")  # the marker after the replays

    async def marker_applied() -> bool | None:
        return await count("intake", history, report_id, "followed_up") == 1 or None

    await eventually(marker_applied, timeout=30)
    assert await count("intake", history, report_id, "in_process") == before + 1
    assert await count("intake", history, report_id, "needs_info") == 1


async def test_a_replayed_evidence_access_adds_one_row_to_the_case_history(
    staff_client: httpx.AsyncClient,
) -> None:
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number, timeout=30)
    case_id = uuid.UUID(case["id"])

    def accessed(evidence_id: uuid.UUID) -> EvidenceAccessed:
        return EvidenceAccessed(
            correlation_id=published.report_id,
            payload=EvidenceAccessedPayload(
                evidence_id=evidence_id,
                report_id=published.report_id,
                case_id=case_id,
                staff_id=uuid.uuid4(),
            ),
        )

    replayed, marker = accessed(uuid.uuid4()), accessed(uuid.uuid4())
    for _ in range(3):
        await publish(replayed)
    await publish(marker)
    # The note is sealed to the case key; each event names its own staff member (the actor).
    rows = (
        "SELECT count(*) FROM case_history WHERE case_id = $1"
        " AND action = 'evidence_accessed' AND actor = $2"
    )

    async def marker_applied() -> bool | None:
        return await count("cases", rows, case_id, str(marker.payload.staff_id)) == 1 or None

    await eventually(marker_applied, timeout=30)
    assert await count("cases", rows, case_id, str(replayed.payload.staff_id)) == 1
