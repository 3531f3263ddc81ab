"""Background work of a service process, with one lifecycle: started by `ServiceRuntime.start`,
cancelled and awaited by `ServiceRuntime.stop`.

A worker marked `once_per_cluster` runs in one replica only: the replica that holds its
PostgreSQL advisory lock (on a connection of its own). The others wait as standbys and try again
every `standby_seconds`; when the leader dies its connection closes, the lock is freed and a
standby takes over. The leader checks its connection between rounds and stops working the
moment it is lost; a new leader waits longer than that before it starts, so two replicas never
work at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass

import asyncpg
from prometheus_client import Gauge

from peluit_shared.logging import get_logger

log = get_logger(__name__)

LEADING = Gauge(
    "peluit_worker_leading",
    "1 while this process runs the once-per-cluster worker, 0 while it stands by",
    ["worker"],
)

Work = Callable[[], Coroutine[object, object, None]]


def lock_id(name: str) -> int:
    """A stable advisory-lock key per worker name (kept apart from the outbox relay's)."""
    return zlib.crc32(f"peluit-worker:{name}".encode())


@dataclass
class _Worker:
    name: str
    work: Work
    once_per_cluster: bool


class Workers:
    def __init__(self, dsn: str, standby_seconds: float = 2.0, check_seconds: float = 2.0) -> None:
        self._dsn = dsn
        self._standby = standby_seconds
        self._check = check_seconds
        self._workers: list[_Worker] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, name: str, work: Work, *, once_per_cluster: bool = False) -> None:
        """Register `work` (a coroutine function that runs until cancelled) before `start`."""
        self._workers.append(_Worker(name, work, once_per_cluster))

    def start(self) -> None:
        for w in self._workers:
            run = self._lead(w) if w.once_per_cluster else self._keep(w)
            self._tasks.append(asyncio.create_task(run, name=w.name))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _keep(self, w: _Worker) -> None:
        """A worker of every replica: restarted if it ever returns or fails."""
        while True:
            try:
                await w.work()
            except Exception as exc:
                log.warning("worker_failed", worker=w.name, error=type(exc).__name__)
            await asyncio.sleep(self._standby)

    async def _wait_for_lock(self, conn: asyncpg.Connection, key: int) -> None:
        """Stand by until this connection holds the advisory lock `key`."""
        while True:
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                return
            await asyncio.sleep(self._standby)

    async def _lead(self, w: _Worker) -> None:
        LEADING.labels(w.name).set(0)
        while True:
            conn: asyncpg.Connection | None = None
            task: asyncio.Task[None] | None = None
            try:
                conn = await asyncpg.connect(self._dsn)
                await self._wait_for_lock(conn, lock_id(w.name))
                # A leader that lost its connection notices within `check` seconds: wait that
                # long (and a half) before working, so the two never work at the same time.
                await asyncio.sleep(self._check * 1.5)
                await conn.fetchval("SELECT 1")
                LEADING.labels(w.name).set(1)
                log.info("worker_leading", worker=w.name)
                task = asyncio.create_task(w.work(), name=f"{w.name}-work")
                while not task.done():
                    await asyncio.wait({task}, timeout=self._check)
                    if not task.done():
                        await conn.fetchval("SELECT 1")  # the lock lives as long as this does
                task.result()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("worker_lock_lost", worker=w.name, error=type(exc).__name__)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("worker_failed", worker=w.name, error=type(exc).__name__)
            finally:
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                LEADING.labels(w.name).set(0)
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
            await asyncio.sleep(self._standby)
