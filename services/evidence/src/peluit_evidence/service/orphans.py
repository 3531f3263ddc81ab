"""Use case: find (and remove) what retention or a crash left behind.

- objects without a row: an upload whose row never committed (crash between the object and the
  commit), or a row deleted without its object;
- rows without an object: metadata whose ciphertext is gone (nobody could ever download it);
- incomplete multipart uploads older than the stale age: an upload cut off where minio could
  not abort (the store went away mid-upload, the process was killed).

Objects and uploads younger than the stale age are left alone: they may belong to an upload
that is still running.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg

from peluit_evidence.adapters.object_store import IncompleteUpload, ObjectStore


@dataclass
class Orphans:
    objects_without_row: list[str] = field(default_factory=list)
    rows_without_object: list[str] = field(default_factory=list)
    stale_uploads: list[IncompleteUpload] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"object-without-row {k}" for k in self.objects_without_row]
            + [f"row-without-object {k}" for k in self.rows_without_object]
            + [f"incomplete-upload {u.object_key} {u.upload_id}" for u in self.stale_uploads]
        )


async def find_orphans(
    conn: asyncpg.Connection, store: ObjectStore, stale_after: timedelta
) -> Orphans:
    objects = set(await asyncio.to_thread(lambda: list(store.object_keys())))
    rows = {r["object_key"] for r in await conn.fetch("SELECT object_key FROM evidence_files")}
    cutoff = datetime.now(UTC) - stale_after
    uploads = await asyncio.to_thread(store.incomplete_uploads)
    # A row may commit just after the listing: look again before calling an object orphaned.
    candidates = sorted(objects - rows)
    still = {
        r["object_key"]
        for r in await conn.fetch(
            "SELECT object_key FROM evidence_files WHERE object_key = ANY($1::text[])", candidates
        )
    }
    return Orphans(
        objects_without_row=[k for k in candidates if k not in still],
        rows_without_object=sorted(rows - objects),
        stale_uploads=[u for u in uploads if u.initiated is None or u.initiated < cutoff],
    )


async def remove_orphans(conn: asyncpg.Connection, store: ObjectStore, found: Orphans) -> None:
    for key in found.objects_without_row:
        await asyncio.to_thread(store.remove, key)
    for upload in found.stale_uploads:
        await asyncio.to_thread(store.abort_upload, upload)
    if found.rows_without_object:
        await conn.execute(
            "DELETE FROM evidence_files WHERE object_key = ANY($1::text[])",
            found.rows_without_object,
        )
