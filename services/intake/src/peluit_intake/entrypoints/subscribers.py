"""Kafka subscribers of the intake service: validate, then hand to a use case."""

from __future__ import annotations

from peluit_intake.service.case_events import deliver_message, record_status
from peluit_intake.service.evidence import record_direct_upload
from peluit_intake.wiring import Intake
from peluit_shared.consumer import subscribe
from peluit_shared.events import CaseMessageToReporter, CaseStatusChanged, EvidenceStored
from peluit_shared.topics import CASE_MESSAGE_TO_REPORTER, CASE_STATUS_CHANGED, EVIDENCE_STORED


def register_subscribers(intake: Intake) -> None:
    common = {
        "group_id": intake.settings.kafka_group_id,
        "pool_getter": lambda: intake.runtime.pool,
        "max_attempts": intake.settings.consumer_max_attempts,
    }
    subscribe(intake.runtime.broker, topic=CASE_STATUS_CHANGED, model=CaseStatusChanged,
              handler=record_status, **common)  # type: ignore[arg-type]
    subscribe(intake.runtime.broker, topic=CASE_MESSAGE_TO_REPORTER, model=CaseMessageToReporter,
              handler=deliver_message, **common)  # type: ignore[arg-type]
    subscribe(intake.runtime.broker, topic=EVIDENCE_STORED, model=EvidenceStored,
              handler=record_direct_upload, **common)  # type: ignore[arg-type]
