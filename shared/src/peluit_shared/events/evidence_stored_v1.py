"""evidence.stored version 1 (before the original file's hash and the detected type).

Superseded event versions are frozen as they were: consumers still read them, upgraded.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events import evidence_stored_v2 as next_evidence
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


class EvidenceStored(Event):
    """An evidence file was encrypted and stored for a report."""

    TOPIC: ClassVar[str] = topics.EVIDENCE_STORED

    type: Literal["evidence.stored"] = "evidence.stored"
    version: Literal[1] = 1
    payload: EvidenceStoredPayload

    def upgrade(self) -> next_evidence.EvidenceStored:
        p = self.payload
        return next_evidence.EvidenceStored(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=next_evidence.EvidenceStoredPayload(
                **p.model_dump(),
                # Version 1 hashed only what it stored: the original is that file when nothing
                # was removed, and unknown otherwise.
                original_sha256=None if p.metadata_removed else p.sha256,
                media_type="application/octet-stream",
                uploaded_by="reporter",
            ),
        )
