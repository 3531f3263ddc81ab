"""Migrations, the outbox relay and the idempotent consumer against real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NamedTuple

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from nacl.encoding import Base64Encoder
from nacl.signing import SigningKey

from peluit_shared.consumer import Item, PoisonEvent, handle_batch, subscribe
from peluit_shared.event_signing import EventSigner, EventVerifier, SignatureRefused
from peluit_shared.events import CasePurged
from peluit_shared.events.cases import CasePurgedPayload
from peluit_shared.kafka import admin_credentials, make_broker
from peluit_shared.migrations import MigrationError, migrate
from peluit_shared.outbox import OutboxRelay, add_to_outbox
from peluit_shared.topics import dead_letter
from tests.support.kafka import kafka_options
from tests.support.stack import KAFKA_BOOTSTRAP, admin_dsn

pytestmark = pytest.mark.stack


@pytest.fixture
async def scratch_db(stack: None, tmp_path: Path) -> AsyncIterator[str]:
    """A throwaway database with the shared plumbing and an `effects` table migrated in."""
    name = f"peluit_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn())
    await admin.execute(f'CREATE DATABASE "{name}"')
    source = tmp_path / "migrations"
    source.mkdir()
    (source / "0001_effects.sql").write_text(
        "CREATE TABLE effects (event_id uuid NOT NULL, note text);"
    )
    conn = await asyncpg.connect(admin_dsn(name))
    await migrate(conn, {"test": source})
    await conn.close()
    try:
        yield admin_dsn(name)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def topic(stack: None) -> AsyncIterator[str]:
    name = f"test.{uuid.uuid4().hex[:10]}"
    admin = AIOKafkaAdminClient(**kafka_options())
    await admin.start()
    await admin.create_topics([NewTopic(name, 1, 1), NewTopic(dead_letter(name), 1, 1)])
    try:
        yield name
    finally:
        await admin.delete_topics([name, dead_letter(name)])
        await admin.close()


def purged(event_id: uuid.UUID | None = None) -> CasePurged:
    report_id = uuid.uuid4()
    return CasePurged(
        event_id=event_id or uuid.uuid4(),
        correlation_id=report_id,
        payload=CasePurgedPayload(case_id=uuid.uuid4(), report_id=report_id),
    )


async def read_topic(name: str, count: int, timeout: float = 15.0) -> list[object]:
    consumer = AIOKafkaConsumer(
        name,
        **kafka_options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    got: list[object] = []
    try:
        async with asyncio.timeout(timeout):
            while len(got) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    got.extend(records)
    finally:
        await consumer.stop()
    return got


async def test_migrations_apply_once_and_refuse_an_edited_file(stack: None, tmp_path: Path) -> None:
    name = f"peluit_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn())
    await admin.execute(f'CREATE DATABASE "{name}"')
    source = tmp_path / "m"
    source.mkdir()
    (source / "0001_a.sql").write_text("CREATE TABLE a (x int);")
    (source / "0002_b.sql").write_text("INSERT INTO a VALUES (1);")
    conn = await asyncpg.connect(admin_dsn(name))
    try:
        first = await migrate(conn, {"svc": source})
        assert first == ["shared/0001_outbox", "svc/0001_a", "svc/0002_b"]
        assert await migrate(conn, {"svc": source}) == []
        assert await conn.fetchval("SELECT count(*) FROM a") == 1
        (source / "0002_b.sql").write_text("INSERT INTO a VALUES (2);")
        with pytest.raises(MigrationError):
            await migrate(conn, {"svc": source})
        (source / "0003_broken.sql").write_text("CREATE TABLE c (;")
        (source / "0002_b.sql").write_text("INSERT INTO a VALUES (1);")
        with pytest.raises(asyncpg.PostgresSyntaxError):
            await migrate(conn, {"svc": source})
        recorded = await conn.fetchval("SELECT count(*) FROM schema_migrations")
        assert recorded == 3  # the broken one left nothing behind
    finally:
        await conn.close()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_outbox_publishes_committed_events_only_and_signs_them(
    scratch_db: str, topic: str, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(scratch_db)
    kept, dropped = purged(), purged()
    with pytest.raises(RuntimeError):
        async with conn.transaction():
            await add_to_outbox(conn, dropped, topic)
            raise RuntimeError("the state change failed")
    async with conn.transaction():
        await add_to_outbox(conn, kept, topic)

    broker = make_broker(KAFKA_BOOTSTRAP, "test-relay", admin_credentials())
    await broker.start()
    signer = EventSigner("test", SigningKey.generate())
    relay = OutboxRelay(scratch_db, broker, signer, poll_seconds=0.2)
    relay.start()
    try:
        records = await read_topic(topic, 1)
        await asyncio.sleep(0.5)
    finally:
        await relay.stop()
        await broker.stop()
    assert len(records) == 1
    record = records[0]
    assert CasePurged.model_validate_json(record.value).event_id == kept.event_id  # type: ignore[attr-defined]
    assert record.key == str(kept.payload.report_id).encode()  # type: ignore[attr-defined]
    assert dict(record.headers)["event_type"] == b"case.purged"  # type: ignore[attr-defined]
    # Signed at publish time over value, topic and key: it verifies here and nowhere else.
    keys = tmp_path / "verify"
    keys.mkdir()
    (keys / f"test.{signer.key_id}.pub").write_bytes(
        signer._key.verify_key.encode(encoder=Base64Encoder)
    )
    verifier = EventVerifier(keys, {topic: ("test",), "other": ("test",)})
    args = (record.key, record.value, record.headers)  # type: ignore[attr-defined]
    assert verifier.verify(topic, *args) == "test"
    with pytest.raises(SignatureRefused, match="bad signature"):
        verifier.verify("other", *args)
    pending = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    assert pending == 0
    await conn.close()


async def test_consumer_is_idempotent_and_dead_letters_poison_and_forgeries(
    scratch_db: str, topic: str, tmp_path: Path
) -> None:
    pool = await asyncpg.create_pool(scratch_db, min_size=1, max_size=2)
    assert pool is not None
    broker = make_broker(KAFKA_BOOTSTRAP, "test-consumer", admin_credentials())
    signer, stranger = EventSigner("test", SigningKey.generate()), SigningKey.generate()
    keys = tmp_path / "verify"
    keys.mkdir()
    (keys / f"test.{signer.key_id}.pub").write_bytes(
        signer._key.verify_key.encode(encoder=Base64Encoder)
    )
    attempts: dict[str, int] = {}

    async def handler(conn: asyncpg.Connection, event: CasePurged) -> None:
        note = str(event.payload.case_id)
        attempts[note] = attempts.get(note, 0) + 1
        if note.startswith("0000"):
            raise PoisonEvent("marked poison")
        if note.startswith("ffff"):
            raise ValueError("always fails")
        await conn.execute(
            "INSERT INTO effects (event_id, note) VALUES ($1, $2)", event.event_id, note
        )

    subscribe(
        broker,
        topic=topic,
        group_id=f"g-{topic}",
        model=CasePurged,
        pool_getter=lambda: pool,
        handler=handler,
        verifier=EventVerifier(keys, {topic: ("test",)}),
        max_attempts=3,
        backoff_seconds=0.01,
    )
    await broker.start()
    twice = purged()
    poison = purged().model_copy(
        update={
            "payload": CasePurgedPayload(
                case_id=uuid.UUID("00000000-0000-4000-8000-000000000001"), report_id=uuid.uuid4()
            )
        }
    )
    failing = purged().model_copy(
        update={
            "payload": CasePurgedPayload(
                case_id=uuid.UUID("ffffffff-0000-4000-8000-000000000001"), report_id=uuid.uuid4()
            )
        }
    )
    after = purged()
    newer = json.dumps({**json.loads(purged().to_bytes()), "version": 9}).encode()
    try:
        for payload in (
            twice.to_bytes(),
            twice.to_bytes(),
            b"{not json",
            newer,
            poison.to_bytes(),
            failing.to_bytes(),
        ):
            headers = signer.headers(topic, b"same-partition", payload)
            await broker.publish(payload, topic, key=b"same-partition", headers=headers)
        forged = purged().to_bytes()
        unsigned: dict[str, str] = {}
        other_key = EventSigner("test", stranger).headers(topic, b"same-partition", forged)
        other_topic = signer.headers("elsewhere", b"same-partition", forged)
        other_signer = EventSigner("cases", stranger).headers(topic, b"same-partition", forged)
        for headers in (unsigned, other_key, other_topic, other_signer):
            await broker.publish(forged, topic, key=b"same-partition", headers=headers)
        payload = after.to_bytes()
        headers = signer.headers(topic, b"same-partition", payload)
        await broker.publish(payload, topic, key=b"same-partition", headers=headers)
        dead = await read_topic(dead_letter(topic), 8)
        async with asyncio.timeout(15):
            while (
                await pool.fetchval(
                    "SELECT count(*) FROM effects WHERE event_id = $1", after.event_id
                )
                == 0
            ):
                await asyncio.sleep(0.1)
    finally:
        await broker.stop()
    reasons = [dict(r.headers)["dlq_reason"].decode() for r in dead]  # type: ignore[attr-defined]

    def one(prefix: str, but_not: str = "\0") -> int:
        (index,) = [i for i, r in enumerate(reasons) if r.startswith(prefix) and but_not not in r]
        return index

    # Signature and parse refusals happen before the batch is handled, so the order of the
    # dead letters across kinds depends on how the polls split; each is there exactly once.
    v9 = "invalid event: unknown event type/version: case.purged v9"
    assert one("invalid event", but_not="v9") < one(v9)
    assert one("poison") < one("failed 3x")
    unsigned = one("signature: unsigned: no peluit-signer/peluit-key-id/peluit-signature")
    assert one("signature: unknown key id") > unsigned
    assert one("signature: bad signature by test") > unsigned
    assert one("signature: signer 'cases' may not produce") > unsigned
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM processed_events WHERE event_id = $1",
            CasePurged.model_validate_json(dead[unsigned].value).event_id,  # type: ignore[attr-defined]
        )
        == 0
    )
    assert attempts[str(failing.payload.case_id)] == 3
    assert (
        await pool.fetchval("SELECT count(*) FROM effects WHERE event_id = $1", twice.event_id) == 1
    )
    await pool.close()


async def test_a_batch_commits_together_and_a_failure_holds_back_only_its_partition(
    scratch_db: str,
) -> None:
    pool = await asyncpg.create_pool(scratch_db, min_size=1, max_size=2)
    assert pool is not None
    order: list[str] = []

    async def handler(conn: asyncpg.Connection, event: CasePurged) -> None:
        note = str(event.payload.case_id)[:4]
        order.append(note)
        await conn.execute(
            "INSERT INTO effects (event_id, note) VALUES ($1, $2)", event.event_id, note
        )
        if note == "bbbb":
            raise ValueError("fails after writing: its write must be rolled back alone")

    def event(prefix: str) -> CasePurged:
        return purged().model_copy(
            update={
                "payload": CasePurgedPayload(
                    case_id=uuid.UUID(f"{prefix}0000-0000-4000-8000-000000000001"),
                    report_id=uuid.uuid4(),
                )
            }
        )

    class Record(NamedTuple):
        topic: str
        partition: int

    a, b, c, d = event("aaaa"), event("bbbb"), event("cccc"), event("dddd")
    batch = [
        Item(Record("t", p), "c", e, handler) for p, e in ((0, a), (0, b), (0, c), (1, d), (1, a))
    ]
    counts, deferred = await handle_batch(pool, batch)

    # a and d committed in the batch (a's repeat is a duplicate); b failed and rolled back alone;
    # c waits behind b, in order, while partition 1 went on.
    assert counts == {"c": (2, 1)}
    assert [(i.record.partition, i.event.event_id) for i, _ in deferred] == [
        (0, b.event_id),
        (0, c.event_id),
    ]
    assert isinstance(deferred[0][1], ValueError)
    assert order == ["aaaa", "bbbb", "dddd"]
    notes = await pool.fetch("SELECT note FROM effects ORDER BY note")
    assert [r["note"] for r in notes] == ["aaaa", "dddd"]
    assert await pool.fetchval("SELECT count(*) FROM processed_events") == 2
    await pool.close()


class HeldBroker:
    """A broker whose acknowledgements the test gives (or refuses) by hand."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, asyncio.Future[None]]] = []

    async def publish(self, payload: bytes, topic: str, **_: object) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sent.append((payload, future))
        return future

    async def until_sent(self, n: int) -> list[tuple[bytes, asyncio.Future[None]]]:
        async with asyncio.timeout(15):
            while len(self.sent) < n:
                await asyncio.sleep(0.02)
        return self.sent[:n]


