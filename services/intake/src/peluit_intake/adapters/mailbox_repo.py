"""The mailbox tables: the team's sealed messages, the reporter's follow-ups, status history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class StoredMessage:
    message_id: uuid.UUID
    kind: str
    key_id: str
    sealed: bytes
    received_at: datetime


@dataclass(frozen=True)
class StoredFollowup:
    id: uuid.UUID
    kind: str
    in_reply_to: uuid.UUID | None
    reporter_copy: bytes
    posted_at: datetime
    sent: bool


@dataclass(frozen=True)
class StatusEntry:
    public_status: str
    changed_at: datetime


async def insert_message(
    conn: asyncpg.Connection,
    report_id: uuid.UUID,
    message_id: uuid.UUID,
    kind: str,
    key_id: str,
    sealed: bytes,
    sent_at: datetime,
) -> None:
    # `sent_at` is when the team sent it (the event's time), not now(): a consumer handles a
    # batch of events in one transaction, where now() is the same for all of them.
    await conn.execute(
        """INSERT INTO mailbox_messages (message_id, report_id, kind, key_id, sealed, received_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING""",
        message_id,
        report_id,
        kind,
        key_id,
        sealed,
        sent_at,
    )


async def messages(conn: asyncpg.Connection, report_id: uuid.UUID) -> list[StoredMessage]:
    rows = await conn.fetch(
        """SELECT message_id, kind, key_id, sealed, received_at FROM mailbox_messages
           WHERE report_id = $1 ORDER BY received_at, message_id""",
        report_id,
    )
    return [StoredMessage(**dict(r)) for r in rows]


async def message_kind(
    conn: asyncpg.Connection, report_id: uuid.UUID, message_id: uuid.UUID
) -> str | None:
    kind = await conn.fetchval(
        "SELECT kind FROM mailbox_messages WHERE report_id = $1 AND message_id = $2",
        report_id,
        message_id,
    )
    return str(kind) if kind is not None else None


async def insert_followup(
    conn: asyncpg.Connection,
    report_id: uuid.UUID,
    followup_id: uuid.UUID,
    kind: str,
    in_reply_to: uuid.UUID | None,
    reporter_copy: bytes,
    event_id: uuid.UUID,
) -> None:
    await conn.execute(
        """INSERT INTO followups (id, report_id, kind, in_reply_to, reporter_copy, event_id)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        followup_id,
        report_id,
        kind,
        in_reply_to,
        reporter_copy,
        event_id,
    )


async def followups(conn: asyncpg.Connection, report_id: uuid.UUID) -> list[StoredFollowup]:
    # Sent: the outbox row was published (or already cleaned up after publication).
    rows = await conn.fetch(
        """SELECT f.id, f.kind, f.in_reply_to, f.reporter_copy, f.posted_at,
                  NOT EXISTS (SELECT 1 FROM outbox o
                              WHERE o.event_id = f.event_id AND o.published_at IS NULL) AS sent
           FROM followups f WHERE f.report_id = $1 ORDER BY f.posted_at, f.id""",
        report_id,
    )
    return [StoredFollowup(**dict(r)) for r in rows]


async def status_history(conn: asyncpg.Connection, report_id: uuid.UUID) -> list[StatusEntry]:
    rows = await conn.fetch(
        """SELECT public_status, changed_at FROM status_history WHERE report_id = $1
           ORDER BY id""",
        report_id,
    )
    return [StatusEntry(**dict(r)) for r in rows]
