"""Use case: a reporter comes back with the receipt and unlocks their report's keys.

Wrong, malformed and unknown receipts are indistinguishable: one message, and one Argon2id
verification every time (against a dummy hash when no report matches), so timing tells nothing.
Failures are throttled per source and overall; a throttled source is refused even a right receipt.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import asyncpg

from peluit_intake.adapters.receipt_crypto import ReceiptCrypto, ReporterKeys
from peluit_intake.adapters.reports_repo import StoredReport, find_by_lookup
from peluit_intake.adapters.throttle import Throttle
from peluit_intake.domain.receipt import normalise_receipt


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class WrongReceipt(Exception):
    """The receipt does not open any report (whatever the reason)."""


@dataclass(frozen=True)
class SignedIn:
    report_id: uuid.UUID
    report_number: str
    keys: ReporterKeys


def _verify_and_derive(
    crypto: ReceiptCrypto, dummy_hash: str, report: StoredReport | None, digits: str
) -> ReporterKeys | None:
    if report is None:
        crypto.verify(dummy_hash, digits)
        return None
    if not crypto.verify(report.receipt_hash, digits):
        return None
    if report.key_scheme >= 2:
        return crypto.reporter_keys(digits, report.reporter_salt)
    return ReporterKeys(box_key=crypto.reporter_key(digits, report.reporter_salt), private_key=None)


async def sign_in(
    pool: asyncpg.Pool,
    crypto: ReceiptCrypto,
    throttle: Throttle,
    dummy_hash: str,
    receipt_text: str,
    source: str,
) -> SignedIn:
    wait = throttle.receipt_wait(source)
    if wait:
        raise Throttled(wait)
    digits = normalise_receipt(receipt_text[:100])
    report = None
    if digits is not None:
        async with pool.acquire() as conn:
            report = await find_by_lookup(conn, crypto.lookup(digits))
    keys = await asyncio.to_thread(
        _verify_and_derive, crypto, dummy_hash, report, digits or "0" * 16
    )
    if report is None or keys is None:
        throttle.count_receipt_failure(source)
        raise WrongReceipt
    return SignedIn(report_id=report.id, report_number=report.report_number, keys=keys)
