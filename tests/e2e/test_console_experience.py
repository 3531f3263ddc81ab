"""The console guides a busy team: the menu shows only what the role may use, error pages say
where to go next, and the assignee is chosen, never preset."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, Page

from tests.support.console import Account, make_account, totp_code
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def signed_in(browser: Browser, base: str, account: Account) -> Page:
    context = await browser.new_context(locale="id-ID")
    page = await context.new_page()
    await page.goto(f"{base}/console/login")
    await page.fill("input[name=username]", account.username)
    await page.fill("input[name=password]", account.password)
    await page.fill("input[name=totp]", totp_code(account.totp_secret))
    async with page.expect_navigation():
        await page.click("form[action='/console/login'] button[type=submit]")
    return page


async def test_the_menu_shows_only_what_the_role_may_use_and_errors_say_where_next(
    services: dict[str, ServiceProcess], browser: Browser
) -> None:
    base = services["cases"].url
    menus = {
        "viewer": {"/console/dashboard", "/console/audit"},
        "handler": {"/console/manual"},
        "coordinator": {"/console/dashboard", "/console/manual"},
    }
    for role, shown in menus.items():
        page = await signed_in(
            browser, base, make_account(f"ux-{role}-{uuid.uuid4().hex[:6]}", role)
        )
        await page.goto(f"{base}/console/cases")
        links = set(await page.locator("nav a").evaluate_all("els => els.map(e => e.pathname)"))
        optional = {"/console/dashboard", "/console/manual", "/console/audit"}
        assert links & optional == shown, (role, links)
        if role == "coordinator":
            response = await page.goto(f"{base}/console/cases/{uuid.uuid4()}")
            assert response is not None and response.status == 404
            assert "()" not in await page.inner_text("h1")
            assert await page.locator("#error-next a[href='/console/cases']").count() == 1
        await page.context.close()
