"""Use case: store one evidence file — type check, strip metadata, hash, encrypt, upload.

Images and every other type stream: the request body flows through the type check (only the
first bytes are held), the JPEG/PNG metadata stripper, SHA-256 and the secretstream encryptor
into a bounded pipe that minio uploads from in a thread. Documents whose metadata can only be
removed with the whole file at hand (PDF, OOXML, ODF) are first spooled to an encrypted
temporary file (see adapters/spool.py), cleaned in a thread, and then streamed the same way.

The file key and the file's name and type are sealed to the cases public key; the row and the
`evidence.stored` event commit together. Any failure removes the partial object (minio aborts
its multipart upload). A retry with the same idempotency key returns the first file.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import asyncpg
import nacl.encoding
import nacl.hash
from nacl.public import PublicKey

from peluit_evidence.adapters.documents import CannotClean, clean_document
from peluit_evidence.adapters.object_store import STORE_ERRORS, ObjectStore
from peluit_evidence.adapters.pipe import BytePipe, PipeAborted
from peluit_evidence.adapters.spool import EncryptedSpool, SpoolWriter
from peluit_evidence.domain.filetypes import HEAD_BYTES, Cleaner, FileType, detect
from peluit_evidence.domain.metadata import MetadataStripper
from peluit_shared.crypto import seal
from peluit_shared.event_signing import load_signing_key
from peluit_shared.events import EvidenceStored
from peluit_shared.events.evidence import EvidenceStoredPayload
from peluit_shared.outbox import add_to_outbox
from peluit_shared.stream_crypto import CHUNK, StreamEncryptor, new_file_key


class FileTooLarge(Exception):
    """The file exceeds the per-file limit."""


class EmptyFile(Exception):
    """Nothing was sent."""


class DisallowedType(Exception):
    """The content is of no allowed type, whatever its name says."""


class TooManyFiles(Exception):
    """The report already holds as many files as allowed."""


class ReportPurged(Exception):
    """The report's case was purged: its evidence is gone and no more is taken."""


class StoreUnavailable(Exception):
    """The object store did not take the file."""


class KeyReused(Exception):
    """The idempotency key was used for different bytes: nothing is stored or changed."""


@dataclass(frozen=True)
class Upload:
    report_id: uuid.UUID
    filename: str
    content_type: str
    correlation_id: uuid.UUID
    max_files: int
    idempotency_key: str | None = None
    uploaded_by: Literal["reporter", "staff"] = "reporter"


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    part_bytes: int
    parallel_parts: int
    buffer_bytes: int
    remove_metadata: bool = True
    spool_dir: Path | None = None
    max_expanded_bytes: int = 1024 * 1024 * 1024
    # Key of the idempotent-retry check (`retry_check`); the database never holds it.
    retry_key: bytes = b""


@dataclass(frozen=True)
class StoredEvidence:
    evidence_id: uuid.UUID
    size_bytes: int
    sha256: str
    original_sha256: str
    media_type: str
    metadata_removed: bool

    def as_json(self) -> dict[str, object]:
        return {
            "evidence_id": str(self.evidence_id),
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "original_sha256": self.original_sha256,
            "media_type": self.media_type,
            "metadata_removed": self.metadata_removed,
        }


def object_key_of(report_id: uuid.UUID, evidence_id: uuid.UUID) -> str:
    return f"{report_id}/{evidence_id}"


_SELECT = """SELECT id, size_bytes, sha256, retry_check, media_type, metadata_removed
             FROM evidence_files"""


def retry_key_from(event_key_file: Path) -> bytes:
    """The retry check's key, derived from this service's event-signing key (never in the
    database). Rotating that key makes earlier checks fail: such a retry answers 409."""
    seed = load_signing_key(event_key_file).encode()
    return nacl.hash.blake2b(
        b"evidence-retry-check",
        digest_size=32,
        key=seed,
        person=b"peluit-ev-rkey1",
        encoder=nacl.encoding.RawEncoder,
    )


