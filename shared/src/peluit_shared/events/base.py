"""The envelope every Peluit event shares: id, type, version, time, correlation and payload."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

E = TypeVar("E", bound="Event")


class Payload(BaseModel):
    """Base of event payloads: closed to unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Event(BaseModel):
    """A versioned event. Subclasses pin `type`, `version`, the topic and the payload model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    TOPIC: ClassVar[str]

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: uuid.UUID
    payload: Any

    def partition_key(self) -> bytes:
        """Kafka key: events about one report share it, so they stay in order."""
        key = getattr(self.payload, "report_id", None) or self.correlation_id
        return str(key).encode()

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    def upgrade(self) -> Event:
        """An older version returns the same event in the next version (consumers see the newest).

        Only superseded versions implement it; the current version never needs to.
        """
        raise NotImplementedError(f"{type(self).__name__} is the current version")


class UnknownEvent(ValueError):
    """The bytes name an event type or version this consumer does not know."""


def parse_event(body: bytes, current: type[E], older: Sequence[type[Event]] = ()) -> E:
    """Parse `body` as `current` or one of its `older` versions, upgraded to `current`.

    Raises UnknownEvent for another type or an unknown version (a newer producer, a wrong topic)
    and pydantic's ValidationError for a known version with a bad payload.
    """
    try:
        head = json.loads(body)
    except ValueError as exc:
        raise UnknownEvent("not JSON") from exc
    if not isinstance(head, dict):
        raise UnknownEvent("not a JSON object")
    name, version = head.get("type"), head.get("version")
    candidates: tuple[type[Event], ...] = (current, *older)
    for model in candidates:
        if (
            model.model_fields["type"].default == name
            and model.model_fields["version"].default == version
        ):
            event: Event = model.model_validate(head)
            while not isinstance(event, current):
                event = event.upgrade()
            return event
    raise UnknownEvent(f"unknown event type/version: {str(name)[:80]} v{str(version)[:10]}")
