"""A found receipt still pays the memory-hard check.

Signing in with the RIGHT receipt must run the full Argon2id (64 MiB, t=3) over it with the
report's own salt and compare the result with the stored verifier: a report found by its
locator is not thereby opened. A shortcut (a cache, a cheaper run, trusting the locator) fails
here. The sign-in use case runs as the service runs it, with the database row given by a fake
connection and the real `ReceiptCrypto`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import nacl.pwhash
import pytest

from peluit_intake.adapters.receipt_crypto import (
    MIN_MEMLIMIT,
    MIN_OPSLIMIT,
    ReceiptCrypto,
)
from peluit_intake.adapters.reports_repo import StoredReport
from peluit_intake.domain.receipt import locator_of
from peluit_intake.service import sign_in as use_case

DIGITS = "42421234567890123456"


class NoLimits:
    async def receipt_attempt(self, source: str) -> int:
        return 0

    async def receipt_succeeded(self, source: str) -> None:
        return None


class OneRowPool:
    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[object]:
        yield object()


async def stored_report(crypto: ReceiptCrypto, verifier: bytes | None = None) -> StoredReport:
    salt, derived = await crypto.protect(DIGITS)
    return StoredReport(
        id=uuid.uuid4(),
        report_number="WBS-2026-12345678",
        receipt_locator=locator_of(DIGITS),
        receipt_verifier=verifier or derived.verifier,
        reporter_salt=salt,
        kdf_opslimit=crypto.params.opslimit,
        kdf_memlimit=crypto.params.memlimit,
        reporter_copy=b"",
        channel="portal",
    )


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, bytes]]:
    """Every Argon2id run: (opslimit, memlimit, salt)."""
    seen: list[tuple[int, int, bytes]] = []
    real = nacl.pwhash.argon2id.kdf

    def spy(size: int, password: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
        seen.append((opslimit, memlimit, salt))
        return real(size, password, salt, opslimit=opslimit, memlimit=memlimit)

    monkeypatch.setattr(nacl.pwhash.argon2id, "kdf", spy)
    return seen


async def sign_in(crypto: ReceiptCrypto, report: StoredReport, receipt: str) -> Any:
    async def find(conn: object, locator: int) -> list[StoredReport]:
        return [report] if locator == report.receipt_locator else []

    with pytest.MonkeyPatch.context() as m:
        m.setattr(use_case, "find_by_locator", find)
        return await use_case.sign_in(
            OneRowPool(),  # type: ignore[arg-type]
            crypto,
            NoLimits(),  # type: ignore[arg-type]
            receipt,
            "source",
        )


async def test_the_right_receipt_opens_only_after_one_full_argon2id_run(
    runs: list[tuple[int, int, bytes]],
) -> None:
    crypto = ReceiptCrypto(concurrency=1)
    report = await stored_report(crypto)
    runs.clear()
    for attempt in range(2):  # a second sign-in pays again: nothing is remembered
        signed = await sign_in(crypto, report, "-".join(DIGITS[i : i + 4] for i in range(0, 20, 4)))
        assert signed.report_id == report.id
        assert runs == [(MIN_OPSLIMIT, MIN_MEMLIMIT, report.reporter_salt)] * (attempt + 1)
    crypto.close()


async def test_a_found_row_with_another_verifier_is_not_opened(
    runs: list[tuple[int, int, bytes]],
) -> None:
    """The locator finds the row, the digits are right for the salt: the verifier decides."""
    crypto = ReceiptCrypto(concurrency=1)
    report = await stored_report(crypto, verifier=b"\x01" * 32)
    runs.clear()
    with pytest.raises(use_case.WrongReceipt):
        await sign_in(crypto, report, DIGITS)
    assert runs == [(MIN_OPSLIMIT, MIN_MEMLIMIT, report.reporter_salt)]
    crypto.close()
