"""The portal for a frightened reporter on a phone: every page in both languages at 360 and 1366
px passes axe-core (WCAG 2.1 AA) with no horizontal scrolling at 320 px; no word is lost (an
expired session's answer survives sign-in, files dropped by validation are named, Enter sends
the report); errors are summarised and take the focus; every field reaches the team's case page;
the safety page is linked from home and the form."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.support.axe import axe_violations, horizontal_overflow, record, small_targets
from tests.support.console import make_account, totp_code
from tests.support.portal import fill_report
from tests.support.reports import wait_for_case
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]
WIDTHS = (360, 1366)
LANGS = ("id", "en")
RAW = re.compile(r"Input should|String should|unable to parse|after validation| \| |SHA-256|UTC")


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    # axe-core is injected as a script: the portal's CSP (rightly) forbids that to anyone else.
    ctx = await browser.new_context(locale="id-ID", bypass_csp=True)
    yield ctx
    await ctx.close()


async def static_weight(base: str) -> int:
    async with httpx.AsyncClient(base_url=base) as client:
        css = await client.get("/static/portal.css")
        js = await client.get("/static/portal.js")
    return len(css.content) + len(js.content)


async def check_page(
    page: Page, name: str, lang: str, load: Callable[[], Awaitable[Any]], assets: int
) -> None:
    """The page as loaded by `load` at each width: axe clean, fits 320 px, big enough targets,
    no raw validation or technical words; its weight (HTML + CSS + JS) is recorded."""
    weight = 0
    violations: list[dict[str, Any]] = []
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 800})
        response = await load()
        html = await response.body() if response is not None else None
        if html is not None or not weight:  # before axe-core is injected into this page
            weight = len(html or (await page.content()).encode()) + assets
        assert await page.get_attribute("html", "lang") == lang, name
        violations = await axe_violations(page)
        assert violations == [], (name, lang, width, violations)
        assert await small_targets(page) == [], (name, lang, width)
        assert not RAW.search(await page.inner_text("body")), (name, lang)
    await page.set_viewport_size({"width": 320, "height": 800})
    assert await horizontal_overflow(page) <= 0, (name, lang, "320 px")
    record(name, lang, weight, violations)


async def test_every_portal_page_in_both_languages_is_accessible_and_fits_a_phone(
    services: dict[str, ServiceProcess], context: BrowserContext
) -> None:
    intake = services["intake"].url
    assets = await static_weight(intake)
    page = await context.new_page()
    for lang in LANGS:
        for name, path in (
            ("home", "/"),
            ("safety", "/safety"),
            ("report form", "/report"),
            ("mailbox sign-in", "/mailbox/sign-in"),
            ("receipt (gone)", "/report/receipt"),
        ):
            await check_page(
                page, name, lang, partial(page.goto, f"{intake}{path}?lang={lang}"), assets
            )

        async def send_empty(lang: str = lang) -> Any:
            await page.goto(f"{intake}/report?lang={lang}")
            async with page.expect_navigation() as nav:
                await page.click("#send-report")
            return await nav.value

        await check_page(page, "report form with errors", lang, send_empty, assets)

    # A report filed, then each page of the reporter's way back, in both languages.
    marker = uuid.uuid4().hex
    await page.goto(f"{intake}/report?lang=id")
    await fill_report(page, marker)
    await page.click("#send-report")
    await page.wait_for_selector("#receipt-code")
    receipt = (await page.inner_text("#receipt-code")).strip()
    for lang in LANGS:
        await check_page(
            page,
            "receipt",
            lang,
            partial(page.goto, f"{intake}/report/receipt?lang={lang}"),
            assets,
        )
    await page.click("#forget-receipt")
    await page.wait_for_selector("#calm")
    for lang in LANGS:
        await check_page(
            page,
            "after the receipt",
            lang,
            partial(page.goto, f"{intake}/report/receipt?lang={lang}"),
            assets,
        )
    await page.goto(f"{intake}/mailbox/sign-in")
    await page.fill("#receipt", receipt)
    await page.click("#open-mailbox")
    await page.wait_for_selector("#current-status")
    for lang in LANGS:
        await check_page(
            page, "mailbox", lang, partial(page.goto, f"{intake}/mailbox?lang={lang}"), assets
        )
    for lang in LANGS:

        async def signed_out(lang: str = lang) -> Any:
            await page.goto(f"{intake}/mailbox/sign-in?lang={lang}")
            await page.fill("#receipt", receipt)
            await page.click("#open-mailbox")
            await page.wait_for_selector("#sign-out")
            async with page.expect_navigation() as nav:
                await page.click("#sign-out")
            return await nav.value

        await check_page(page, "signed out", lang, signed_out, assets)


async def test_an_answer_typed_into_an_expired_session_survives_sign_in(
    services: dict[str, ServiceProcess], context: BrowserContext
) -> None:
    intake = services["intake"].url
    page = await context.new_page()
    marker = uuid.uuid4().hex
    await page.goto(f"{intake}/report")
    await fill_report(page, marker)
    await page.click("#send-report")
    receipt = (await page.inner_text("#receipt-code")).strip()
    await page.goto(f"{intake}/mailbox/sign-in")
    await page.fill("#receipt", receipt)
    await page.click("#open-mailbox")
    await page.wait_for_selector("#information")
    # The warning before expiry is there (shown by the script two minutes before).
    assert await page.get_attribute("#idle-note", "data-idle-seconds") == "900"
    assert await page.locator("#idle-warning #stay-signed-in").count() == 1
    text = f"Saya ingat satu hal lagi: nomor kapal KM-{marker[:6]}.\nDan nama nakhodanya."
    await page.fill("#information", text)
    # The session ends on the server's side while the reporter writes.
    await context.clear_cookies(name="mailbox")
    async with page.expect_navigation() as nav:
        await page.click("#add-information button[type=submit]")
    response = await nav.value
    assert response is not None and response.status == 401
    assert "belum dikirim" in await page.inner_text("#notice")
    assert await page.input_value("#carried-text") == text
    await check_page(page, "sign-in after expiry", "id", _none, await static_weight(intake))
    await page.fill("#receipt", receipt)
    await page.click("#open-mailbox")
    await page.wait_for_selector("#current-status")
    assert await page.input_value("#information") == text  # back in its field, not yet sent
    assert "belum terkirim" in await page.inner_text("#notice")
    await page.click("#add-information button[type=submit]")
    await page.wait_for_selector("#notice")
    assert text.replace("\n", "") in (await page.inner_text("#followups")).replace("\n", "")


async def _none() -> None:
    return None


async def test_enter_sends_the_report_and_add_person_stays_a_separate_button(
    services: dict[str, ServiceProcess], browser: Browser
) -> None:
    intake = services["intake"].url
    for js in (True, False):
        context = await browser.new_context(locale="id-ID", java_script_enabled=js)
        page = await context.new_page()
        await page.goto(f"{intake}/report")
        await fill_report(page, uuid.uuid4().hex)
        async with page.expect_navigation():
            await page.press("#where", "Enter")
        assert await page.locator("#receipt-code").count() == 1, f"js={js}"
        await page.goto(f"{intake}/report")
        rows = await page.locator("#who .person").count()
        async with page.expect_navigation() if not js else _nothing():
            await page.click("#add-person")
        assert await page.locator("#who .person").count() == rows + 1
        await context.close()


class _nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_: object) -> None:
        return None


async def test_errors_are_summarised_linked_and_focused_and_dropped_files_named(
    services: dict[str, ServiceProcess], context: BrowserContext, tmp_path: Any
) -> None:
    intake = services["intake"].url
    page = await context.new_page()
    for lang, words in (("id", "Periksa isian berikut"), ("en", "Please check these fields")):
        await page.goto(f"{intake}/report?lang={lang}")
        await page.fill("#what", "pendek")
        await page.fill("#estimated_loss", "banyak sekali")
        evidence = tmp_path / "bukti-transfer.txt"
        evidence.write_text("bukti")
        await page.set_input_files("#evidence-files", str(evidence))
        async with page.expect_navigation() as nav:
            await page.click("#send-report")
        response = await nav.value
        assert response is not None and response.status == 422
        summary = page.locator("#error-summary")
        assert words in await summary.inner_text()
        await expect(summary).to_be_focused()
        assert await page.evaluate("() => document.activeElement.id") == "error-summary"
        links = await summary.locator("a").evaluate_all("els => els.map(e => e.hash)")
        assert links[:2] == ["#category", "#what"] and "#estimated_loss" in links
        for field in ("what", "estimated_loss", "category"):
            assert await page.get_attribute(f"#{field}", "aria-invalid") == "true"
            described = await page.get_attribute(f"#{field}", "aria-describedby") or ""
            assert f"error-{field}" in described.split()
            assert await page.locator(f"#error-{field}").count() == 1
        assert "bukti-transfer.txt" in await page.inner_text("#error-evidence")
        assert await page.input_value("#what") == "pendek"  # nothing typed is lost
        await summary.locator("a[href='#what']").click()
        await expect(page.locator("#what")).to_be_focused()


async def test_the_safety_page_is_linked_from_home_and_the_form(
    services: dict[str, ServiceProcess], page: Page
) -> None:
    intake = services["intake"].url
    await page.goto(f"{intake}/")
    async with page.expect_navigation():
        await page.click("#safety-home a")
    assert page.url.endswith("/safety")
    body = await page.inner_text("main")
    for words in ("Wi-Fi kantor", "Tor Browser", "LPSK", "Gedung Mina Bahari II", "5 hari kerja"):
        assert words in body
    await page.goto(f"{intake}/report?lang=en")
    async with page.expect_navigation():
        await page.click("#safety-link a")
    assert "/safety" in page.url and "Report safely" in await page.inner_text("h1")
    assert "office Wi-Fi" in await page.inner_text("main")


async def test_every_field_the_reporter_fills_reaches_the_mailbox_and_the_case_page(
    services: dict[str, ServiceProcess], browser: Browser, staff_client: httpx.AsyncClient
) -> None:
    intake, cases = services["intake"].url, services["cases"].url
    # A coordinator who exists before the report arrives (keys belong to people).
    coordinator = make_account(f"ux-coord-{uuid.uuid4().hex[:6]}", "coordinator")
    marker = uuid.uuid4().hex
    context = await browser.new_context(locale="id-ID")
    page = await context.new_page()
    await page.goto(f"{intake}/report")
    await fill_report(page, marker)
    await page.fill("#other_parties", f"PT Samudra Jaya {marker[:6]}")
    await page.fill("#witnesses", f"Dua nakhoda kapal {marker[:6]}")
    await page.click("#send-report")
    number = (await page.inner_text("#report-number")).strip()
    receipt = (await page.inner_text("#receipt-code")).strip()
    expected = {
        "what": f"Petugas meminta pungutan liar saat pemeriksaan kapal. {marker}",
        "who": f"Terlapor 0 {marker}",
        "position": "Pengawas Perikanan",
        "where": "Pelabuhan Perikanan Nusantara Pengambengan",
        "when": "Januari 2026",
        "how": "Uang tunai diminta sebelum surat laik operasi diterbitkan",
        "dates": "2026-01-05 – 2026-01-20",
        "loss": "25.000.000",
        "witnesses": f"Dua nakhoda kapal {marker[:6]}",
        "other": f"PT Samudra Jaya {marker[:6]}",
    }
    await page.goto(f"{intake}/mailbox/sign-in")
    await page.fill("#receipt", receipt)
    await page.click("#open-mailbox")
    mine = await page.inner_text("#my-report")
    for what, words in expected.items():
        assert words in mine, ("mailbox", what)
    await context.close()

    case, _ = await wait_for_case(staff_client, number)
    context = await browser.new_context(locale="id-ID")
    staff = await context.new_page()
    await staff.goto(f"{cases}/console/login")
    await staff.fill("input[name=username]", coordinator.username)
    await staff.fill("input[name=password]", coordinator.password)
    await staff.fill("input[name=totp]", totp_code(coordinator.totp_secret))
    await staff.click("form[action='/console/login'] button[type=submit]")
    await staff.wait_for_load_state()
    await staff.goto(f"{cases}/console/cases/{case['id']}")
    on_case = await staff.inner_text("#report")
    for what, words in expected.items():
        assert words in on_case, ("case page", what)
    await context.close()
