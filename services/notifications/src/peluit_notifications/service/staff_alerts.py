"""Use case: tell the team a new case arrived (an in-app notification)."""

from __future__ import annotations

import asyncpg

from peluit_shared.events import CaseCreated


async def notify_case_created(conn: asyncpg.Connection, event: CaseCreated) -> None:
    number = event.payload.report_number
    await conn.execute(
        """INSERT INTO notifications (event_id, audience, kind, report_number, title, title_en)
           VALUES ($1, 'staff', 'case.created', $2, $3, $4)
           ON CONFLICT (event_id) DO NOTHING""",
        event.event_id, number, f"Laporan baru {number} diterima", f"New report {number} received",
    )
