"""Use cases driven by the cases service's events: status changes and messages to the reporter."""

from __future__ import annotations

import asyncpg

from peluit_intake.adapters.mailbox_repo import insert_message
from peluit_intake.adapters.reports_repo import add_status, find_by_id
from peluit_shared.events import CaseMessageToReporter, CaseStatusChanged


async def record_status(conn: asyncpg.Connection, event: CaseStatusChanged) -> None:
    """Append the reporter-facing status; internal-only transitions (None) change nothing."""
    if event.payload.public_status is not None:
        await add_status(conn, event.payload.report_id, event.payload.public_status)


async def deliver_message(conn: asyncpg.Connection, event: CaseMessageToReporter) -> None:
    """Keep the sealed message for the reporter's next visit; only the receipt opens it."""
    p = event.payload
    if await find_by_id(conn, p.report_id) is None:
        return  # not a report of this intake (e.g. another environment): nothing to deliver
    await insert_message(
        conn,
        p.report_id,
        p.message_id,
        p.kind,
        p.sealed_message.key_id,
        p.sealed_message.ciphertext,
        event.occurred_at,
    )
