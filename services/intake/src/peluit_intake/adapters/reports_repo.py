"""Intake's storage of reports: ciphertext, receipt verifier and lookup, never plaintext."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class StoredReport:
    id: uuid.UUID
    report_number: str
    receipt_lookup: bytes
    receipt_hash: str
    reporter_salt: bytes
    reporter_copy: bytes
    channel: str
    key_scheme: int = 2
    # The reporter left an address for notices (sealed to notifications; never kept here).
    notices_by_email: bool = False


async def next_report_number_sequence(conn: asyncpg.Connection, year: int) -> int:
    """Gap-free per-year numbering; the row lock serialises only the counter update."""
    value = await conn.fetchval(
        """INSERT INTO report_counters (year, last_value) VALUES ($1, 1)
           ON CONFLICT (year) DO UPDATE SET last_value = report_counters.last_value + 1
           RETURNING last_value""",
        year,
    )
    return int(value)


async def insert_report(conn: asyncpg.Connection, report: StoredReport) -> None:
    await conn.execute(
        """INSERT INTO reports (id, report_number, receipt_lookup, receipt_hash, reporter_salt,
                                reporter_copy, channel, key_scheme, notices_by_email)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        report.id,
        report.report_number,
        report.receipt_lookup,
        report.receipt_hash,
        report.reporter_salt,
        report.reporter_copy,
        report.channel,
        report.key_scheme,
        report.notices_by_email,
    )
    await add_status(conn, report.id, "received")


async def find_by_lookup(conn: asyncpg.Connection, lookup: bytes) -> StoredReport | None:
    row = await conn.fetchrow(
        """SELECT id, report_number, receipt_lookup, receipt_hash, reporter_salt, reporter_copy,
                  channel, key_scheme, notices_by_email FROM reports WHERE receipt_lookup = $1""",
        lookup,
    )
    return StoredReport(**dict(row)) if row else None


async def find_by_id(conn: asyncpg.Connection, report_id: uuid.UUID) -> StoredReport | None:
    row = await conn.fetchrow(
        """SELECT id, report_number, receipt_lookup, receipt_hash, reporter_salt, reporter_copy,
                  channel, key_scheme, notices_by_email FROM reports WHERE id = $1""",
        report_id,
    )
    return StoredReport(**dict(row)) if row else None


async def add_status(conn: asyncpg.Connection, report_id: uuid.UUID, public_status: str) -> bool:
    """Record a status the reporter sees; False when the report is not ours or nothing changes.

    Several staff stages read the same to the reporter (verifying and reviewing are both
    "Diproses"); only a change of what the reporter sees becomes a line of history.
    """
    previous = await conn.fetchval(
        "SELECT public_status FROM reports WHERE id = $1 FOR UPDATE", report_id
    )
    if previous is None:
        return False
    has_history = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM status_history WHERE report_id = $1)", report_id
    )
    if has_history and previous == public_status:
        return False
    await conn.execute(
        "UPDATE reports SET public_status = $2 WHERE id = $1", report_id, public_status
    )
    await conn.execute(
        "INSERT INTO status_history (report_id, public_status) VALUES ($1, $2)",
        report_id,
        public_status,
    )
    return True
