"""report.submitted version 2 (before per-case keys: the report sealed to the cases host key).

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
from peluit_shared.events import reports as current
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
    # Since version 2: where the reporter wants a generic "check the portal" notice, as JSON
    # {"email": ..., "language": "id"|"en"} sealed to the notifications service's public key, so
    # only notifications can open it. None: the reporter left no address.
    sealed_notification_contact: SealedData | None = None


class ReportSubmitted(Event):
    TOPIC: ClassVar[str] = topics.REPORT_SUBMITTED

    type: Literal["report.submitted"] = "report.submitted"
    version: Literal[2] = 2
    payload: ReportSubmittedPayload

    def upgrade(self) -> current.ReportSubmitted:
        """A legacy report: no case key, content (identity included) sealed to the host key."""
        return current.ReportSubmitted(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=current.ReportSubmittedPayload(**self.payload.model_dump()),
        )
