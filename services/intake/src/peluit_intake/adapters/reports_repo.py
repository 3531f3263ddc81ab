"""Intake's storage of reports: ciphertext and the receipt's verifier, never plaintext."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from peluit_intake.adapters.receipt_crypto import KEY_SCHEME, Candidate, KdfParams


@dataclass(frozen=True)
class StoredReport:
    id: uuid.UUID
    report_number: str
    # Key scheme 3: the locator (first 4 receipt digits), the Argon2id verifier, its salt and
    # parameters. Reports of older schemes have no verifier and cannot be opened any more.
    receipt_locator: int | None
    receipt_verifier: bytes | None
    reporter_salt: bytes
    kdf_opslimit: int | None
    kdf_memlimit: int | None
    reporter_copy: bytes
    channel: str
    key_scheme: int = KEY_SCHEME
    # The reporter left an address for notices (sealed to notifications; never kept here).
    notices_by_email: bool = False

    def candidate(self) -> Candidate:
        assert self.receipt_verifier is not None
        assert self.kdf_opslimit is not None and self.kdf_memlimit is not None
        return Candidate(
            salt=self.reporter_salt,
            params=KdfParams(opslimit=self.kdf_opslimit, memlimit=self.kdf_memlimit),
            verifier=self.receipt_verifier,
        )


async def report_number_taken(conn: asyncpg.Connection, number: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE report_number = $1)", number
        )
    )


async def least_used_locator(conn: asyncpg.Connection, candidates: list[int]) -> int:
    """Of random candidate locators, one no open report uses (or the least used): so a locator
    selects one row, and a sign-in costs one Argon2id run, until the locators run short."""
    rows = await conn.fetch(
        """SELECT receipt_locator, count(*) AS n FROM reports
           WHERE receipt_locator = ANY($1::int[]) AND receipt_verifier IS NOT NULL
           GROUP BY receipt_locator""",
        candidates,
    )
    used = {row["receipt_locator"]: row["n"] for row in rows}
    return min(candidates, key=lambda locator: used.get(locator, 0))


async def insert_report(conn: asyncpg.Connection, report: StoredReport) -> None:
    await conn.execute(
        """INSERT INTO reports (id, report_number, receipt_locator, receipt_verifier,
                                reporter_salt, kdf_opslimit, kdf_memlimit, reporter_copy,
                                channel, key_scheme, notices_by_email)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
        report.id,
        report.report_number,
        report.receipt_locator,
        report.receipt_verifier,
        report.reporter_salt,
        report.kdf_opslimit,
        report.kdf_memlimit,
        report.reporter_copy,
        report.channel,
        report.key_scheme,
        report.notices_by_email,
    )
    await add_status(conn, report.id, "received")


async def find_by_locator(conn: asyncpg.Connection, locator: int) -> list[StoredReport]:
    rows = await conn.fetch(
        """SELECT id, report_number, receipt_locator, receipt_verifier, reporter_salt,
                  kdf_opslimit, kdf_memlimit, reporter_copy, channel, key_scheme, notices_by_email
           FROM reports WHERE receipt_locator = $1 AND receipt_verifier IS NOT NULL
           ORDER BY submitted_at""",
        locator,
    )
    return [StoredReport(**dict(row)) for row in rows]


async def find_by_id(conn: asyncpg.Connection, report_id: uuid.UUID) -> StoredReport | None:
    row = await conn.fetchrow(
        """SELECT id, report_number, receipt_locator, receipt_verifier, reporter_salt,
                  kdf_opslimit, kdf_memlimit, reporter_copy, channel, key_scheme, notices_by_email
           FROM reports WHERE id = $1""",
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
