"""The real browser used by the page tests starts and renders a service's response."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from tests.support.stack import ServiceProcess

pytestmark = [pytest.mark.stack, pytest.mark.browser]


async def test_chromium_renders_a_service_page(
    services: dict[str, ServiceProcess], page: Page
) -> None:
    response = await page.goto(f"{services['intake'].url}/health/live")
    assert response is not None and response.status == 200
    assert '"ok"' in await page.content()
