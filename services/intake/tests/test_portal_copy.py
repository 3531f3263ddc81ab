"""The portal speaks Indonesian and English everywhere, and the form maps to the report model."""

from __future__ import annotations

import re
from datetime import timedelta

from peluit_intake.domain.report import today_in_indonesia
from peluit_intake.domain.status import PUBLIC_STATUS_LABELS, status_label
from peluit_intake.entrypoints.web import report_form
from peluit_intake.entrypoints.web.i18n import MESSAGES, translator
from peluit_intake.entrypoints.web.render import TEMPLATES


def test_every_message_has_both_languages() -> None:
    for key, (indonesian, english) in MESSAGES.items():
        assert indonesian.strip() and english.strip(), key
    assert translator("id")("nav.report") == "Memulai Laporan"
    assert translator("en")("nav.report") == "Start a report"


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
    assert errors["id_phone"] == "Invalid phone number"
    assert errors["date_from"] == "The date cannot be in the future"
    assert errors["who"] and errors["obligations"]
    _, errors = report_form.validate(values, "id")
    assert errors["id_phone"] == "Nomor telepon tidak valid"


def test_every_key_the_templates_use_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""(?<![\w.])t\(["']([a-z_.0-9]+)["']\)""", template.read_text()))
    # Keys built in templates and views from a prefix.
    used |= {f"obligation.{i}" for i in range(1, 4)} | {f"team.{i}" for i in range(1, 4)}
    used |= {f"policy.{i}" for i in range(1, 7)}
    used |= {
        "mailbox.question",
        "mailbox.message",
        "mailbox.kind.answer",
        "mailbox.kind.information",
        "form.expired",
        "form.errors",
        "signin.throttled",
        "signin.wrong",
        "signin.expired",
        "mailbox.posted",
        "mailbox.text_required",
    }
    used |= {f"field.{f}" for f in ("id_name", "id_phone", "id_email", "id_employee_number")}
    assert len(used) > 80
    assert sorted(used - set(MESSAGES)) == []
