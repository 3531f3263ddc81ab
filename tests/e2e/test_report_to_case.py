"""A report submitted over HTTP becomes a case the team sees, via real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from tests.support.console import Account, api_login
from tests.support.reports import find_case, sample_report, submit, wait_for_case
from tests.support.stack import service_dsn

pytestmark = pytest.mark.stack


async def test_reporter_submits_and_staff_sees_the_case_within_two_seconds(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    accepted = await submit(intake_client, sample_report())
    assert accepted["report_number"].startswith("WBS-")
    digits = accepted["receipt"].replace("-", "")
    assert len(digits) == 20 and digits.isdigit()  # a 4-digit locator + 16 secret digits

    case, seconds = await wait_for_case(staff_client, accepted["report_number"], timeout=2.0)

    assert seconds <= 2.0
    assert case["status"] == "received"
    assert case["status_label"] == "Diterima"
    assert case["category"] == "suap_gratifikasi"
    assert case["anonymous"] is True


async def test_staff_reads_the_report_but_not_the_reporters_identity(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    identity = {"name": "Siti Pelapor", "phone": "+62 812 0000 1111"}
    accepted = await submit(intake_client, sample_report(identity=identity))
    case, _ = await wait_for_case(staff_client, accepted["report_number"])
    assert case["anonymous"] is False

    detail = (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()

    assert detail["report"]["where"].startswith("Pelabuhan Perikanan")
    assert detail["report"]["who"][0]["name"] == "Budi Santoso"
    assert detail["report"]["identity"] is None
    assert "Siti Pelapor" not in str(detail)
    assert [h["action"] for h in detail["history"]] == ["created"]


async def test_each_report_becomes_exactly_one_case(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    numbers = [(await submit(intake_client, sample_report()))["report_number"] for _ in range(5)]
    for number in numbers:
        await wait_for_case(staff_client, number)
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        counts = await conn.fetch(
            "SELECT report_number, count(*) AS n FROM cases WHERE report_number = ANY($1) "
            "GROUP BY report_number",
            numbers,
        )
    finally:
        await conn.close()
    assert {r["report_number"]: r["n"] for r in counts} == dict.fromkeys(numbers, 1)


async def test_staff_api_refuses_requests_without_a_valid_session(
    services: object, staff_client: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient(base_url=str(staff_client.base_url)) as anonymous:
        assert (await anonymous.get("/api/v1/cases")).status_code == 401
        bad = await anonymous.get("/api/v1/cases", headers={"authorization": "Bearer nope"})
        assert bad.status_code == 401
        wrong = await anonymous.post(
            "/api/v1/auth/login", json={"username": "test-coordinator", "password": "wrong"}
        )
        assert wrong.status_code == 401


async def test_logout_ends_the_session(
    services: object, staff_client: httpx.AsyncClient, staff_credentials: Account
) -> None:
    async with httpx.AsyncClient(base_url=str(staff_client.base_url)) as client:
        token = api_login(str(staff_client.base_url).rstrip("/"), staff_credentials)
        auth = {"authorization": f"Bearer {token}"}
        assert (await client.get("/api/v1/cases", headers=auth)).status_code == 200
        assert (await client.post("/api/v1/auth/logout", headers=auth)).status_code == 204
        assert (await client.get("/api/v1/cases", headers=auth)).status_code == 401


async def test_case_list_pages_with_a_cursor(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    for _ in range(3):
        accepted = await submit(intake_client, sample_report())
    await wait_for_case(staff_client, accepted["report_number"])
    first = (await staff_client.get("/api/v1/cases", params={"limit": 2})).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = (
        await staff_client.get("/api/v1/cases", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    first_ids = {c["id"] for c in first["items"]}
    assert second["items"] and not first_ids & {c["id"] for c in second["items"]}
    bad = await staff_client.get("/api/v1/cases", params={"cursor": "!!"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"
    assert await find_case(staff_client, "WBS-1999-000000") is None
