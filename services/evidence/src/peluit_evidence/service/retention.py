"""Use case: a purged case's evidence is destroyed — objects first, then the rows."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg

from peluit_evidence.adapters.object_store import ObjectStore
from peluit_shared.events import CasePurged


def purge_handler(
    store: ObjectStore,
) -> Callable[[asyncpg.Connection, CasePurged], Awaitable[None]]:
    async def record_purge(conn: asyncpg.Connection, event: CasePurged) -> None:
        report_id = event.payload.report_id
        # Same lock as a finishing upload: either it commits first (and its object is removed
        # here) or it sees the purge and removes its own object.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", str(report_id))
        # Removing objects is idempotent: a redelivered event removes nothing more.
        # Every version and delete marker too: a purge leaves nothing to restore.
        await asyncio.to_thread(store.purge_report, report_id)
        await conn.execute("DELETE FROM evidence_files WHERE report_id = $1", report_id)
        await conn.execute(
            """INSERT INTO purged_cases (report_id, case_id) VALUES ($1, $2)
               ON CONFLICT (report_id) DO NOTHING""",
            report_id,
            event.payload.case_id,
        )

    return record_purge
