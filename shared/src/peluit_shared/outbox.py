"""Transactional outbox: write events with the state change, relay them to Kafka afterwards.

`add_to_outbox` runs inside the caller's transaction. `OutboxRelay` publishes pending rows in id
order with an idempotent, acks=all producer, marks them published, and wakes on NOTIFY so the
usual delay is milliseconds; a poll covers missed notifications. One relay per database holds an
advisory lock, so replicas never publish out of order. Each record is signed at publish time
with the service's current event-signing key (`event_signing`): an event written before a key
rotation goes out under the new key.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import asyncpg
from faststream.kafka import KafkaBroker
from prometheus_client import Counter, Gauge

from peluit_shared.event_signing import EventSigner
from peluit_shared.events.base import Event
from peluit_shared.logging import get_logger

CHANNEL = "peluit_outbox"
_RELAY_LOCK_ID = 0x0B_7B0C

log = get_logger(__name__)
PUBLISHED = Counter("peluit_outbox_published_total", "Events relayed from the outbox to Kafka")
FAILURES = Counter("peluit_outbox_publish_failures_total", "Outbox batches that failed to publish")
PENDING = Gauge("peluit_outbox_pending", "Outbox rows not yet published (last seen)")
OLDEST_AGE = Gauge(
    "peluit_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row (last seen)"
)


async def add_to_outbox(conn: asyncpg.Connection, event: Event, topic: str | None = None) -> None:
    """Record `event` for publication; call inside the transaction that makes the change."""
    headers = {
        "event_type": event.type,
        "event_version": str(event.version),
        "correlation_id": str(event.correlation_id),
    }
    await conn.execute(
        """INSERT INTO outbox (event_id, event_type, topic, partition_key, payload, headers)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb)""",
        event.event_id,
        event.type,
        topic or event.TOPIC,
        event.partition_key(),
        event.to_bytes(),
        json.dumps(headers),
    )
    await conn.execute("SELECT pg_notify($1, '')", CHANNEL)


class OutboxRelay:
    """Background task that moves outbox rows to Kafka."""

    def __init__(
        self,
        dsn: str,
        broker: KafkaBroker,
        signer: EventSigner,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        retention_days: int = 7,
    ) -> None:
        self._dsn = dsn
        self._broker = broker
        self._signer = signer
        self._batch_size = batch_size
        self._poll = poll_seconds
        self._retention_days = retention_days
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _notified(self, *_: Any) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                conn = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("outbox_db_unavailable", error=type(exc).__name__)
                await asyncio.sleep(self._poll)
                continue
            try:
                await self._lead(conn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("outbox_connection_lost", error=type(exc).__name__)
                await asyncio.sleep(self._poll)
            finally:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)

    async def _lead(self, conn: asyncpg.Connection) -> None:
        # Only the replica holding the lock relays; the others wait their turn.
        locked = await conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK_ID)
        while not locked:
            await asyncio.sleep(self._poll * 5)
            locked = await conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK_ID)
        await conn.add_listener(CHANNEL, self._notified)
        await self._cleanup(conn)
        cycles = 0
        while True:
            self._wake.clear()
            sent = await self._relay_batch(conn)
            if sent == self._batch_size:
                continue  # more waiting: go again at once
            cycles += 1
            if cycles % 3600 == 0:
                await self._cleanup(conn)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)

    async def _relay_batch(self, conn: asyncpg.Connection) -> int:
        rows = await conn.fetch(
            """SELECT id, topic, partition_key, payload, headers,
                      extract(epoch FROM now() - created_at)::float8 AS age
               FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1""",
            self._batch_size,
        )
        PENDING.set(len(rows))
        OLDEST_AGE.set(rows[0]["age"] if rows else 0.0)
        if not rows:
            return 0
        try:
            futures = []
            for r in rows:
                payload, key = bytes(r["payload"]), bytes(r["partition_key"])
                headers = json.loads(r["headers"]) | self._signer.headers(r["topic"], key, payload)
                futures.append(
                    await self._broker.publish(
                        payload, r["topic"], key=key, headers=headers, no_confirm=True
                    )
                )
            await asyncio.gather(*futures)
        except Exception as exc:  # any broker failure: nothing is marked, all is retried
            FAILURES.inc()
            log.warning("outbox_publish_failed", error=type(exc).__name__, pending=len(rows))
            await asyncio.sleep(self._poll)
            return 0
        await conn.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
            [r["id"] for r in rows],
        )
        PUBLISHED.inc(len(rows))
        return len(rows)

    async def _cleanup(self, conn: asyncpg.Connection) -> None:
        await conn.execute(
            "DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)",
            self._retention_days,
        )
