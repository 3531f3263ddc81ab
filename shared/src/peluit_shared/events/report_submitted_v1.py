"""report.submitted version 1 (before the notification contact).

Superseded event versions are frozen as they were: consumers still read them, upgraded.
Each class keeps its original name (its frozen contract names it) and gains `upgrade()`, which
returns the same event in the next version. Producers only ever publish the current versions.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events import report_submitted_v2 as current
from peluit_shared.events.base import Event, Payload
from peluit_shared.events.reports import Channel


class ReportSubmittedPayload(Payload):
    report_id: uuid.UUID
    report_number: str = Field(pattern=r"^WBS-\d{4}-\d{6,}$")
    channel: Channel
    # The full report (4W+1H and identity) sealed to the cases service's public key.
    sealed_report: SealedData
    # The reporter's X25519 public key (base64, derived from the receipt): the team's messages
    # are sealed to it, so only the holder of the receipt can read them. None: nobody to answer.
    reporter_public_key: str | None = None


class ReportSubmitted(Event):
    TOPIC: ClassVar[str] = topics.REPORT_SUBMITTED

    type: Literal["report.submitted"] = "report.submitted"
    version: Literal[1] = 1
    payload: ReportSubmittedPayload

    def upgrade(self) -> current.ReportSubmitted:
        return current.ReportSubmitted(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=current.ReportSubmittedPayload(**self.payload.model_dump()),
        )