def retry_check(key: bytes, original_sha256: str) -> bytes:
    """A keyed digest of the original's hash: equal for the same bytes, useless without `key`."""
    return nacl.hash.blake2b(
        bytes.fromhex(original_sha256),
        digest_size=32,
        key=key,
        person=b"peluit-ev-retry1",
        encoder=nacl.encoding.RawEncoder,
    )


@dataclass(frozen=True)
class _Earlier:
    """The file an earlier attempt stored, as the database knows it (no original hash)."""

    row: asyncpg.Record

    def same_bytes(self, key: bytes, original_sha256: str) -> bool:
        check = self.row["retry_check"]
        return check is not None and hmac.compare_digest(
            bytes(check), retry_check(key, original_sha256)
        )

    def stored(self, original_sha256: str) -> StoredEvidence:
        return StoredEvidence(
            self.row["id"],
            self.row["size_bytes"],
            bytes(self.row["sha256"]).hex(),
            original_sha256,
            self.row["media_type"] or "application/octet-stream",
            self.row["metadata_removed"],
        )


async def already_stored(pool: asyncpg.Pool, upload: Upload) -> _Earlier | None:
    """The file an earlier attempt with the same idempotency key stored, if any."""
    if not upload.idempotency_key:
        return None
    row = await pool.fetchrow(
        f"{_SELECT} WHERE report_id = $1 AND idempotency_key = $2",
        upload.report_id,
        upload.idempotency_key,
    )
    return _Earlier(row) if row else None


async def check_room(pool: asyncpg.Pool, upload: Upload) -> None:
    if await pool.fetchval("SELECT 1 FROM purged_cases WHERE report_id = $1", upload.report_id):
        raise ReportPurged
    count = await pool.fetchval(
        "SELECT count(*) FROM evidence_files WHERE report_id = $1", upload.report_id
    )
    if count >= upload.max_files:
        raise TooManyFiles


class _Received:
    """The request body, counted against the limit and hashed as received (the original)."""

    def __init__(self, body: AsyncIterator[bytes], max_bytes: int) -> None:
        self._body = body
        self._max = max_bytes
        self.size = 0
        self.sha = hashlib.sha256()
        # Off while the head is read; see store_evidence for who hashes what.
        self.hashing = False

    async def head(self) -> tuple[bytes, bool]:
        """The first HEAD_BYTES (fewer if the file is shorter) and whether the body ended."""
        head = bytearray()
        async for chunk in self._counted():
            head += chunk
            if len(head) >= HEAD_BYTES:
                return bytes(head), False
        return bytes(head), True

    async def rest(self) -> AsyncIterator[bytes]:
        async for chunk in self._counted():
            yield chunk

    async def _counted(self) -> AsyncIterator[bytes]:
        async for chunk in self._body:
            self.size += len(chunk)
            if self.size > self._max:
                raise FileTooLarge
            if self.hashing:
                self.sha.update(chunk)
            yield chunk


async def store_evidence(
    pool: asyncpg.Pool,
    store: ObjectStore,
    cases_key: PublicKey,
    upload: Upload,
    body: AsyncIterator[bytes],
    limits: UploadLimits,
) -> StoredEvidence:
    received = _Received(body, limits.max_file_bytes)
    head, ended = await received.head()
    if not head:
        raise EmptyFile
    kind = detect(head)
    if kind is None:
        raise DisallowedType
    unchanged = not limits.remove_metadata or (
        kind.cleaner not in (Cleaner.JPEG, Cleaner.PNG) and not kind.spooled
    )
    if not unchanged:
        # The stored bytes will differ: hash the original as it is received.
        received.sha.update(head)
        received.hashing = True
    rest = _nothing() if ended else received.rest()
    spool: EncryptedSpool | None = None
    try:
        if limits.remove_metadata and kind.spooled:
            spool, removed = await _cleaned_document(kind, head, rest, limits)
            plain: AsyncIterator[bytes] = _spool_chunks(spool)
        else:
            stripper = (
                MetadataStripper()
                if limits.remove_metadata and kind.cleaner in (Cleaner.JPEG, Cleaner.PNG)
                else None
            )
            plain = _stripped(stripper, head, rest)
            removed = stripper is not None
        # Stored bytes that are the received bytes are hashed once, on the way to the store
        # (the hot path of video, audio and archives): that hash is also the original's.
        stored_sha = received.sha if unchanged else hashlib.sha256()
        evidence_id = uuid.uuid4()
        object_key = object_key_of(upload.report_id, evidence_id)
        file_key = new_file_key()
        size = await _upload(store, object_key, plain, file_key, limits, stored_sha)
    finally:
        if spool is not None:
            spool.close()
    stored = StoredEvidence(
        evidence_id,
        size,
        stored_sha.hexdigest(),
        received.sha.hexdigest(),
        kind.media_type,
        removed,
    )
    try:
        return await _record(
            pool, cases_key, upload, stored, object_key, file_key, limits.retry_key
        )
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(store.remove, object_key)
        raise


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover


