"""Idempotent consumers with bounded retries and a dead-letter topic.

`subscribe` registers a handler on a FastStream Kafka broker. For each poll's batch it:
1. parses the bytes into the event model (upgrading older versions) — a message that does not
   parse, or names an unknown type or version, is poison and goes straight to `<topic>.dlq` with
   the reason;
2. opens one transaction and, per event inside a savepoint, records `(consumer, event_id)` in
   `processed_events` and runs the handler on the same connection, so the effect and the record
   commit together and a redelivered event is skipped;
3. takes an event whose handler failed (and the later events of its partition) one by one:
   retries it a bounded number of times, then dead-letters it and moves on, so one bad event
   never blocks its partition;
4. when the database itself is unreachable, does not dead-letter (the event is fine); it nacks so
   the message is redelivered once the database is back.
The offset is committed only after one of these outcomes (ack policy ACK / NACK).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import asyncpg
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter
from pydantic import ValidationError

from peluit_shared.events import OLDER_VERSIONS
from peluit_shared.events.base import Event, UnknownEvent, parse_event
from peluit_shared.logging import get_logger
from peluit_shared.topics import dead_letter

E = TypeVar("E", bound=Event)
Handler = Callable[[asyncpg.Connection, E], Awaitable[None]]

log = get_logger(__name__)
CONSUMED = Counter("peluit_events_consumed_total", "Events handled", ["consumer", "outcome"])

INFRA_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    TimeoutError,
)


class PoisonEvent(Exception):
    """The event can never be processed (undecryptable, inconsistent): dead-letter it now."""


async def handle_once(
    pool: asyncpg.Pool, consumer: str, event: E, handler: Handler[E]
) -> bool:
    """Run `handler` unless this consumer already processed the event; True if it ran."""
    async with pool.acquire() as conn, conn.transaction():
        return await _run(conn, consumer, event, handler)


async def _run(conn: asyncpg.Connection, consumer: str, event: E, handler: Handler[E]) -> bool:
    fresh = await conn.fetchval(
        """INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
           ON CONFLICT DO NOTHING RETURNING true""",
        consumer, event.event_id,
    )
    if not fresh:
        return False
    await handler(conn, event)
    return True


async def handle_batch(
    pool: asyncpg.Pool, consumer: str, batch: Sequence[tuple[Any, E]], handler: Handler[E]
) -> tuple[int, int, list[tuple[Any, E, Exception]]]:
    """Handle a poll's worth of events in ONE transaction, each inside its own savepoint.

    One commit (one fsync) for the batch is what lets a consumer catch up on a backlog. An event
    whose handler raises is rolled back to its savepoint alone; it and every later event of the
    same partition are returned (in order) for the one-by-one path, so per-partition order holds.
    Infrastructure errors propagate: the whole batch is then redelivered.
    Returns (handled, duplicates, deferred).
    """
    handled = duplicates = 0
    deferred: list[tuple[Any, E, Exception]] = []
    blocked: set[int] = set()
    async with pool.acquire() as conn, conn.transaction():
        for record, event in batch:
            partition = getattr(record, "partition", 0)
            if partition in blocked:
                deferred.append((record, event, _Deferred()))
                continue
            try:
                async with conn.transaction():
                    ran = await _run(conn, consumer, event, handler)
            except INFRA_ERRORS:
                raise
            except Exception as exc:  # the one-by-one path retries or dead-letters it
                blocked.add(partition)
                deferred.append((record, event, exc))
                continue
            handled, duplicates = handled + ran, duplicates + (not ran)
    return handled, duplicates, deferred


class _Deferred(Exception):
    """Held back behind an earlier failure of its partition."""


def subscribe(
    broker: KafkaBroker,
    *,
    topic: str,
    group_id: str,
    model: type[E],
    older: tuple[type[Event], ...] | None = None,
    pool_getter: Callable[[], asyncpg.Pool],
    handler: Handler[E],
    max_attempts: int = 3,
    backoff_seconds: float = 0.2,
    max_batch: int = 200,
) -> None:
    """Register an idempotent handler of `model` events on `topic` for consumer group `group_id`.

    Events in one of the `older` versions (by default those OLDER_VERSIONS lists for `model`) are
    upgraded to `model` before the handler sees them; any other type or version is dead-lettered
    with the reason. Messages are taken a poll at a time (at most `max_batch`): a live stream sees
    no added latency, a backlog is worked through in few transactions.
    """
    accepted_older = OLDER_VERSIONS.get(model, ()) if older is None else older
    consumer = f"{group_id}:{topic}"

    async def dead_letter_record(record: Any, reason: str) -> None:
        headers = {
            "dlq_reason": reason[:1000],
            "dlq_consumer": consumer,
            "dlq_source_topic": topic,
            "dlq_source_partition": str(getattr(record, "partition", "")),
            "dlq_source_offset": str(getattr(record, "offset", "")),
        }
        await broker.publish(record.value or b"", dead_letter(topic),
                             key=getattr(record, "key", None), headers=headers)
        CONSUMED.labels(consumer, "dead_lettered").inc()
        log.error("event_dead_lettered", consumer=consumer, reason=reason[:200],
                  offset=headers["dlq_source_offset"])

    async def one_by_one(record: Any, event: E) -> bool:
        """The patient path: bounded retries, then the dead-letter topic. False: redeliver."""
        for attempt in range(1, max_attempts + 1):
            try:
                ran = await handle_once(pool_getter(), consumer, event, handler)
                CONSUMED.labels(consumer, "handled" if ran else "duplicate").inc()
                return True
            except PoisonEvent as exc:
                await dead_letter_record(record, f"poison: {exc}")
                return True
            except INFRA_ERRORS as exc:
                log.warning("consumer_infra_error", consumer=consumer, error=type(exc).__name__)
                return False
            except Exception as exc:
                log.warning("consumer_attempt_failed", consumer=consumer, attempt=attempt,
                            error=type(exc).__name__)
                if attempt == max_attempts:
                    await dead_letter_record(record, f"failed {attempt}x: {type(exc).__name__}")
                    return True
                await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))
        return True

    async def on_batch(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        records = raw if isinstance(raw, tuple) else (raw,)
        batch: list[tuple[Any, E]] = []
        for record in records:
            try:
                batch.append((record, parse_event(record.value or b"", model, accepted_older)))
            except UnknownEvent as exc:
                await dead_letter_record(record, f"invalid event: {exc}")
            except (ValidationError, ValueError) as exc:
                await dead_letter_record(record, f"invalid event: {_summary(exc)}")
        if not batch:
            return
        try:
            handled, duplicates, deferred = await handle_batch(
                pool_getter(), consumer, batch, handler)
        except INFRA_ERRORS as exc:
            # The database is away, not the events' fault: redeliver the batch later (events
            # already handled are skipped then as duplicates).
            log.warning("consumer_infra_error", consumer=consumer, error=type(exc).__name__)
            await asyncio.sleep(1.0)
            await msg.nack()
            return
        CONSUMED.labels(consumer, "handled").inc(handled)
        CONSUMED.labels(consumer, "duplicate").inc(duplicates)
        for record, event, error in deferred:
            if isinstance(error, PoisonEvent):
                await dead_letter_record(record, f"poison: {error}")
                continue
            if not await one_by_one(record, event):
                await asyncio.sleep(1.0)
                await msg.nack()
                return

    broker.subscriber(
        topic,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.ACK,
        batch=True,
        max_records=max_batch,
        batch_timeout_ms=100,
        title=f"{group_id}/{topic}",
        description=f"{model.__name__} events ({model.model_fields['type'].default})",
    )(on_batch)


def _summary(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return json.dumps([{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()[:5]],
                          default=str)
    return type(exc).__name__


__all__: list[Any] = ["PoisonEvent", "handle_batch", "handle_once", "subscribe"]
