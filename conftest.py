"""Fixtures shared by every test: the real stack, the four services, a signed-in staff member."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.support.browser import chromium
from tests.support.stack import SERVICES, VENV, ServiceProcess, base_url, infra

STAFF_PASSWORD = "test-staff-password-" + uuid.uuid4().hex[:8]


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
            proc.wait_ready()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


@pytest.fixture(scope="session")
def staff_credentials(stack: None) -> tuple[str, str]:
    """A real staff account made with the real CLI."""
    username = "test-coordinator"
    cli = str(VENV / "bin" / "peluit-cases")
    subprocess.run([cli, "migrate"], check=True, capture_output=True)
    subprocess.run(
        [cli, "create-user", "--username", username, "--role", "coordinator", "--if-missing",
         "--password-stdin"],
        input=STAFF_PASSWORD + "\n", text=True, check=True, capture_output=True,
    )
    subprocess.run(
        [cli, "reset-password", "--username", username, "--password-stdin"],
        input=STAFF_PASSWORD + "\n", text=True, check=True, capture_output=True,
    )
    return username, STAFF_PASSWORD


@pytest.fixture
async def intake_client(services: dict[str, ServiceProcess]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=10) as client:
        yield client


@pytest.fixture
async def staff_client(
    services: dict[str, ServiceProcess], staff_credentials: tuple[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as client:
        username, password = staff_credentials
        r = await client.post("/api/v1/auth/login",
                              json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        client.headers["authorization"] = f"Bearer {r.json()['token']}"
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
