"""Use case: a signed-in reporter adds an evidence file; intake streams it to evidence.

Intake keeps only the reporter's own record: the file name under the receipt-derived key, the
size and a hash prefix. It never holds the file.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from nacl.exceptions import CryptoError

from peluit_intake.adapters.evidence_client import EvidenceClient, Forwarded
from peluit_intake.adapters.receipt_crypto import ReceiptCrypto, ReporterKeys


@dataclass(frozen=True)
class EvidenceItem:
    evidence_id: uuid.UUID
    filename: str | None
    size_bytes: int
    sha256_prefix: str
    forwarded_at: datetime


def clean_filename(name: str) -> str:
    """The last path component, without control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255] or "bukti"


async def add_evidence(
    pool: asyncpg.Pool, client: EvidenceClient, report_id: uuid.UUID, keys: ReporterKeys,
    filename: str, content_type: str, body: AsyncIterator[bytes], length: int | None = None,
) -> Forwarded:
    name = clean_filename(filename)
    forwarded = await client.forward(report_id, name, content_type, body, length)
    await pool.execute(
        """INSERT INTO evidence_forwarded (evidence_id, report_id, reporter_copy, size_bytes,
               sha256_prefix) VALUES ($1, $2, $3, $4, $5)""",
        forwarded.evidence_id, report_id, ReceiptCrypto.encrypt(keys.box_key, name.encode()),
        forwarded.size_bytes, forwarded.sha256[:12])
    return forwarded


async def list_evidence(
    pool: asyncpg.Pool, report_id: uuid.UUID, keys: ReporterKeys
) -> list[EvidenceItem]:
    rows = await pool.fetch(
        """SELECT evidence_id, reporter_copy, size_bytes, sha256_prefix, forwarded_at
           FROM evidence_forwarded WHERE report_id = $1 ORDER BY forwarded_at""", report_id)
    return [EvidenceItem(r["evidence_id"], _open(keys, bytes(r["reporter_copy"])),
                         r["size_bytes"], r["sha256_prefix"], r["forwarded_at"]) for r in rows]


def _open(keys: ReporterKeys, ciphertext: bytes) -> str | None:
    try:
        return ReceiptCrypto.decrypt(keys.box_key, ciphertext).decode()
    except (CryptoError, UnicodeDecodeError):
        return None
