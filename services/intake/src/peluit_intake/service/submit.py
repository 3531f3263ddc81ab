"""Use case: accept a report — all of it, or none of it."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.public import PublicKey

from peluit_intake.adapters.idempotency import Idempotent
from peluit_intake.adapters.receipt_crypto import ReceiptCrypto, ReporterKeys
from peluit_intake.adapters.reports_repo import StoredReport, insert_report, least_used_locator
from peluit_intake.adapters.staff_keys_repo import set_case_public_key
from peluit_intake.domain.notice import NotificationContact
from peluit_intake.domain.receipt import (
    new_locator,
    new_receipt,
    new_report_number,
    normalise_receipt,
)
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
    # The first answer again (same idempotency key and body): nothing new was stored.
    repeated: bool = False


# Random locators tried per report: the least used wins, so locators stay (nearly) unique.
LOCATOR_TRIES = 16
NUMBER_TRIES = 8


async def _insert_with_new_number(conn: asyncpg.Connection, report: StoredReport, year: int) -> str:
    """Insert under a random, unused report number (a savepoint per try: a clash retries)."""
    for _ in range(NUMBER_TRIES):
        number = new_report_number(year)
        try:
            async with conn.transaction():
                await insert_report(conn, replace(report, report_number=number))
            return number
        except asyncpg.UniqueViolationError:
            continue
    raise RuntimeError("no unused report number found")


async def submit_report(
    pool: asyncpg.Pool,
    crypto: ReceiptCrypto,
    cases_key: PublicKey,
    content: ReportContent,
    channel: Channel = "portal",
    notice: NotificationContact | None = None,
    notifications_key: PublicKey | None = None,
    idempotent: Idempotent | None = None,
    recovery_key: PublicKey | None = None,
) -> Accepted:
    """Store and publish the report; `notice` (the reporter's optional address for notices) is
    sealed to `notifications_key` here, before anything is written: only notifications opens it.
    With `idempotent`, a request already answered gets that answer (`repeated`) and files
    nothing; the claim and the report commit together.

    The team's copy is sealed to a new per-case key wrapped to the coordinators and the
    `recovery_key` (see service/case_keys.py); `cases_key`, the cases host key, gets only the
    triage.
    """
    if recovery_key is None:
        raise RecoveryKeyMissing("a report needs the recovery public key")
    plaintext = content.model_dump_json().encode()
    async with pool.acquire() as conn:
        locator = await least_used_locator(conn, [new_locator() for _ in range(LOCATOR_TRIES)])
    receipt = new_receipt(locator)
    digits = normalise_receipt(receipt)
    assert digits is not None
    salt, derived = await crypto.protect(digits)
    keys = derived.keys
    assert keys.private_key is not None
    reporter_public_key = keys.private_key.public_key.encode(Base64Encoder).decode()
    sealed_contact = None
    if notice is not None:
        if notifications_key is None:
            raise ValueError("a notification contact needs the notifications public key")
        sealed_contact = seal(notifications_key, notice.sealed_plaintext())
    report_id = uuid.uuid4()
    year = datetime.now(UTC).year
    async with pool.acquire() as conn, conn.transaction():
        if idempotent is not None:
            earlier = await idempotent.claim(conn)
            if earlier is not None:
                first = json.loads(earlier)
                return Accepted(
                    report_id=uuid.UUID(first["report_id"]),
                    report_number=first["report_number"],
                    receipt=first["receipt"],
                    repeated=True,
                )
        sealed = await seal_case(conn, content, cases_key, recovery_key)
        number = await _insert_with_new_number(
            conn,
            StoredReport(
                id=report_id,
                report_number="",
                receipt_locator=locator,
                receipt_verifier=derived.verifier,
                reporter_salt=salt,
                kdf_opslimit=crypto.params.opslimit,
                kdf_memlimit=crypto.params.memlimit,
                reporter_copy=crypto.encrypt(keys.box_key, plaintext),
                channel=channel,
                notices_by_email=sealed_contact is not None,
            ),
            year,
        )
        await set_case_public_key(conn, report_id, sealed.case_public_key)
        event = ReportSubmitted(
            correlation_id=report_id,
            payload=ReportSubmittedPayload(
                report_id=report_id,
                report_number=number,
                channel=channel,
                sealed_report=sealed.sealed_report,
                reporter_public_key=reporter_public_key,
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
        if idempotent is not None:
            answer = {"report_id": str(report_id), "report_number": number}
            await idempotent.record(conn, json.dumps({**answer, "receipt": receipt}).encode())
    return Accepted(report_id=report_id, report_number=number, receipt=receipt, keys=keys)
