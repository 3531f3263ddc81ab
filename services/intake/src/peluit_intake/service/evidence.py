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
from peluit_shared.events import EvidenceStored


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
    pool: asyncpg.Pool,
    client: EvidenceClient,
    grant: str,
    report_id: uuid.UUID,
    keys: ReporterKeys,
    filename: str,
    content_type: str,
    body: AsyncIterator[bytes],
    length: int | None = None,
    *,
    normalise_name: bool = True,
    idempotency_key: str | None = None,
) -> Forwarded:
    """Stream one file to evidence under `grant`; record the reporter's own copy of its name.

    A retry (same Idempotency-Key, same bytes) gets the first file back: the first name stays,
    as it does on the cases side; different bytes under a used key are a 409 from evidence.

    The portal's form normalises the name (a browser may send a path: the last component is
    kept, control characters dropped); the JSON API passes it unchanged, so the evidence
    service refuses a path or control characters with a 422 naming the field.
    """
    name = clean_filename(filename) if normalise_name else filename
    forwarded = await client.forward(
        report_id, grant, name, content_type, body, length, idempotency_key
    )
    await pool.execute(
        """INSERT INTO evidence_forwarded (evidence_id, report_id, reporter_copy, size_bytes,
               sha256_prefix) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (evidence_id) DO NOTHING""",
        forwarded.evidence_id,
        report_id,
        ReceiptCrypto.encrypt(keys.box_key, name.encode()),
        forwarded.size_bytes,
        forwarded.sha256[:12],
    )
    return forwarded


async def list_evidence(
    pool: asyncpg.Pool, report_id: uuid.UUID, keys: ReporterKeys
) -> list[EvidenceItem]:
    rows = await pool.fetch(
        """SELECT evidence_id, reporter_copy, size_bytes, sha256_prefix, forwarded_at
           FROM evidence_forwarded WHERE report_id = $1 ORDER BY forwarded_at""",
        report_id,
    )
    return [
        EvidenceItem(
            r["evidence_id"],
            _open(keys, bytes(r["reporter_copy"])) if r["reporter_copy"] else None,
            r["size_bytes"],
            r["sha256_prefix"],
            r["forwarded_at"],
        )
        for r in rows
    ]


def _open(keys: ReporterKeys, ciphertext: bytes) -> str | None:
    try:
        return ReceiptCrypto.decrypt(keys.box_key, ciphertext).decode()
    except (CryptoError, UnicodeDecodeError):
        return None


async def record_direct_upload(conn: asyncpg.Connection, event: EvidenceStored) -> None:
    """A file the reporter uploaded straight to evidence (API clients): listed without a name.

    Files forwarded by intake are already recorded (with the reporter's copy of the name);
    staff uploads are not the reporter's and are not listed.
    """
    p = event.payload
    if p.uploaded_by != "reporter":
        return
    await conn.execute(
        """INSERT INTO evidence_forwarded (evidence_id, report_id, reporter_copy, size_bytes,
               sha256_prefix, forwarded_at)
           SELECT $1, $2, NULL, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM reports WHERE id = $2)
           ON CONFLICT (evidence_id) DO NOTHING""",
        p.evidence_id,
        p.report_id,
        p.size_bytes,
        p.sha256[:12],
        event.occurred_at,
    )
