"""In real browsers: the reporter adds a photo with JavaScript off; the team downloads it."""

from __future__ import annotations

import hashlib
import uuid

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from peluit_intake.entrypoints.web.render import format_size
from tests.support.console import make_account, totp_code
from tests.support.evidence import jpeg_parts
from tests.support.portal import eventually, fill_report
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def mailbox_sign_in(page: Page, url: str, receipt: str, lang: str) -> None:
    await page.goto(f"{url}/mailbox/sign-in?lang={lang}")
    await page.fill("#receipt", receipt)
    await page.click("#open-mailbox")
    await page.wait_for_selector("#mailbox-number")


async def send_file(page: Page, name: str, mime: str, data: bytes) -> None:
    await page.set_input_files(
        "#evidence-file", files=[{"name": name, "mimeType": mime, "buffer": data}]
    )
    await page.click("#send-evidence")


async def test_reporter_adds_a_photo_without_javascript_and_the_team_downloads_it_clean(
    services: dict[str, ServiceProcess],
    browser: Browser,
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
    page: Page,
) -> None:
    marker = uuid.uuid4().hex
    original, stripped = jpeg_parts(marker)
    digest = hashlib.sha256(stripped).hexdigest()
    accepted = await submit(intake_client, sample_report())
    context = await browser.new_context(java_script_enabled=False)
    try:
        reporter = await context.new_page()
        await mailbox_sign_in(reporter, services["intake"].url, accepted["receipt"], "id")
        await expect(reporter.locator("#evidence")).to_contain_text("Belum ada bukti")
        await send_file(reporter, f"foto-{marker}.jpg", "image/jpeg", original)
        received = reporter.locator("#evidence-received")
        await expect(received).to_contain_text("Bukti diterima")
        # Size in plain words; the fingerprint stays out of the words (no jargon), in the markup.
        await expect(received).to_contain_text(format_size(len(stripped), "id"))
        await expect(received).to_have_attribute("data-sha256", digest[:12])
        await expect(reporter.locator("#evidence-list .evidence-item")).to_have_count(1)

        # In English, an empty file gets a clear error and nothing is added.
        await reporter.goto(f"{services['intake'].url}/mailbox?lang=en")
        await send_file(reporter, "empty.txt", "text/plain", b"")
        await expect(reporter.locator("#evidence-error")).to_have_text("The file is empty.")
        await expect(reporter.locator("#evidence-list .evidence-item")).to_have_count(1)
    finally:
        await context.close()

    base = services["cases"].url
    account = make_account("evidence-coordinator", "coordinator")
    case, _ = await wait_for_case(staff_client, accepted["report_number"])

    async def listed() -> bool | None:
        r = await staff_client.get(f"/api/v1/cases/{case['id']}")
        return True if r.json()["evidence"] else None

    await eventually(listed)
    await page.goto(f"{base}/console/login")
    await page.fill("input[name=username]", account.username)
    await page.fill("input[name=password]", account.password)
    await page.fill("input[name=totp]", totp_code(account.totp_secret))
    await page.click("form[action='/console/login'] button[type=submit]")
    await expect(page).to_have_url(f"{base}/console/cases")
    await page.goto(f"{base}/console/cases/{case['id']}")
    row = page.locator("#evidence-list .evidence-item")
    await expect(row).to_have_count(1)
    await expect(row.locator(".ev-name")).to_have_text(f"foto-{marker}.jpg")
    await expect(row.locator(".ev-sha")).to_have_text(digest)
    async with page.expect_download() as download_info:
        await row.locator(".ev-download").click()
    download = await download_info.value
    assert download.suggested_filename == f"foto-{marker}.jpg"
    path = await download.path()
    assert path.read_bytes() == stripped


async def test_files_attached_on_the_report_form_follow_the_accepted_report(
    services: dict[str, ServiceProcess],
    browser: Browser,
    staff_client: httpx.AsyncClient,
) -> None:
    """JavaScript off: the report is accepted first; a file that fails is named on the receipt."""
    marker = uuid.uuid4().hex
    original, stripped = jpeg_parts(marker)
    url = services["intake"].url
    context = await browser.new_context(java_script_enabled=False)
    try:
        page = await context.new_page()
        await page.goto(f"{url}/report")
        await fill_report(page, marker)
        await page.set_input_files(
            "#evidence-files",
            files=[
                {"name": f"kapal-{marker}.jpg", "mimeType": "image/jpeg", "buffer": original},
                {"name": "kosong.pdf", "mimeType": "application/pdf", "buffer": b""},
            ],
        )
        await page.click("#send-report")
        await page.wait_for_selector("#receipt-code")
        number = await page.inner_text("#report-number")
        receipt = await page.inner_text("#receipt-code")
        ok = page.locator("#attached .attached-ok")
        await expect(ok).to_have_count(1)
        await expect(ok).to_contain_text(f"kapal-{marker}.jpg")
        await expect(ok).to_have_attribute("data-sha256", hashlib.sha256(stripped).hexdigest()[:12])
        failed = page.locator("#attached .attached-failed")
        await expect(failed).to_have_count(1)
        await expect(failed).to_contain_text("kosong.pdf")
        await expect(failed).to_contain_text("Berkas kosong.")
        await expect(page.locator("#attached-failed-hint")).to_contain_text("Kotak Surat")

        # The reporter's mailbox lists the stored file; the team has the report and the file.
        await mailbox_sign_in(page, url, receipt, "id")
        await expect(page.locator("#evidence-list .evidence-item")).to_have_count(1)
    finally:
        await context.close()
    case, _ = await wait_for_case(staff_client, number)

    async def listed() -> list[dict[str, object]] | None:
        r = await staff_client.get(f"/api/v1/cases/{case['id']}")
        return list(r.json()["evidence"]) or None

    files = await eventually(listed)
    assert [f["filename"] for f in files] == [f"kapal-{marker}.jpg"]
