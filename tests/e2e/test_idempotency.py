"""Nothing is filed twice: Idempotency-Key on reports and follow-ups, the portal form's
one-time token, and evidence refusing a used key with different bytes (issue 13)."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest

from tests.support.evidence import jpeg_parts
from tests.support.portal import api_mailbox, api_sign_in
from tests.support.reports import sample_report, submit
from tests.support.stack import service_dsn

pytestmark = pytest.mark.stack


async def intake_value(sql: str, *args: Any) -> Any:
    conn = await asyncpg.connect(service_dsn("intake"))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def reports() -> int:
    return int(await intake_value("SELECT count(*) FROM reports"))


async def test_same_key_and_body_get_the_first_answer_and_another_body_a_409(
    intake_client: httpx.AsyncClient,
) -> None:
    key = str(uuid.uuid4())
    report = sample_report()
    before = await reports()
    first = await intake_client.post(
        "/api/v1/reports", json=report, headers={"idempotency-key": key}
    )
    assert first.status_code == 201, first.text
    again = await intake_client.post(
        "/api/v1/reports", json=report, headers={"idempotency-key": key}
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await reports() == before + 1

    other = await intake_client.post(
        "/api/v1/reports", json=sample_report(), headers={"idempotency-key": key}
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["message"] != other.json()["message_en"]
    assert await reports() == before + 1

    # The stored answer is sealed: neither the receipt nor the number is readable in the row.
    rows = await intake_value(
        "SELECT string_agg(encode(sealed_answer, 'escape'), '') FROM idempotent_requests"
    )
    digits = first.json()["receipt"].replace("-", "")
    assert first.json()["report_number"] not in rows
    assert first.json()["receipt"] not in rows and digits not in rows

    short = await intake_client.post(
        "/api/v1/reports", json=sample_report(), headers={"idempotency-key": "abc"}
    )
    assert short.status_code == 422
    assert {e["field"] for e in short.json()["errors"]} == {"Idempotency-Key"}


async def test_twenty_concurrent_submissions_with_one_key_make_one_report(
    intake_client: httpx.AsyncClient,
) -> None:
    key = str(uuid.uuid4())
    report = sample_report()
    before = await reports()
    answers = await asyncio.gather(
        *(
            intake_client.post(
                "/api/v1/reports", json=report, headers={"idempotency-key": key}, timeout=60
            )
            for _ in range(20)
        )
    )
    assert [r.status_code for r in answers] == [201] * 20, [r.text for r in answers]
    assert len({r.json()["report_number"] for r in answers}) == 1
    assert len({r.json()["receipt"] for r in answers}) == 1
    assert await reports() == before + 1


def form_of(page: httpx.Response, marker: str) -> tuple[dict[str, str], str]:
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    token = re.search(r'name="submission" value="([^"]+)"', page.text)
    cookie = re.search(r"pf=([^;]+)", page.headers["set-cookie"])
    assert csrf and token and cookie
    return {
        "csrf": csrf[1],
        "submission": token[1],
        "people": "1",
        "category": "pungutan_liar",
        "what": f"Petugas meminta pungutan liar saat pemeriksaan kapal. {marker}",
        "who-0-name": "Terlapor",
        "who-0-position": "Pengawas Perikanan",
        "who-0-unit": "Ditjen PSDKP",
        "where": "Pelabuhan Perikanan Nusantara Pengambengan",
        "when": "Januari 2026",
        "how": "Uang tunai diminta sebelum surat laik operasi diterbitkan",
        "identity_choice": "anonymous",
        "obligations": "on",
    }, cookie[1]


async def test_the_portal_form_files_once_however_often_it_is_sent(
    intake_client: httpx.AsyncClient,
) -> None:
    marker = uuid.uuid4().hex
    form, cookie = form_of(await intake_client.get("/report"), marker)
    before = await reports()
    sent = await asyncio.gather(
        *(
            intake_client.post("/report", data=form, headers={"cookie": f"pf={cookie}"}, timeout=60)
            for _ in range(5)
        )
    )
    assert [r.status_code for r in sent] == [303] * 5, [r.text[:300] for r in sent]
    assert await reports() == before + 1
    # The page resent with other content under the same token files nothing and says so.
    form["what"] += " (diubah)"
    r = await intake_client.post("/report", data=form, headers={"cookie": f"pf={cookie}"})
    assert r.status_code == 409
    assert "sudah terkirim" in r.text and "(diubah)" in r.text
    assert await reports() == before + 1


async def test_a_nul_in_the_portal_form_is_shown_next_to_the_field_with_the_text_kept(
    intake_client: httpx.AsyncClient,
) -> None:
    marker = uuid.uuid4().hex
    form, cookie = form_of(await intake_client.get("/report"), marker)
    form["where"] = "Pelabuhan\x00Muara"
    before = await reports()
    r = await intake_client.post("/report", data=form, headers={"cookie": f"pf={cookie}"})
    assert r.status_code == 422
    assert "karakter tersembunyi" in r.text and marker in r.text  # the catalog's plain words
    assert await reports() == before


async def test_followups_with_one_key_are_posted_once(intake_client: httpx.AsyncClient) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    auth = {"authorization": f"Bearer {token}", "idempotency-key": str(uuid.uuid4())}
    body = {"kind": "information", "text": "Tambahan: ada saksi lain."}
    first = await intake_client.post("/api/v1/mailbox/followups", json=body, headers=auth)
    assert first.status_code == 201, first.text
    again = await intake_client.post("/api/v1/mailbox/followups", json=body, headers=auth)
    assert again.status_code == 201
    assert again.json()["followup_id"] == first.json()["followup_id"]
    other = await intake_client.post(
        "/api/v1/mailbox/followups", json={**body, "text": "Lain"}, headers=auth
    )
    assert other.status_code == 409
    box = await api_mailbox(intake_client, token)
    assert len([f for f in box["followups"] if f["kind"] == "information"]) == 1


async def test_evidence_with_a_used_key_and_other_bytes_is_a_409_and_nothing_changes(
    intake_client: httpx.AsyncClient,
) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    key = str(uuid.uuid4())
    first, _ = jpeg_parts(uuid.uuid4().hex)
    second, _ = jpeg_parts(uuid.uuid4().hex)

    async def upload(name: str, body: bytes) -> httpx.Response:
        return await intake_client.post(
            "/api/v1/mailbox/evidence",
            content=body,
            headers={
                "authorization": f"Bearer {token}",
                "content-type": "image/jpeg",
                "x-filename": quote(name),
                "idempotency-key": key,
            },
        )

    r = await upload("pertama.jpg", first)
    assert r.status_code == 201, r.text
    evidence_id = r.json()["evidence_id"]
    r = await upload("kedua.jpg", second)
    assert r.status_code == 409, r.text
    r = await upload("pertama-lagi.jpg", first)  # a true retry: the first file, once
    assert r.status_code in (200, 201) and r.json()["evidence_id"] == evidence_id
    box = await api_mailbox(intake_client, token)
    assert [e["filename"] for e in box["evidence"]] == ["pertama.jpg"]
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        rows = await conn.fetchval(
            "SELECT count(*) FROM evidence_files WHERE id = $1", uuid.UUID(evidence_id)
        )
        all_rows = await conn.fetchval(
            "SELECT count(*) FROM evidence_files WHERE report_id ="
            " (SELECT report_id FROM evidence_files WHERE id = $1)",
            uuid.UUID(evidence_id),
        )
    finally:
        await conn.close()
    assert rows == 1 and all_rows == 1
