"""Use case: a reporter comes back with the receipt and unlocks their report's keys.

Wrong, malformed and unknown receipts are indistinguishable: one message, and at least one
Argon2id run every time (with a throwaway salt when the locator selects no report), so timing
tells nothing. The receipt's first group (the locator) selects the report's row; the other 16
digits are checked only by the memory-hard run against that report's own verifier and salt, so
one guess tests one report. Attempts are reserved per source before any work (a source over its
limit is refused, even with the right receipt, so guessing cannot be confirmed); a right receipt
is refunded. There is no global limit: a flood from many sources refuses nobody else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from peluit_intake.adapters.receipt_crypto import ReceiptCrypto, ReporterKeys
from peluit_intake.adapters.reports_repo import find_by_locator
from peluit_intake.adapters.throttle import Throttle
from peluit_intake.domain.receipt import RECEIPT_DIGITS, locator_of, normalise_receipt


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


async def sign_in(
    pool: asyncpg.Pool,
    crypto: ReceiptCrypto,
    throttle: Throttle,
    receipt_text: str,
    source: str,
) -> SignedIn:
    wait = await throttle.receipt_attempt(source)
    if wait:
        raise Throttled(wait)
    digits = normalise_receipt(receipt_text[:100])
    reports = []
    if digits is not None:
        async with pool.acquire() as conn:
            reports = await find_by_locator(conn, locator_of(digits))
    found = await crypto.check(
        digits or "0" * RECEIPT_DIGITS, [report.candidate() for report in reports]
    )
    if found is None:
        raise WrongReceipt
    await throttle.receipt_succeeded(source)
    index, derived = found
    report = reports[index]
    return SignedIn(report_id=report.id, report_number=report.report_number, keys=derived.keys)
