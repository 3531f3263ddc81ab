"""What every service process runs: its pool, migrations, Kafka broker, outbox relay and HTTP app.

`ServiceRuntime` owns the connections; a service's bootstrap builds one, registers its
subscribers on `runtime.broker`, and hands `runtime.lifespan` to its Litestar app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import uvicorn
from faststream.kafka import KafkaBroker

from peluit_shared.consumer_lag import GROUPS, LagWatcher
from peluit_shared.db import create_pool, ping
from peluit_shared.event_signing import EventSigner, EventVerifier
from peluit_shared.http import ReadinessCheck, security_headers
from peluit_shared.kafka import make_broker
from peluit_shared.logging import configure_logging, get_logger
from peluit_shared.metrics import OpsServer, cancel, watch_readiness
from peluit_shared.migrations import migrate
from peluit_shared.outbox import OutboxRelay
from peluit_shared.settings import ServiceSettings
from peluit_shared.slow_clients import SlowClientLimits, guarded_h11
from peluit_shared.workers import Workers

log = get_logger(__name__)


class ServiceRuntime:
    """Connections and background work of one service process."""

    def __init__(self, settings: ServiceSettings, migrations: Path) -> None:
        self.settings = settings
        self.migrations = migrations
        infra = settings.infra()
        self.broker: KafkaBroker = make_broker(
            infra.kafka_bootstrap, settings.service_name, settings.kafka_credentials(), infra
        )
        # Consumers accept only records signed by their topic's producer (event_signing).
        self.verifier = EventVerifier(infra.event_verify_key_dir)
        self._pool: asyncpg.Pool | None = None
        self._relay: OutboxRelay | None = None
        self._broker_task: asyncio.Task[None] | None = None
        self._broker_started = False
        self.extra_checks: dict[str, ReadinessCheck] = {}
        self.on_startup: list[Callable[[], Awaitable[None]]] = []
        self._ops = OpsServer(settings.ops_host, settings.ops_port)
        self._readiness_task: asyncio.Task[None] | None = None
        self._lag: LagWatcher | None = None
        # Every background loop of the service (some once per cluster): one lifecycle.
        self.workers = Workers(settings.db_dsn)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("service not started")
        return self._pool

    async def migrate(self) -> list[str]:
        conn = await asyncpg.connect(self.settings.db_dsn)
        try:
            return await migrate(conn, {self.settings.service_name: self.migrations})
        finally:
            await conn.close()

    async def start(self) -> None:
        if self.settings.migrate_on_start:
            applied = await self.migrate()
            if applied:
                log.info("migrations_applied", applied=applied)
        self._pool = await create_pool(
            self.settings.db_dsn, self.settings.db_pool_min, self.settings.db_pool_max
        )
        for hook in self.on_startup:
            await hook()
        self.workers.start()
        key_file = self.settings.event_key_file()
        try:
            signer = EventSigner.from_file(self.settings.service_name, key_file)
        except OSError as exc:
            raise RuntimeError(
                f"no event-signing key at {key_file}: run "
                f"`peluit-{self.settings.service_name} event-keys ensure`"
            ) from exc
        self._relay = OutboxRelay(
            self.settings.db_dsn,
            self.broker,
            signer,
            batch_size=self.settings.outbox_batch_size,
            poll_seconds=self.settings.outbox_poll_seconds,
        )
        # Kafka may be away at start: the HTTP side and the outbox keep working meanwhile.
        self._broker_task = asyncio.create_task(self._connect_broker(), name="broker-connect")
        self._ops.start()
        self._readiness_task = asyncio.create_task(
            watch_readiness(self.readiness_checks()), name="readiness-watch"
        )

    async def _connect_broker(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.broker.start()
                self._broker_started = True
                log.info("kafka_connected")
                break
            except Exception as exc:  # broker unreachable: keep trying, never give up
                log.warning("kafka_connect_failed", error=type(exc).__name__)
                with contextlib.suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        assert self._relay is not None
        self._relay.start()
        # The groups this process subscribed (none for a service without consumers).
        self._lag = LagWatcher(
            self.settings.kafka_credentials(),
            self.settings.infra(),
            GROUPS,
            interval=self.settings.consumer_lag_seconds,
        )
        self._lag.start()

    async def stop(self) -> None:
        await self.workers.stop()
        await cancel(self._readiness_task)
        if self._lag is not None:
            await self._lag.stop()
        self._ops.stop()
        if self._broker_task:
            self._broker_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._broker_task
        if self._relay:
            await self._relay.stop()
        with contextlib.suppress(Exception):
            await self.broker.stop()
        if self._pool:
            await self._pool.close()

    async def db_ready(self) -> bool:
        return self._pool is not None and await ping(self._pool)

    async def kafka_ready(self) -> bool:
        if not self._broker_started:
            return False
        return await self.broker.ping(timeout=2.0)

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        return {"database": self.db_ready, "kafka": self.kafka_ready, **self.extra_checks}

    @contextlib.asynccontextmanager
    async def lifespan(self, _: Any) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()


def serve(app: Any, settings: ServiceSettings) -> None:
    """Run the HTTP app with access logs off (they would name the client), slow clients cut
    off (`peluit_shared.slow_clients`), and never with a shipped or short secret outside
    PELUIT_ENV=dev."""
    settings.check_secrets()
    configure_logging(settings.service_name, settings.log_level)
    config = uvicorn.Config(
        # Outermost: also the answers the framework gives before any route middleware (404/405).
        security_headers(replace=False)(app),
        host=settings.http_host,
        port=settings.http_port,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=10,
        http=guarded_h11(
            SlowClientLimits(
                header_timeout=settings.http_header_timeout_seconds,
                body_window=settings.http_body_window_seconds,
                body_min_bytes=settings.http_body_min_bytes,
            )
        ),
        timeout_keep_alive=int(max(1, settings.http_keep_alive_seconds)),
        h11_max_incomplete_event_size=settings.http_max_header_bytes,
    )
    uvicorn.Server(config).run()
