"""The portal speaks Indonesian and English everywhere, and the form maps to the report model."""

from __future__ import annotations

from datetime import timedelta

from peluit_intake.domain.report import today_in_indonesia
from peluit_intake.domain.status import PUBLIC_STATUS_LABELS, status_label
from peluit_intake.entrypoints.web import report_form


def test_reporter_sees_the_status_words_of_the_architecture() -> None:
    assert [status_label(s, "id") for s in PUBLIC_STATUS_LABELS] == [
        "Diterima",
        "Diproses",
        "Perlu Kelengkapan",
        "Ditindaklanjuti",
        "Dilimpahkan",
        "Selesai",
    ]
    assert status_label("needs_info", "en") == "Information needed"


def form(**overrides: str) -> dict[str, str]:
    base = {
        "category": "korupsi",
        "what": "Pejabat meminta uang pelicin",
        "where": "Jakarta",
        "when": "",
        "date_from": "2026-01-01",
        "date_to": "2026-01-31",
        "how": "Transfer ke rekening",
        "estimated_loss": "Rp 1.500.000",
        "identity_choice": "anonymous",
        "obligations": "yes",
        "people": "3",
        "who-1-position": "Kepala Seksi",
        "id_email": "ignored@example.org",
    }
    return {**base, **overrides}


def test_the_form_becomes_a_report_blank_rows_and_hidden_identity_left_out() -> None:
    report, errors = report_form.validate(report_form.read_values(form()), "id")
    assert errors == {} and report is not None
    assert [p.position for p in report.who] == ["Kepala Seksi"]
    assert report.when == "2026-01-01 – 2026-01-31"  # the dates stand in for an empty "when"
    assert report.estimated_loss == 1_500_000 and report.identity is None


def test_form_errors_name_the_fields_in_the_reporters_language() -> None:
    future = (today_in_indonesia() + timedelta(days=2)).isoformat()
    values = report_form.read_values(
        form(
            identity_choice="identified",
            id_email="",
            id_phone="abc",
            date_from=future,
            obligations="",
            **{"who-1-position": ""},
        )
    )
    _, errors = report_form.validate(values, "en")
    assert errors["id_phone"].startswith("Write the phone number in digits")
    assert errors["date_from"] == "This date has not come yet. Choose today or an earlier day."
    assert errors["who"].startswith("Give the name, position or unit of at least one person")
    assert errors["obligations"] == "Tick this agreement to send the report."
    _, errors = report_form.validate(values, "id")
    assert errors["id_phone"].startswith("Tulis nomor telepon dengan angka")


def test_no_pydantic_words_reach_the_reporter() -> None:
    values = report_form.read_values(
        form(category="nope", what="short", estimated_loss="banyak", date_from="2026-13-01")
    )
    for lang in ("id", "en"):
        _, errors = report_form.validate(values, lang)
        assert set(errors) >= {"category", "what", "estimated_loss", "date_from"}
        text = " ".join(errors.values())
        for raw in ("Input should", "String should", "unable to parse", "one of:", " | "):
            assert raw not in text, (lang, text)
    _, errors = report_form.validate(values, "id")
    assert errors["estimated_loss"] == (
        "Tulis perkiraan kerugian dengan angka saja, misalnya 150000000."
    )
