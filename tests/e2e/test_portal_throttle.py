"""Receipt guessing and floods of reports are throttled, in memory, with one answer for all."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.portal import SideIntake, side_intake
from tests.support.reports import sample_report, submit

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def strict_intake(services: object) -> Iterator[SideIntake]:
    with side_intake(
        receipt_failures_per_source="6",
        receipt_failures_global="1000",
        receipt_failure_window_seconds="60",
        submissions_per_source_per_hour="3",
    ) as proc:
        yield proc


@pytest.fixture
async def client(strict_intake: SideIntake) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=strict_intake.url, timeout=10) as c:
        yield c


async def sign_in(client: httpx.AsyncClient, receipt: str) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    r = await client.post("/api/v1/mailbox/session", json={"receipt": receipt})
    return r, time.perf_counter() - started


async def test_wrong_receipts_are_answered_alike_then_throttled(
    client: httpx.AsyncClient, intake_client: httpx.AsyncClient
) -> None:
    accepted = await submit(intake_client, sample_report())
    rights = [await sign_in(client, accepted["receipt"]) for _ in range(3)]
    assert all(r.status_code == 201 for r, _ in rights)
    right_time = statistics.median(t for _, t in rights)
    # Unknown and malformed receipts: same status, same words, and an Argon2id run each time
    # (so they take about as long as a right one, not a fast "no such row").
    wrong = [
        await sign_in(client, r)
        for r in ("9999-8888-7777-6666", "1234-5678-0000-1111", "5555-4444-3333-2222", "42")
    ]
    bodies = {(r.status_code, r.json()["message"], r.json()["message_en"]) for r, _ in wrong}
    assert len(bodies) == 1 and next(iter(bodies))[0] == 401
    assert statistics.median(t for _, t in wrong) > right_time * 0.2
    for receipt in ("1111-1111-1111-1111", "2222-2222-2222-2222"):  # 6 failures: the limit
        assert (await sign_in(client, receipt))[0].status_code == 401
    throttled, _ = await sign_in(client, "3333-3333-3333-3333")
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 60
    problem = throttled.json()
    assert problem["message"].startswith("Terlalu banyak") and problem["message_en"]
    # Once throttled, even the right receipt waits: guessing cannot be confirmed.
    assert (await sign_in(client, accepted["receipt"]))[0].status_code == 429
    # The sign-in page shares the limit.
    page = await client.get("/mailbox/sign-in")
    form_cookie = re.search(r"pf=([^;]+)", page.headers["set-cookie"])
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert form_cookie and csrf
    r = await client.post(
        "/mailbox/sign-in",
        headers={"cookie": f"pf={form_cookie[1]}"},
        data={"csrf": csrf[1], "receipt": accepted["receipt"]},
    )
    assert r.status_code == 429 and "Terlalu banyak percobaan" in r.text


async def test_submissions_per_source_are_limited_but_not_for_manual_entry(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        assert (await client.post("/api/v1/reports", json=sample_report())).status_code == 201
    r = await client.post("/api/v1/reports", json=sample_report())
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    r = await client.post(
        "/api/v1/reports",
        json=sample_report(channel="phone"),
        headers={"authorization": "Bearer peluit-dev-manual-entry-token"},
    )
    assert r.status_code == 201


async def test_a_mailbox_cannot_flood_the_team_with_followups(
    services: object, intake_client: httpx.AsyncClient
) -> None:
    accepted = await submit(intake_client, sample_report())
    with side_intake(slot=91, followups_per_report_per_hour="2") as proc:
        async with httpx.AsyncClient(base_url=proc.url, timeout=10) as client:
            await flood(client, accepted["receipt"])


async def flood(client: httpx.AsyncClient, receipt: str) -> None:
    r = await client.post("/api/v1/mailbox/session", json={"receipt": receipt})
    auth = {"authorization": f"Bearer {r.json()['token']}"}
    for i in range(2):
        r = await client.post(
            "/api/v1/mailbox/followups",
            headers=auth,
            json={"kind": "information", "text": f"tambahan {i}"},
        )
        assert r.status_code == 201
    r = await client.post(
        "/api/v1/mailbox/followups",
        headers=auth,
        json={"kind": "information", "text": "tambahan lagi"},
    )
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
