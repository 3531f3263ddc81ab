"""Use case: publish `case.deadline_due` once per (case, stage, due date, state).

Two clocks: the stage deadline (working days) and the reporter clock (stage `reporter_update`,
calendar days: tell the reporter something at least every 30 days).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
from prometheus_client import Gauge

from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.deadlines import (
    REPORTER_DUE_SOON_DAYS,
    REPORTER_UPDATE_STAGE,
    flag,
    reporter_flag,
)
from peluit_shared.events import CaseDeadlineDue
from peluit_shared.events.cases import CaseDeadlineDuePayload
from peluit_shared.outbox import add_to_outbox

OVERDUE = Gauge("peluit_cases_overdue", "Cases past their stage deadline (last deadline check)")


async def _notify(
    conn: asyncpg.Connection, row: asyncpg.Record, stage: str, due_on: date, state: str
) -> bool:
    """Record the notice and publish it, unless this (case, stage, due, state) was noticed."""
    case_id: uuid.UUID = row["id"]
    async with conn.transaction():
        fresh = await conn.fetchval(
            """INSERT INTO deadline_notices (case_id, stage, due_on, state)
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""",
            case_id,
            stage,
            due_on,
            state,
        )
        if not fresh:
            return False
        await add_to_outbox(
            conn,
            CaseDeadlineDue(
                correlation_id=row["report_id"],
                payload=CaseDeadlineDuePayload(
                    case_id=case_id,
                    report_id=row["report_id"],
                    report_number=row["report_number"],
                    stage=stage,
                    due_on=due_on,
                    state=state,  # type: ignore[arg-type]
                    assignee_id=row["assignee_id"],
                ),
            ),
        )
    return True


async def check_deadlines(
    pool: asyncpg.Pool,
    calendar: WorkingCalendar,
    today: date | None = None,
    reporter_soon_days: int = REPORTER_DUE_SOON_DAYS,
) -> int:
    """Emit notices for due-soon and overdue cases not yet noticed; returns how many."""
    today = today or datetime.now(UTC).date()
    horizon = calendar.add_working_days(today, 2)
    sent = 0
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """SELECT id, report_id, report_number, stage, due_on, assignee_id FROM cases
               WHERE due_on IS NOT NULL AND due_on <= $1""",
            horizon,
        )
        overdue = 0
        for r in rows:
            state = flag(calendar, r["due_on"], today)
            overdue += state == "overdue"
            if state is not None and await _notify(conn, r, r["stage"], r["due_on"], state):
                sent += 1
        OVERDUE.set(overdue)
        rows = await conn.fetch(
            """SELECT id, report_id, report_number, reporter_update_due, assignee_id FROM cases
               WHERE reporter_update_due IS NOT NULL AND reporter_update_due <= $1""",
            today + timedelta(days=reporter_soon_days),
        )
        for r in rows:
            due = r["reporter_update_due"]
            state = reporter_flag(due, today, reporter_soon_days)
            if state is not None and await _notify(conn, r, REPORTER_UPDATE_STAGE, due, state):
                sent += 1
    return sent
