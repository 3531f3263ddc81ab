"""Unit tests (no I/O): every email template renders in both languages; who is told what."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from peluit_notifications.adapters import templates
from peluit_notifications.adapters.templates import DigestItem
from peluit_notifications.adapters.webhook import signature
from peluit_notifications.domain.notices import (
    Kind,
    StaffNotice,
    mask_email,
    staff_recipients,
    valid_email,
)
from peluit_notifications.domain.retry import RetryPolicy

TEMPLATE_DIR = Path(templates.__file__).parents[1] / "templates"
STAFF_KINDS = [k for k in Kind if k not in (Kind.REPORTER_NEWS, Kind.DIGEST)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_email_template_renders_in_both_languages(lang: str) -> None:
    rendered = [
        templates.staff_email(kind, "WBS-2026-000001", "https://c/x", lang) for kind in STAFF_KINDS
    ]
    rendered.append(
        templates.digest_email(
            [DigestItem("Laporan baru WBS-2026-000001 <b>", "https://c/1")], "https://c", lang
        )
    )
    rendered.append(templates.reporter_email("https://portal/mailbox/sign-in", lang))
    for email in rendered:
        assert email.subject and email.text.strip() and "<html" in email.html
    # Each template file on disk is used in both languages.
    names = {p.name.split(".")[0] for p in TEMPLATE_DIR.iterdir()}
    assert names == {"staff_notice", "digest", "reporter_news"}
    assert all(
        (TEMPLATE_DIR / f"{n}.{lang}.{ext}").exists() for n in names for ext in ("txt", "html")
    )


def test_html_is_escaped_and_a_missing_variable_fails() -> None:
    email = templates.digest_email(
        [DigestItem("<script>x</script>", "https://c/1")], "https://c", "id"
    )
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    with pytest.raises(UndefinedError):
        templates._env.get_template("staff_notice.id.txt").render(heading="x")


def test_the_reporter_email_names_no_report_and_no_status() -> None:
    for lang in ("id", "en"):
        email = templates.reporter_email("https://portal/mailbox/sign-in", lang)
        whole = (email.subject + email.text + email.html).lower()
        for word in (
            "wbs-",
            "selesai",
            "dilimpahkan",
            "ditindaklanjuti",
            "closed",
            "referred",
            "korupsi",
            "laporan ",
        ):
            assert word not in whole, word


def test_a_new_report_goes_to_every_coordinator_and_overdue_escalates() -> None:
    a, c1, c2 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert staff_recipients(Kind.NEW_REPORT, None, [c1, c2]) == [
        StaffNotice(c1, Kind.NEW_REPORT),
        StaffNotice(c2, Kind.NEW_REPORT),
    ]
    assert staff_recipients(Kind.ASSIGNED, a, [c1]) == [StaffNotice(a, Kind.ASSIGNED)]
    assert staff_recipients(Kind.REPORTER_REPLIED, a, [c1]) == [
        StaffNotice(a, Kind.REPORTER_REPLIED)
    ]
    assert staff_recipients(Kind.EVIDENCE_ADDED, None, [c1]) == [
        StaffNotice(c1, Kind.EVIDENCE_ADDED)
    ]
    assert staff_recipients(Kind.DUE_SOON, None, [c1]) == [StaffNotice(c1, Kind.DUE_SOON)]
    assert staff_recipients(Kind.OVERDUE, a, [c1, a]) == [
        StaffNotice(a, Kind.OVERDUE),
        StaffNotice(c1, Kind.ESCALATION),
    ]


def test_staff_addresses_are_checked_and_masked() -> None:
    assert valid_email("budi.santoso@kkp.go.id")
    for bad in (
        "budi",
        "budi@",
        "@kkp.go.id",
        "a b@kkp.go.id",
        "budi@kkp",
        "x@kkp.go.id\r\nBcc: y@z.id",
        "a..b@kkp.go.id",
        "x" * 250 + "@kkp.go.id",
    ):
        assert not valid_email(bad), bad
    assert mask_email("budi@kkp.go.id") == "b***@kkp.go.id"


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=5, base_seconds=2, max_seconds=20)
    rng = random.Random(1)
    for attempts, raw in ((1, 2), (2, 4), (3, 8), (4, 16), (5, 20), (9, 20)):
        assert raw * 0.5 <= policy.delay(attempts, rng) <= raw * 1.5
    assert not policy.exhausted(4) and policy.exhausted(5)


def test_webhook_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    import hashlib
    import hmac

    want = hmac.new(b"s", b"123.{}", hashlib.sha256).hexdigest()
    assert signature("s", "123", b"{}") == f"sha256={want}"
