"""In a real browser: sign in with TOTP, work a case from Diterima to Selesai (with a question
the reporter answers through the mailbox), see it on the dashboard and in the export."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid

import httpx
import pyotp
import pytest
from playwright.async_api import Page, expect

from tests.support.console import (
    events_about,
    make_account,
    make_account_without_totp,
    publish_report,
    totp_code,
)
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def sign_in(page: Page, base: str, username: str, password: str, code: str) -> None:
    await page.goto(f"{base}/console/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.fill("input[name=totp]", code)
    await page.click("form[action='/console/login'] button[type=submit]")


async def move(page: Page, to: str, note: str, reason: str = "", outcome: str = "") -> None:
    form = page.locator("#transition-form")
    await form.locator("select[name=to]").select_option(to)
    await form.locator("textarea[name=note]").fill(note)
    if reason:
        await form.locator("textarea[name=reason]").fill(reason)
    if outcome:
        await form.locator("select[name=outcome]").select_option(outcome)
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#case-status")).to_have_attribute("data-status", to)


async def test_new_staff_member_enrols_totp_with_the_qr_code_before_anything_else(
    services: dict[str, ServiceProcess], page: Page
) -> None:
    username = f"new-handler-{uuid.uuid4().hex[:6]}"
    password, enrol_code = make_account_without_totp(username, "handler")
    base = services["cases"].url

    await sign_in(page, base, username, password, "")
    await expect(page).to_have_url(f"{base}/console/enrol")
    qr = await page.request.get(f"{base}/console/enrol/qr.svg")
    assert qr.status == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in await qr.body()
    # Nothing else is reachable before enrolment.
    await page.goto(f"{base}/console/cases")
    await expect(page).to_have_url(f"{base}/console/enrol")
    secret = (await page.locator("#totp-secret").inner_text()).strip()
    await page.fill("input[name=enrol_code]", enrol_code)
    await page.fill(
        "input[name=totp]", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    await page.click("form[action='/console/enrol'] button[type=submit]")
    await expect(page.locator(".error")).to_be_visible()
    # The password and a right code are not enough: the administrator's enrolment code is.
    await page.fill("input[name=enrol_code]", "0000-0000-0000")
    await page.fill("input[name=totp]", totp_code(secret))
    await page.click("form[action='/console/enrol'] button[type=submit]")
    await expect(page.locator(".error")).to_be_visible()
    await page.fill("input[name=enrol_code]", enrol_code)
    await page.fill("input[name=totp]", totp_code(secret))
    await page.click("form[action='/console/enrol'] button[type=submit]")
    await expect(page).to_have_url(f"{base}/console/cases")
    await expect(page.locator("h1")).to_have_text("Kasus")


async def test_team_works_a_case_from_received_to_concluded_in_the_browser(
    services: dict[str, ServiceProcess], page: Page, staff_client: httpx.AsyncClient
) -> None:
    base = services["cases"].url
    account = make_account("console-coordinator", "coordinator")
    marker = uuid.uuid4().hex
    # A real report through the real intake service; the reporter keeps the receipt.
    async with httpx.AsyncClient(base_url=services["intake"].url, timeout=10) as intake:
        submitted = await intake.post("/api/v1/reports", json=sample_report(marker))
        assert submitted.status_code == 201, submitted.text
        accepted = submitted.json()
        number = accepted["report_number"]
        case, _ = await wait_for_case(staff_client, number)
        report_id = (
            uuid.UUID(case["report_id"])
            if "report_id" in case
            else uuid.UUID(
                (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()["report_id"]
            )
        )
        await sign_in(
            page, base, account.username, account.password, totp_code(account.totp_secret)
        )
        await expect(page).to_have_url(f"{base}/console/cases")
        await page.fill("input[name=q]", number)
        await page.click("form.filters button[type=submit]")
        await page.click(f"text={number}")
        await expect(page.locator("#case-status")).to_have_attribute("data-status", "received")
        await expect(page.locator("#report")).to_contain_text(marker)
        await expect(page.locator("dd", has_text="Suap / Gratifikasi")).to_have_count(1)
        await move(page, "verifying", "Memeriksa unsur 4W+1H")
        await move(page, "needs_info", "Perlu nama kapal dan tanggal pasti")
        question = "Mohon sebutkan nama kapal dan tanggal transfer."
        form = page.locator("#message-form")
        await form.locator("textarea[name=text]").fill(question)
        await form.locator("button[type=submit]").click()
        await expect(page.locator("#messages")).to_contain_text(question)
        sent = await events_about("case.message_to_reporter", report_id, 1)
        assert len(sent) == 1 and sent[0]["payload"]["kind"] == "question"
        assert question.encode() not in str(sent[0]).encode()  # sealed on the topic

        # The reporter signs in to the real mailbox with the receipt, reads and answers.
        signed_in = await intake.post(
            "/api/v1/mailbox/session", json={"receipt": accepted["receipt"]}
        )
        assert signed_in.status_code == 201, signed_in.text
        reporter = {"authorization": f"Bearer {signed_in.json()['token']}"}
        deadline = time.monotonic() + 15
        while True:
            box = (await intake.get("/api/v1/mailbox", headers=reporter)).json()
            if any(m["text"] == question for m in box["messages"]):
                break
            assert time.monotonic() < deadline, "the question never reached the mailbox"
            await asyncio.sleep(0.3)
        message_id = next(m["message_id"] for m in box["messages"] if m["text"] == question)
        answer = f"KM Sinar Bahari, 12 Maret 2026 {marker[:6]}"
        answered = await intake.post(
            "/api/v1/mailbox/followups",
            headers=reporter,
            json={"kind": "answer", "text": answer, "in_reply_to": message_id},
        )
        assert answered.status_code == 201, answered.text
    deadline = time.monotonic() + 15
    while answer not in await page.locator("#messages").inner_text():
        assert time.monotonic() < deadline, "the reporter's answer did not arrive"
        await asyncio.sleep(0.3)
        await page.reload()
    await expect(page.locator("#messages")).to_contain_text("terjawab")

    contact = page.locator("#contact-form")
    await contact.locator("select[name=channel]").select_option("mailbox")
    await contact.locator("input[name=party]").fill("Pelapor (anonim)")
    await contact.locator("textarea[name=result]").fill("Jawaban lengkap diterima")
    await contact.locator("button[type=submit]").click()
    await expect(page.locator("#contacts")).to_contain_text("Jawaban lengkap diterima")

    await move(page, "reviewing", "Kelengkapan diterima, ditelaah")
    await move(page, "investigating", "Layak diperiksa")
    await move(
        page, "concluded", "Pemeriksaan selesai", "Bukti transfer dan saksi menguatkan", "proven"
    )
    await expect(page.locator("#history")).to_contain_text("Bukti transfer dan saksi")

    changes = await events_about("case.status_changed", report_id, 5)
    assert [e["payload"]["public_status"] for e in changes] == [
        "in_process",
        "needs_info",
        "in_process",
        "followed_up",
        "closed",
    ]

    await page.goto(f"{base}/console/dashboard")
    await expect(page.locator("svg.chart").first).to_be_visible()
    await expect(page.locator(".charts")).to_contain_text("Selesai")
    async with page.expect_download() as download_info:
        await page.click("#export-csv")
    download = await download_info.value
    text = (await download.path()).read_text(encoding="utf-8-sig")  # type: ignore[union-attr]
    rows = {r["report_number"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[number]["status"] == "concluded"
    assert rows[number]["outcome"] == "proven"
    assert "Budi Santoso" not in text and marker not in text

    await page.goto(f"{base}/console/cases/{case['id']}?lang=en")
    await expect(page.locator("#case-status")).to_have_text("Concluded")


async def test_the_list_filters_by_unit_status_and_channel_without_exposing_names(
    services: dict[str, ServiceProcess], staff_client: httpx.AsyncClient
) -> None:
    unit = f"Balai Uji {uuid.uuid4().hex[:6]}"
    who = [{"name": "Rahasia Terlapor", "position": "Kepala Balai", "unit": unit}]
    report = await publish_report(sample_report(who=who), channel="api")
    case, _ = await wait_for_case(staff_client, report.report_number)
    assert case["units"] == [unit]
    found = (
        await staff_client.get(
            "/api/v1/cases", params={"unit": unit, "status": "received", "channel": "api"}
        )
    ).json()["items"]
    assert [c["report_number"] for c in found] == [report.report_number]
    none = await staff_client.get("/api/v1/cases", params={"unit": unit, "channel": "letter"})
    assert none.json()["items"] == []
    dashboard = (await staff_client.get("/api/v1/dashboard")).json()
    assert dashboard["by_unit"] and all(n >= 1 for _, n in dashboard["by_unit"])
    assert "Rahasia Terlapor" not in str(found) + str(dashboard)