async def _stripped(
    stripper: MetadataStripper | None, head: bytes, rest: AsyncIterator[bytes]
) -> AsyncIterator[bytes]:
    if stripper is None:
        yield head
        async for chunk in rest:
            yield chunk
        return
    yield stripper.feed(head)
    async for chunk in rest:
        yield stripper.feed(chunk)
    yield stripper.finish()


async def _cleaned_document(
    kind: FileType, head: bytes, rest: AsyncIterator[bytes], limits: UploadLimits
) -> tuple[EncryptedSpool, bool]:
    """Spool (encrypted), clean in a thread into a second spool; (spool to store, removed).

    A document that can be read but not cleaned (a password-protected PDF) is stored as it came.
    """
    original = EncryptedSpool(limits.spool_dir)
    cleaned = EncryptedSpool(limits.spool_dir)
    keep: EncryptedSpool | None = None
    try:
        original.write(head)
        async for chunk in rest:
            original.write(chunk)
        original.finish()

        def work() -> bool:
            try:
                clean_document(
                    kind.cleaner, original.reader(), SpoolWriter(cleaned), limits.max_expanded_bytes
                )
            except CannotClean:
                return False
            cleaned.finish()
            return True

        removed = await asyncio.to_thread(work)
        keep = cleaned if removed else original
        return keep, removed
    finally:
        for spool in (original, cleaned):
            if spool is not keep:
                spool.close()


async def _spool_chunks(spool: EncryptedSpool) -> AsyncIterator[bytes]:
    blocks = spool.chunks()
    while True:
        block = await asyncio.to_thread(next, blocks, None)
        if block is None:
            return
        yield block


