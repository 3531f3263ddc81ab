"""The JSON API mirrors the portal: report, sign in with the receipt, read, follow up, sign out."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.support.portal import (
    api_mailbox,
    api_sign_in,
    eventually,
    publish,
    send_staff_message,
    send_status,
    submitted_event,
)
from tests.support.reports import sample_report, submit

pytestmark = pytest.mark.stack
MANUAL_TOKEN = "peluit-dev-manual-entry-token"


def fields(r: httpx.Response) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


async def test_the_whole_mailbox_through_the_api(intake_client: httpx.AsyncClient) -> None:
    accepted = await submit(intake_client, sample_report(identity={"phone": "081234567890"}))
    assert re.match(r"^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$", accepted["receipt"])
    submitted = await submitted_event(accepted["report_number"])
    assert submitted.payload.channel == "api" and submitted.payload.reporter_public_key

    token = await api_sign_in(intake_client, accepted["receipt"].replace("-", ""))
    auth = {"authorization": f"Bearer {token}"}
    box = await api_mailbox(intake_client, token)
    assert box["report_number"] == accepted["report_number"]
    assert box["report"]["identity"]["phone"] == "081234567890"
    assert [h["status"] for h in box["history"]] == ["received"]
    assert box["status"]["label"] == "Diterima" and box["status"]["label_en"] == "Received"

    await send_status(submitted, "received", "received")  # what the reporter already sees
    await send_status(submitted, "verifying", "in_process")
    await send_status(submitted, "reviewing", "in_process")  # same words: no new line
    await send_status(submitted, "archived", None)  # internal only: nothing for the reporter
    await send_status(submitted, "referred", "referred")  # last on the partition: all seen
    message = await send_staff_message(
        submitted, "Terima kasih, laporan sedang diproses.", kind="message"
    )
    question = await send_staff_message(submitted, "Siapa saksinya?")

    async def both_arrived() -> dict[str, object] | None:
        box = await api_mailbox(intake_client, token)
        done = len(box["messages"]) == 2 and box["status"]["status"] == "referred"
        return box if done else None

    box = await eventually(both_arrived)
    assert [m["text"] for m in box["messages"]] == [
        "Terima kasih, laporan sedang diproses.",
        "Siapa saksinya?",
    ]
    assert [m["kind"] for m in box["messages"]] == ["message", "question"]
    assert [h["status"] for h in box["history"]] == ["received", "in_process", "referred"]
    assert box["status"]["label"] == "Dilimpahkan" and box["status"]["label_en"] == "Referred"

    # Answering something that is not a question of this report is refused, naming the field.
    for bad in (None, message.payload.message_id, uuid.uuid4()):
        r = await intake_client.post(
            "/api/v1/mailbox/followups",
            headers=auth,
            json={"kind": "answer", "text": "x", "in_reply_to": str(bad) if bad else None},
        )
        assert r.status_code == 422 and fields(r) == {"in_reply_to"}, r.text
    r = await intake_client.post(
        "/api/v1/mailbox/followups",
        headers=auth,
        json={
            "kind": "answer",
            "text": "Pak Joko",
            "in_reply_to": str(question.payload.message_id),
        },
    )
    assert r.status_code == 201, r.text
    r = await intake_client.post(
        "/api/v1/mailbox/followups", headers=auth, json={"kind": "information", "text": "   "}
    )
    assert r.status_code == 422 and fields(r) == {"text"}
    box = await api_mailbox(intake_client, token)
    assert [(f["kind"], f["text"], f["received"]) for f in box["followups"]] == [
        ("answer", "Pak Joko", True)
    ]
    assert [m["answered"] for m in box["messages"]] == [False, True]

    # Sign out: the token no longer opens anything.
    assert (await intake_client.delete("/api/v1/mailbox/session", headers=auth)).status_code == 204
    r = await intake_client.get("/api/v1/mailbox", headers=auth)
    assert r.status_code == 401
    assert (await intake_client.get("/api/v1/mailbox")).status_code == 401


async def test_a_redelivered_message_is_stored_once(intake_client: httpx.AsyncClient) -> None:
    accepted = await submit(intake_client, sample_report())
    submitted = await submitted_event(accepted["report_number"])
    token = await api_sign_in(intake_client, accepted["receipt"])
    message = await send_staff_message(submitted, "Pesan sekali saja")
    await publish(message)  # the same event again
    await send_staff_message(submitted, "Pesan kedua")

    async def second() -> dict[str, object] | None:
        box = await api_mailbox(intake_client, token)
        return box if len(box["messages"]) >= 2 else None

    box = await eventually(second)
    assert [m["text"] for m in box["messages"]] == ["Pesan sekali saja", "Pesan kedua"]


async def test_wrong_and_malformed_receipts_get_the_same_answer(
    intake_client: httpx.AsyncClient,
) -> None:
    answers = []
    for receipt in ("1111-2222-3333-4444-5555", "1111-2222-3333-4444", "12", "abcd"):
        r = await intake_client.post("/api/v1/mailbox/session", json={"receipt": receipt})
        answers.append((r.status_code, r.json()["message"], r.json()["message_en"]))
    assert len(set(answers)) == 1
    assert answers[0][0] == 401 and "tidak dikenali" in answers[0][1]


async def test_manual_entry_sets_the_channel_only_with_the_staff_token(
    intake_client: httpx.AsyncClient,
) -> None:
    report = sample_report(channel="letter")
    r = await intake_client.post("/api/v1/reports", json=report)
    assert r.status_code == 422 and fields(r) == {"channel"}
    r = await intake_client.post(
        "/api/v1/reports", json=report, headers={"authorization": "Bearer not-the-token"}
    )
    assert r.status_code == 422 and fields(r) == {"channel"}
    r = await intake_client.post(
        "/api/v1/reports",
        json=sample_report(channel="fax"),
        headers={"authorization": f"Bearer {MANUAL_TOKEN}"},
    )
    assert r.status_code == 422 and fields(r) == {"channel"}
    r = await intake_client.post(
        "/api/v1/reports", json=report, headers={"authorization": f"Bearer {MANUAL_TOKEN}"}
    )
    assert r.status_code == 201, r.text
    accepted = r.json()
    assert {"report_number", "receipt"} <= set(accepted)
    assert (await submitted_event(accepted["report_number"])).payload.channel == "letter"
    token = await api_sign_in(intake_client, accepted["receipt"])
    assert "channel" not in (await api_mailbox(intake_client, token))["report"]


async def test_dates_and_obligations_are_checked(intake_client: httpx.AsyncClient) -> None:
    cases = [
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to", "tanggal awal"),
        ({"date_from": "2999-01-01"}, "date_from", "masa depan"),
        ({"obligations_accepted": False}, "obligations_accepted", "kewajiban pelapor"),
        ({"identity": {"name": "Tanpa kontak"}}, "identity", "telepon atau email"),
    ]
    for overrides, field, words in cases:
        r = await intake_client.post("/api/v1/reports", json=sample_report(**overrides))
        assert r.status_code == 422, overrides
        error = next(e for e in r.json()["errors"] if e["field"] == field)
        assert words in error["message"] and error["message_en"]
    r = await intake_client.post(
        "/api/v1/reports",
        json=sample_report(date_from="2026-01-01", date_to="2026-01-31", obligations_accepted=True),
    )
    assert r.status_code == 201


async def test_pages_carry_strict_headers_and_no_inline_code(
    intake_client: httpx.AsyncClient,
) -> None:
    for path in (
        "/",
        "/report",
        "/report?lang=en",
        "/mailbox/sign-in",
        "/report/receipt",
        "/static/portal.css",
        "/static/portal.js",
        "/schema/openapi.json",
    ):
        r = await intake_client.get(path)
        assert r.status_code == 200, path
        h = r.headers
        csp = h["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp and "unsafe-inline" not in csp
        assert h["referrer-policy"] == "no-referrer" and h["cache-control"] == "no-store"
        assert h["x-content-type-options"] == "nosniff"
        assert all(
            f"{p}=()" in h["permissions-policy"] for p in ("camera", "microphone", "geolocation")
        )
        if h["content-type"].startswith("text/html"):
            html = r.text
            assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", html)
            assert " style=" not in html and "<style" not in html
            assert not re.search(r"(src|href)=\"(https?:)?//", html)


async def test_forms_refuse_posts_without_their_csrf_token(
    intake_client: httpx.AsyncClient,
) -> None:
    r = await intake_client.post("/mailbox/sign-in", data={"receipt": "1111222233334444"})
    assert r.status_code == 403
    r = await intake_client.post(
        "/report",
        data={"what": "Isian yang tidak boleh hilang"},
        headers={"cookie": "pf=" + "a" * 32},
    )
    assert r.status_code == 403
    assert "Isian yang tidak boleh hilang" in r.text  # refused, but nothing typed is lost
    # Without a session nothing is posted: the sign-in form comes back, carrying the text.
    r = await intake_client.post("/mailbox/followups", data={"text": "Teks yang tidak hilang"})
    assert r.status_code == 401 and 'id="sign-in-form"' in r.text
    assert 'name="text"' in r.text and "Teks yang tidak hilang" in r.text


async def test_oversize_form_is_refused_cleanly(intake_client: httpx.AsyncClient) -> None:
    r = await intake_client.post("/report", data={"what": "x" * (600 * 1024)})
    assert r.status_code == 413
    assert "Formulir terlalu besar" in r.text  # a person reads words, not a problem document
