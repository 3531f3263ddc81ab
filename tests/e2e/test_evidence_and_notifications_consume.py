"""Evidence and notifications consume their topics through real Kafka, once per event."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import httpx
import pytest

from peluit_shared.events import CasePurged
from peluit_shared.events.cases import CasePurgedPayload
from tests.support.kafka import publish
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ServiceProcess, service_dsn

pytestmark = pytest.mark.stack


async def poll(dsn: str, sql: str, *args: object, want: int, timeout: float = 10.0) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while True:
            got = int(await conn.fetchval(sql, *args))
            if got >= want or time.monotonic() > deadline:
                return got
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


async def test_the_team_gets_an_in_app_notification_for_each_new_case(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    # staff_client's coordinator (made with the real CLI) reached notifications as staff.changed.
    accepted = await submit(intake_client, sample_report())
    await wait_for_case(staff_client, accepted["report_number"])
    n = await poll(
        service_dsn("notifications"),
        """SELECT count(*) FROM inbox i JOIN staff_contacts s USING (staff_id)
                      WHERE i.report_number = $1 AND s.username = 'test-coordinator'""",
        accepted["report_number"],
        want=1,
    )
    assert n == 1


async def test_evidence_records_a_purged_case_once_even_if_the_event_repeats(
    services: dict[str, ServiceProcess],
) -> None:
    report_id = uuid.uuid4()
    event = CasePurged(
        correlation_id=report_id,
        payload=CasePurgedPayload(case_id=uuid.uuid4(), report_id=report_id),
    )
    for _ in range(2):  # as cases (its Kafka user, its signature) would, twice
        await publish(event)
    dsn = service_dsn("evidence")
    assert (
        await poll(dsn, "SELECT count(*) FROM purged_cases WHERE report_id = $1", report_id, want=1)
        == 1
    )
    processed = await poll(
        dsn, "SELECT count(*) FROM processed_events WHERE event_id = $1", event.event_id, want=1
    )
    assert processed == 1
