"""Events the notifications service publishes: a delivery that exhausted its retries."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.events.base import Event, Payload


class NotificationFailedPayload(Payload):
    # No address and no content: operators look the delivery up in the notifications ops API.
    delivery_id: int
    event_id: uuid.UUID
    channel: Literal["email", "inapp", "webhook"]
    recipient_kind: Literal["staff", "reporter", "webhook"]
    attempts: int = Field(ge=1)
    reason: str = Field(max_length=200)


class NotificationFailed(Event):
    """A notification could not be delivered within the retry budget (a dead letter)."""

    TOPIC: ClassVar[str] = topics.NOTIFICATION_FAILED

    type: Literal["notification.failed"] = "notification.failed"
    version: Literal[1] = 1
    payload: NotificationFailedPayload
