"""The daily digest: everyone's held email notices go out as one email per person.

A run gathers the held items (locked, so two runs never share them) into one digest delivery
per person, in one transaction; the sender then sends it like any other delivery. The
scheduled run happens once per local day at `digest_time` (`digest_runs` records the date);
`peluit-notifications send-digests` and the ops API start an extra run at any time.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import asyncpg

from peluit_notifications.adapters import repo
from peluit_notifications.domain.notices import Kind


async def send_digests(pool: asyncpg.Pool) -> int:
    """Turn every held item into digest deliveries; how many digests were recorded."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            """SELECT id, recipient FROM deliveries
               WHERE status = 'held' AND channel = 'email' ORDER BY id
               FOR UPDATE SKIP LOCKED"""
        )
        by_person: dict[str, list[int]] = {}
        for r in rows:
            by_person.setdefault(r["recipient"], []).append(r["id"])
        for staff_id, ids in by_person.items():
            digest_id = await repo.record(
                conn,
                event_id=uuid.uuid4(),
                recipient_kind="staff",
                recipient=staff_id,
                channel="email",
                kind=Kind.DIGEST.value,
                case_id=None,
                report_number=None,
            )
            await conn.execute(
                """UPDATE deliveries SET status = 'digested', digest_id = $1
                   WHERE id = ANY($2::bigint[])""",
                digest_id,
                ids,
            )
        if by_person:
            await repo.wake_sender(conn)
        return len(by_person)


def due_today(now: datetime, at: str, zone: str) -> date | None:
    """The local date whose scheduled run is due at `now`, or None before `at` local time."""
    local = now.astimezone(ZoneInfo(zone))
    hour, minute = (int(x) for x in at.split(":"))
    return local.date() if local.time() >= time(hour, minute) else None


async def run_if_due(pool: asyncpg.Pool, now: datetime, at: str, zone: str) -> int | None:
    """The scheduled run, at most once per local date (any replica may try)."""
    day = due_today(now, at, zone)
    if day is None:
        return None
    async with pool.acquire() as conn:
        claimed = await conn.fetchval(
            "INSERT INTO digest_runs (run_date) VALUES ($1) ON CONFLICT DO NOTHING RETURNING true",
            day,
        )
    return await send_digests(pool) if claimed else None
