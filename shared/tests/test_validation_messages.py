"""People get validation messages in Indonesian and English."""

from __future__ import annotations

from peluit_shared.validation import bilingual, field_error


def test_pydantic_messages_are_translated_to_indonesian() -> None:
    assert bilingual("Field required") == ("Wajib diisi", "Field required")
    assert bilingual("String should have at least 10 characters")[0] == "Minimal 10 karakter"
    assert bilingual("Extra inputs are not permitted")[0] == "Kolom ini tidak dikenal"


def test_our_own_messages_carry_both_languages() -> None:
    assert bilingual("Value error, Nomor telepon tidak valid | Invalid phone number") == (
        "Nomor telepon tidak valid",
        "Invalid phone number",
    )


def test_unknown_messages_are_kept_not_lost() -> None:
    assert bilingual("Something new") == ("Something new", "Something new")
    assert field_error("", "Field required")["field"] == "body"
