"""Use case: store one evidence file — strip metadata, hash, encrypt and upload as a stream.

Nothing is buffered beyond a few chunks: the request body flows through the metadata stripper,
SHA-256 and the secretstream encryptor into a bounded pipe that minio uploads from in a thread.
The file key and the file's name and type are sealed to the cases public key; the row and the
`evidence.stored` event commit together. Any failure removes the partial object.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
from nacl.public import PublicKey

from peluit_evidence.adapters.object_store import ObjectStore
from peluit_evidence.adapters.pipe import BytePipe
from peluit_evidence.domain.metadata import MetadataStripper
from peluit_shared.crypto import seal
from peluit_shared.events import EvidenceStored
from peluit_shared.events.evidence import EvidenceStoredPayload
from peluit_shared.outbox import add_to_outbox
from peluit_shared.stream_crypto import CHUNK, StreamEncryptor, new_file_key


class FileTooLarge(Exception):
    """The file exceeds the per-file limit."""


class EmptyFile(Exception):
    """Nothing was sent."""


@dataclass(frozen=True)
class Upload:
    report_id: uuid.UUID
    filename: str
    content_type: str
    correlation_id: uuid.UUID


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    part_bytes: int
    parallel_parts: int
    buffer_bytes: int


@dataclass(frozen=True)
class StoredEvidence:
    evidence_id: uuid.UUID
    size_bytes: int
    sha256: str
    metadata_removed: bool


def object_key_of(report_id: uuid.UUID, evidence_id: uuid.UUID) -> str:
    return f"{report_id}/{evidence_id}"


async def store_evidence(
    pool: asyncpg.Pool, store: ObjectStore, cases_key: PublicKey, upload: Upload,
    body: AsyncIterator[bytes], limits: UploadLimits,
) -> StoredEvidence:
    evidence_id = uuid.uuid4()
    object_key = object_key_of(upload.report_id, evidence_id)
    file_key = new_file_key()
    pipe = BytePipe(max_chunks=max(2, limits.buffer_bytes // CHUNK))

    def upload_thread() -> None:
        try:
            store.put_stream(object_key, pipe, limits.part_bytes, limits.parallel_parts)
        except BaseException:
            pipe.broken = True
            raise

    uploading = asyncio.create_task(asyncio.to_thread(upload_thread))
    try:
        size, digest, removed = await _encrypt_into(pipe, body, file_key, limits.max_file_bytes)
        await pipe.close()
        await uploading
    except BaseException:
        # Tell the reader to fail rather than complete a partial object.
        pipe.abort()
        with contextlib.suppress(Exception):
            await uploading
        with contextlib.suppress(Exception):
            await asyncio.to_thread(store.remove, object_key)
        raise
    stored = StoredEvidence(evidence_id, size, digest, removed)
    metadata = json.dumps({"filename": upload.filename, "content_type": upload.content_type})
    event = EvidenceStored(correlation_id=upload.correlation_id, payload=EvidenceStoredPayload(
        evidence_id=evidence_id, report_id=upload.report_id, size_bytes=size, sha256=digest,
        metadata_removed=removed, sealed_metadata=seal(cases_key, metadata.encode()),
        sealed_file_key=seal(cases_key, file_key)))
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO evidence_files (id, report_id, object_key, size_bytes, sha256,
                       sealed_metadata, sealed_file_key, metadata_removed)
                   VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)""",
                evidence_id, upload.report_id, object_key, size, bytes.fromhex(digest),
                event.payload.sealed_metadata.model_dump_json(),
                event.payload.sealed_file_key.model_dump_json(), removed)
            await add_to_outbox(conn, event)
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(store.remove, object_key)
        raise
    return stored


async def _encrypt_into(
    pipe: BytePipe, body: AsyncIterator[bytes], file_key: bytes, max_bytes: int
) -> tuple[int, str, bool]:
    stripper = MetadataStripper()
    encryptor = StreamEncryptor(file_key)
    sha = hashlib.sha256()
    received = size = 0
    async for chunk in body:
        received += len(chunk)
        if received > max_bytes:
            raise FileTooLarge
        plain = stripper.feed(chunk)
        sha.update(plain)
        size += len(plain)
        await pipe.put(encryptor.update(plain))
    plain = stripper.finish()
    sha.update(plain)
    size += len(plain)
    if size == 0:
        raise EmptyFile
    await pipe.put(encryptor.update(plain) + encryptor.finish())
    return size, sha.hexdigest(), stripper.removed
