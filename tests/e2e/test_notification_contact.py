"""A reporter may leave an address for generic notices: in the form (with and without JS), the
API and the staff's manual entry. It travels only sealed to the notifications service."""

from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest
from playwright.async_api import Browser

from peluit_shared.crypto import unseal
from peluit_shared.events import ReportSubmitted
from peluit_shared.keyring import load_private_keys
from tests.support.console import Account, totp_code
from tests.support.portal import api_mailbox, api_sign_in, fill_report, submitted_event
from tests.support.reports import sample_report
from tests.support.stack import DATA, ServiceProcess, base_url

pytestmark = pytest.mark.stack
NOTIFICATIONS_KEYS = DATA / "keys" / "notifications"


def opened_contact(event: ReportSubmitted) -> dict[str, str] | None:
    sealed = event.payload.sealed_notification_contact
    if sealed is None:
        return None
    return dict(json.loads(unseal(load_private_keys(NOTIFICATIONS_KEYS), sealed)))


@pytest.mark.browser
async def test_the_form_takes_an_address_for_notices_in_the_page_language_without_javascript(
    services: dict[str, ServiceProcess], browser: Browser, intake_client: httpx.AsyncClient
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    try:
        marker = uuid.uuid4().hex
        await page.goto(f"{services['intake'].url}/report?lang=en")
        help_text = await page.inner_text("#notices")
        assert "Email for notices (optional)" in help_text
        assert "never contains the report's content, its number or anyone's name" in help_text
        assert "does not identify you" in help_text and "leave it empty" in help_text
        await fill_report(page, marker)
        await page.fill("#notification_email", "kabar@")
        async with page.expect_navigation() as nav:
            await page.click("#send-report")
        response = await nav.value
        assert response is not None and response.status == 422
        assert "Write a full email address" in await page.inner_text("#error-notification_email")
        # Everything typed is still there, the wrong address too (to correct it).
        assert await page.input_value("#notification_email") == "kabar@"
        assert marker in await page.input_value("#what")
        assert await page.input_value("#who-0-name") == f"Terlapor 0 {marker}"
        assert await page.is_checked("#identity-anonymous") and await page.is_checked(
            "#obligations"
        )
        address = f"anon.{marker[:10]}@example.org"
        await page.fill("#notification_email", address)
        await page.click("#send-report")
        await page.wait_for_selector("#receipt-code")
        assert address not in await page.content()  # not on the receipt page
        number = await page.inner_text("#report-number")
        receipt = await page.inner_text("#receipt-code")
        assert opened_contact(await submitted_event(number)) == {"email": address, "language": "en"}
        # In the mailbox: notices are on, the address is not shown.
        await page.goto(f"{services['intake'].url}/mailbox/sign-in?lang=id")
        await page.fill("#receipt", receipt)
        await page.click("#open-mailbox")
        await page.wait_for_selector("#email-notices")
        assert await page.inner_text("#email-notices") == "Pemberitahuan email: aktif"
        assert address not in await page.content()
    finally:
        await context.close()


@pytest.mark.browser
async def test_in_indonesian_the_field_explains_itself_and_empty_means_no_notices(
    services: dict[str, ServiceProcess], browser: Browser, intake_client: httpx.AsyncClient
) -> None:
    context = await browser.new_context(java_script_enabled=True)
    page = await context.new_page()
    try:
        await page.goto(f"{services['intake'].url}/report")
        text = await page.inner_text("#notices")
        assert "Email untuk pemberitahuan (opsional)" in text
        assert "silakan buka portal dengan kode rahasia (resi) Anda" in text
        assert "tidak pernah memuat isi laporan, nomor laporan, maupun nama" in text
        assert await page.is_visible("#notification_email")  # also for anonymous reporters
        await fill_report(page, uuid.uuid4().hex)
        await page.click("#send-report")
        await page.wait_for_selector("#receipt-code")
        number = await page.inner_text("#report-number")
        receipt = await page.inner_text("#receipt-code")
        event = await submitted_event(number)
        assert event.payload.sealed_notification_contact is None
        box = await api_mailbox(intake_client, await api_sign_in(intake_client, receipt))
        assert box["notices_by_email"] is False
    finally:
        await context.close()


async def test_the_api_validates_the_address_field_by_field_in_both_languages(
    intake_client: httpx.AsyncClient,
) -> None:
    r = await intake_client.post(
        "/api/v1/reports", json=sample_report(notification_email="bukan-alamat", where="X")
    )
    assert r.status_code == 422
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert errors["notification_email"]["message"] == "Alamat email tidak valid"
    assert "not a valid email address" in errors["notification_email"]["message_en"]
    assert "where" in errors  # every wrong field is named at once
    r = await intake_client.post(
        "/api/v1/reports",
        json=sample_report(notification_email="a@example.org", notification_language="fr"),
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["notification_language"]
    # Blank is the same as leaving it out.
    accepted = (
        await intake_client.post("/api/v1/reports", json=sample_report(notification_email="  "))
    ).json()
    event = await submitted_event(accepted["report_number"])
    assert event.payload.sealed_notification_contact is None


async def test_staff_entering_a_letter_can_pass_on_the_reporters_address(
    services: dict[str, ServiceProcess], staff_client: httpx.AsyncClient
) -> None:
    address = f"surat.{uuid.uuid4().hex[:10]}@example.org"
    r = await staff_client.post(
        "/api/v1/manual-reports",
        json={"channel": "letter", **sample_report(), "notification_email": address},
    )
    assert r.status_code == 201, r.text
    event = await submitted_event(r.json()["report_number"])
    assert event.payload.channel == "letter"
    assert opened_contact(event) == {"email": address, "language": "id"}
    r = await staff_client.post(
        "/api/v1/manual-reports",
        json={"channel": "phone", **sample_report(), "notification_email": "salah@@example.org"},
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["notification_email"]


async def test_the_console_manual_form_shows_intakes_field_error_and_keeps_what_was_typed(
    services: dict[str, ServiceProcess], staff_credentials: Account
) -> None:
    marker = uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        r = await c.post(
            "/console/login",
            data={
                "username": staff_credentials.username,
                "password": staff_credentials.password,
                "totp": totp_code(staff_credentials.totp_secret),
            },
        )
        assert r.status_code == 303, r.text
        c.cookies.set("peluit_staff", r.cookies["peluit_staff"])
        page = await c.get("/console/manual")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf and 'name="notification_email"' in page.text
        form = {
            "csrf": csrf.group(1),
            "channel": "phone",
            "category": "korupsi",
            "what": f"Laporan lewat telepon tentang pungutan. {marker}",
            "who_name": "Budi",
            "where": "Bitung",
            "when": "April 2026",
            "how": "Diminta tunai",
            "notification_email": "pelapor@@contoh",
        }
        r = await c.post("/console/manual", data=form)
        assert r.status_code == 422
        assert 'id="error-notification_email">Alamat email tidak valid' in r.text
        assert marker in r.text and 'value="pelapor@@contoh"' in r.text
        form["notification_email"] = f"p.{marker[:8]}@example.org"
        r = await c.post("/console/manual", data=form)
        assert r.status_code == 200 and "WBS-" in r.text
