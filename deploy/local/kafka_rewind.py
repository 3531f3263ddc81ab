"""After a point-in-time restore: rewind every Peluit consumer group to just before that point.

The databases went back in time, but the consumer groups' committed offsets did not: events
consumed after the restore point would be skipped, although their effects were lost with the
restored-away data. Rewinding makes the consumers read those events again; they are idempotent
(processed ids are in the restored databases), so what survived is not applied twice.

Usage: kafka_rewind.py --to ISO-TIME [--margin-seconds 120]   (the services must be stopped)
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timedelta

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from peluit_shared.kafka import admin_credentials, client_options
from peluit_shared.topics import EVENT_TOPICS

GROUPS = ("intake", "cases", "evidence", "notifications")


async def rewind(group: str, to: datetime) -> int:
    consumer = AIOKafkaConsumer(
        **client_options(admin_credentials()), group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(t.name, p)
            for t in EVENT_TOPICS
            for p in (consumer.partitions_for_topic(t.name) or set())
        ]
        committed = {tp: await consumer.committed(tp) for tp in partitions}
        known = [tp for tp, offset in committed.items() if offset is not None]
        if not known:
            return 0
        found = await consumer.offsets_for_times({tp: int(to.timestamp() * 1000) for tp in known})
        moves: dict[TopicPartition, OffsetAndMetadata] = {}
        for tp in known:
            at = found.get(tp)
            offset = at.offset if at is not None else committed[tp]
            if offset is not None and offset < (committed[tp] or 0):
                moves[tp] = OffsetAndMetadata(offset, "")
        if moves:
            await consumer.commit(moves)
        return len(moves)
    finally:
        await consumer.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--to", required=True, type=datetime.fromisoformat)
    parser.add_argument("--margin-seconds", type=int, default=120)
    args = parser.parse_args()
    when = args.to - timedelta(seconds=args.margin_seconds)
    for group in GROUPS:
        moved = await rewind(group, when)
        print(f"[peluit] restore: consumer group {group}: {moved} partitions rewound")


if __name__ == "__main__":
    asyncio.run(main())
