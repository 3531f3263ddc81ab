"""Staff notification preferences: validated field by field, in both languages."""

from __future__ import annotations

from peluit_cases.domain.staff import parse_prefs


def test_valid_preferences_and_blank_email() -> None:
    prefs, errors = parse_prefs("  ", "daily_digest", "en")
    assert errors == {} and prefs is not None
    assert (prefs.email, prefs.notification_mode, prefs.language) == (None, "daily_digest", "en")
    prefs, _ = parse_prefs("Staf@KKP.go.id", "immediate", "id")
    assert prefs is not None and str(prefs.email) == "Staf@kkp.go.id"


def test_each_wrong_field_gets_a_bilingual_message() -> None:
    prefs, errors = parse_prefs("staf@@kkp", "weekly", "fr")
    assert prefs is None
    assert set(errors) == {"email", "notification_mode", "language"}
    assert errors["email"][0] == "Alamat email tidak valid"
    assert "valid email" in errors["email"][1]
    assert errors["notification_mode"][0].startswith("Pilihan yang valid")
