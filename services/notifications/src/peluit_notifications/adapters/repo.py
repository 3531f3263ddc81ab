"""The notifications database: projections, deliveries and the inbox (asyncpg)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from peluit_shared.crypto import SealedData

WAKE_CHANNEL = "peluit_notifications"


@dataclass(frozen=True)
class Delivery:
    id: int
    event_id: uuid.UUID
    recipient_kind: str
    recipient: str
    channel: str
    kind: str
    case_id: uuid.UUID | None
    report_number: str | None
    attempts: int

    @classmethod
    def of(cls, row: asyncpg.Record) -> Delivery:
        return cls(**{f: row[f] for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Contact:
    staff_id: uuid.UUID
    username: str
    role: str
    email: str | None
    active: bool
    notification_mode: str
    language: str


@dataclass(frozen=True)
class CaseRef:
    case_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    assignee_id: uuid.UUID | None


# --- projections ---------------------------------------------------------------------------


async def upsert_contact(
    conn: asyncpg.Connection, c: Contact, invalid: bool, changed_at: datetime
) -> None:
    """Newest event wins: an older staff.changed arriving late changes nothing."""
    await conn.execute(
        """INSERT INTO staff_contacts (staff_id, username, role, email, email_invalid, active,
                                       notification_mode, language, changed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (staff_id) DO UPDATE SET username = $2, role = $3, email = $4,
               email_invalid = $5, active = $6, notification_mode = $7, language = $8,
               changed_at = $9
           WHERE staff_contacts.changed_at <= $9""",
        c.staff_id,
        c.username,
        c.role,
        c.email,
        invalid,
        c.active,
        c.notification_mode,
        c.language,
        changed_at,
    )


async def contact(conn: asyncpg.Connection, staff_id: uuid.UUID) -> Contact | None:
    row = await conn.fetchrow(
        """SELECT staff_id, username, role, email, active, notification_mode, language
           FROM staff_contacts WHERE staff_id = $1""",
        staff_id,
    )
    return Contact(**dict(row)) if row else None


async def active_coordinators(conn: asyncpg.Connection) -> list[uuid.UUID]:
    rows = await conn.fetch(
        """SELECT staff_id FROM staff_contacts WHERE role = 'coordinator' AND active
           ORDER BY staff_id"""
    )
    return [r["staff_id"] for r in rows]


async def upsert_case(
    conn: asyncpg.Connection, case_id: uuid.UUID, report_id: uuid.UUID, number: str
) -> None:
    await conn.execute(
        """INSERT INTO cases (case_id, report_id, report_number) VALUES ($1, $2, $3)
           ON CONFLICT (case_id) DO NOTHING""",
        case_id,
        report_id,
        number,
    )


async def set_assignee(conn: asyncpg.Connection, ref: CaseRef) -> None:
    await conn.execute(
        """INSERT INTO cases (case_id, report_id, report_number, assignee_id)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (case_id) DO UPDATE SET assignee_id = $4""",
        ref.case_id,
        ref.report_id,
        ref.report_number,
        ref.assignee_id,
    )


async def case_of_report(conn: asyncpg.Connection, report_id: uuid.UUID) -> CaseRef | None:
    row = await conn.fetchrow(
        "SELECT case_id, report_id, report_number, assignee_id FROM cases WHERE report_id = $1",
        report_id,
    )
    return CaseRef(**dict(row)) if row else None


async def store_reporter_contact(
    conn: asyncpg.Connection, report_id: uuid.UUID, sealed: SealedData
) -> None:
    await conn.execute(
        """INSERT INTO reporter_contacts (report_id, sealed_contact) VALUES ($1, $2::jsonb)
           ON CONFLICT (report_id) DO NOTHING""",
        report_id,
        sealed.model_dump_json(),
    )


async def reporter_contact(conn: asyncpg.Connection, report_id: uuid.UUID) -> SealedData | None:
    raw = await conn.fetchval(
        "SELECT sealed_contact FROM reporter_contacts WHERE report_id = $1", report_id
    )
    return SealedData.model_validate(json.loads(raw)) if raw else None


async def has_reporter_contact(conn: asyncpg.Connection, report_id: uuid.UUID) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM reporter_contacts WHERE report_id = $1)", report_id
        )
    )


# --- deliveries ----------------------------------------------------------------------------


async def record(
    conn: asyncpg.Connection,
    *,
    event_id: uuid.UUID,
    recipient_kind: str,
    recipient: str,
    channel: str,
    kind: str,
    case_id: uuid.UUID | None,
    report_number: str | None,
    status: str = "pending",
) -> int | None:
    """Record a delivery before anything is sent; None when this one already exists."""
    new_id: int | None = await conn.fetchval(
        """INSERT INTO deliveries (event_id, recipient_kind, recipient, channel, kind, case_id,
                                   report_number, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (event_id, recipient_kind, recipient, channel) DO NOTHING RETURNING id""",
        event_id,
        recipient_kind,
        recipient,
        channel,
        kind,
        case_id,
        report_number,
        status,
    )
    return new_id


async def wake_sender(conn: asyncpg.Connection) -> None:
    await conn.execute("SELECT pg_notify($1, '')", WAKE_CHANNEL)


async def claim_due(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[Delivery]:
    """Take due deliveries for one attempt each; the lease brings them back if we die."""
    rows = await conn.fetch(
        """UPDATE deliveries SET attempts = attempts + 1,
               next_attempt_at = now() + make_interval(secs => $2)
           WHERE id IN (SELECT id FROM deliveries
                        WHERE status = 'pending' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING id, event_id, recipient_kind, recipient, channel, kind, case_id,
                     report_number, attempts""",
        limit,
        lease_seconds,
    )
    return [Delivery.of(r) for r in rows]


async def mark_sent(conn: asyncpg.Connection, delivery_id: int) -> None:
    await conn.execute(
        """UPDATE deliveries SET status = 'sent', sent_at = now(), last_error = NULL
           WHERE id = $1 AND status = 'pending'""",
        delivery_id,
    )


async def reschedule(conn: asyncpg.Connection, delivery_id: int, delay: float, error: str) -> None:
    await conn.execute(
        """UPDATE deliveries SET next_attempt_at = now() + make_interval(secs => $2),
               last_error = $3 WHERE id = $1 AND status = 'pending'""",
        delivery_id,
        delay,
        error[:200],
    )


async def mark_failed(conn: asyncpg.Connection, delivery_id: int, error: str) -> bool:
    done = await conn.fetchval(
        """UPDATE deliveries SET status = 'failed', last_error = $2
           WHERE id = $1 AND status = 'pending' RETURNING true""",
        delivery_id,
        error[:200],
    )
    return bool(done)


async def retry_failed(conn: asyncpg.Connection, delivery_id: int) -> bool:
    done = await conn.fetchval(
        """UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now()
           WHERE id = $1 AND status = 'failed' RETURNING true""",
        delivery_id,
    )
    return bool(done)


async def list_deliveries(
    conn: asyncpg.Connection, status: str | None, before: int | None, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT d.id, d.event_id, d.recipient_kind, d.recipient, d.channel, d.kind,
                  d.report_number, d.status, d.attempts, d.last_error, d.created_at, d.sent_at,
                  d.next_attempt_at, s.username, s.email
           FROM deliveries d
           LEFT JOIN staff_contacts s
             ON d.recipient_kind = 'staff' AND s.staff_id::text = d.recipient
           WHERE ($1::text IS NULL OR d.status = $1) AND ($2::bigint IS NULL OR d.id < $2)
           ORDER BY d.id DESC LIMIT $3""",
        status,
        before,
        limit,
    )
    return [dict(r) for r in rows]


# --- the in-app inbox ----------------------------------------------------------------------


async def add_to_inbox(conn: asyncpg.Connection, d: Delivery) -> None:
    await _insert_inbox(conn, d.id, uuid.UUID(d.recipient), d.kind, d.case_id, d.report_number)


async def _insert_inbox(
    conn: asyncpg.Connection,
    delivery_id: int,
    staff_id: uuid.UUID,
    kind: str,
    case_id: uuid.UUID | None,
    report_number: str | None,
) -> None:
    await conn.execute(
        """INSERT INTO inbox (delivery_id, staff_id, kind, case_id, report_number)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (delivery_id) DO NOTHING""",
        delivery_id,
        staff_id,
        kind,
        case_id,
        report_number,
    )


async def deliver_in_app_now(
    conn: asyncpg.Connection,
    delivery_id: int,
    staff_id: uuid.UUID,
    kind: str,
    case_id: uuid.UUID | None,
    report_number: str | None,
) -> None:
    """Put a just-recorded in-app delivery in the inbox and mark it sent (same transaction)."""
    await _insert_inbox(conn, delivery_id, staff_id, kind, case_id, report_number)
    await mark_sent(conn, delivery_id)


async def inbox_page(
    conn: asyncpg.Connection, staff_id: uuid.UUID, before: int | None, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT id, kind, case_id, report_number, created_at, read_at FROM inbox
           WHERE staff_id = $1 AND ($2::bigint IS NULL OR id < $2)
           ORDER BY id DESC LIMIT $3""",
        staff_id,
        before,
        limit,
    )
    return [dict(r) for r in rows]


async def unread_count(conn: asyncpg.Connection, staff_id: uuid.UUID) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM inbox WHERE staff_id = $1 AND read_at IS NULL", staff_id
        )
    )


async def mark_read(conn: asyncpg.Connection, staff_id: uuid.UUID, notice_id: int | None) -> int:
    """Mark one notice (or all when None) read; how many rows belonged to the person."""
    result: str = await conn.execute(
        """UPDATE inbox SET read_at = coalesce(read_at, now())
           WHERE staff_id = $1 AND ($2::bigint IS NULL OR id = $2)""",
        staff_id,
        notice_id,
    )
    return int(result.split()[-1])
