"""Events the evidence service publishes about stored and accessed files."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events.base import Event, Payload


class EvidenceStoredPayload(Payload):
    evidence_id: uuid.UUID
    report_id: uuid.UUID
    # Size and SHA-256 (hex) of the plaintext as stored, i.e. after metadata removal.
    size_bytes: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    metadata_removed: bool
    # {"filename", "content_type", "original_sha256"} sealed to the case's (legacy: the cases)
    # public key: file names can identify people, and the SHA-256 of the file as received
    # (before metadata removal) would let anyone holding the original prove it was sent, so
    # since version 3 it travels only in here.
    sealed_metadata: SealedData
    # The file's secretstream key sealed to the cases public key; evidence keeps no usable copy.
    sealed_file_key: SealedData
    # The type decided from the file's content (magic bytes), not what the client claimed.
    media_type: str = Field(max_length=200)
    # Who sent it: the reporter (a grant from intake) or staff (a grant from cases).
    uploaded_by: Literal["reporter", "staff"]


class EvidenceStored(Event):
    """An evidence file was encrypted and stored for a report."""

    TOPIC: ClassVar[str] = topics.EVIDENCE_STORED

    type: Literal["evidence.stored"] = "evidence.stored"
    version: Literal[3] = 3
    payload: EvidenceStoredPayload


class EvidenceAccessedPayload(Payload):
    evidence_id: uuid.UUID
    report_id: uuid.UUID
    case_id: uuid.UUID
    # The staff member the cases service signed the download grant for.
    staff_id: uuid.UUID


class EvidenceAccessed(Event):
    """The ciphertext of an evidence file was served under a cases download grant (audit)."""

    TOPIC: ClassVar[str] = topics.EVIDENCE_ACCESSED

    type: Literal["evidence.accessed"] = "evidence.accessed"
    version: Literal[1] = 1
    payload: EvidenceAccessedPayload
