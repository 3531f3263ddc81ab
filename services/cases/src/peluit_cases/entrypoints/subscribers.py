"""Kafka subscribers of the cases service: validate, then hand to a use case."""

from __future__ import annotations

from typing import Any

import asyncpg

from peluit_cases.service.commands import ReceiveFollowup
from peluit_cases.service.evidence import receive_evidence, record_access
from peluit_cases.service.intake_events import open_case
from peluit_cases.service.mailbox import receive_followup
from peluit_cases.wiring import Cases
from peluit_shared.consumer import Route, subscribe_routes
from peluit_shared.events import (
    EvidenceAccessed,
    EvidenceStored,
    ReportFollowupPosted,
    ReportSubmitted,
)


def register_subscribers(cases: Cases) -> None:
    async def on_report_submitted(conn: asyncpg.Connection, event: ReportSubmitted) -> None:
        await open_case(
            conn, cases.keys(), event, cases.calendar, cases.settings.reporter_update_days
        )

    async def on_followup(conn: asyncpg.Connection, event: ReportFollowupPosted) -> None:
        await receive_followup(ReceiveFollowup(event, cases.keys()), cases.unit_of_work(conn))

    handlers: list[tuple[type[Any], Any]] = [
        (ReportSubmitted, on_report_submitted),
        (ReportFollowupPosted, on_followup),
        (EvidenceStored, receive_evidence),
        (EvidenceAccessed, record_access),
    ]
    # One consumer for every topic: the group is joined once, so start-up stays quick.
    subscribe_routes(
        cases.runtime.broker,
        group_id=cases.settings.kafka_group_id,
        routes=[Route(model.TOPIC, model, handler) for model, handler in handlers],
        pool_getter=lambda: cases.runtime.pool,
        verifier=cases.runtime.verifier,
        max_attempts=cases.settings.consumer_max_attempts,
    )
