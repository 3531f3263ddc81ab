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
                                reporter_copy, channel)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        report.id, report.report_number, report.receipt_lookup, report.receipt_hash,
        report.reporter_salt, report.reporter_copy, report.channel,
    )
