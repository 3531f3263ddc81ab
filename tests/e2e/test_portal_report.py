"""A whistleblower reads the home page and files a report in the browser, with and without JS."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.support.portal import api_mailbox, api_sign_in, fill_report, submitted_event
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]
RECEIPT = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$")


async def test_home_page_tells_what_the_wbs_is_in_both_languages(
    services: dict[str, ServiceProcess], page: Page
) -> None:
    response = await page.goto(services["intake"].url + "/")
    assert response is not None and response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    body = await page.inner_text("body")
    for seed_text in (
        "Tentang Layanan Whistleblowing System KKP",
        "Inspektorat V",
        "KERAHASIAAN IDENTITAS",
        "Gedung Mina Bahari II Lantai 5",
        "melakukan pengaduan lebih dari satu kali",
        "Memulai Laporan",
    ):
        assert seed_text in body
    async with page.expect_navigation():
        await page.click("#lang-switch")
    body = await page.inner_text("body")
    assert "Start a report" in body and "CONFIDENTIALITY OF THE REPORTER'S IDENTITY" in body
    assert "Gedung Mina Bahari II, 5th floor" in body
    # The choice sticks through the lang cookie, on every page, with a switch back.
    await page.goto(services["intake"].url + "/report")
    assert await page.inner_text("#lang-switch") == "Bahasa Indonesia"
    assert "Send report" in await page.inner_text("body")


async def test_anonymous_report_in_indonesian_with_javascript(
    services: dict[str, ServiceProcess], page: Page, intake_client: httpx.AsyncClient
) -> None:
    marker = uuid.uuid4().hex
    await page.goto(services["intake"].url + "/report")
    assert await page.locator("#who .person").count() == 3
    url_before = page.url
    await page.click("#add-person")  # JS adds the row in place, no round trip
    assert await page.locator("#who .person").count() == 4
    assert page.url == url_before
    assert await page.is_hidden("#identity-fields")  # anonymous: identity fields tucked away
    assert "Tambah bukti" in await page.inner_text("#evidence-later")
    await fill_report(page, marker, people=1)
    await page.fill("#who-3-name", f"Orang keempat {marker}")
    await page.click("#send-report")
    await page.wait_for_selector("#receipt-code")
    assert page.url.endswith("/report/receipt")
    number = await page.inner_text("#report-number")
    receipt = await page.inner_text("#receipt-code")
    assert re.match(r"^WBS-\d{4}-\d{8}$", number) and RECEIPT.match(receipt)
    assert "hanya ditampilkan sekali" in await page.inner_text("#keep-receipt")
    assert await page.is_visible("#print")  # JS shows the print button
    # A reload or a language switch does not lose it before it is noted (cheap phones reload
    # background tabs), and does not file the report twice.
    await page.reload()
    assert await page.inner_text("#receipt-code") == receipt
    async with page.expect_navigation():
        await page.click("#lang-switch")
    assert "shown only once" in await page.inner_text("#keep-receipt")
    assert await page.inner_text("#receipt-code") == receipt
    # "Noted": it is forgotten and never shown again.
    await page.click("#forget-receipt")
    await page.wait_for_selector("#receipt-gone")
    await page.goto(services["intake"].url + "/report/receipt?lang=id")
    assert await page.locator("#receipt-code").count() == 0
    assert "sudah ditampilkan" in await page.inner_text("#receipt-gone")
    submitted = await submitted_event(number)
    assert submitted.payload.channel == "portal"
    box = await api_mailbox(intake_client, await api_sign_in(intake_client, receipt))
    report = box["report"]
    assert report["identity"] is None and report["category"] == "pungutan_liar"
    assert [p["name"] for p in report["who"]] == [f"Terlapor 0 {marker}", f"Orang keempat {marker}"]
    assert report["date_from"] == "2026-01-05" and report["estimated_loss"] == 25_000_000


async def test_identified_report_in_english_without_javascript(
    services: dict[str, ServiceProcess], browser: Browser, intake_client: httpx.AsyncClient
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    try:
        marker = uuid.uuid4().hex
        await page.goto(services["intake"].url + "/report?lang=en")
        assert "Start a report" in await page.inner_text("h1")
        assert await page.is_visible("#identity-fields")  # nothing hidden without JS
        await page.fill("#what", f"Draft kept across the round trip {marker}")
        async with page.expect_navigation():  # without JS: the server adds one more row
            await page.click("#add-person")
        assert await page.locator("#who .person").count() == 4
        assert await page.input_value("#what") == f"Draft kept across the round trip {marker}"
        await fill_report(
            page,
            marker,
            people=4,
            identity={
                "name": f"Siti {marker[:6]}",
                "phone": "+62 812 3456 7890",
                "email": f"siti.{marker[:6]}@example.org",
                "employee_number": "198765432",
            },
        )
        await page.click("#send-report")
        await page.wait_for_selector("#receipt-code")
        assert "Your report has been received" in await page.inner_text("h1")
        assert "shown only once" in await page.inner_text("#keep-receipt")
        receipt = await page.inner_text("#receipt-code")
        box = await api_mailbox(intake_client, await api_sign_in(intake_client, receipt))
        assert box["report"]["identity"]["email"] == f"siti.{marker[:6]}@example.org"
        assert len(box["report"]["who"]) == 4
    finally:
        await context.close()


async def test_a_validation_error_keeps_everything_filled_in_without_javascript(
    services: dict[str, ServiceProcess], browser: Browser
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    try:
        marker = uuid.uuid4().hex
        await page.goto(services["intake"].url + "/report")
        await fill_report(page, marker, identity={"name": "Tanpa Kontak"})
        await page.fill("#what", "pendek")  # too short
        await page.fill("#date_to", "2025-12-31")  # before date_from
        await page.uncheck("#obligations")
        async with page.expect_navigation() as nav:
            await page.click("#send-report")
        response = await nav.value
        assert response is not None and response.status == 422
        assert "paling sedikit 10 karakter" in await page.inner_text("#error-what")
        assert "tanggal awal" in await page.inner_text("#error-date_to")
        assert "telepon atau email" in await page.inner_text("#error-identity")
        assert "Centang persetujuan" in await page.inner_text("#error-obligations")
        # Everything else is still there.
        assert await page.input_value("#what") == "pendek"
        assert await page.input_value("#who-0-name") == f"Terlapor 0 {marker}"
        assert await page.input_value("#who-0-unit") == "Ditjen PSDKP"
        assert await page.input_value("#category") == "pungutan_liar"
        assert await page.input_value("#estimated_loss") == "25.000.000"
        assert await page.input_value("#id_name") == "Tanpa Kontak"
        assert await page.is_checked("#identity-identified")
        # Fix what was wrong and send again.
        await page.fill("#what", f"Petugas meminta pungutan liar. {marker}")
        await page.fill("#date_to", "2026-01-20")
        await page.fill("#id_phone", "0812-3456-7890")
        await page.check("#obligations")
        await page.click("#send-report")
        await page.wait_for_selector("#receipt-code")
    finally:
        await context.close()


@pytest.mark.parametrize(
    ("identified", "lang", "javascript"),
    [
        (False, "en", False),  # anonymous, English, Tor Browser "safest"
        (True, "id", True),  # identified, Indonesian, JavaScript on
    ],
)
async def test_every_kind_of_reporter_in_every_language_and_mode(
    services: dict[str, ServiceProcess],
    browser: Browser,
    intake_client: httpx.AsyncClient,
    identified: bool,
    lang: str,
    javascript: bool,
) -> None:
    context = await browser.new_context(java_script_enabled=javascript)
    page = await context.new_page()
    try:
        marker = uuid.uuid4().hex
        await page.goto(f"{services['intake'].url}/report?lang={lang}")
        identity = {"email": f"r{marker[:8]}@example.org"} if identified else None
        await fill_report(page, marker, identity=identity)
        await page.click("#send-report")
        await page.wait_for_selector("#receipt-code")
        heading = "Your report has been received" if lang == "en" else "Laporan Anda telah diterima"
        assert await page.inner_text("h1") == heading
        receipt = await page.inner_text("#receipt-code")
        box = await api_mailbox(intake_client, await api_sign_in(intake_client, receipt))
        assert marker in box["report"]["what"]
        assert (box["report"]["identity"] is not None) == identified
    finally:
        await context.close()
