"""Both sides for real: a reporter files through the portal, the team asks through the cases
API, the reporter answers in the mailbox, the team reads the answer and closes the case, and the
reporter sees it closed — intake, Kafka, cases and PostgreSQL, nothing simulated."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.support.portal import fill_report
from tests.support.reports import wait_for_case
from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def case_detail(staff: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    r = await staff.get(f"/api/v1/cases/{case_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def step(staff: httpx.AsyncClient, case_id: str, to: str, note: str, **extra: str) -> None:
    version = (await case_detail(staff, case_id))["version"]
    r = await staff.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": to, "note": note, "version": version, **extra},
    )
    assert r.status_code == 200, r.text


async def until(probe: Any, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await probe():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.3)


async def text_after_reload(page: Page, selector: str) -> str:
    await page.reload()
    return await page.inner_text(selector)


async def test_a_question_asked_by_the_team_is_answered_by_the_reporter_and_the_case_closes(
    services: dict[str, ServiceProcess], browser: Browser, staff_client: httpx.AsyncClient
) -> None:
    intake = services["intake"].url
    marker = uuid.uuid4().hex
    # The reporter, on a phone with JavaScript off, files an anonymous report.
    context = await browser.new_context(locale="id-ID", java_script_enabled=False)
    reporter = await context.new_page()
    await reporter.goto(f"{intake}/report")
    await fill_report(reporter, marker)
    await reporter.click("#send-report")
    await reporter.wait_for_selector("#receipt-code")
    number = (await reporter.inner_text("#report-number")).strip()
    receipt = (await reporter.inner_text("#receipt-code")).strip()

    # The team opens the case, asks for more, through the real cases service.
    case, _ = await wait_for_case(staff_client, number)
    case_id = case["id"]
    assert marker in str((await case_detail(staff_client, case_id))["report"])
    await step(staff_client, case_id, "verifying", "Memeriksa unsur 4W+1H")
    await step(staff_client, case_id, "needs_info", "Perlu nama kapal")
    question = f"Mohon sebutkan nama kapal yang diperiksa. {marker[:8]}"
    asked = await staff_client.post(
        f"/api/v1/cases/{case_id}/messages", json={"kind": "question", "text": question}
    )
    assert asked.status_code == 201, asked.text
    message_id = asked.json()["message_id"]

    # The reporter comes back with the receipt, sees the question and answers it.
    await reporter.goto(f"{intake}/mailbox/sign-in")
    await reporter.fill("#receipt", receipt)
    await reporter.click("#open-mailbox")
    await reporter.wait_for_selector("#current-status")

    async def question_shown() -> bool:
        return question in await text_after_reload(reporter, "#messages")

    await until(question_shown, "the team's question never reached the mailbox")
    assert await reporter.inner_text("#current-status") == "Perlu Kelengkapan"
    answer = f"KM Sinar Bahari 07, diperiksa 12 Januari. {marker[:8]}"
    await reporter.fill(f"#answer-{message_id}", answer)
    await reporter.click(f"#message-{message_id} button")
    await reporter.wait_for_selector("#notice")

    # The team reads the answer on the case, then closes it.
    async def answer_on_case() -> bool:
        return answer in str((await case_detail(staff_client, case_id))["messages"])

    await until(answer_on_case, "the reporter's answer never reached the case")
    await step(staff_client, case_id, "reviewing", "Kelengkapan diterima")
    await step(staff_client, case_id, "investigating", "Layak diperiksa")
    await step(
        staff_client,
        case_id,
        "concluded",
        "Pemeriksaan selesai",
        reason="Bukti transfer dan keterangan saksi menguatkan",
        outcome="proven",
    )

    # The reporter sees the case closed, in their words.
    async def closed_for_reporter() -> bool:
        return (await text_after_reload(reporter, "#current-status")).strip() == "Selesai"

    await until(closed_for_reporter, "the reporter never saw the case closed")
    history = await reporter.locator("#status-history .status").all_inner_texts()
    assert history == [
        "Diterima",
        "Diproses",
        "Perlu Kelengkapan",
        "Diproses",
        "Ditindaklanjuti",
        "Selesai",
    ]
    await context.close()
