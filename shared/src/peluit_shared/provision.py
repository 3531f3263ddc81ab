"""Create the project's Kafka topics (with explicit partitions) on the local or any cluster.

Usage: python -m peluit_shared.provision [--bootstrap HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from peluit_shared.settings import InfraSettings
from peluit_shared.topics import ALL_TOPICS


async def ensure_topics(bootstrap: str, replication_factor: int = 1) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="peluit-provision")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in ALL_TOPICS if t.name not in existing]
        if missing:
            await admin.create_topics(
                [NewTopic(t.name, t.partitions, replication_factor) for t in missing]
            )
        return [t.name for t in missing]
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default=InfraSettings().kafka_bootstrap)
    parser.add_argument(
        "--replication-factor",
        type=int,
        default=1,
        help="1 for the single local broker; 3 on a production cluster",
    )
    args = parser.parse_args()
    created = asyncio.run(ensure_topics(args.bootstrap, args.replication_factor))
    print(f"[peluit] topics: {len(ALL_TOPICS)} ensured, {len(created)} created")


if __name__ == "__main__":
    main()