async def test_outbox_rows_are_marked_only_after_kafka_acknowledges_and_a_failure_is_retried(
    scratch_db: str,
) -> None:
    conn = await asyncpg.connect(scratch_db)
    events = [purged() for _ in range(3)]
    async with conn.transaction():
        for event in events:
            await add_to_outbox(conn, event, "test.held")
    pending = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
    broker = HeldBroker()
    relay = OutboxRelay(
        scratch_db,
        broker,  # type: ignore[arg-type]
        EventSigner("test", SigningKey.generate()),
        poll_seconds=0.2,
    )
    relay.start()
    try:
        first = await broker.until_sent(3)
        await asyncio.sleep(0.5)  # sent, not yet acknowledged: nothing may be marked
        assert await conn.fetchval(pending) == 3
        # Kafka refuses the first record: nothing of the batch is marked, all is sent again.
        first[0][1].set_exception(RuntimeError("NotLeaderForPartition"))
        for _, future in first[1:]:
            future.set_result(None)
        second = await broker.until_sent(6)
        await asyncio.sleep(0.3)
        assert await conn.fetchval(pending) == 3
        assert [p for p, _ in second[3:]] == [e.to_bytes() for e in events]
        for _, future in second[3:]:
            future.set_result(None)
        async with asyncio.timeout(10):
            while await conn.fetchval(pending):
                await asyncio.sleep(0.05)
    finally:
        await relay.stop()
        await conn.close()


