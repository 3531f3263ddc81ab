"""Use case: publish `case.deadline_due` once per (case, stage, due date, state)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.deadlines import flag
from peluit_shared.events import CaseDeadlineDue
from peluit_shared.events.cases import CaseDeadlineDuePayload
from peluit_shared.outbox import add_to_outbox


async def check_deadlines(pool: asyncpg.Pool, calendar: WorkingCalendar,
                          today: date | None = None) -> int:
    """Emit notices for due-soon and overdue cases not yet noticed; returns how many."""
    today = today or datetime.now(UTC).date()
    horizon = calendar.add_working_days(today, 2)
    sent = 0
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """SELECT id, report_id, report_number, stage, due_on, assignee_id FROM cases
               WHERE due_on IS NOT NULL AND due_on <= $1""", horizon)
        for r in rows:
            state = flag(calendar, r["due_on"], today)
            if state is None:
                continue
            async with conn.transaction():
                fresh = await conn.fetchval(
                    """INSERT INTO deadline_notices (case_id, stage, due_on, state)
                       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""",
                    r["id"], r["stage"], r["due_on"], state)
                if not fresh:
                    continue
                await add_to_outbox(conn, CaseDeadlineDue(
                    correlation_id=r["report_id"],
                    payload=CaseDeadlineDuePayload(
                        case_id=r["id"], report_id=r["report_id"],
                        report_number=r["report_number"], stage=r["stage"], due_on=r["due_on"],
                        state=state,  # type: ignore[arg-type]
                        assignee_id=r["assignee_id"]),
                ))
                sent += 1
    return sent
