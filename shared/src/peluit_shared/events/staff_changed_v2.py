"""staff.changed version 2 (before the staff member's public key and the custodian flag).

Superseded event versions are frozen as they were: consumers still read them, upgraded.
Each class keeps its original name (its frozen contract names it) and gains `upgrade()`, which
returns the same event in the next version. Producers only ever publish the current versions.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from peluit_shared import topics
from peluit_shared.events import staff as current_staff
from peluit_shared.events.base import Event, Payload


class StaffChangedPayload(Payload):
    staff_id: uuid.UUID
    username: str
    role: Literal["admin", "coordinator", "handler", "viewer"]
    email: str | None
    active: bool
    # Since version 2: how the person wants to be told. A daily digest also hides when reports
    # arrive.
    notification_mode: Literal["immediate", "daily_digest"] = "immediate"
    language: Literal["id", "en"] = "id"


class StaffChanged(Event):
    """A staff account was created or changed; notifications keeps a contact projection."""

    TOPIC: ClassVar[str] = topics.STAFF_CHANGED

    type: Literal["staff.changed"] = "staff.changed"
    version: Literal[2] = 2
    payload: StaffChangedPayload

    def partition_key(self) -> bytes:
        return str(self.payload.staff_id).encode()

    def upgrade(self) -> current_staff.StaffChanged:
        return current_staff.StaffChanged(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=current_staff.StaffChangedPayload(**self.payload.model_dump()),
        )
