"""The 4W+1H rules a report must meet, and the receipt that protects it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from peluit_intake.adapters.receipt_crypto import Candidate, KdfParams, ReceiptCrypto
from peluit_intake.domain.receipt import (
    locator_of,
    new_receipt,
    new_report_number,
    normalise_receipt,
)
from peluit_intake.domain.report import ReportContent


def report(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "category": "korupsi",
        "what": "Pengadaan kapal digelembungkan harganya",
        "who": [{"position": "PPK"}],
        "where": "Jakarta",
        "when": "2026",
        "how": "Mark-up harga",
    }
    return {**base, **overrides}


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        ReportContent.model_validate(data)
    return {".".join(map(str, e["loc"])): e["msg"] for e in exc.value.errors()}


def test_a_minimal_anonymous_report_is_valid() -> None:
    content = ReportContent.model_validate(report())
    assert content.anonymous


def test_each_of_the_4w_1h_is_required() -> None:
    for name in ("category", "what", "who", "where", "when", "how"):
        data = report()
        del data[name]
        assert name in errors_of(data)


def test_unknown_category_and_unknown_fields_are_refused() -> None:
    errors = errors_of(report(category="gosip", nickname="x"))
    assert "Kategori tidak dikenal" in errors["category"]
    assert "nickname" in errors


def test_a_reported_person_needs_something_to_identify_them() -> None:
    assert "who.0" in errors_of(report(who=[{}]))


def test_an_identified_reporter_must_be_reachable() -> None:
    assert "identity" in errors_of(report(identity={"name": "Siti"}))
    assert "identity.phone" in errors_of(report(identity={"phone": "call me"}))
    ok = ReportContent.model_validate(report(identity={"email": "siti@example.com"}))
    assert not ok.anonymous


def test_oversize_text_is_a_field_error() -> None:
    assert "what" in errors_of(report(what="x" * 20_001))


def test_html_is_kept_as_inert_text() -> None:
    content = ReportContent.model_validate(report(what="<script>alert(1)</script> uang pelicin"))
    assert content.what.startswith("<script>")


def test_receipts_are_a_locator_and_sixteen_secret_digits_in_groups_of_four() -> None:
    receipts = {new_receipt(42) for _ in range(50)}
    assert len(receipts) == 50
    for r in receipts:
        assert len(r) == 24 and r.count("-") == 4 and r.startswith("0042-")
        digits = normalise_receipt(r)
        assert digits == r.replace("-", "") and locator_of(digits) == 42
    assert normalise_receipt("0042 5678 9012 3456 7890") == "00425678901234567890"
    assert normalise_receipt("1234-5678-9012-3456") is None  # the old 16-digit shape
    assert normalise_receipt("1234") is None
    with pytest.raises(ValueError):
        new_receipt(10_000)


def test_report_numbers_are_random_and_say_nothing_of_volume_or_order() -> None:
    numbers = [new_report_number(2026) for _ in range(200)]
    assert len(set(numbers)) == 200
    assert all(re.fullmatch(r"WBS-2026-\d{8}", n) for n in numbers)
    assert numbers != sorted(numbers)
    # The frozen event contracts still accept them.
    assert all(re.fullmatch(r"^WBS-\d{4}-\d{6,}$", n) for n in numbers)


def test_receipt_parameters_below_rfc_9106_are_refused() -> None:
    with pytest.raises(ValueError, match="64 MiB"):
        ReceiptCrypto(params=KdfParams(opslimit=2, memlimit=64 * 1024 * 1024))
    with pytest.raises(ValueError, match="64 MiB"):
        ReceiptCrypto(params=KdfParams(opslimit=3, memlimit=19 * 1024 * 1024))


async def test_one_argon2id_run_gives_the_verifier_and_keys_only_for_the_right_receipt() -> None:
    crypto = ReceiptCrypto(concurrency=1)  # the real parameters: 64 MiB, t=3
    digits = "00421234567890123456"
    salt, derived = await crypto.protect(digits)
    assert len(salt) == 16 and len(derived.verifier) == 32
    assert derived.verifier not in (derived.keys.box_key, bytes(derived.keys.private_key or b""))
    candidate = Candidate(salt=salt, params=crypto.params, verifier=derived.verifier)
    other = Candidate(salt=b"o" * 16, params=crypto.params, verifier=b"x" * 32)
    found = await crypto.check(digits, [other, candidate])
    assert found is not None and found[0] == 1 and found[1].keys == derived.keys
    assert await crypto.check("00421234567890123457", [candidate]) is None
    assert await crypto.check(digits, []) is None  # no row: still one run, still no
    box = crypto.encrypt(derived.keys.box_key, b"isi laporan")
    assert crypto.decrypt(found[1].keys.box_key, box) == b"isi laporan"
    crypto.close()
