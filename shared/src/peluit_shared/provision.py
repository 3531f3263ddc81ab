"""Create the project's Kafka topics (with explicit partitions) on the local or any cluster,
and the cases audit log's storage (as the database admin; see `peluit_shared.audit_store`).

Usage: python -m peluit_shared.provision [--bootstrap HOST:PORT] [--admin-dsn DSN | --no-db]
"""

from __future__ import annotations

import argparse
import asyncio
import os

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from peluit_shared.audit_store import ensure_cases_audit
from peluit_shared.settings import InfraSettings, require_secret
from peluit_shared.topics import ALL_TOPICS


async def ensure_topics(bootstrap: str, replication_factor: int = 1) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="peluit-provision")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in ALL_TOPICS if t.name not in existing]
        if missing:
            await admin.create_topics(
                [
                    NewTopic(
                        t.name,
                        t.partitions,
                        replication_factor,
                        topic_configs=dict(t.config) if t.config else None,
                    )
                    for t in missing
                ]
            )
        return [t.name for t in missing]
    finally:
        await admin.close()


def admin_dsn(database: str) -> str:
    """`PELUIT_PG_ADMIN_DSN` (its database replaced), else the local stack's admin login."""
    dsn = os.environ.get("PELUIT_PG_ADMIN_DSN")
    if dsn:
        base, _, _ = dsn.rpartition("/")
        return f"{base}/{database}"
    infra = InfraSettings()
    user = os.environ.get("PELUIT_PG_ADMIN_USER", "peluit_admin")
    password = require_secret(
        "PELUIT_PG_ADMIN_PASSWORD", os.environ.get("PELUIT_PG_ADMIN_PASSWORD", "peluit-admin-dev")
    )
    return f"postgresql://{user}:{password}@{infra.pg_host}:{infra.pg_port}/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default=InfraSettings().kafka_bootstrap)
    parser.add_argument(
        "--replication-factor",
        type=int,
        default=1,
        help="1 for the single local broker; 3 on a production cluster",
    )
    parser.add_argument("--no-db", action="store_true", help="topics only")
    parser.add_argument("--no-topics", action="store_true", help="the audit storage only")
    args = parser.parse_args()
    if not args.no_topics:
        created = asyncio.run(ensure_topics(args.bootstrap, args.replication_factor))
        print(f"[peluit] topics: {len(ALL_TOPICS)} ensured, {len(created)} created")
    if not args.no_db:
        asyncio.run(ensure_cases_audit(admin_dsn("peluit_cases")))
        print("[peluit] cases audit storage ensured (audit.entries, owner peluit_cases_audit)")


if __name__ == "__main__":
    main()
