"""Akun saya / My account: a staff member sets how they are notified; staff.changed v2 carries
it to the notifications service. The same through the API and the staff CLI."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from playwright.async_api import Page, expect

from tests.support.console import CLI, api_login, make_account, totp_code
from tests.support.kafka import kafka_options
from tests.support.stack import ServiceProcess, base_url

pytestmark = pytest.mark.stack


async def staff_events(username: str, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    """The first `count` staff.changed events about `username` on the real topic."""
    consumer = AIOKafkaConsumer(
        "staff.changed",
        **kafka_options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    event = json.loads(record.value)
                    if event["payload"].get("username") == username:
                        found.append(event)
    finally:
        await consumer.stop()
    return found


async def audit_actions(token: str, staff_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(
        base_url=base_url("cases"), timeout=10, headers={"authorization": f"Bearer {token}"}
    ) as c:
        r = await c.get("/api/v1/audit", params={"limit": 200})
        assert r.status_code == 200, r.text
        return [e for e in r.json() if e["detail"].get("staff") == staff_id]


@pytest.fixture(scope="module")
def auditor(services: dict[str, ServiceProcess]) -> str:
    return api_login(base_url("cases"), make_account("account-auditor", "viewer"))


@pytest.mark.browser
async def test_a_handler_switches_to_a_daily_digest_in_english_on_my_account(
    services: dict[str, ServiceProcess], page: Page, auditor: str
) -> None:
    username = f"acct-{uuid.uuid4().hex[:8]}"
    account = make_account(username, "handler")
    base = services["cases"].url
    await page.goto(f"{base}/console/login")
    await page.fill("input[name=username]", account.username)
    await page.fill("input[name=password]", account.password)
    await page.fill("input[name=totp]", totp_code(account.totp_secret))
    await page.click("form[action='/console/login'] button[type=submit]")
    await expect(page).to_have_url(f"{base}/console/cases")
    await page.click("#my-account")  # one link in the header
    await expect(page).to_have_url(f"{base}/console/account")
    assert await page.inner_text("h1") == "Akun saya"
    body = await page.inner_text("main")
    assert "Langsung" in body and "Ringkasan harian" in body
    assert "menyamarkan kapan masing-masing laporan masuk" in body
    assert await page.is_checked("#mode-immediate")
    assert await page.input_value("#language") == "id"

    # A wrong address is refused next to the field; the other choices stay as chosen.
    await page.fill("#email", "handler@@kkp")
    await page.check("#mode-daily_digest")
    await page.select_option("#language", "en")
    await page.click("#save-account")
    assert "Alamat email tidak valid" in await page.inner_text("#error-email")
    assert await page.input_value("#email") == "handler@@kkp"
    assert await page.is_checked("#mode-daily_digest")
    assert await page.input_value("#language") == "en"

    address = f"{username}@kkp.go.id"
    await page.fill("#email", address)
    await page.click("#save-account")
    await expect(page.locator("#saved")).to_be_visible()
    assert await page.input_value("#email") == address
    assert await page.is_checked("#mode-daily_digest")

    # Created, then (the test helper's password reset) a new key pair, then the preferences.
    created, rekeyed, changed = await staff_events(username, 3)
    assert created["version"] == 3 and created["payload"]["notification_mode"] == "immediate"
    assert created["payload"]["public_key"] != rekeyed["payload"]["public_key"]
    assert changed["type"] == "staff.changed" and changed["version"] == 3
    assert {
        k: changed["payload"][k]
        for k in ("email", "notification_mode", "language", "role", "active")
    } == {
        "email": address,
        "notification_mode": "daily_digest",
        "language": "en",
        "role": "handler",
        "active": True,
    }
    audited = await audit_actions(auditor, changed["payload"]["staff_id"])
    saved = [e for e in audited if e["action"] == "notifications_changed"]
    assert saved and saved[0]["detail"]["mode"] == "daily_digest"
    assert saved[0]["actor"] == changed["payload"]["staff_id"]
    assert address not in json.dumps(audited)  # the address stays out of the audit log

    # In English too.
    await page.goto(f"{base}/console/account?lang=en")
    assert await page.inner_text("h1") == "My account"
    assert "Daily digest" in await page.inner_text("main")


async def test_the_account_api_reads_and_sets_preferences_with_field_errors(
    services: dict[str, ServiceProcess],
) -> None:
    username = f"acct-api-{uuid.uuid4().hex[:8]}"
    token = api_login(base_url("cases"), make_account(username, "coordinator"))
    async with httpx.AsyncClient(
        base_url=base_url("cases"), timeout=10, headers={"authorization": f"Bearer {token}"}
    ) as c:
        me = (await c.get("/api/v1/account")).json()
        assert me["username"] == username and me["notification_mode"] == "immediate"
        r = await c.put(
            "/api/v1/account", json={"email": "x@", "notification_mode": "weekly", "language": "id"}
        )
        assert r.status_code == 422
        fields = {e["field"]: e["message"] for e in r.json()["errors"]}
        assert fields["email"] == "Alamat email tidak valid"
        assert fields["notification_mode"].startswith("Pilihan yang valid")
        r = await c.put(
            "/api/v1/account",
            json={
                "email": f"{username}@kkp.go.id",
                "notification_mode": "daily_digest",
                "language": "en",
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["notification_mode"] == "daily_digest"
    events = await staff_events(username, 2)
    assert events[-1]["payload"]["language"] == "en"
    assert events[-1]["payload"]["email"] == f"{username}@kkp.go.id"


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], input=stdin, text=True, capture_output=True, check=False)


async def test_the_cli_sets_notifications_role_and_active_and_publishes_each_change(
    services: dict[str, ServiceProcess], auditor: str
) -> None:
    username = f"acct-cli-{uuid.uuid4().hex[:8]}"
    password = "cli-password-" + uuid.uuid4().hex
    refused = cli(
        "create-user",
        "--username",
        username,
        "--role",
        "handler",
        "--email",
        "not-an-address",
        "--password-stdin",
        stdin=password + "\n",
    )
    assert refused.returncode != 0 and "email" in refused.stderr
    made = cli(
        "create-user",
        "--username",
        username,
        "--role",
        "handler",
        "--email",
        f"{username}@kkp.go.id",
        "--password-stdin",
        stdin=password + "\n",
    )
    assert made.returncode == 0, made.stderr
    done = cli(
        "set-notifications", "--username", username, "--mode", "daily_digest", "--language", "en"
    )
    assert done.returncode == 0 and "updated" in done.stdout, done.stderr
    bad = cli("set-notifications", "--username", username, "--email", "a@@b")
    assert bad.returncode != 0 and "--email" in bad.stderr
    assert (
        cli(
            "set-notifications", "--username", "nobody-" + username, "--mode", "immediate"
        ).returncode
        != 0
    )
    assert cli("set-role", "--username", username, "--role", "coordinator").returncode == 0
    assert cli("disable", "--username", username).returncode == 0
    assert cli("enable", "--username", username).returncode == 0
    assert cli("set-notifications", "--username", username, "--email", "").returncode == 0

    events = await staff_events(username, 6)
    payloads = [e["payload"] for e in events]
    assert [
        (p["notification_mode"], p["language"], p["role"], p["active"], p["email"])
        for p in payloads
    ] == [
        ("immediate", "id", "handler", True, f"{username}@kkp.go.id"),
        ("daily_digest", "en", "handler", True, f"{username}@kkp.go.id"),
        ("daily_digest", "en", "coordinator", True, f"{username}@kkp.go.id"),
        ("daily_digest", "en", "coordinator", False, f"{username}@kkp.go.id"),
        ("daily_digest", "en", "coordinator", True, f"{username}@kkp.go.id"),
        ("daily_digest", "en", "coordinator", True, None),
    ]
    actions = [e["action"] for e in await audit_actions(auditor, payloads[0]["staff_id"])]
    for action in (
        "staff_created",
        "notifications_changed",
        "role_changed",
        "staff_disabled",
        "staff_enabled",
    ):
        assert action in actions, action
