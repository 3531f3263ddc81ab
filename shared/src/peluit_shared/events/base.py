"""The envelope every Peluit event shares: id, type, version, time, correlation and payload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


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
