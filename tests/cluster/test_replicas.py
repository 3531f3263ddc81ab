"""Every service as two replicas behind nginx, as `./peluit up --replicas 2` runs them.

Each service runs two real processes on its port + 1 and + 2, and `deploy/local/balancer.sh`
puts nginx (round robin, passive health checks) on the service's own port, so every client in
these tests — the browser, the staff API, intake calling evidence — goes through a balancer and
lands on either replica from one request to the next. Intake's mailbox sessions, receipt
hand-offs and form tokens must therefore hold across replicas.

`PELUIT_REPLICA_REPORTS` sizes the load (default 24). Its own step of `./peluit test` (marker
`cluster`); this module sorts after the Kafka-cluster module, whose processes are gone by then.
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_journey_reporter_and_team import (
    test_a_question_asked_by_the_team_is_answered_by_the_reporter_and_the_case_closes as journey,
)
from tests.resilience.test_nothing_is_lost import wait_for_all_cases
from tests.support.reports import sample_report
from tests.support.stack import (
    DATA,
    OFFSET,
    SERVICES,
    ReplicaSet,
    balancer,
    base_url,
    forget_rate_limits,
)

pytestmark = [pytest.mark.stack, pytest.mark.cluster]

REPLICAS = 2
REPORTS = int(os.environ.get("PELUIT_REPLICA_REPORTS", "24"))
WORKERS = 4
RETRYABLE = {502, 503, 504}


@pytest.fixture(scope="session")
def services(stack: None) -> Iterator[dict[str, ReplicaSet]]:
    """Replaces the suite's one-process-per-service fixture for this module."""
    # All load comes from 127.0.0.1: intake's per-source hourly limit is not what is tested.
    env = {"PELUIT_INTAKE_SUBMISSIONS_PER_SOURCE_PER_HOUR": "100000"}
    sets = {name: ReplicaSet(name, REPLICAS, env=env) for name in SERVICES}
    for group in sets.values():
        group.start()
    try:
        for group in sets.values():
            group.wait_ready(90)
        started = balancer("start", REPLICAS)
        assert started.returncode == 0, started.stdout + started.stderr
        forget_rate_limits()
        yield sets
    finally:
        balancer("stop", REPLICAS)
        for group in sets.values():
            group.stop()


@pytest.fixture
async def intake_client(services: dict[str, ReplicaSet]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=30) as client:
        yield client


test_the_whole_journey_through_two_replicas_of_every_service = journey


async def _submit(
    client: httpx.AsyncClient, statuses: Counter[int], retry: bool
) -> tuple[str, int]:
    """One report under its own Idempotency-Key; retried with the same key only when `retry`
    (a 502/503 or a dropped connection leaves it unknown whether the report was filed)."""
    key = uuid.uuid4().hex
    body = sample_report(f"replicas {uuid.uuid4().hex}")
    for attempt in range(40):
        try:
            r = await client.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key})
        except httpx.TransportError:
            statuses[0] += 1
            if not retry:
                raise
            await asyncio.sleep(0.5)
            continue
        statuses[r.status_code] += 1
        if r.status_code == 201:
            return str(r.json()["report_number"]), attempt
        assert retry and r.status_code in RETRYABLE, (r.status_code, r.text)
        await asyncio.sleep(0.5)
    raise AssertionError("a report was never accepted")


async def _load(
    client: httpx.AsyncClient, count: int, statuses: Counter[int], retry: bool
) -> list[str]:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    numbers: list[str] = []

    async def worker() -> None:
        while not queue.empty():
            queue.get_nowait()
            number, _ = await _submit(client, statuses, retry)
            numbers.append(number)

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return numbers


def _exactly_once(counts: dict[str, int], numbers: list[str]) -> None:
    assert len(set(numbers)) == len(numbers), "one submission was filed twice"
    missing = [n for n in numbers if n not in counts]
    doubled = {n: c for n, c in counts.items() if c != 1}
    assert not missing and not doubled, f"lost: {missing}, duplicated: {doubled}"


