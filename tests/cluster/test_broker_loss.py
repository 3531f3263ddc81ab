"""A Kafka cluster of three brokers loses one (SIGKILL) under load: nothing accepted is lost.

Runs on a 3-node KRaft cluster of the local stack (`PELUIT_KAFKA_BROKERS=3`). When the stack
runs the single laptop broker, this module stops it, starts the cluster (its own data under
`$PELUIT_KAFKA_DIR/cluster`, the same ports for node 1) and puts the single broker back after.
Intake and cases run as their real processes against the cluster. `PELUIT_CLUSTER_REPORTS`
sizes the load (default 30). Its own step of `./peluit test` (marker `cluster`).
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from peluit_shared.provision import admin_client
from peluit_shared.settings import InfraSettings
from peluit_shared.topics import REPORT_SUBMITTED
from tests.resilience.test_nothing_is_lost import case_counts, wait_for_all_cases
from tests.support.reports import sample_report
from tests.support.stack import DATA, INFRA, ServiceProcess, forget_rate_limits

pytestmark = [pytest.mark.stack, pytest.mark.cluster]

REPORTS = int(os.environ.get("PELUIT_CLUSTER_REPORTS", "30"))
WORKERS = 3


def cluster_env() -> dict[str, str]:
    env = {**os.environ, "PELUIT_KAFKA_BROKERS": "3"}
    # Recomputed by env.sh for three nodes (bootstrap list, small heaps).
    env.pop("PELUIT_KAFKA_BOOTSTRAP", None)
    env.pop("PELUIT_KAFKA_HEAP_OPTS", None)
    return env


def infra3(action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INFRA), action, "kafka"],
        capture_output=True,
        text=True,
        check=False,
        env=cluster_env(),
    )


def cluster_bootstrap() -> str:
    out = infra3("env").stdout
    for line in out.splitlines():
        if line.startswith("export PELUIT_KAFKA_BOOTSTRAP="):
            return shlex.split(line.split("=", 1)[1])[0]  # printf %q quoting
    raise AssertionError(f"no PELUIT_KAFKA_BOOTSTRAP in infra.sh env:\n{out}")


@pytest.fixture(scope="module")
def bootstrap() -> Iterator[str]:
    """The 3-broker cluster's bootstrap list; the stack's Kafka is as before afterwards."""
    swapped = os.environ.get("PELUIT_KAFKA_BROKERS", "1") != "3"
    if swapped:
        stopped = subprocess.run(
            ["bash", str(INFRA), "stop", "kafka"], capture_output=True, text=True, check=False
        )
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    try:
        started = infra3("start")
        assert started.returncode == 0, started.stdout + started.stderr
        yield cluster_bootstrap()
    finally:
        if swapped:
            infra3("stop")
            subprocess.run(["bash", str(INFRA), "start", "kafka"], check=False)


@pytest.fixture(scope="module")
def cluster_services(bootstrap: str) -> Iterator[dict[str, ServiceProcess]]:
    env = {"PELUIT_KAFKA_BOOTSTRAP": bootstrap}
    procs = {name: ServiceProcess(name, env=env) for name in ("intake", "cases")}
    for proc in procs.values():
        proc.start()
    try:
        for proc in procs.values():
            proc.wait_ready(timeout=60)
        forget_rate_limits()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


def node_pid(node: int) -> int:
    return int((DATA / "run" / f"kafka-{node}.pid").read_text().split()[0])


async def partitions(bootstrap: str, topic: str) -> list[dict[str, object]]:
    admin = admin_client(InfraSettings(kafka_bootstrap=bootstrap))
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        return list(described["partitions"])
    finally:
        await admin.close()


@dataclass
class Load:
    """Reporters submitting over HTTP, WORKERS at a time, until `target` are accepted."""

    client: httpx.AsyncClient
    target: int
    accepted: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    milestones: dict[int, asyncio.Event] = field(default_factory=dict)

    async def worker(self) -> None:
        while len(self.accepted) < self.target:
            r = await self.client.post("/api/v1/reports", json=sample_report())
            if r.status_code == 201:
                self.accepted.append(r.json()["report_number"])
                for n, event in self.milestones.items():
                    if len(self.accepted) >= n:
                        event.set()
            else:
                self.refused.append((r.status_code, r.text[:200]))
                await asyncio.sleep(0.1)

    async def run(self, target: int) -> None:
        self.target = target
        await asyncio.gather(*(self.worker() for _ in range(WORKERS)))

    def at(self, n: int) -> asyncio.Event:
        """Set once `n` reports are accepted."""
        return self.milestones.setdefault(n, asyncio.Event())


async def test_a_broker_killed_and_restarted_under_load_loses_and_duplicates_no_report(
    bootstrap: str, cluster_services: dict[str, ServiceProcess]
) -> None:
    before = await partitions(bootstrap, REPORT_SUBMITTED)
    assert all(len(p["replicas"]) == 3 for p in before)  # type: ignore[arg-type]
    # The leader of a partition intake writes to: its loss moves leadership on the write path.
    victim = int(before[0]["leader"])  # type: ignore[call-overload]
    third = max(REPORTS // 3, 1)

    async with httpx.AsyncClient(base_url=cluster_services["intake"].url, timeout=30) as client:
        load = Load(client, target=0)
        # Phase 1 + 2: the broker dies while reports keep coming.
        killing_time = load.at(third)
        running = asyncio.create_task(load.run(2 * third))
        await killing_time.wait()
        os.kill(node_pid(victim), signal.SIGKILL)
        killed_at = time.monotonic()
        await running
        # Two of three brokers (min.insync.replicas=2) still take every event: all reports so
        # far become cases while the broker is down.
        degraded = await wait_for_all_cases(list(load.accepted), timeout=90)
        assert degraded == dict.fromkeys(load.accepted, 1)
        down_for = time.monotonic() - killed_at
        # Phase 3: the broker restarts while reports keep coming.
        restart = asyncio.create_task(asyncio.to_thread(infra3, "start"))
        await load.run(REPORTS)
        restarted = await restart
        assert restarted.returncode == 0, restarted.stdout + restarted.stderr

    numbers = load.accepted
    assert load.refused == []  # no 500, no 503: intake writes to its outbox, not to Kafka
    assert len(set(numbers)) == len(numbers) >= REPORTS
    counts = await wait_for_all_cases(numbers, timeout=120)
    assert counts == dict.fromkeys(numbers, 1)  # none lost, none duplicated
    # The restarted broker is back in sync for every partition.
    deadline = time.monotonic() + 60
    while True:
        after = await partitions(bootstrap, REPORT_SUBMITTED)
        if all(victim in p["isr"] for p in after) or time.monotonic() > deadline:  # type: ignore[operator]
            break
        await asyncio.sleep(1)
    assert all(victim in p["isr"] for p in after), after  # type: ignore[operator]
    # Settled: nothing arrives late as a second case.
    await asyncio.sleep(2)
    assert await case_counts(numbers) == dict.fromkeys(numbers, 1)
    print(f"cluster: {len(numbers)} reports, broker {victim} down {down_for:.1f}s before restart")
