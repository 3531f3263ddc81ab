"""staff.changed version 1 (before notification preferences).

Superseded event versions are frozen as they were: consumers still read them, upgraded.
Each class keeps its original name (its frozen contract names it) and gains `upgrade()`, which
returns the same event in the next version. Producers only ever publish the current versions.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from peluit_shared import topics
from peluit_shared.events import staff_changed_v2 as next_staff
from peluit_shared.events.base import Event, Payload


class StaffChangedPayload(Payload):
    staff_id: uuid.UUID
    username: str
    role: Literal["admin", "coordinator", "handler", "viewer"]
    email: str | None
    active: bool


class StaffChanged(Event):
    """A staff account was created or changed; notifications keeps a contact projection."""

    TOPIC: ClassVar[str] = topics.STAFF_CHANGED

    type: Literal["staff.changed"] = "staff.changed"
    version: Literal[1] = 1
    payload: StaffChangedPayload

    def partition_key(self) -> bytes:
        return str(self.payload.staff_id).encode()

    def upgrade(self) -> next_staff.StaffChanged:
        return next_staff.StaffChanged(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=next_staff.StaffChangedPayload(**self.payload.model_dump()),
        )
