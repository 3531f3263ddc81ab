"""Kafka subscribers of the cases service: validate, then hand to a use case."""

from __future__ import annotations

import asyncpg

from peluit_cases.service.evidence import receive_evidence
from peluit_cases.service.intake_events import open_case
from peluit_cases.service.mailbox import receive_followup
from peluit_cases.wiring import Cases
from peluit_shared.consumer import subscribe
from peluit_shared.events import EvidenceStored, ReportFollowupPosted, ReportSubmitted
from peluit_shared.topics import EVIDENCE_STORED, REPORT_FOLLOWUP_POSTED, REPORT_SUBMITTED


def register_subscribers(cases: Cases) -> None:
    async def on_report_submitted(conn: asyncpg.Connection, event: ReportSubmitted) -> None:
        await open_case(conn, cases.keys(), event, cases.calendar,
                        cases.settings.reporter_update_days)

    async def on_followup(conn: asyncpg.Connection, event: ReportFollowupPosted) -> None:
        await receive_followup(conn, cases.keys(), event)

    subscribe(
        cases.runtime.broker,
        topic=REPORT_SUBMITTED,
        group_id=cases.settings.kafka_group_id,
        model=ReportSubmitted,
        pool_getter=lambda: cases.runtime.pool,
        handler=on_report_submitted,
        max_attempts=cases.settings.consumer_max_attempts,
    )
    subscribe(
        cases.runtime.broker,
        topic=REPORT_FOLLOWUP_POSTED,
        group_id=cases.settings.kafka_group_id,
        model=ReportFollowupPosted,
        pool_getter=lambda: cases.runtime.pool,
        handler=on_followup,
        max_attempts=cases.settings.consumer_max_attempts,
    )
    subscribe(
        cases.runtime.broker,
        topic=EVIDENCE_STORED,
        group_id=cases.settings.kafka_group_id,
        model=EvidenceStored,
        pool_getter=lambda: cases.runtime.pool,
        handler=receive_evidence,
        max_attempts=cases.settings.consumer_max_attempts,
    )
