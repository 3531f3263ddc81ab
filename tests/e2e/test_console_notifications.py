"""The console's "Pemberitahuan" page shows the signed-in person's in-app inbox, read from the
notifications service, with the unread count, and marks notices read (no JavaScript needed)."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page

from tests.support.console import make_account, totp_code
from tests.support.kafka import publish
from tests.support.notify import db_value, new_case_created, until
from tests.support.stack import ServiceProcess, base_url

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def test_a_coordinator_sees_and_reads_their_notifications(
    services: dict[str, ServiceProcess],
    page: Page,
) -> None:
    username = f"notif-{uuid.uuid4().hex[:8]}"
    account = make_account(username, "coordinator")
    # The account reaches notifications as staff.changed from the cases service.
    await until(
        lambda: db_value(
            "SELECT true FROM staff_contacts WHERE username = $1 AND active", username
        ),
        "contact projected from cases",
    )
    event = new_case_created()
    await publish(event)
    number = event.payload.report_number
    await until(
        lambda: db_value(
            """SELECT true FROM inbox i JOIN staff_contacts s USING (staff_id)
           WHERE s.username = $1 AND i.report_number = $2""",
            username,
            number,
        ),
        "in inbox",
    )

    base = base_url("cases")
    await page.goto(f"{base}/console/login")
    await page.fill("input[name=username]", account.username)
    await page.fill("input[name=password]", account.password)
    await page.fill("input[name=totp]", totp_code(account.totp_secret))
    await page.click("form[action='/console/login'] button[type=submit]")
    await page.click("#nav-notifications")
    assert await page.locator("h1").inner_text() == "Pemberitahuan (1 belum dibaca)"
    assert await page.locator("#nav-notifications .badge").inner_text() == "1"
    row = page.locator("tr.notice", has_text=number)
    assert f"Laporan baru {number} diterima" in await row.inner_text()
    assert await row.get_attribute("class") == "notice unread"
    await row.locator("button").click()
    assert await page.locator("tr.notice", has_text=number).get_attribute("class") == "notice"
    assert await page.locator("#unread-count").count() == 0
    await page.goto(f"{base}/console/notifications?lang=en")
    assert await page.locator("h1").inner_text() == "Notifications"
    assert f"New report {number} received" in await page.locator("#notices").inner_text()
