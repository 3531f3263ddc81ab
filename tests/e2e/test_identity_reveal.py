"""Identity in its own envelope: the content key does not open it; a reveal is a request with a
reason that a different person holding the custodian permission approves; the reporter's mailbox
then says in plain words that their identity was disclosed to the team."""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import pytest
from nacl.exceptions import CryptoError
from nacl.public import SealedBox

from tests.support.console import api_login, make_account
from tests.support.keys import case_key_for_report
from tests.support.portal import api_mailbox, api_sign_in, eventually
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ServiceProcess, base_url, service_dsn

pytestmark = pytest.mark.stack

IDENTITY = {"name": "Dewi Pelapor", "email": "dewi.pelapor@example.org"}


async def test_a_reveal_needs_a_custodians_approval_and_the_reporter_is_told(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    custodian = make_account(f"custodian-{uuid.uuid4().hex[:6]}", "viewer", custodian=True)
    accepted = await submit(intake_client, sample_report(identity=IDENTITY))
    case, _ = await wait_for_case(staff_client, accepted["report_number"])

    # The identity is not in the content envelope: the case key does not open it.
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        row = await conn.fetchrow(
            "SELECT report_id, sealed_report, sealed_identity FROM cases WHERE id = $1",
            uuid.UUID(case["id"]),
        )
    finally:
        await conn.close()
    case_key = await case_key_for_report(row["report_id"])
    content = SealedBox(case_key).decrypt(bytes(row["sealed_report"]))
    assert b"Dewi" not in content and b"identity" not in content
    with pytest.raises(CryptoError):
        SealedBox(case_key).decrypt(bytes(row["sealed_identity"]))

    # Without approval the team sees nothing.
    r = await staff_client.post(f"/api/v1/cases/{case['id']}/identity", json={})
    assert r.status_code == 409 and r.json()["code"] == "reveal_not_approved"
    assert "Dewi" not in r.text
    asked = await staff_client.post(
        f"/api/v1/cases/{case['id']}/identity-requests",
        json={"reason": "Pelapor perlu dihubungi untuk klarifikasi bukti"},
    )
    assert asked.status_code == 201, asked.text
    r = await staff_client.post(f"/api/v1/cases/{case['id']}/identity", json={})
    assert r.status_code == 409 and "Dewi" not in r.text

    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as keeper:
        keeper.headers["authorization"] = f"Bearer {api_login(base_url('cases'), custodian)}"
        decided = await keeper.post(
            f"/api/v1/identity-requests/{asked.json()['id']}/decision", json={"approve": True}
        )
        assert decided.status_code == 200, decided.text
        again = await keeper.post(
            f"/api/v1/identity-requests/{asked.json()['id']}/decision", json={"approve": True}
        )
        assert again.status_code == 409

    r = await staff_client.post(f"/api/v1/cases/{case['id']}/identity", json={})
    assert r.status_code == 200, r.text
    assert r.json()["identity"]["name"] == "Dewi Pelapor"

    # The reporter's mailbox says so, in Indonesian and English.
    token = await api_sign_in(intake_client, accepted["receipt"])

    async def notice() -> str | None:
        box = await api_mailbox(intake_client, token)
        texts = [m.get("text") or "" for m in box.get("messages", [])]
        return next((t for t in texts if "Identitas Anda telah dibuka" in t), None)

    text = await eventually(notice, timeout=30)
    assert "Your identity has been disclosed to the complaint handling team" in text
    assert "Dewi" not in json.dumps((await api_mailbox(intake_client, token))["messages"])
