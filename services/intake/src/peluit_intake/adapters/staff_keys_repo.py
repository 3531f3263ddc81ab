"""Intake's projection of staff public keys (from staff.changed) and each report's case key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class Recipient:
    staff_id: uuid.UUID
    public_key: bytes


async def upsert_staff_key(
    conn: asyncpg.Connection,
    staff_id: uuid.UUID,
    role: str,
    active: bool,
    custodian: bool,
    public_key: bytes | None,
    changed_at: datetime,
) -> None:
    """Newest wins (events of one account share a partition; a replay changes nothing)."""
    await conn.execute(
        """INSERT INTO staff_keys (staff_id, role, active, custodian, public_key, changed_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (staff_id) DO UPDATE SET role = $2, active = $3, custodian = $4,
               public_key = $5, changed_at = $6
           WHERE staff_keys.changed_at <= $6""",
        staff_id,
        role,
        active,
        custodian,
        public_key,
        changed_at,
    )


async def recipients(conn: asyncpg.Connection) -> tuple[list[Recipient], list[Recipient]]:
    """(active coordinators, active custodians) with a key pair."""
    rows = await conn.fetch(
        "SELECT staff_id, role, custodian, public_key FROM staff_keys "
        "WHERE active AND public_key IS NOT NULL ORDER BY staff_id"
    )
    coordinators = [
        Recipient(r["staff_id"], bytes(r["public_key"])) for r in rows if r["role"] == "coordinator"
    ]
    custodians = [Recipient(r["staff_id"], bytes(r["public_key"])) for r in rows if r["custodian"]]
    return coordinators, custodians


async def set_case_public_key(conn: asyncpg.Connection, report_id: uuid.UUID, key: bytes) -> None:
    await conn.execute("UPDATE reports SET case_public_key = $2 WHERE id = $1", report_id, key)


async def case_public_key(conn: asyncpg.Connection, report_id: uuid.UUID) -> bytes | None:
    value = await conn.fetchval("SELECT case_public_key FROM reports WHERE id = $1", report_id)
    return bytes(value) if value is not None else None
