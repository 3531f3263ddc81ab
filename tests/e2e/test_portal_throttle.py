"""Receipt guessing and floods of reports are throttled per source, in PostgreSQL (shared by
replicas), under hashed keys; one answer for all; no global limit that refuses right receipts."""

from __future__ import annotations

import asyncio
import re
import secrets
import statistics
import time
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest

from tests.support.portal import SideIntake, side_intake
from tests.support.reports import sample_report, submit
from tests.support.stack import service_dsn

pytestmark = pytest.mark.stack
# Behind one trusted proxy: the source is the address it appends to X-Forwarded-For.
LIMITS = {
    "trusted_proxy_hops": "1",
    "receipt_failures_per_source": "6",
    "receipt_failure_window_seconds": "60",
    "submissions_per_source_per_hour": "3",
}


def new_source() -> str:
    """A documentation-range address no earlier run used (limits outlast a restart)."""
    return f"203.0.113.{secrets.randbelow(250)}:{secrets.token_hex(4)}"


def via(source: str) -> dict[str, str]:
    # Whatever the client claims in front is ignored; the proxy's entry (last) counts.
    return {"x-forwarded-for": f"6.6.6.6, {source}"}


@pytest.fixture(scope="module")
def strict_intake(services: object) -> Iterator[SideIntake]:
    with side_intake(**LIMITS) as proc:
        yield proc


@pytest.fixture(scope="module")
def second_replica(services: object) -> Iterator[SideIntake]:
    with side_intake(slot=92, **LIMITS) as proc:
        yield proc


@pytest.fixture
async def client(strict_intake: SideIntake) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=strict_intake.url, timeout=120) as c:
        yield c


async def sign_in(
    client: httpx.AsyncClient, receipt: str, source: str
) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    r = await client.post("/api/v1/mailbox/session", json={"receipt": receipt}, headers=via(source))
    return r, time.perf_counter() - started


async def test_wrong_receipts_are_answered_alike_then_the_source_is_throttled_on_every_replica(
    client: httpx.AsyncClient, intake_client: httpx.AsyncClient, second_replica: SideIntake
) -> None:
    accepted = await submit(intake_client, sample_report())
    source, other = new_source(), new_source()
    rights = [await sign_in(client, accepted["receipt"], source) for _ in range(3)]
    assert all(r.status_code == 201 for r, _ in rights)
    right_time = statistics.median(t for _, t in rights)
    # Unknown and malformed receipts: same status, same words, and an Argon2id run each time
    # (so they take about as long as a right one, not a fast "no such row").
    wrong = [
        await sign_in(client, r, source)
        for r in ("9999-8888-7777-6666-5555", "1234-5678-0000-1111-2222", "5555-4444-3333", "42")
    ]
    bodies = {(r.status_code, r.json()["message"], r.json()["message_en"]) for r, _ in wrong}
    assert len(bodies) == 1 and next(iter(bodies))[0] == 401
    assert statistics.median(t for _, t in wrong) > right_time * 0.2
    # Right receipts were not counted: 4 failures so far, 2 more reach the limit of 6.
    for receipt in ("1111-1111-1111-1111-1111", "2222-2222-2222-2222-2222"):
        assert (await sign_in(client, receipt, source))[0].status_code == 401
    throttled, _ = await sign_in(client, "3333-3333-3333-3333-3333", source)
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 60
    problem = throttled.json()
    assert problem["message"].startswith("Terlalu banyak") and problem["message_en"]
    # Once throttled, even the right receipt waits: guessing cannot be confirmed...
    assert (await sign_in(client, accepted["receipt"], source))[0].status_code == 429
    # ... on every replica (the limit is in PostgreSQL, not in one process) ...
    async with httpx.AsyncClient(base_url=second_replica.url, timeout=60) as replica:
        assert (await sign_in(replica, accepted["receipt"], source))[0].status_code == 429
        # ... while another source is not affected.
        assert (await sign_in(replica, accepted["receipt"], other))[0].status_code == 201
    # The sign-in page shares the limit.
    page = await client.get("/mailbox/sign-in")
    form_cookie = re.search(r"pf=([^;]+)", page.headers["set-cookie"])
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert form_cookie and csrf
    r = await client.post(
        "/mailbox/sign-in",
        headers={"cookie": f"pf={form_cookie[1]}", **via(source)},
        data={"csrf": csrf[1], "receipt": accepted["receipt"]},
    )
    assert r.status_code == 429 and "Terlalu banyak percobaan" in r.text
    # The table holds hashes only: no address, in any row.
    db = await asyncpg.connect(service_dsn("intake"))
    try:
        rows = await db.fetch("SELECT scope, key FROM throttle_hits")
    finally:
        await db.close()
    assert rows and all(len(bytes(row["key"])) == 16 for row in rows)
    stored = b"".join(bytes(row["key"]) + row["scope"].encode() for row in rows)
    assert source.encode() not in stored and b"203.0.113" not in stored


@pytest.mark.timeout(900)
async def test_200_wrong_receipts_from_many_sources_do_not_stop_the_right_one(
    client: httpx.AsyncClient, intake_client: httpx.AsyncClient
) -> None:
    accepted = await submit(intake_client, sample_report())
    gate = asyncio.Semaphore(16)

    async def guess(i: int) -> int:
        wrong = f"{secrets.randbelow(10**20):020d}"
        async with gate:
            r = await client.post(
                "/api/v1/mailbox/session",
                json={"receipt": wrong},
                headers=via(f"198.51.100.{i % 250}:{secrets.token_hex(4)}"),
            )
        return r.status_code

    flood = [asyncio.create_task(guess(i)) for i in range(200)]
    await asyncio.sleep(1.0)
    # In the middle of the flood, and after it, the reporter gets in.
    during, _ = await sign_in(client, accepted["receipt"], new_source())
    statuses = await asyncio.gather(*flood)
    after, _ = await sign_in(client, accepted["receipt"], new_source())
    assert statuses.count(401) == 200  # every guess was checked and refused, none throttled
    assert during.status_code == 201 and after.status_code == 201
    assert after.json()["report_number"] == accepted["report_number"]


async def test_submissions_per_source_are_limited_but_not_for_manual_entry(
    client: httpx.AsyncClient,
) -> None:
    source = via(new_source())
    for _ in range(3):
        r = await client.post("/api/v1/reports", json=sample_report(), headers=source)
        assert r.status_code == 201
    r = await client.post("/api/v1/reports", json=sample_report(), headers=source)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    r = await client.post(
        "/api/v1/reports",
        json=sample_report(channel="phone"),
        headers={"authorization": "Bearer peluit-dev-manual-entry-token", **source},
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
