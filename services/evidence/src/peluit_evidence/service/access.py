"""Use case: serve a file's ciphertext under a cases download grant, audited as an event.

The evidence service never holds a usable file key (keys are sealed to the cases key), so what
it serves is ciphertext: the cases service decrypts it on the way to the staff member. The
object is opened first (so a store outage is a clean 503), then `evidence.accessed` is committed
through the outbox with the staff member named in the grant, then the bytes flow.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg

from peluit_evidence.adapters.object_store import STORE_ERRORS, ObjectStore
from peluit_shared.events import EvidenceAccessed
from peluit_shared.events.evidence import EvidenceAccessedPayload
from peluit_shared.grants import Grant, GrantForbidden
from peluit_shared.outbox import add_to_outbox


class EvidenceMissing(Exception):
    """No such file (or it was purged)."""


class StoreDown(Exception):
    """The object store could not be read."""


async def open_ciphertext(
    pool: asyncpg.Pool, store: ObjectStore, grant: Grant, evidence_id: uuid.UUID
) -> AsyncIterator[bytes]:
    if (
        grant.kind != "download"
        or grant.evidence_id != evidence_id
        or grant.iss != "cases"
        or grant.case_id is None
        or grant.staff_id is None
    ):
        raise GrantForbidden(
            "grant_wrong_file",
            "Izin ini bukan untuk berkas ini.",
            "This grant is not for this file.",
        )
    row = await pool.fetchrow(
        "SELECT report_id, object_key FROM evidence_files WHERE id = $1", evidence_id
    )
    if row is None:
        raise EvidenceMissing
    if row["report_id"] != grant.report_id:
        raise GrantForbidden(
            "grant_other_report",
            "Izin ini untuk laporan lain.",
            "This grant is for another report.",
        )
    try:
        chunks = await asyncio.to_thread(store.read_chunks, row["object_key"])
        first = await asyncio.to_thread(next, chunks, b"")
    except STORE_ERRORS as exc:
        raise StoreDown(type(exc).__name__) from exc
    async with pool.acquire() as conn, conn.transaction():
        await add_to_outbox(
            conn,
            EvidenceAccessed(
                correlation_id=grant.report_id,
                payload=EvidenceAccessedPayload(
                    evidence_id=evidence_id,
                    report_id=grant.report_id,
                    case_id=grant.case_id,
                    staff_id=grant.staff_id,
                ),
            ),
        )
    return _rest(first, chunks)


async def _rest(first: bytes, chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    try:
        if first:
            yield first
        while True:
            chunk = await asyncio.to_thread(next, chunks, b"")
            if not chunk:
                return
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await asyncio.to_thread(close)
