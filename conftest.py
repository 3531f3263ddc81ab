"""Fixtures shared by every test: the real stack, the four services, a signed-in staff member."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.support.browser import chromium
from tests.support.console import LATEST, Account, api_login, make_account
from tests.support.keys import wait_for_intake_key
from tests.support.stack import SERVICES, ServiceProcess, base_url, forget_rate_limits, infra


@pytest.fixture(scope="session")
def stack() -> None:
    """The local stack must be up (./peluit test starts it)."""
    status = infra("status", "pg", "kafka", "s3")
    if status.returncode != 0:
        pytest.fail(f"local stack is not running; start it with ./peluit up\n{status.stdout}")


@pytest.fixture(scope="session")
def services(stack: None) -> Iterator[dict[str, ServiceProcess]]:
    procs = {name: ServiceProcess(name) for name in SERVICES}
    for proc in procs.values():
        proc.start()
    try:
        for proc in procs.values():
            # Four processes importing at once on a loaded 2-core machine can take over 30 s.
            proc.wait_ready(120)
        forget_rate_limits()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


@pytest.fixture(autouse=True)
def fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Every stack test starts with intake's limits unspent: they live in its database and are
    shared by every intake process, so one test's wrong receipts would throttle the next."""
    if request.node.get_closest_marker("stack") and not request.node.get_closest_marker("drill"):
        forget_rate_limits()


@pytest.fixture(scope="session")
def suite_coordinator(stack: None) -> Account:
    """A real coordinator account made with the real CLI (password + TOTP secret)."""
    return make_account("test-coordinator", "coordinator")


@pytest.fixture
def staff_credentials(suite_coordinator: Account) -> Account:
    """The suite coordinator's current credentials (a test may have reset its password)."""
    return LATEST.get(suite_coordinator.username, suite_coordinator)


@pytest.fixture(scope="session")
def staff_token(services: dict[str, ServiceProcess], suite_coordinator: Account) -> str:
    """One signed-in API session for the test run (each TOTP code is accepted only once)."""
    wait_for_intake_key(suite_coordinator.username)  # new reports are wrapped to this account
    return api_login(base_url("cases"), suite_coordinator)


@pytest.fixture
async def intake_client(services: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=10) as client:
        yield client


_fresh: dict[str, str] = {}


@pytest.fixture
async def staff_client(
    staff_token: str, staff_credentials: Account
) -> AsyncIterator[httpx.AsyncClient]:
    """The suite coordinator's API client; signs in again if a test ended the session (e.g.
    one that resets every password)."""
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as client:
        token = _fresh.get("token", staff_token)
        client.headers["authorization"] = f"Bearer {token}"
        if (await client.get("/api/v1/account")).status_code == 401:
            account = LATEST.get(staff_credentials.username, staff_credentials)
            token = _fresh["token"] = api_login(base_url("cases"), account)
            client.headers["authorization"] = f"Bearer {token}"
        yield client


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless chromium for the session; each test opens its own context."""
    async with chromium() as b:
        yield b


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="id-ID")
    p = await context.new_page()
    yield p
    await context.close()
