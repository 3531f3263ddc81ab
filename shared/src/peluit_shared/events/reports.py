"""Events the intake service publishes about reports."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events.base import Event, Payload

Channel = Literal["portal", "api", "letter", "phone", "email", "in_person"]


class ReportSubmittedPayload(Payload):
    report_id: uuid.UUID
    report_number: str = Field(pattern=r"^WBS-\d{4}-\d{6,}$")
    channel: Channel
    # The full report (4W+1H and identity) sealed to the cases service's public key.
    sealed_report: SealedData


class ReportSubmitted(Event):
    TOPIC: ClassVar[str] = topics.REPORT_SUBMITTED

    type: Literal["report.submitted"] = "report.submitted"
    version: Literal[1] = 1
    payload: ReportSubmittedPayload
