"""Use case: accept a report — all of it, or none of it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.public import PublicKey

from peluit_intake.adapters.receipt_crypto import ReceiptCrypto, ReporterKeys
from peluit_intake.adapters.reports_repo import (
    StoredReport,
    insert_report,
    next_report_number_sequence,
)
from peluit_intake.adapters.staff_keys_repo import set_case_public_key
from peluit_intake.domain.notice import NotificationContact
from peluit_intake.domain.receipt import new_receipt, normalise_receipt, report_number
from peluit_intake.domain.report import ReportContent
from peluit_intake.service.case_keys import RecoveryKeyMissing, b64, seal_case
from peluit_shared.crypto import seal
from peluit_shared.events import ReportSubmitted
from peluit_shared.events.reports import Channel, ReportSubmittedPayload
from peluit_shared.outbox import add_to_outbox


@dataclass(frozen=True)
class Accepted:
    report_id: uuid.UUID
    report_number: str
    receipt: str
    # For files attached on the form: the reporter's copy of their names (never stored).
    keys: ReporterKeys | None = None


@dataclass(frozen=True)
class _Protected:
    receipt: str
    lookup: bytes
    receipt_hash: str
    salt: bytes
    reporter_copy: bytes
    reporter_public_key: str
    keys: ReporterKeys


def _protect(crypto: ReceiptCrypto, plaintext: bytes) -> _Protected:
    """CPU-bound Argon2id work, run off the event loop."""
    receipt = new_receipt()
    digits = normalise_receipt(receipt)
    assert digits is not None
    salt = crypto.new_salt()
    keys = crypto.reporter_keys(digits, salt)
    assert keys.private_key is not None
    return _Protected(
        receipt=receipt,
        lookup=crypto.lookup(digits),
        receipt_hash=crypto.hash(digits),
        salt=salt,
        reporter_copy=crypto.encrypt(keys.box_key, plaintext),
        reporter_public_key=keys.private_key.public_key.encode(Base64Encoder).decode(),
        keys=keys,
    )


async def submit_report(
    pool: asyncpg.Pool,
    crypto: ReceiptCrypto,
    cases_key: PublicKey,
    content: ReportContent,
    channel: Channel = "portal",
    notice: NotificationContact | None = None,
    notifications_key: PublicKey | None = None,
    recovery_key: PublicKey | None = None,
) -> Accepted:
    """Store and publish the report; `notice` (the reporter's optional address for notices) is
    sealed to `notifications_key` here, before anything is written: only notifications opens it.

    The team's copy is sealed to a new per-case key wrapped to the coordinators and the
    `recovery_key` (see service/case_keys.py); `cases_key`, the cases host key, gets only the
    triage.
    """
    if recovery_key is None:
        raise RecoveryKeyMissing("a report needs the recovery public key")
    plaintext = content.model_dump_json().encode()
    protected = await asyncio.to_thread(_protect, crypto, plaintext)
    sealed_contact = None
    if notice is not None:
        if notifications_key is None:
            raise ValueError("a notification contact needs the notifications public key")
        sealed_contact = seal(notifications_key, notice.sealed_plaintext())
    report_id = uuid.uuid4()
    year = datetime.now(UTC).year
    async with pool.acquire() as conn, conn.transaction():
        number = report_number(year, await next_report_number_sequence(conn, year))
        sealed = await seal_case(conn, content, cases_key, recovery_key)
        await insert_report(
            conn,
            StoredReport(
                id=report_id,
                report_number=number,
                receipt_lookup=protected.lookup,
                receipt_hash=protected.receipt_hash,
                reporter_salt=protected.salt,
                reporter_copy=protected.reporter_copy,
                channel=channel,
                notices_by_email=sealed_contact is not None,
            ),
        )
        await set_case_public_key(conn, report_id, sealed.case_public_key)
        event = ReportSubmitted(
            correlation_id=report_id,
            payload=ReportSubmittedPayload(
                report_id=report_id,
                report_number=number,
                channel=channel,
                sealed_report=sealed.sealed_report,
                reporter_public_key=protected.reporter_public_key,
                sealed_notification_contact=sealed_contact,
                case_public_key=b64(sealed.case_public_key),
                case_key_wraps=sealed.case_key_wraps,
                sealed_identity=sealed.sealed_identity,
                identity_public_key=b64(sealed.identity_public_key),
                identity_key_wraps=sealed.identity_key_wraps,
                sealed_triage=sealed.sealed_triage,
            ),
        )
        await add_to_outbox(conn, event)
    return Accepted(
        report_id=report_id, report_number=number, receipt=protected.receipt, keys=protected.keys
    )