async def test_a_replica_of_each_service_killed_under_load_loses_and_doubles_nothing(
    services: dict[str, ReplicaSet], intake_client: httpx.AsyncClient
) -> None:
    statuses: Counter[int] = Counter()
    load = asyncio.create_task(_load(intake_client, REPORTS, statuses, retry=True))
    await asyncio.sleep(random.uniform(1.0, 3.0))
    victims = [group.replicas[0] for group in services.values()]
    for victim in victims:
        assert victim.proc is not None
        victim.proc.kill()  # SIGKILL: no goodbye to Kafka, PostgreSQL or nginx
    numbers = await load
    for victim in victims:
        victim.start()
    for victim in victims:
        victim.wait_ready(90)
    counts = await wait_for_all_cases(numbers, timeout=120)
    print(f"\nreplica kill: {len(numbers)} reports, answers {dict(statuses)}")
    assert statuses[500] == 0
    _exactly_once(counts, numbers)


async def test_a_rolling_restart_of_every_service_under_load_fails_no_request(
    services: dict[str, ReplicaSet], intake_client: httpx.AsyncClient
) -> None:
    """One replica at a time is taken out of its balancer, stopped (SIGTERM), started, awaited
    and put back, service after service, while reports keep coming and pages are read: not one
    request may fail, not even with a retryable status."""
    statuses: Counter[int] = Counter()
    reads: Counter[int] = Counter()
    rolled = asyncio.Event()

    async def roll() -> None:  # the steps of `./peluit roll`
        for group in services.values():
            for k, replica in enumerate(group.replicas, start=1):
                drained = await asyncio.to_thread(balancer, f"drain {group.name}.{k}", REPLICAS)
                assert drained.returncode == 0, drained.stdout + drained.stderr
                await asyncio.sleep(1)
                await asyncio.to_thread(replica.stop)
                await asyncio.to_thread(replica.start)
                await asyncio.to_thread(replica.wait_ready, 90)
                back = await asyncio.to_thread(balancer, f"undrain {group.name}.{k}", REPLICAS)
                assert back.returncode == 0, back.stdout + back.stderr
        rolled.set()

    async def keep_sending() -> list[str]:
        numbers: list[str] = []
        while not rolled.is_set() or len(numbers) < REPORTS:
            numbers += await _load(intake_client, WORKERS, statuses, retry=False)
            for path in ("/", "/report", "/mailbox/sign-in"):  # and the pages, read
                reads[(await intake_client.get(path)).status_code] += 1
            await asyncio.sleep(0.5)
        return numbers

    rolling = asyncio.create_task(roll())
    numbers = await keep_sending()
    await rolling
    counts = await wait_for_all_cases(numbers, timeout=120)
    print(
        f"\nrolling restart: {len(numbers)} reports, answers {dict(statuses)}, reads {dict(reads)}"
    )
    assert set(statuses) == {201} and set(reads) == {200}, (statuses, reads)
    _exactly_once(counts, numbers)


async def test_intake_is_served_over_tls_with_hsts_through_its_balancer(
    services: dict[str, ReplicaSet],
) -> None:
    ca = DATA / "tls" / "ca.crt"
    url = f"https://127.0.0.1:{os.environ.get('PELUIT_INTAKE_TLS_PORT', 28643 + OFFSET)}"
    async with httpx.AsyncClient(base_url=url, verify=str(ca), timeout=10) as client:
        for path in ("/", "/report", "/health/ready"):
            r = await client.get(path)
            assert r.status_code == 200, (path, r.status_code)
            hsts = r.headers.get_list("strict-transport-security")
            assert len(hsts) == 1 and "max-age=63072000" in hsts[0], (path, hsts)


def test_the_balancer_logs_no_client_address() -> None:
    """nginx's access log is off and its error log is at `emerg`: no line names a client."""
    logs = list((DATA / "balancer").glob("*.log"))
    assert logs, "the balancer writes no log file at all"
    text = "\n".join(Path(p).read_text(errors="replace") for p in logs)
    assert "client:" not in text and "127.0.0.1" not in text
