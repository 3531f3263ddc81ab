"""Events the cases service publishes about cases."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events.base import Event, Payload

CaseStatus = Literal[
    "received",
    "verifying",
    "needs_info",
    "reviewing",
    "investigating",
    "referred",
    "not_actionable",
    "concluded",
    "archived",
]
# What the reporter is shown (ARCHITECTURE §3): Diterima, Diproses, Perlu Kelengkapan,
# Ditindaklanjuti, Dilimpahkan, Selesai. None: nothing changes for the reporter (archiving).
PublicStatus = Literal["received", "in_process", "needs_info", "followed_up", "referred", "closed"]


class CaseCreatedPayload(Payload):
    # Since version 2 without the category and the channel: its only consumer (notifications)
    # neither routes nor counts by them, and in clear on Kafka they said what each report is
    # about. Statistics are made by cases from its own database.
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    status: Literal["received"]


class CaseCreated(Event):
    """The team has a new case (notifications tells the coordinators)."""

    TOPIC: ClassVar[str] = topics.CASE_CREATED

    type: Literal["case.created"] = "case.created"
    version: Literal[2] = 2
    payload: CaseCreatedPayload


class CasePurgedPayload(Payload):
    case_id: uuid.UUID
    report_id: uuid.UUID


class CasePurged(Event):
    """A case's retention ended: its evidence and copies are to be destroyed."""

    TOPIC: ClassVar[str] = topics.CASE_PURGED

    type: Literal["case.purged"] = "case.purged"
    version: Literal[1] = 1
    payload: CasePurgedPayload


class CaseStatusChangedPayload(Payload):
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    from_status: CaseStatus
    to_status: CaseStatus
    public_status: PublicStatus | None


class CaseStatusChanged(Event):
    """A workflow transition; intake shows `public_status` to the reporter."""

    TOPIC: ClassVar[str] = topics.CASE_STATUS_CHANGED

    type: Literal["case.status_changed"] = "case.status_changed"
    version: Literal[1] = 1
    payload: CaseStatusChangedPayload


class CaseMessageToReporterPayload(Payload):
    message_id: uuid.UUID
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    # question: the team needs an answer (Perlu Kelengkapan); message: information only.
    kind: Literal["question", "message"]
    # The text sealed to the reporter's public key (report.submitted's reporter_public_key).
    sealed_message: SealedData


class CaseMessageToReporter(Event):
    TOPIC: ClassVar[str] = topics.CASE_MESSAGE_TO_REPORTER

    type: Literal["case.message_to_reporter"] = "case.message_to_reporter"
    version: Literal[1] = 1
    payload: CaseMessageToReporterPayload


class CaseAssignedPayload(Payload):
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    assignee_id: uuid.UUID
    assigned_by_id: uuid.UUID
    reassignment: bool


class CaseAssigned(Event):
    TOPIC: ClassVar[str] = topics.CASE_ASSIGNED

    type: Literal["case.assigned"] = "case.assigned"
    version: Literal[1] = 1
    payload: CaseAssignedPayload


class CaseDeadlineDuePayload(Payload):
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    stage: str
    due_on: date
    state: Literal["due_soon", "overdue"]
    assignee_id: uuid.UUID | None


class CaseDeadlineDue(Event):
    TOPIC: ClassVar[str] = topics.CASE_DEADLINE_DUE

    type: Literal["case.deadline_due"] = "case.deadline_due"
    version: Literal[1] = 1
    payload: CaseDeadlineDuePayload
