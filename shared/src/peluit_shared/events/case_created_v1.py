"""case.created version 1 (it carried the category and the channel in clear).

Superseded event versions are frozen as they were: consumers still read them, upgraded.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from peluit_shared import topics
from peluit_shared.events import cases as current
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

    def upgrade(self) -> current.CaseCreated:
        """Category and channel are dropped: no consumer routes or counts by them."""
        return current.CaseCreated(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=current.CaseCreatedPayload(
                **self.payload.model_dump(exclude={"category", "channel"})
            ),
        )
