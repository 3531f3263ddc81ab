"""The Kafka subscriptions: one idempotent consumer for every topic, each topic to its handler."""

from __future__ import annotations

from typing import Any

from peluit_notifications.service import handlers
from peluit_notifications.service.planning import Plan
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.consumer import Route, subscribe_routes
from peluit_shared.events import (
    CaseAssigned,
    CaseCreated,
    CaseDeadlineDue,
    CaseMessageToReporter,
    CaseStatusChanged,
    EvidenceStored,
    ReportFollowupPosted,
    ReportSubmitted,
    StaffChanged,
)
from peluit_shared.runtime import ServiceRuntime


def register_subscribers(
    runtime: ServiceRuntime, settings: NotificationsSettings, plan: Plan
) -> None:
    routes: list[tuple[Any, Any]] = [
        (StaffChanged, handlers.staff_changed),
        (ReportSubmitted, handlers.report_submitted),
        (CaseCreated, handlers.case_created(plan)),
        (CaseAssigned, handlers.case_assigned(plan)),
        (ReportFollowupPosted, handlers.followup_posted(plan)),
        (EvidenceStored, handlers.evidence_stored(plan)),
        (CaseDeadlineDue, handlers.deadline_due(plan)),
        (CaseStatusChanged, handlers.status_changed(plan)),
        (CaseMessageToReporter, handlers.message_to_reporter(plan)),
    ]
    # One consumer for every topic: the group is joined once, so start-up stays quick.
    subscribe_routes(
        runtime.broker,
        group_id=settings.kafka_group_id,
        routes=[Route(model.TOPIC, model, handler) for model, handler in routes],
        pool_getter=lambda: runtime.pool,
        verifier=runtime.verifier,
        max_attempts=settings.consumer_max_attempts,
    )
