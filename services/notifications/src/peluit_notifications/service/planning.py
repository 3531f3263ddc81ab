"""From an event to recorded deliveries, in the consumer's transaction (record before send).

Each delivery is unique per (event, recipient, channel), so a redelivered event records nothing
new and therefore sends nothing new. Email to someone on the daily digest is held for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from peluit_notifications.adapters import repo
from peluit_notifications.domain.notices import Kind, staff_recipients


@dataclass(frozen=True)
class Plan:
    """What is switched on: channel names and how many webhook URLs there are."""

    channels: frozenset[str]
    webhooks: int


async def notify_staff(
    conn: asyncpg.Connection,
    plan: Plan,
    *,
    event_id: uuid.UUID,
    kind: Kind,
    case_id: uuid.UUID | None,
    number: str | None,
    assignee: uuid.UUID | None,
) -> int:
    """Record the deliveries of one staff notice; how many were new."""
    needs_coordinators = kind is not Kind.ASSIGNED and (
        kind is Kind.NEW_REPORT or kind is Kind.OVERDUE or not assignee
    )
    coordinators = await repo.active_coordinators(conn) if needs_coordinators else []
    recorded = 0
    for notice in staff_recipients(kind, assignee, coordinators):
        contact = await repo.contact(conn, notice.staff_id)
        if contact is None or not contact.active:
            continue
        wanted = []
        if "inapp" in plan.channels:
            wanted.append(("inapp", "pending"))
        if "email" in plan.channels and contact.email:
            held = contact.notification_mode == "daily_digest"
            wanted.append(("email", "held" if held else "pending"))
        for channel, status in wanted:
            new_id = await repo.record(
                conn,
                event_id=event_id,
                recipient_kind="staff",
                recipient=str(notice.staff_id),
                channel=channel,
                kind=notice.kind.value,
                case_id=case_id,
                report_number=number,
                status=status,
            )
            if new_id is not None and channel == "inapp":
                # The inbox is a table of this database: "sending" an in-app notice is one more
                # row in the same transaction, so it needs no trip through the sender loop.
                await repo.deliver_in_app_now(
                    conn, new_id, notice.staff_id, notice.kind.value, case_id, number
                )
                continue
            recorded += new_id is not None
    if "webhook" in plan.channels:
        for index in range(plan.webhooks):
            recorded += bool(
                await repo.record(
                    conn,
                    event_id=event_id,
                    recipient_kind="webhook",
                    recipient=str(index),
                    channel="webhook",
                    kind=kind.value,
                    case_id=case_id,
                    report_number=number,
                )
            )
    if recorded:
        await repo.wake_sender(conn)
    return recorded


async def notify_reporter(
    conn: asyncpg.Connection, plan: Plan, *, event_id: uuid.UUID, report_id: uuid.UUID
) -> bool:
    """A generic "there is news" email, if the reporter left an address."""
    if "email" not in plan.channels or not await repo.has_reporter_contact(conn, report_id):
        return False
    # No case id or number on the row: nothing links the reporter's mail to the report there.
    new = await repo.record(
        conn,
        event_id=event_id,
        recipient_kind="reporter",
        recipient=str(report_id),
        channel="email",
        kind=Kind.REPORTER_NEWS.value,
        case_id=None,
        report_number=None,
    )
    if new:
        await repo.wake_sender(conn)
    return new is not None
