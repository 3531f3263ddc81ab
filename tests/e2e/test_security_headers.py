"""Every response carries strict security headers; every HTML page of all four services, error
pages included, pins HTTPS (HSTS)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.console import Account, totp_code
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import base_url

pytestmark = pytest.mark.stack

HSTS = "max-age=63072000"


async def test_api_responses_carry_strict_security_headers(
    intake_client: httpx.AsyncClient,
) -> None:
    for r in (
        await intake_client.get("/health/live"),
        await intake_client.post("/api/v1/reports", content=b"{"),
        await intake_client.get("/"),
        await intake_client.get("/report"),
    ):
        h = r.headers
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "default-src 'self'" in h["content-security-policy"]
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store"
        assert h["x-content-type-options"] == "nosniff"
        assert "camera=()" in h["permissions-policy"]
        assert "server" not in h
        assert h["strict-transport-security"].startswith(HSTS)


# Pages anyone can reach, and error answers (unknown page, wrong method, refused form), per service.
OPEN_PAGES: dict[str, list[tuple[str, str]]] = {
    "intake": [
        ("GET", "/"),
        ("GET", "/?lang=en"),
        ("GET", "/report"),
        ("GET", "/report/receipt"),
        ("GET", "/mailbox/sign-in"),
        ("GET", "/mailbox"),
        ("POST", "/mailbox/sign-in"),
        ("POST", "/report"),
        ("GET", "/schema"),
        ("GET", "/no-such-page"),
        ("DELETE", "/report"),
    ],
    "cases": [
        ("GET", "/console/login"),
        ("GET", "/console/login?lang=en"),
        ("POST", "/console/login"),
        ("GET", "/console/cases"),
        ("GET", "/schema"),
        ("GET", "/no-such-page"),
        ("DELETE", "/console/login"),
    ],
    "evidence": [("GET", "/schema"), ("GET", "/no-such-page"), ("DELETE", "/health/live")],
    "notifications": [("GET", "/schema"), ("GET", "/no-such-page"), ("DELETE", "/health/live")],
}
# The staff console, signed in as the suite's coordinator ({case}: a real case).
CONSOLE_PAGES = (
    "/console/",
    "/console/cases",
    "/console/cases?lang=en",
    "/console/cases/{case}",
    "/console/dashboard",
    "/console/audit",
    "/console/manual",
    "/console/identity-requests",
    "/console/account/",
    "/console/notifications/",
    "/console/cases/00000000-0000-0000-0000-000000000000",
)


async def console_cookie(account: Account) -> str:
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=30) as c:
        r = await c.post(
            "/console/login",
            data={
                "username": account.username,
                "password": account.password,
                "totp": totp_code(account.totp_secret),
            },
        )
        assert r.status_code == 303, r.text
        token = re.search(r"peluit_staff=([^;]+)", r.headers["set-cookie"])
        assert token
        return f"peluit_staff={token[1]}"


async def test_every_html_page_and_error_page_of_every_service_pins_https(
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
    staff_credentials: Account,
) -> None:
    accepted = await submit(intake_client, sample_report())
    case, _ = await wait_for_case(staff_client, accepted["report_number"])
    answers: list[httpx.Response] = []
    for service, pages in OPEN_PAGES.items():
        async with httpx.AsyncClient(base_url=base_url(service), timeout=30) as c:
            answers += [await c.request(method, path) for method, path in pages]
    cookie = await console_cookie(staff_credentials)
    async with httpx.AsyncClient(
        base_url=base_url("cases"), timeout=30, headers={"cookie": cookie}
    ) as c:
        console = [await c.get(path.format(case=case["id"])) for path in CONSOLE_PAGES]
    # Signed in (a coordinator: some pages are another role's, 403 or a redirect).
    shown = [r for r in console if r.status_code == 200]
    assert len(shown) >= 6, [(r.request.url.path, r.status_code) for r in console]
    assert not any("/console/login" in r.headers.get("location", "") for r in console)
    answers += console
    html = [r for r in answers if r.headers.get("content-type", "").startswith("text/html")]
    missing = [
        f"{r.request.method} {r.request.url} -> {r.status_code}"
        for r in answers
        if not r.headers.get("strict-transport-security", "").startswith(HSTS)
    ]
    assert not missing, missing
    # The crawl met real pages and real error pages, on both services that render HTML.
    codes = {(r.request.url.port, r.status_code) for r in html}
    assert len(html) >= 20, len(html)
    assert any(code >= 400 for _, code in codes), codes
    assert {r.request.url.port for r in html} >= {
        httpx.URL(base_url("intake")).port,
        httpx.URL(base_url("cases")).port,
    }
