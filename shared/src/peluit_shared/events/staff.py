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
    # Since version 2: how the person wants to be told. A daily digest also hides when reports
    # arrive.
    notification_mode: Literal["immediate", "daily_digest"] = "immediate"
    language: Literal["id", "en"] = "id"
    # Since version 3: the person's X25519 public key (base64; intake wraps each new case's key
    # to every active coordinator's) and whether they are an identity custodian (the identity
    # key of each new case is wrapped to custodians). None: no key pair yet.
    public_key: str | None = None
    custodian: bool = False


class StaffChanged(Event):
    """A staff account was created or changed; notifications keeps a contact projection."""

    TOPIC: ClassVar[str] = topics.STAFF_CHANGED

    type: Literal["staff.changed"] = "staff.changed"
    version: Literal[3] = 3
    payload: StaffChangedPayload

    def partition_key(self) -> bytes:
        return str(self.payload.staff_id).encode()
