"""Use case: a purged case's evidence is marked for destruction and its metadata removed."""

from __future__ import annotations

import asyncpg

from peluit_shared.events import CasePurged


async def record_purge(conn: asyncpg.Connection, event: CasePurged) -> None:
    await conn.execute(
        """INSERT INTO purged_cases (report_id, case_id) VALUES ($1, $2)
           ON CONFLICT (report_id) DO NOTHING""",
        event.payload.report_id, event.payload.case_id,
    )
