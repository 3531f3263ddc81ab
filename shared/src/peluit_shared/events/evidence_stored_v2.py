"""evidence.stored version 2 (it carried `original_sha256`, the unstripped file's hash, in clear).

Superseded event versions are frozen as they were: consumers still read them, upgraded.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events import evidence as current_evidence
from peluit_shared.events.base import Event, Payload


class EvidenceStoredPayload(Payload):
    evidence_id: uuid.UUID
    report_id: uuid.UUID
    # Size and SHA-256 (hex) of the plaintext as stored, i.e. after metadata removal.
    size_bytes: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    metadata_removed: bool
    # {"filename", "content_type"} sealed to the cases public key: file names can identify people.
    sealed_metadata: SealedData
    # The file's secretstream key sealed to the cases public key; evidence keeps no usable copy.
    sealed_file_key: SealedData
    # SHA-256 of the file as received, before metadata removal (equal to `sha256` when nothing
    # was removed); None only for files stored before it was recorded.
    original_sha256: str | None = Field(pattern=r"^[0-9a-f]{64}$")
    # The type decided from the file's content (magic bytes), not what the client claimed.
    media_type: str = Field(max_length=200)
    # Who sent it: the reporter (a grant from intake) or staff (a grant from cases).
    uploaded_by: Literal["reporter", "staff"]


class EvidenceStored(Event):
    """An evidence file was encrypted and stored for a report."""

    TOPIC: ClassVar[str] = topics.EVIDENCE_STORED

    type: Literal["evidence.stored"] = "evidence.stored"
    version: Literal[2] = 2
    payload: EvidenceStoredPayload

    def upgrade(self) -> current_evidence.EvidenceStored:
        """The original's hash is dropped, not carried on: anyone holding the original file could
        prove with it that it was sent. Consumers that recorded it from v2 keep what they have."""
        return current_evidence.EvidenceStored(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=current_evidence.EvidenceStoredPayload(
                **self.payload.model_dump(exclude={"original_sha256"})
            ),
        )
