"""Reading and writing the real Kafka topics from tests, with the identities Kafka knows.

Kafka authenticates every client (SASL/SCRAM) and every record is signed by its producer:
- `publish(event)` publishes as the topic's real producer would: with that service's Kafka user
  and signed with its event key from the key directory (`event_signing`);
- `publish_bytes(...)` is the same for raw bytes, and lets a test forge: another credential, no
  signature, or another service's signature;
- reading (`topic_records`, `kafka_options()`) uses the admin user of deploy/local/env.sh.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from peluit_shared.event_signing import EventSigner
from peluit_shared.events import Event
from peluit_shared.kafka import admin_credentials, client_options
from peluit_shared.settings import InfraSettings, KafkaCredentials
from peluit_shared.topics import PRODUCERS
from tests.support.stack import DATA, KAFKA_BOOTSTRAP

UNSIGNED = "unsigned"


def infra() -> InfraSettings:
    return InfraSettings(kafka_bootstrap=KAFKA_BOOTSTRAP)


def credentials(service: str) -> KafkaCredentials:
    """The Kafka user of `service` (password from `PELUIT_KAFKA_PASSWORD_<SERVICE>`)."""
    return KafkaCredentials(service, os.environ.get(f"PELUIT_KAFKA_PASSWORD_{service.upper()}", ""))


def kafka_options(as_user: KafkaCredentials | None = None) -> dict[str, Any]:
    """aiokafka keyword arguments: bootstrap plus SASL for `as_user` (default: the admin)."""
    return client_options(as_user or admin_credentials(infra()), infra())


def event_key_file(service: str) -> Path:
    override = os.environ.get(f"PELUIT_{service.upper()}_EVENT_KEY_FILE")
    return Path(override) if override else DATA / "keys" / service / "events" / "event.key"


def signer(service: str) -> EventSigner:
    """Signs as `service` does, with its current key from the key directory."""
    return EventSigner.from_file(service, event_key_file(service))


def producer_of(topic: str) -> str:
    return PRODUCERS[topic.removesuffix(".dlq")][0]


async def publish_bytes(
    topic: str,
    value: bytes,
    key: bytes | None,
    *,
    as_user: KafkaCredentials | None = None,
    sign_as: EventSigner | str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, int]:
    """Publish raw bytes; the (partition, offset) they landed at.

    By default as the topic's producer would (its Kafka user, its signature). `as_user` picks
    another Kafka user, `sign_as` another signer (a service name or an EventSigner) or
    `UNSIGNED` for none.
    """
    owner = producer_of(topic)
    user = as_user or credentials(owner)
    sign = sign_as if sign_as is not None else owner
    all_headers = dict(headers or {})
    if sign != UNSIGNED:
        by = signer(sign) if isinstance(sign, str) else sign
        all_headers |= by.headers(topic, key, value)
    producer = AIOKafkaProducer(
        acks="all", enable_idempotence=True, request_timeout_ms=10_000, **kafka_options(user)
    )
    await producer.start()
    try:
        meta = await producer.send_and_wait(
            topic,
            value,
            key=key,
            headers=[(k, v.encode()) for k, v in all_headers.items()],
        )
        return meta.partition, meta.offset
    finally:
        await producer.stop()


async def publish(
    event: Event,
    *,
    topic: str | None = None,
    as_user: KafkaCredentials | None = None,
    sign_as: EventSigner | str | None = None,
) -> tuple[int, int]:
    """Publish `event` on its topic as the producing service's outbox relay would."""
    return await publish_bytes(
        topic or event.TOPIC,
        event.to_bytes(),
        event.partition_key(),
        as_user=as_user,
        sign_as=sign_as,
        headers={"event_type": event.type, "event_version": str(event.version)},
    )


async def topic_records(topic: str, last: int = 500) -> list[bytes]:
    """The values of the last `last` records of every partition of `topic`."""
    return [r.value or b"" for r in await topic_messages(topic, last)]


async def topic_messages(topic: str, last: int = 500) -> list[Any]:
    """The last `last` records (with headers and keys) of every partition of `topic`."""
    consumer = AIOKafkaConsumer(enable_auto_commit=False, **kafka_options())
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        if not parts:
            await consumer._client.force_metadata_update()
            parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        for tp in parts:
            consumer.seek(tp, max(0, ends[tp] - last))
        found: list[Any] = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            if not batch:
                break
            for records in batch.values():
                found.extend(records)
        return found
    finally:
        await consumer.stop()
