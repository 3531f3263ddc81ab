"""The reporter's optional address for notices: validated, in the page's language, sealed."""

from __future__ import annotations

import json

import pytest
from nacl.public import PrivateKey
from pydantic import ValidationError

from peluit_intake.domain.notice import NotificationContact
from peluit_intake.entrypoints.api import NOT_CONTENT, ReportRequest
from peluit_intake.entrypoints.web import report_form
from peluit_shared.crypto import key_id_of, seal, unseal


def form(**overrides: str) -> dict[str, str]:
    base = {
        "category": "korupsi",
        "what": "Pejabat meminta uang pelicin",
        "where": "Jakarta",
        "when": "Maret 2026",
        "how": "Transfer ke rekening",
        "identity_choice": "anonymous",
        "obligations": "yes",
        "who-0-name": "Budi",
    }
    return {**base, **overrides}


def test_an_empty_field_means_no_notices() -> None:
    values = report_form.read_values(form(notification_email="   "))
    assert report_form.notice_of(values, "id") == (None, None)
    report, errors = report_form.validate(values, "id")
    assert report is not None and errors == {}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id", "Tulis alamat email lengkap"), ("en", "Write a full email address")],
)
def test_a_wrong_address_is_a_field_error_in_the_page_language(lang: str, expected: str) -> None:
    values = report_form.read_values(form(notification_email="kabar@", what="pendek"))
    report, errors = report_form.validate(values, lang)
    assert report is None
    assert errors["notification_email"].startswith(expected)
    assert "what" in errors  # reported together with the other fields


def test_the_language_of_notices_is_the_page_language() -> None:
    values = report_form.read_values(form(notification_email="Anon@Example.ORG"))
    assert report_form.notice_of(values, "en")[0] == NotificationContact(
        email="Anon@example.org", language="en"
    )
    notice = report_form.notice_of(values, "id")[0]
    assert notice is not None and notice.language == "id"


def test_the_sealed_text_is_exactly_address_and_language() -> None:
    key = PrivateKey.generate()
    notice = NotificationContact(email="a@example.org", language="en")
    sealed = seal(key.public_key, notice.sealed_plaintext())
    opened = json.loads(unseal({key_id_of(key.public_key): key}, sealed))
    assert opened == {"email": "a@example.org", "language": "en"}


def test_the_api_request_keeps_the_address_out_of_the_report_content() -> None:
    request = ReportRequest.model_validate(
        {
            "category": "korupsi",
            "what": "Pejabat meminta uang pelicin",
            "who": [{"name": "B"}],
            "where": "Jakarta",
            "when": "Maret 2026",
            "how": "Transfer",
            "notification_email": "a@example.org",
        }
    )
    assert "notification_email" not in request.model_dump(exclude=NOT_CONTENT)
    notice = request.notice()
    assert notice is not None and notice.language == "id"
    with pytest.raises(ValidationError):
        ReportRequest.model_validate(
            {
                **request.model_dump(exclude=NOT_CONTENT),
                "notification_email": "a" * 250 + "@example.org",
            }
        )
