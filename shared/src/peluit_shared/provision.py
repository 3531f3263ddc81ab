"""Create the project's Kafka topics, service users and ACLs on the local or any cluster.

Usage: python -m peluit_shared.provision [--bootstrap HOST:PORT] [--replication-factor N]

Idempotent. Connects as the admin user (`PELUIT_KAFKA_ADMIN_USER` / `_PASSWORD`), then:
- creates missing topics with their partitions and configs (`topics.ALL_TOPICS`); with a
  replication factor of 3 or more, also `min.insync.replicas` = replication factor - 1;
- sets each service's SCRAM-SHA-512 password from `PELUIT_KAFKA_PASSWORD_<SERVICE>` (a changed
  variable takes effect here: rotation is "set the variable, provision, restart the service");
- makes the service users' ACLs exactly those of `kafka_admin.service_acls()`;
- creates the cases audit log's storage as the database admin (`peluit_shared.audit_store`):
  `--no-db` skips it, `--no-topics` does only that.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from peluit_shared.audit_store import ensure_cases_audit
from peluit_shared.kafka import admin_credentials, client_options
from peluit_shared.kafka_admin import service_acls, sync_acls, upsert_scram_users
from peluit_shared.settings import InfraSettings, require_secret
from peluit_shared.topics import ALL_TOPICS, SERVICES, Topic


def admin_client(infra: InfraSettings | None = None) -> AIOKafkaAdminClient:
    infra = infra or InfraSettings()
    return AIOKafkaAdminClient(
        client_id="peluit-provision",
        request_timeout_ms=15_000,
        **client_options(admin_credentials(infra), infra),
    )


def topic_configs(topic: Topic, replication_factor: int) -> dict[str, str]:
    """The topic's own configs, plus `min.insync.replicas` on a cluster (replication >= 3).

    With 3 replicas and 2 in sync required, a write acknowledged under acks=all is on at least
    two brokers: one broker may die without losing it, and a write that could not reach two is
    refused (the outbox retries it) rather than accepted onto one disk.
    """
    configs = dict(topic.configs)
    if replication_factor >= 3:
        configs["min.insync.replicas"] = str(replication_factor - 1)
    return configs


async def ensure_topics(admin: AIOKafkaAdminClient, replication_factor: int = 1) -> list[str]:
    existing = set(await admin.list_topics())
    missing = [t for t in ALL_TOPICS if t.name not in existing]
    if missing:
        await admin.create_topics(
            [
                NewTopic(
                    t.name,
                    t.partitions,
                    replication_factor,
                    topic_configs=topic_configs(t, replication_factor),
                )
                for t in missing
            ]
        )
    # A topic that has configs of its own (state and anchor topics) gets them also when it was
    # made before they were declared: AlterConfigs sets exactly this set (idempotent).
    configured = [t for t in ALL_TOPICS if t.configs and t.name in existing]
    if configured:
        answers = await admin.alter_configs(
            [
                ConfigResource(
                    ConfigResourceType.TOPIC, t.name, topic_configs(t, replication_factor)
                )
                for t in configured
            ]
        )
        for answer in answers:
            for error_code, message, *_ in answer.resources:
                if error_code:
                    raise RuntimeError(f"topic configs refused: {error_code} {message}")
    return [t.name for t in missing]


def service_passwords() -> dict[str, str]:
    """`PELUIT_KAFKA_PASSWORD_<SERVICE>` of every service that has one set."""
    found = {s: os.environ.get(f"PELUIT_KAFKA_PASSWORD_{s.upper()}", "") for s in SERVICES}
    return {s: pw for s, pw in found.items() if pw}


async def provision(
    replication_factor: int = 1, infra: InfraSettings | None = None, users: bool = True
) -> dict[str, int]:
    infra = infra or InfraSettings()
    admin = admin_client(infra)
    await admin.start()
    try:
        created = await ensure_topics(admin, replication_factor)
        summary = {"topics": len(ALL_TOPICS), "topics_created": len(created)}
        if infra.kafka_security_protocol.startswith("SASL_"):
            if users:
                passwords = service_passwords()
                await upsert_scram_users(admin, passwords)
                summary["users"] = len(passwords)
            added, removed = await sync_acls(admin, service_acls())
            summary |= {"acls_created": added, "acls_removed": removed}
        return summary
    finally:
        await admin.close()


async def bootstrap_scram(infra: InfraSettings) -> None:
    """Give a broker still without authentication the SCRAM users, admin included (once)."""
    admin = AIOKafkaAdminClient(
        client_id="peluit-provision", bootstrap_servers=infra.kafka_bootstrap
    )
    await admin.start()
    try:
        users = service_passwords() | {
            infra.kafka_admin_user: infra.kafka_admin_password.get_secret_value()
        }
        await upsert_scram_users(admin, users)
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
    parser.add_argument("--bootstrap", default=None)
    parser.add_argument(
        "--replication-factor",
        type=int,
        # The local stack's broker count (deploy/local/env.sh), at most 3.
        default=min(int(os.environ.get("PELUIT_KAFKA_BROKERS") or 1), 3),
        help="1 for the single local broker; 3 on a cluster (then min.insync.replicas=2)",
    )
    parser.add_argument("--no-users", action="store_true", help="leave the SCRAM users as they are")
    parser.add_argument("--no-db", action="store_true", help="Kafka only")
    parser.add_argument("--no-topics", action="store_true", help="the audit storage only")
    parser.add_argument(
        "--bootstrap-scram",
        action="store_true",
        help="(infra.sh) add the SCRAM users to a broker that does not authenticate yet",
    )
    args = parser.parse_args()
    infra = InfraSettings()
    if args.bootstrap:
        infra = infra.model_copy(update={"kafka_bootstrap": args.bootstrap})
    if args.bootstrap_scram:
        asyncio.run(bootstrap_scram(infra))
        print("[peluit] kafka: SCRAM users added")
        return
    if not args.no_topics:
        summary = asyncio.run(provision(args.replication_factor, infra, users=not args.no_users))
        print("[peluit] kafka: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    if not args.no_db:
        asyncio.run(ensure_cases_audit(admin_dsn("peluit_cases")))
        print("[peluit] cases audit storage ensured (audit.entries, owner peluit_cases_audit)")


if __name__ == "__main__":
    main()
