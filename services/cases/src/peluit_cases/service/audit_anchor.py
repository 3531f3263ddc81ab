"""Anchoring the audit chain outside the cases database: the head (sequence number + MAC, MACed
itself) goes to the compacted `audit.anchors` topic at least every
`PELUIT_CASES_AUDIT_ANCHOR_SECONDS` and right after every identity reveal. `verify-audit` reads
every anchor back: an anchor the chain no longer matches reveals rewriting or truncation, even
by someone who holds the database and the audit key."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker
from prometheus_client import Gauge

from peluit_cases.adapters import audit_repo
from peluit_cases.domain.audit import Anchor, entry_mac
from peluit_cases.wiring import Cases
from peluit_shared.kafka import client_options
from peluit_shared.logging import get_logger
from peluit_shared.settings import KafkaCredentials
from peluit_shared.topics import ALL_TOPICS, AUDIT_ANCHORS

log = get_logger(__name__)
# When the chain head was last anchored outside the database (PeluitAuditAnchorStale).
ANCHORED = Gauge(
    "peluit_audit_anchor_last_timestamp_seconds",
    "Unix time of the last audit chain head anchored to Kafka",
)


async def anchor_once(cases: Cases) -> int | None:
    """Publish the current head; its sequence number, or None (empty or invalid head)."""
    async with cases.runtime.pool.acquire() as conn:
        return await publish_head(conn, cases.runtime.broker)


async def publish_head(conn: asyncpg.Connection, broker: KafkaBroker) -> int | None:
    head = await audit_repo.head(conn)
    if head is None:
        return None
    entry, prev_mac, mac = head
    key = audit_repo.key()
    if not hmac.compare_digest(entry_mac(key, prev_mac, entry), mac):
        # Never pin a head that does not verify: that is what an attacker would want.
        log.error("audit_head_invalid", entry=entry.id)
        return None
    anchor = Anchor(seq=entry.id, head=mac, at=datetime.now(UTC))
    await broker.publish(anchor.sign(key), topic=AUDIT_ANCHORS, key=str(entry.id).encode())
    ANCHORED.set_to_current_time()
    return entry.id


def start_anchoring(cases: Cases) -> None:
    async def loop() -> None:
        last: int | None = None
        while True:
            wait = cases.settings.audit_anchor_seconds
            try:
                seq = await anchor_once(cases)
                if seq is not None and seq != last:
                    log.info("audit_anchored", seq=seq)
                last = seq
            except Exception as exc:  # Kafka away (or not yet connected): retry soon
                log.warning("audit_anchor_failed", error=type(exc).__name__)
                wait = min(wait, 2.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(cases.anchor_wanted.wait(), timeout=wait)
            cases.anchor_wanted.clear()

    # Every replica anchors: a reveal wakes the loop of the replica that served it, and the same
    # head anchored twice is one record of the compacted topic (keyed by its sequence number).
    cases.runtime.workers.add("audit-anchor", loop)


async def read_anchors(
    credentials: KafkaCredentials | None, within: float = 15.0
) -> list[Anchor | None]:
    """Every anchor in the topic (None for one whose MAC is wrong), oldest first."""
    key = audit_repo.key()
    consumer = AIOKafkaConsumer(
        **client_options(credentials),
        group_id=None,
        enable_auto_commit=False,
        client_id="peluit-cases-verify-audit",
    )
    try:
        await consumer.start()
        count = next(t.partitions for t in ALL_TOPICS if t.name == AUDIT_ANCHORS)
        partitions = [TopicPartition(AUDIT_ANCHORS, p) for p in range(count)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        anchors: list[Anchor | None] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            if loop.time() > deadline:
                raise TimeoutError("audit.anchors: could not read to the end")
            batches = await consumer.getmany(*partitions, timeout_ms=1000)
            for records in batches.values():
                anchors.extend(Anchor.open(key, r.value or b"") for r in records)
        return anchors
    finally:
        await consumer.stop()