async def _upload(
    store: ObjectStore,
    object_key: str,
    plain: AsyncIterator[bytes],
    file_key: bytes,
    limits: UploadLimits,
    sha: hashlib._Hash,
) -> int:
    pipe = BytePipe(max_chunks=max(2, limits.buffer_bytes // CHUNK))

    def upload_thread() -> None:
        try:
            store.put_stream(object_key, pipe, limits.part_bytes, limits.parallel_parts)
        except BaseException:
            pipe.broken = True
            raise

    uploading = asyncio.create_task(asyncio.to_thread(upload_thread))
    try:
        size = await _encrypt_into(pipe, plain, file_key, sha)
        await pipe.close()
        await uploading
    except BaseException as exc:
        # Tell the reader to fail rather than complete a partial object (minio then aborts its
        # multipart upload), and remove whatever single-part object may have been written.
        pipe.abort()
        with contextlib.suppress(Exception):
            await uploading
        with contextlib.suppress(Exception):
            await asyncio.to_thread(store.remove, object_key)
        if isinstance(exc, (PipeAborted, *STORE_ERRORS)) and not isinstance(exc, FileTooLarge):
            raise StoreUnavailable(type(exc).__name__) from exc
        raise
    return size


async def _encrypt_into(
    pipe: BytePipe, plain: AsyncIterator[bytes], file_key: bytes, sha: hashlib._Hash
) -> int:
    """Hash and encrypt `plain` into the pipe; the size of the plaintext."""
    encryptor = StreamEncryptor(file_key)
    size = 0
    async for chunk in plain:
        sha.update(chunk)
        size += len(chunk)
        await pipe.put(encryptor.update(chunk))
    if size == 0:
        raise EmptyFile
    await pipe.put(encryptor.finish())
    return size


async def _record(
    pool: asyncpg.Pool,
    cases_key: PublicKey,
    upload: Upload,
    stored: StoredEvidence,
    object_key: str,
    file_key: bytes,
    retry_key: bytes,
) -> StoredEvidence:
    """Row and event in one transaction, under a per-report lock so the count holds."""
    # The original's hash goes only into the sealed metadata: in clear it would let anyone
    # holding the original file prove that it was sent.
    metadata = json.dumps(
        {
            "filename": upload.filename,
            "content_type": upload.content_type,
            "original_sha256": stored.original_sha256,
        }
    )
    event = EvidenceStored(
        correlation_id=upload.correlation_id,
        payload=EvidenceStoredPayload(
            evidence_id=stored.evidence_id,
            report_id=upload.report_id,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            media_type=stored.media_type,
            metadata_removed=stored.metadata_removed,
            uploaded_by=upload.uploaded_by,
            sealed_metadata=seal(cases_key, metadata.encode()),
            sealed_file_key=seal(cases_key, file_key),
        ),
    )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", str(upload.report_id))
        if upload.idempotency_key:
            row = await conn.fetchrow(
                f"{_SELECT} WHERE report_id = $1 AND idempotency_key = $2",
                upload.report_id,
                upload.idempotency_key,
            )
            if row is not None:  # a concurrent retry won: ours is removed by the caller
                raise _Duplicate(_Earlier(row), stored.original_sha256)
        # A purge that arrived while this file was uploading wins: the object is removed.
        if await conn.fetchval("SELECT 1 FROM purged_cases WHERE report_id = $1", upload.report_id):
            raise ReportPurged
        count = await conn.fetchval(
            "SELECT count(*) FROM evidence_files WHERE report_id = $1", upload.report_id
        )
        if count >= upload.max_files:
            raise TooManyFiles
        await conn.execute(
            """INSERT INTO evidence_files (id, report_id, object_key, size_bytes, sha256,
                   sealed_metadata, sealed_file_key, metadata_removed, retry_check,
                   media_type, idempotency_key)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11)""",
            stored.evidence_id,
            upload.report_id,
            object_key,
            stored.size_bytes,
            bytes.fromhex(stored.sha256),
            event.payload.sealed_metadata.model_dump_json(),
            event.payload.sealed_file_key.model_dump_json(),
            stored.metadata_removed,
            retry_check(retry_key, stored.original_sha256) if upload.idempotency_key else None,
            stored.media_type,
            upload.idempotency_key,
        )
        await add_to_outbox(conn, event)
    return stored


class _Duplicate(Exception):
    def __init__(self, first: _Earlier, ours: str) -> None:
        super().__init__("duplicate")
        self.first = first
        self.ours = ours


async def _digest(body: AsyncIterator[bytes], limit: int) -> str:
    """SHA-256 of a retried body (as received), read and dropped, never stored."""
    sha = hashlib.sha256()
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise FileTooLarge
        sha.update(chunk)
    return sha.hexdigest()


async def store_once(
    pool: asyncpg.Pool,
    store: ObjectStore,
    cases_key: PublicKey,
    upload: Upload,
    body: AsyncIterator[bytes],
    limits: UploadLimits,
) -> tuple[StoredEvidence, bool]:
    """(the stored file, whether it is new); a retried idempotency key gets the first file if
    the bytes are the same, else `KeyReused` (409) and nothing changes."""
    first = await already_stored(pool, upload)
    if first is not None:
        ours = await _digest(body, limits.max_file_bytes)
        if not first.same_bytes(limits.retry_key, ours):
            raise KeyReused
        return first.stored(ours), False
    await check_room(pool, upload)
    try:
        return await store_evidence(pool, store, cases_key, upload, body, limits), True
    except _Duplicate as dup:
        if not dup.first.same_bytes(limits.retry_key, dup.ours):
            raise KeyReused from None
        return dup.first.stored(dup.ours), False
