"""A report received by letter goes through intake and arrives as a case with its channel."""

from __future__ import annotations

import httpx
import pytest

from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import ServiceProcess

pytestmark = pytest.mark.stack


async def test_a_letter_entered_by_staff_becomes_a_case_with_the_letter_channel(
    services: dict[str, ServiceProcess], staff_client: httpx.AsyncClient
) -> None:
    r = await staff_client.post(
        "/api/v1/manual-reports", json={"channel": "letter", **sample_report()}
    )
    assert r.status_code == 201, r.text
    accepted = r.json()
    assert accepted["receipt"] and accepted["report_number"].startswith("WBS-")
    case, _ = await wait_for_case(staff_client, accepted["report_number"])
    assert case["channel"] == "letter"
