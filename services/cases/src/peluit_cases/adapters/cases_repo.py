"""asyncpg storage of cases and their history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from peluit_cases.domain.case import NewCase

LIST_COLUMNS = """id, report_number, status, channel, category, anonymous, received_at,
                  created_at, updated_at, version"""


async def insert_case(conn: asyncpg.Connection, case: NewCase) -> bool:
    """Insert unless a case for the report exists; True when inserted."""
    inserted = await conn.fetchval(
        """INSERT INTO cases (id, report_id, report_number, status, channel, category, anonymous,
                              sealed_key_id, sealed_report, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (report_id) DO NOTHING RETURNING true""",
        case.id, case.report_id, case.report_number, case.status.value, case.channel,
        case.category, case.anonymous, case.sealed_key_id, case.sealed_report, case.received_at,
    )
    if inserted:
        await add_history(conn, case.id, "system", "created", None, case.status.value, None)
    return bool(inserted)


async def add_history(
    conn: asyncpg.Connection, case_id: uuid.UUID, actor: str, action: str,
    from_status: str | None, to_status: str | None, note: str | None,
) -> None:
    await conn.execute(
        """INSERT INTO case_history (case_id, actor, action, from_status, to_status, note)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        case_id, actor, action, from_status, to_status, note,
    )


async def list_cases(
    conn: asyncpg.Connection,
    limit: int,
    status: str | None,
    report_number: str | None,
    after: tuple[datetime, uuid.UUID] | None,
) -> list[dict[str, Any]]:
    """Newest first, keyset-paginated on (created_at, id)."""
    rows = await conn.fetch(
        f"""SELECT {LIST_COLUMNS} FROM cases
            WHERE ($1::text IS NULL OR status = $1)
              AND ($2::text IS NULL OR report_number = $2)
              AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
            ORDER BY created_at DESC, id DESC LIMIT $5""",  # noqa: S608 - constant columns
        status, report_number, after[0] if after else None, after[1] if after else None, limit,
    )
    return [dict(r) for r in rows]


async def get_case(conn: asyncpg.Connection, case_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {LIST_COLUMNS}, report_id, sealed_key_id, sealed_report FROM cases WHERE id = $1",  # noqa: S608
        case_id,
    )
    return dict(row) if row else None


async def case_history(conn: asyncpg.Connection, case_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT at, actor, action, from_status, to_status, note FROM case_history
           WHERE case_id = $1 ORDER BY id""",
        case_id,
    )
    return [dict(r) for r in rows]
