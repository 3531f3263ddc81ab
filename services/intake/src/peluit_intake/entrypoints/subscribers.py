"""Kafka subscribers of the intake service: validate, then hand to a use case."""

from __future__ import annotations

from peluit_intake.service.case_events import deliver_message, record_status
from peluit_intake.service.case_keys import record_staff_key
from peluit_intake.service.evidence import record_direct_upload
from peluit_intake.wiring import Intake
from peluit_shared.consumer import Route, subscribe_routes
from peluit_shared.events import (
    CaseMessageToReporter,
    CaseStatusChanged,
    EvidenceStored,
    StaffChanged,
)


def register_subscribers(intake: Intake) -> None:
    # One consumer for every topic: the group is joined once, so start-up stays quick.
    subscribe_routes(
        intake.runtime.broker,
        group_id=intake.settings.kafka_group_id,
        routes=[
            Route(CaseStatusChanged.TOPIC, CaseStatusChanged, record_status),
            Route(CaseMessageToReporter.TOPIC, CaseMessageToReporter, deliver_message),
            Route(EvidenceStored.TOPIC, EvidenceStored, record_direct_upload),
            Route(StaffChanged.TOPIC, StaffChanged, record_staff_key),
        ],
        pool_getter=lambda: intake.runtime.pool,
        verifier=intake.runtime.verifier,
        max_attempts=intake.settings.consumer_max_attempts,
    )
