"""asyncpg storage of cases, their history and the list query (filters + keyset pages)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
from nacl.public import PublicKey, SealedBox

from peluit_cases.domain.case import NewCase

LIST_COLUMNS = """id, report_number, status, channel, category, anonymous, received_at,
                  created_at, updated_at, version, assignee_id, stage, due_on, outcome, units,
                  reporter_update_due"""


async def insert_case(
    conn: asyncpg.Connection,
    case: NewCase,
    stage: str | None = None,
    due_on: date | None = None,
    reporter_update_due: date | None = None,
) -> bool:
    """Insert unless a case for the report exists; True when inserted."""
    inserted = await conn.fetchval(
        """INSERT INTO cases (id, report_id, report_number, status, channel, category, anonymous,
                              sealed_key_id, sealed_report, received_at, reporter_public_key,
                              stage, stage_started_on, due_on, units, reporter_update_due)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ON CONFLICT (report_id) DO NOTHING RETURNING true""",
        case.id,
        case.report_id,
        case.report_number,
        case.status.value,
        case.channel,
        case.category,
        case.anonymous,
        case.sealed_key_id,
        case.sealed_report,
        case.received_at,
        case.reporter_public_key,
        stage,
        case.received_at.date() if stage else None,
        due_on,
        list(case.units),
        reporter_update_due,
    )
    if inserted:
        await add_history(conn, case.id, "system", "created", None, case.status.value, None)
        await conn.execute(
            "INSERT INTO case_stage_times (case_id, status, entered_at) VALUES ($1, $2, $3)",
            case.id,
            case.status.value,
            case.received_at,
        )
    return bool(inserted)


async def add_history(
    conn: asyncpg.Connection,
    case_id: uuid.UUID,
    actor: str,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
) -> None:
    """A history entry; its free-text note is sealed to the case key (legacy cases: plain)."""
    sealed = await seal_for_case(conn, case_id, note) if note is not None else None
    await conn.execute(
        """INSERT INTO case_history (case_id, actor, action, from_status, to_status, note,
                                     sealed_note)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_id,
        actor,
        action,
        from_status,
        to_status,
        note if sealed is None else None,
        sealed,
    )


async def seal_for_case(conn: asyncpg.Connection, case_id: uuid.UUID, text: str) -> bytes | None:
    """`text` sealed to the case's public key; None for a legacy case (no case key)."""
    key = await conn.fetchval("SELECT case_public_key FROM cases WHERE id = $1", case_id)
    return None if key is None else seal_to(bytes(key), text)


def seal_to(case_public_key: bytes, text: str) -> bytes:
    """`text` sealed (anonymous box) to a case's public key."""
    return bytes(SealedBox(PublicKey(case_public_key)).encrypt(text.encode()))


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    category: str | None = None
    channel: str | None = None
    unit: str | None = None
    assignee: uuid.UUID | None = None
    unassigned: bool = False
    overdue_before: date | None = None  # due_on or reporter_update_due < this date
    received_from: date | None = None
    received_to: date | None = None
    search: str | None = None  # report number (or its prefix)


SORTS = {
    "newest": ("created_at", "DESC"),
    "oldest": ("created_at", "ASC"),
    "received": ("received_at", "DESC"),
}


async def list_cases(
    conn: asyncpg.Connection,
    limit: int,
    flt: CaseFilter,
    sort: str = "newest",
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[dict[str, Any]]:
    """One keyset page: rows after `after` in the chosen order."""
    column, direction = SORTS[sort]
    where: list[str] = []
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if flt.status:
        where.append(f"status = {arg(flt.status)}")
    if flt.category:
        where.append(f"category = {arg(flt.category)}")
    if flt.channel:
        where.append(f"channel = {arg(flt.channel)}")
    if flt.unit:
        where.append(f"units @> ARRAY[{arg(flt.unit)}::text]")
    if flt.assignee:
        where.append(f"assignee_id = {arg(flt.assignee)}")
    if flt.unassigned:
        where.append("assignee_id IS NULL")
    if flt.overdue_before:
        before = arg(flt.overdue_before)
        where.append(f"(due_on < {before} OR reporter_update_due < {before})")
    if flt.received_from:
        where.append(f"received_at >= {arg(flt.received_from)}::date")
    if flt.received_to:
        where.append(f"received_at < {arg(flt.received_to)}::date + 1")
    if flt.search:
        needle = flt.search.strip().upper()
        where.append(f"report_number LIKE {arg(needle.replace('%', '').replace('_', '') + '%')}")
    if after:
        op = "<" if direction == "DESC" else ">"
        where.append(f"({column}, id) {op} ({arg(after[0])}, {arg(after[1])}::uuid)")
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = await conn.fetch(
        f"""SELECT {LIST_COLUMNS} FROM cases {clause}
            ORDER BY {column} {direction}, id {direction} LIMIT {arg(limit)}""",  # noqa: S608
        *args,
    )
    return [dict(r) for r in rows]


async def get_case(
    conn: asyncpg.Connection, case_id: uuid.UUID, for_update: bool = False
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"""SELECT {LIST_COLUMNS}, report_id, sealed_key_id, sealed_report, reporter_public_key,
                   stage_started_on, closed_at, case_public_key, sealed_identity,
                   identity_key_id, identity_public_key
            FROM cases WHERE id = $1 {"FOR UPDATE" if for_update else ""}""",  # noqa: S608
        case_id,
    )
    return dict(row) if row else None


async def case_history(conn: asyncpg.Connection, case_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT h.at, h.actor, coalesce(u.username, h.actor) AS actor_name, h.action,
                  h.from_status, h.to_status, h.note, h.sealed_note
           FROM case_history h LEFT JOIN staff_users u ON u.id::text = h.actor
           WHERE h.case_id = $1 ORDER BY h.id""",
        case_id,
    )
    return [dict(r) for r in rows]
