"""Idempotent consumers with bounded retries and a dead-letter topic.

`subscribe` registers a handler on a FastStream Kafka broker. For each message it:
1. parses the bytes into the event model — a message that does not parse is poison and goes
   straight to `<topic>.dlq` with the reason;
2. opens a transaction, records `(consumer, event_id)` in `processed_events` and runs the handler
   on the same connection, so the effect and the record commit together and a redelivered event
   is skipped;
3. retries a failing handler a bounded number of times, then dead-letters the message and moves
   on, so one bad event never blocks its partition;
4. when the database itself is unreachable, does not dead-letter (the event is fine); it nacks so
   the message is redelivered once the database is back.
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
        fresh = await conn.fetchval(
            """INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
               ON CONFLICT DO NOTHING RETURNING true""",
            consumer, event.event_id,
        )
        if not fresh:
            return False
        await handler(conn, event)
        return True


@dataclass(frozen=True)
class Route(Generic[E]):
    """One topic of a multi-topic consumer: the event model it carries and its handler."""

    topic: str
    model: type[E]
    handler: Handler[E]
    older: tuple[type[Event], ...] | None = None


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
) -> None:
    """Register an idempotent handler of `model` events on `topic` for consumer group `group_id`.

    Events in one of the `older` versions (by default those OLDER_VERSIONS lists for `model`) are
    upgraded to `model` before the handler sees them; any other type or version is dead-lettered
    with the reason.
    """
    subscribe_routes(broker, group_id=group_id, routes=[Route(topic, model, handler, older)],
                     pool_getter=pool_getter, max_attempts=max_attempts,
                     backoff_seconds=backoff_seconds)


def subscribe_routes(
    broker: KafkaBroker,
    *,
    group_id: str,
    routes: Sequence[Route[Any]],
    pool_getter: Callable[[], asyncpg.Pool],
    max_attempts: int = 3,
    backoff_seconds: float = 0.2,
) -> None:
    """Like `subscribe`, for several topics read by ONE Kafka consumer.

    A service with many topics joins its group once instead of once per topic (each join costs
    a rebalance of a few seconds). Idempotency stays per topic (`<group>:<topic>`).
    """
    by_topic = {r.topic: r for r in routes}

    async def dead_letter_message(msg: KafkaMessage, topic: str, reason: str) -> None:
        raw = msg.raw_message
        consumer = f"{group_id}:{topic}"
        headers = {
            "dlq_reason": reason[:1000],
            "dlq_consumer": consumer,
            "dlq_source_topic": topic,
            "dlq_source_partition": str(getattr(raw, "partition", "")),
            "dlq_source_offset": str(getattr(raw, "offset", "")),
        }
        await broker.publish(msg.body, dead_letter(topic), key=getattr(raw, "key", None),
                             headers=headers)
        CONSUMED.labels(consumer, "dead_lettered").inc()
        log.error("event_dead_lettered", consumer=consumer, reason=reason[:200],
                  offset=headers["dlq_source_offset"])

    async def on_message(msg: KafkaMessage) -> None:
        topic = str(getattr(msg.raw_message, "topic", "") or routes[0].topic)
        route = by_topic[topic]
        consumer = f"{group_id}:{topic}"
        accepted_older = (OLDER_VERSIONS.get(route.model, ()) if route.older is None
                          else route.older)
        try:
            event = parse_event(msg.body, route.model, accepted_older)
        except UnknownEvent as exc:
            await dead_letter_message(msg, topic, f"invalid event: {exc}")
            return
        except (ValidationError, ValueError) as exc:
            await dead_letter_message(msg, topic, f"invalid event: {_summary(exc)}")
            return
        for attempt in range(1, max_attempts + 1):
            try:
                ran = await handle_once(pool_getter(), consumer, event, route.handler)
                CONSUMED.labels(consumer, "handled" if ran else "duplicate").inc()
                return
            except PoisonEvent as exc:
                await dead_letter_message(msg, topic, f"poison: {exc}")
                return
            except INFRA_ERRORS as exc:
                # The database is away, not the event's fault: redeliver later.
                log.warning("consumer_infra_error", consumer=consumer, error=type(exc).__name__)
                await asyncio.sleep(1.0)
                await msg.nack()
                return
            except Exception as exc:
                log.warning("consumer_attempt_failed", consumer=consumer, attempt=attempt,
                            error=type(exc).__name__)
                if attempt == max_attempts:
                    await dead_letter_message(msg, topic, f"failed {attempt}x: "
                                              f"{type(exc).__name__}")
                    return
                await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))

    names = ", ".join(f"{r.model.__name__} ({r.model.model_fields['type'].default})"
                      for r in routes)
    broker.subscriber(
        *by_topic,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.ACK,
        title=f"{group_id}/{'+'.join(by_topic)}",
        description=f"{names} events",
    )(on_message)


def _summary(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return json.dumps([{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()[:5]],
                          default=str)
    return type(exc).__name__


__all__: list[Any] = ["PoisonEvent", "Route", "handle_once", "subscribe", "subscribe_routes"]
