"""Events the cases service publishes about staff accounts."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from peluit_shared import topics
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
