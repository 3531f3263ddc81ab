"""Background loops that must run once per cluster (deadline watch, digests) run in exactly one
replica, and a standby takes over within seconds when the leader stops or loses its database
connection — two `Workers`, as two replicas hold them, against the real PostgreSQL."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from peluit_shared.workers import Workers, lock_id
from tests.support.stack import admin_dsn, service_dsn

pytestmark = [pytest.mark.stack]


class Probe:
    """A worker body that records who runs and whether two ever ran at once."""

    def __init__(self) -> None:
        self.running: set[str] = set()
        self.overlap = False
        self.started: list[tuple[str, float]] = []

    def work(self, replica: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            self.running.add(replica)
            self.overlap |= len(self.running) > 1
            self.started.append((replica, time.monotonic()))
            try:
                await asyncio.sleep(3600)
            finally:
                self.running.discard(replica)

        return run


async def until(check, timeout: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "timed out"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_one_replica_leads_and_a_standby_takes_over_when_it_stops_or_loses_its_lock(
    stack: None,
) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    probe = Probe()
    dsn = service_dsn("notifications")
    one, two = (Workers(dsn, standby_seconds=0.5, check_seconds=0.5) for _ in range(2))
    one.add(name, probe.work("one"), once_per_cluster=True)
    two.add(name, probe.work("two"), once_per_cluster=True)
    one.start()
    await until(lambda: probe.running == {"one"}, 10)
    two.start()
    await asyncio.sleep(2)  # the standby keeps trying, and keeps waiting
    assert probe.running == {"one"}

    # The leader stops (a replica shut down): the standby takes over.
    await one.stop()
    takeover = await until(lambda: probe.running == {"two"}, 10)

    # The leader's database connection is cut (a network split): it stops working, and the lock
    # it held goes to the other replica.
    one.start()
    admin = await asyncpg.connect(admin_dsn("peluit_notifications"))
    try:
        await admin.execute(
            """SELECT pg_terminate_backend(pid) FROM pg_locks
               WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
                 AND classid = 0 AND objid = $1::bigint::oid AND objsubid = 1""",
            lock_id(name),
        )
    finally:
        await admin.close()
    await until(lambda: probe.running == {"one"}, 15)
    await one.stop()
    await two.stop()
    print(f"\nonce-per-cluster worker: standby took over {takeover:.2f}s after the leader stopped")
    assert not probe.overlap, "two replicas ran the worker at the same time"
    assert takeover < 5
