"""Reading and writing the real Kafka topics from tests."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from peluit_shared.events import Event
from tests.support.stack import KAFKA_BOOTSTRAP


async def publish(event: Event) -> None:
    """Publish `event` on its topic as a service's outbox relay would."""
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(event.TOPIC, event.to_bytes(), key=event.partition_key())
    finally:
        await producer.stop()


async def topic_records(topic: str, last: int = 500) -> list[bytes]:
    """The values of the last `last` records of every partition of `topic`."""
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA_BOOTSTRAP, enable_auto_commit=False)
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
        values: list[bytes] = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            if not batch:
                break
            for records in batch.values():
                values.extend(r.value or b"" for r in records)
        return values
    finally:
        await consumer.stop()
