"""Every 500 the hostile-client run found (issue 13) is now a 4xx from the shared input edge.

Each case here answered 500 on main: NUL in staff sign-in (API and console), in the case list's
filters, in workflow notes, contact entries, conflict notes and reveal reasons; invalid UTF-8
and deep JSON on every JSON endpoint; integers beyond 64 bits on the audit log, delivery ids
and notice ids. Nothing is stored for any of them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.console import api_login, make_account, publish_report
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import base_url, service_dsn

pytestmark = pytest.mark.stack

NUL = "a\x00b"
HUGE = str(2**70)
DEEP = b'{"x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
BAD_UTF8 = b'{"username": "\xff\xfeadmin", "password": "x"}'
OPS = {"authorization": "Bearer peluit-dev-notifications-ops-token"}
SERVICE = {"authorization": "Bearer peluit-dev-notifications-service-token"}


@pytest.fixture
async def case(staff_client: httpx.AsyncClient) -> dict[str, Any]:
    published = await publish_report(sample_report())
    found, _ = await wait_for_case(staff_client, published.report_number, timeout=20)
    return found


async def history_rows(case_id: str) -> int:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        return int(
            await conn.fetchval(
                "SELECT (SELECT count(*) FROM case_history WHERE case_id = $1)"
                " + (SELECT count(*) FROM audit.entries)",
                uuid.UUID(case_id),
            )
        )
    finally:
        await conn.close()


def assert_names(r: httpx.Response, status: int, field: str | None = None) -> None:
    assert r.status_code == status, r.text
    if r.headers["content-type"].startswith("application/problem+json"):
        body = r.json()
        assert body["request_id"] == r.headers["x-request-id"]
        if field is not None:
            assert field in {e["field"] for e in body["errors"]}, body
            for e in body["errors"]:
                assert e["message"] != e["message_en"]
    elif field is not None:
        # The console names it in the shared words, the portal in its catalog's plain ones.
        named = "Karakter kendali" in r.text or "karakter tersembunyi" in r.text
        assert field in r.text and named


@pytest.fixture
async def anonymous(services: object) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with (
        httpx.AsyncClient(base_url=base_url("intake"), timeout=20) as intake,
        httpx.AsyncClient(base_url=base_url("cases"), timeout=20) as cases,
        httpx.AsyncClient(base_url=base_url("notifications"), timeout=20) as notifications,
        httpx.AsyncClient(base_url=base_url("evidence"), timeout=20) as evidence,
    ):
        yield {
            "intake": intake,
            "cases": cases,
            "notifications": notifications,
            "evidence": evidence,
        }


@pytest.mark.parametrize("field", ["username", "password"])
async def test_nul_in_api_sign_in_is_a_422(
    anonymous: dict[str, httpx.AsyncClient], field: str
) -> None:
    body = {"username": "someone", "password": "long enough secret", field: NUL}
    r = await anonymous["cases"].post("/api/v1/auth/login", json=body)
    assert_names(r, 422, field)


@pytest.mark.parametrize("field", ["username", "password"])
async def test_nul_in_console_sign_in_is_a_422_page(
    anonymous: dict[str, httpx.AsyncClient], field: str
) -> None:
    form = {"username": "someone", "password": "long enough secret", "totp": "", field: NUL}
    r = await anonymous["cases"].post("/console/login", data=form)
    assert_names(r, 422, field)
    assert r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("param", ["q", "unit"])
async def test_nul_in_case_list_filters_is_a_422(
    staff_client: httpx.AsyncClient, param: str
) -> None:
    r = await staff_client.get("/api/v1/cases", params={param: NUL})
    assert_names(r, 422, param)


async def test_nul_in_case_notes_contacts_conflicts_and_reveal_reasons_is_a_422(
    staff_client: httpx.AsyncClient, case: dict[str, Any]
) -> None:
    cid = case["id"]
    before = await history_rows(cid)
    attempts = [
        ("transitions", {"to": "verifying", "note": NUL}, "note"),
        (
            "contacts",
            {"on_date": "2026-03-01", "channel": "phone", "party": "Pelapor", "result": NUL},
            "result",
        ),
        ("conflicts", {"note": NUL}, "note"),
        ("identity", {"reason": NUL}, "reason"),
        ("messages", {"kind": "question", "text": NUL}, "text"),
    ]
    for path, body, field in attempts:
        r = await staff_client.post(f"/api/v1/cases/{cid}/{path}", json=body)
        assert_names(r, 422, field)
    r = await staff_client.post(
        f"/api/v1/cases/{cid}/transitions", json={"to": "verifying", "note": "ok", "version": 2**70}
    )
    assert_names(r, 422, "version")
    assert await history_rows(cid) == before


def json_endpoints(case_id: str) -> list[tuple[str, str, str]]:
    return [
        ("intake", "POST", "/api/v1/reports"),
        ("intake", "POST", "/api/v1/mailbox/session"),
        ("intake", "POST", "/api/v1/mailbox/followups"),
        ("intake", "POST", "/api/v1/mailbox/evidence-grant"),
        ("cases", "POST", "/api/v1/auth/login"),
        ("cases", "POST", f"/api/v1/cases/{case_id}/transitions"),
        ("cases", "POST", f"/api/v1/cases/{case_id}/assignment"),
        ("cases", "POST", f"/api/v1/cases/{case_id}/conflicts"),
        ("cases", "POST", f"/api/v1/cases/{case_id}/messages"),
        ("cases", "POST", f"/api/v1/cases/{case_id}/contacts"),
        ("cases", "POST", f"/api/v1/cases/{case_id}/identity"),
        ("cases", "PUT", "/api/v1/account"),
        ("cases", "POST", "/api/v1/manual-reports"),
    ]


@pytest.mark.parametrize("body", [BAD_UTF8, DEEP], ids=["invalid-utf8", "deep-json"])
async def test_invalid_utf8_and_deep_json_are_a_400_on_every_json_endpoint(
    anonymous: dict[str, httpx.AsyncClient],
    staff_token: str,
    case: dict[str, Any],
    body: bytes,
) -> None:
    headers = {"content-type": "application/json", "authorization": f"Bearer {staff_token}"}
    for service, method, path in json_endpoints(case["id"]):
        r = await anonymous[service].request(method, path, content=body, headers=headers)
        assert r.status_code == 400, (service, path, r.status_code, r.text)
        assert r.json()["errors"][0]["field"] == "body"


async def test_unknown_content_type_is_a_415(anonymous: dict[str, httpx.AsyncClient]) -> None:
    r = await anonymous["intake"].post(
        "/api/v1/reports", content=b"what=x", headers={"content-type": "text/plain"}
    )
    assert_names(r, 415, "content-type")


async def test_integers_beyond_64_bits_are_a_422(anonymous: dict[str, httpx.AsyncClient]) -> None:
    viewer = api_login(base_url("cases"), make_account("test-edge-viewer", "viewer"))
    r = await anonymous["cases"].get(
        "/api/v1/audit", params={"before": HUGE}, headers={"authorization": f"Bearer {viewer}"}
    )
    assert_names(r, 422, "before")
    notifications = anonymous["notifications"]
    r = await notifications.post(f"/ops/v1/deliveries/{HUGE}/retry", headers=OPS)
    assert_names(r, 422, "delivery_id")
    r = await notifications.get("/ops/v1/deliveries", params={"before": HUGE}, headers=OPS)
    assert 400 <= r.status_code < 500
    staff = uuid.uuid4()
    r = await notifications.post(f"/internal/v1/staff/{staff}/notices/{HUGE}/read", headers=SERVICE)
    assert_names(r, 422, "notice_id")
    r = await notifications.get(
        f"/internal/v1/staff/{staff}/notices", params={"before": HUGE}, headers=SERVICE
    )
    assert 400 <= r.status_code < 500
