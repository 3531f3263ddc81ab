"""A reporter comes back with the receipt, reads the team's question, answers it, signs out."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page

from tests.support.portal import (
    eventually,
    followup_events,
    open_as_cases,
    send_staff_message,
    send_status,
    submitted_event,
)
from tests.support.reports import sample_report, submit
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def sign_in(page: Page, url: str, receipt: str, lang: str = "id") -> None:
    await page.goto(f"{url}/mailbox/sign-in?lang={lang}")
    await page.fill("#receipt", receipt.replace("-", " "))  # spaces instead of dashes are fine
    await page.click("#open-mailbox")
    await page.wait_for_selector("#mailbox-number")


async def until_on_page(page: Page, selector: str, text: str) -> None:
    async def probe() -> bool | None:
        await page.reload()
        return True if text in await page.inner_text(selector) else None

    await eventually(probe)


async def answer_a_question(
    context: BrowserContext, url: str, client: httpx.AsyncClient, lang: str
) -> None:
    page = await context.new_page()
    marker = uuid.uuid4().hex
    accepted = await submit(client, sample_report(what=f"Laporan <b>tebal</b> {marker}"))
    submitted = await submitted_event(accepted["report_number"])
    await sign_in(page, url, accepted["receipt"], lang)
    received = "Received" if lang == "en" else "Diterima"
    assert await page.inner_text("#current-status") == received
    # HTML in the report is shown as text, never interpreted.
    assert f"Laporan <b>tebal</b> {marker}" in await page.inner_text("#my-report")
    assert await page.locator("#my-report b").count() == 0

    # The team (played by the test) asks through the real topics.
    await send_status(submitted, "needs_info", "needs_info")
    question = await send_staff_message(submitted, f"Kapan tepatnya uang diserahkan? {marker}")
    await until_on_page(page, "#messages", marker)
    needs_info = "Information needed" if lang == "en" else "Perlu Kelengkapan"
    await until_on_page(page, "#current-status", needs_info)  # another topic: may come later
    history = await page.locator("#status-history .status").all_inner_texts()
    assert history == [received, needs_info]

    answer = f"Tanggal 12 Januari, di kantin pelabuhan. {marker}"
    await page.fill(f"#answer-{question.payload.message_id}", answer)
    await page.click(f"#message-{question.payload.message_id} button")
    await page.wait_for_selector("#notice")
    posted = "Your follow-up was received." if lang == "en" else "Tanggapan Anda telah diterima."
    assert await page.inner_text("#notice") == posted
    assert answer in await page.inner_text("#followups")
    assert await page.locator(f"#message-{question.payload.message_id} .answered").count() == 1

    # The answer reached the real topic, sealed to the cases key, naming the question.
    async def arrived() -> list[object] | None:
        return list(await followup_events(accepted["report_number"])) or None

    await eventually(arrived)
    [event] = await followup_events(accepted["report_number"])
    assert event.payload.kind == "answer"
    assert event.payload.in_reply_to == question.payload.message_id
    assert open_as_cases(event) == answer
    await until_on_page(page, "#followups", "Sent to the team" if lang == "en" else "Terkirim")

    # Signing out ends the session: the mailbox asks for the receipt again.
    await page.click("#sign-out")
    await page.wait_for_selector("#signed-out")
    await page.goto(url + "/mailbox")
    assert page.url.startswith(url + "/mailbox/sign-in")


async def test_reporter_reads_a_staff_question_and_answers_it_with_javascript(
    services: dict[str, ServiceProcess], browser: Browser, intake_client: httpx.AsyncClient
) -> None:
    context = await browser.new_context()
    try:
        await answer_a_question(context, services["intake"].url, intake_client, "id")
    finally:
        await context.close()


async def test_reporter_answers_in_english_without_javascript(
    services: dict[str, ServiceProcess], browser: Browser, intake_client: httpx.AsyncClient
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    try:
        await answer_a_question(context, services["intake"].url, intake_client, "en")
    finally:
        await context.close()


async def test_reporter_adds_information_unprompted(
    services: dict[str, ServiceProcess], page: Page, intake_client: httpx.AsyncClient
) -> None:
    accepted = await submit(intake_client, sample_report())
    await sign_in(page, services["intake"].url, accepted["receipt"])
    text = f"Ada saksi tambahan: Pak Joko {uuid.uuid4().hex}"
    async with page.expect_navigation():  # empty: refused with a message, nothing sent
        await page.click("#add-information button")
    assert "Tulis teks" in await page.inner_text("#add-information")
    await page.fill("#information", text)
    await page.click("#add-information button")
    await page.wait_for_selector("#notice")
    assert text in await page.inner_text("#followups")

    async def arrived() -> list[object] | None:
        return list(await followup_events(accepted["report_number"])) or None

    await eventually(arrived)
    [event] = await followup_events(accepted["report_number"])
    assert event.payload.kind == "information" and event.payload.in_reply_to is None
    assert open_as_cases(event) == text


async def test_mailbox_cookie_is_secure_httponly_strict_and_a_wrong_receipt_is_refused(
    services: dict[str, ServiceProcess], page: Page, intake_client: httpx.AsyncClient
) -> None:
    url = services["intake"].url
    await page.goto(url + "/mailbox/sign-in")
    await page.fill("#receipt", "0000-1111-2222-3333-4444")
    async with page.expect_navigation():
        await page.click("#open-mailbox")
    assert "Kode rahasia tidak dikenali" in await page.inner_text("#notice")
    accepted = await submit(intake_client, sample_report())
    await sign_in(page, url, accepted["receipt"])
    cookies = {c["name"]: c for c in await page.context.cookies()}
    session = cookies["mailbox"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
    assert cookies["pf"]["secure"] and cookies["pf"]["sameSite"] == "Strict"
    assert all(c["name"] in {"mailbox", "pf", "lang"} for c in cookies.values())
