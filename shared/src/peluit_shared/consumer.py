"""Idempotent consumers with bounded retries and a dead-letter topic.

`subscribe` registers a handler on a FastStream Kafka broker. For each poll's batch it:
0. checks the record's signature (`event_signing.EventVerifier`): a record not signed by a
   service allowed to produce its topic, with one of that service's keys, over these exact
   bytes, topic and key, goes straight to `<topic>.dlq` with the reason;
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
`subscribe_routes` does the same for several topics read by one Kafka consumer.
The offset is committed only after one of these outcomes (ack policy ACK / NACK).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter
from pydantic import ValidationError

from peluit_shared.consumer_lag import GROUPS
from peluit_shared.event_signing import SIGNATURE_HEADERS, EventVerifier, SignatureRefused
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


async def handle_once(pool: asyncpg.Pool, consumer: str, event: E, handler: Handler[E]) -> bool:
    """Run `handler` unless this consumer already processed the event; True if it ran."""
    async with pool.acquire() as conn, conn.transaction():
        return await _run(conn, consumer, event, handler)


async def _run(
    conn: asyncpg.Connection, consumer: str, event: Event, handler: Handler[Any]
) -> bool:
    fresh = await conn.fetchval(
        """INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
           ON CONFLICT DO NOTHING RETURNING true""",
        consumer,
        event.event_id,
    )
    if not fresh:
        return False
    await handler(conn, event)
    return True


@dataclass(frozen=True)
class Route(Generic[E]):
    """One topic of a (multi-topic) consumer: the event model it carries and its handler."""

    topic: str
    model: type[E]
    handler: Handler[E]
    older: tuple[type[Event], ...] | None = None


@dataclass(frozen=True)
class Item:
    """One parsed message of a batch: its record, the consumer name, the event, the handler."""

    record: Any
    consumer: str
    event: Event
    handler: Handler[Any]


class _Deferred(Exception):
    """Held back behind an earlier failure of its partition."""


async def handle_batch(
    pool: asyncpg.Pool, items: Sequence[Item]
) -> tuple[dict[str, tuple[int, int]], list[tuple[Item, Exception]]]:
    """Handle a poll's worth of events in ONE transaction, each inside its own savepoint.

    One commit (one fsync) for the batch is what lets a consumer catch up on a backlog. An event
    whose handler raises is rolled back to its savepoint alone; it and every later event of the
    same topic partition are returned (in order) for the one-by-one path, so per-partition order
    holds. Infrastructure errors propagate: the whole batch is then redelivered.
    Returns {consumer: (handled, duplicates)} and the deferred items with their errors.
    """
    counts: dict[str, tuple[int, int]] = {}
    deferred: list[tuple[Item, Exception]] = []
    blocked: set[tuple[str, int]] = set()
    async with pool.acquire() as conn, conn.transaction():
        for item in items:
            where = (
                str(getattr(item.record, "topic", "")),
                int(getattr(item.record, "partition", 0)),
            )
            if where in blocked:
                deferred.append((item, _Deferred()))
                continue
            try:
                async with conn.transaction():
                    ran = await _run(conn, item.consumer, item.event, item.handler)
            except INFRA_ERRORS:
                raise
            except Exception as exc:  # the one-by-one path retries or dead-letters it
                blocked.add(where)
                deferred.append((item, exc))
                continue
            handled, duplicates = counts.get(item.consumer, (0, 0))
            counts[item.consumer] = (handled + ran, duplicates + (not ran))
    return counts, deferred


def subscribe(
    broker: KafkaBroker,
    *,
    topic: str,
    group_id: str,
    model: type[E],
    older: tuple[type[Event], ...] | None = None,
    pool_getter: Callable[[], asyncpg.Pool],
    handler: Handler[E],
    verifier: EventVerifier,
    max_attempts: int = 3,
    backoff_seconds: float = 0.2,
    max_batch: int = 200,
) -> None:
    """Register an idempotent handler of `model` events on `topic` for consumer group `group_id`.

    Events in one of the `older` versions (by default those OLDER_VERSIONS lists for `model`) are
    upgraded to `model` before the handler sees them; any other type or version is dead-lettered
    with the reason.
    """
    subscribe_routes(
        broker,
        group_id=group_id,
        routes=[Route(topic, model, handler, older)],
        pool_getter=pool_getter,
        verifier=verifier,
        max_attempts=max_attempts,
        backoff_seconds=backoff_seconds,
        max_batch=max_batch,
    )


def subscribe_routes(
    broker: KafkaBroker,
    *,
    group_id: str,
    routes: Sequence[Route[Any]],
    pool_getter: Callable[[], asyncpg.Pool],
    verifier: EventVerifier,
    max_attempts: int = 3,
    backoff_seconds: float = 0.2,
    max_batch: int = 200,
) -> None:
    """Like `subscribe`, for several topics read by ONE Kafka consumer.

    A service with many topics joins its group once instead of once per topic (each join costs
    a rebalance of a few seconds). Idempotency stays per topic (`<group>:<topic>`). Messages are
    taken a poll at a time (at most `max_batch`): a live stream sees no added latency, a backlog
    is worked through in few transactions.
    """
    by_topic = {r.topic: r for r in routes}
    GROUPS[group_id] = tuple(by_topic)  # watched for lag (consumer_lag)

    async def dead_letter_record(record: Any, topic: str, reason: str) -> None:
        consumer = f"{group_id}:{topic}"
        # The original signature travels along (for the operator), the record stays as it came.
        headers = {
            f"dlq_{name}": value.decode(errors="replace")
            for name, value in (getattr(record, "headers", None) or ())
            if name in SIGNATURE_HEADERS and isinstance(value, bytes)
        } | {
            "dlq_reason": reason[:1000],
            "dlq_consumer": consumer,
            "dlq_source_topic": topic,
            "dlq_source_partition": str(getattr(record, "partition", "")),
            "dlq_source_offset": str(getattr(record, "offset", "")),
        }
        await broker.publish(
            record.value or b"",
            dead_letter(topic),
            key=getattr(record, "key", None),
            headers=headers,
        )
        CONSUMED.labels(consumer, "dead_lettered").inc()
        log.error(
            "event_dead_lettered",
            consumer=consumer,
            reason=reason[:200],
            offset=headers["dlq_source_offset"],
        )

    def topic_of(record: Any) -> str:
        return str(getattr(record, "topic", "") or routes[0].topic)

    async def one_by_one(item: Item, tried: int = 0) -> bool:
        """The patient path: bounded retries, then the dead-letter topic. False: redeliver.
        `tried`: attempts already made (the batch's), so no event runs more than max_attempts."""
        topic = topic_of(item.record)
        if tried >= max_attempts:
            await dead_letter_record(item.record, topic, f"failed {tried}x")
            return True
        for attempt in range(tried + 1, max_attempts + 1):
            try:
                ran = await handle_once(pool_getter(), item.consumer, item.event, item.handler)
                CONSUMED.labels(item.consumer, "handled" if ran else "duplicate").inc()
                return True
            except PoisonEvent as exc:
                await dead_letter_record(item.record, topic, f"poison: {exc}")
                return True
            except INFRA_ERRORS as exc:
                log.warning(
                    "consumer_infra_error", consumer=item.consumer, error=type(exc).__name__
                )
                return False
            except Exception as exc:
                log.warning(
                    "consumer_attempt_failed",
                    consumer=item.consumer,
                    attempt=attempt,
                    error=type(exc).__name__,
                )
                if attempt == max_attempts:
                    await dead_letter_record(
                        item.record, topic, f"failed {attempt}x: {type(exc).__name__}"
                    )
                    return True
                await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))
        return True

    async def on_batch(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        records = raw if isinstance(raw, tuple) else (raw,)
        items: list[Item] = []
        for record in records:
            topic = topic_of(record)
            route = by_topic[topic]
            try:
                verifier.verify(
                    topic, getattr(record, "key", None), record.value or b"", record.headers
                )
            except SignatureRefused as exc:
                await dead_letter_record(record, topic, f"signature: {exc}")
                continue
            older = OLDER_VERSIONS.get(route.model, ()) if route.older is None else route.older
            try:
                event = parse_event(record.value or b"", route.model, older)
            except UnknownEvent as exc:
                await dead_letter_record(record, topic, f"invalid event: {exc}")
                continue
            except (ValidationError, ValueError) as exc:
                await dead_letter_record(record, topic, f"invalid event: {_summary(exc)}")
                continue
            items.append(Item(record, f"{group_id}:{topic}", event, route.handler))
        if not items:
            return
        try:
            counts, deferred = await handle_batch(pool_getter(), items)
        except INFRA_ERRORS as exc:
            # The database is away, not the events' fault: redeliver the batch later (events
            # already handled are skipped then as duplicates).
            log.warning("consumer_infra_error", group=group_id, error=type(exc).__name__)
            await asyncio.sleep(1.0)
            await msg.nack()
            return
        for consumer, (handled, duplicates) in counts.items():
            CONSUMED.labels(consumer, "handled").inc(handled)
            CONSUMED.labels(consumer, "duplicate").inc(duplicates)
        for item, error in deferred:
            if isinstance(error, PoisonEvent):
                await dead_letter_record(item.record, topic_of(item.record), f"poison: {error}")
                continue
            tried = 0 if isinstance(error, _Deferred) else 1  # the batch already ran it once
            if not await one_by_one(item, tried):
                await asyncio.sleep(1.0)
                await msg.nack()
                return

    names = ", ".join(
        f"{r.model.__name__} ({r.model.model_fields['type'].default})" for r in routes
    )
    broker.subscriber(
        *by_topic,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.ACK,
        batch=True,
        max_records=max_batch,
        batch_timeout_ms=100,
        title=f"{group_id}/{'+'.join(by_topic)}",
        description=f"{names} events",
    )(on_batch)


def _summary(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return json.dumps(
            [{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()[:5]], default=str
        )
    return type(exc).__name__


__all__: list[Any] = [
    "Item",
    "PoisonEvent",
    "Route",
    "handle_batch",
    "handle_once",
    "subscribe",
    "subscribe_routes",
]
