"""Events the cases service publishes about cases."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from peluit_shared import topics
from peluit_shared.events.base import Event, Payload


class CaseCreatedPayload(Payload):
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    status: Literal["received"]
    category: str
    channel: str


class CaseCreated(Event):
    TOPIC: ClassVar[str] = topics.CASE_CREATED

    type: Literal["case.created"] = "case.created"
    version: Literal[1] = 1
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