class AwayPool:
    """A pool whose database cannot be reached (refused connection)."""

    def acquire(self) -> object:
        raise ConnectionRefusedError("database away")


async def committed_offset(group: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(**kafka_options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return max((m.offset for tp, m in offsets.items() if tp.topic == topic), default=-1)


async def test_a_consumer_that_cannot_reach_its_database_leaves_the_event_for_redelivery(
    scratch_db: str, topic: str, tmp_path: Path
) -> None:
    pool = await asyncpg.create_pool(scratch_db, min_size=1, max_size=2)
    assert pool is not None
    signer = EventSigner("test", SigningKey.generate())
    keys = tmp_path / "verify"
    keys.mkdir()
    (keys / f"test.{signer.key_id}.pub").write_bytes(
        signer._key.verify_key.encode(encoder=Base64Encoder)
    )
    state = {"away": True, "tries": 0}

    def pool_getter() -> asyncpg.Pool:
        if state["away"]:
            state["tries"] += 1
            return AwayPool()  # type: ignore[return-value]
        return pool

    async def handler(conn: asyncpg.Connection, event: CasePurged) -> None:
        await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", event.event_id)

    group = f"g-{topic}"
    broker = make_broker(KAFKA_BOOTSTRAP, "test-away", admin_credentials())
    subscribe(
        broker,
        topic=topic,
        group_id=group,
        model=CasePurged,
        pool_getter=pool_getter,
        handler=handler,
        verifier=EventVerifier(keys, {topic: ("test",)}),
        backoff_seconds=0.01,
    )
    await broker.start()
    event = purged()
    try:
        payload = event.to_bytes()
        await broker.publish(payload, topic, key=b"k", headers=signer.headers(topic, b"k", payload))
        async with asyncio.timeout(30):
            while state["tries"] < 3:  # tried, refused, delivered again, ...
                await asyncio.sleep(0.1)
        # Not acknowledged while the database is away, and not dead-lettered.
        assert await committed_offset(group, topic) < 1
        state["away"] = False
        async with asyncio.timeout(30):
            while not await pool.fetchval(
                "SELECT count(*) FROM effects WHERE event_id = $1", event.event_id
            ):
                await asyncio.sleep(0.1)
    finally:
        await broker.stop()
    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
    assert await committed_offset(group, topic) == 1
    await pool.close()
