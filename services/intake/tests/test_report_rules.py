"""The 4W+1H rules a report must meet, and the receipt that protects it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from peluit_intake.adapters.receipt_crypto import ReceiptCrypto
from peluit_intake.domain.receipt import new_receipt, normalise_receipt, report_number
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


def test_receipts_are_sixteen_grouped_digits_and_differ() -> None:
    receipts = {new_receipt() for _ in range(50)}
    assert len(receipts) == 50
    for r in receipts:
        assert len(r) == 19 and r.count("-") == 3
        assert normalise_receipt(r) == r.replace("-", "")
    assert normalise_receipt("1234 5678 9012 3456") == "1234567890123456"
    assert normalise_receipt("1234") is None


def test_report_numbers_are_padded_per_year() -> None:
    assert report_number(2026, 42) == "WBS-2026-000042"


def test_receipt_hash_and_reporter_key_work_only_with_the_right_receipt() -> None:
    crypto = ReceiptCrypto(pepper=b"pepper", time_cost=1, memory_kib=8 * 1024)
    digits = "1234567890123456"
    stored = crypto.hash(digits)
    assert stored.startswith("$argon2id$")
    assert crypto.verify(stored, digits) and not crypto.verify(stored, "1234567890123457")
    salt = crypto.new_salt()
    box = crypto.encrypt(crypto.reporter_key(digits, salt), b"isi laporan")
    assert crypto.decrypt(crypto.reporter_key(digits, salt), box) == b"isi laporan"
    with pytest.raises(Exception, match="Decryption failed"):
        crypto.decrypt(crypto.reporter_key("0000000000000000", salt), box)
    assert crypto.lookup(digits) != ReceiptCrypto(pepper=b"other").lookup(digits)
