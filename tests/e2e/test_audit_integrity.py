"""The audit log survives its own database: the service's role can only append through
`audit.append`, and rewriting, deleting (and re-chaining) or truncating entries directly in
PostgreSQL — even as the superuser with the triggers disabled — makes `verify-audit` fail
naming the first bad entry (the HMAC key and the anchors in Kafka live outside the database)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.console import CLI, publish_report
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import admin_dsn, service_dsn

pytestmark = pytest.mark.stack

COLUMNS = "id, at, actor, action, case_id, detail::text AS detail, prev_mac, mac"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=False)


async def verify() -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(cli, "verify-audit")


@asynccontextmanager
async def as_admin() -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(admin_dsn("peluit_cases"))
    try:
        yield conn
    finally:
        await conn.close()


async def tamper(admin: asyncpg.Connection, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Run statements as the superuser with every trigger of the table switched off."""
    async with admin.transaction():
        await admin.execute("ALTER TABLE audit.entries DISABLE TRIGGER ALL")
        for sql, args in statements:
            await admin.execute(sql, *args)
        await admin.execute("ALTER TABLE audit.entries ENABLE TRIGGER ALL")


@asynccontextmanager
async def restored(admin: asyncpg.Connection, from_id: int) -> AsyncIterator[None]:
    """Put entries >= from_id back as they were (so later tests and runs verify again)."""
    rows = await admin.fetch(
        f"SELECT {COLUMNS} FROM audit.entries WHERE id >= $1 ORDER BY id",
        from_id,
    )
    try:
        yield
    finally:
        await tamper(
            admin,
            ("DELETE FROM audit.entries WHERE id >= $1", (from_id,)),
            *(
                (
                    "INSERT INTO audit.entries (id, at, actor, action, case_id, detail, "
                    "prev_mac, mac) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
                    tuple(r.values()),
                )
                for r in rows
            ),
        )


async def some_history(staff_client: httpx.AsyncClient) -> None:
    """A few real entries: a case viewed twice."""
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number)
    for _ in range(2):
        assert (await staff_client.get(f"/api/v1/cases/{case['id']}")).status_code == 200


async def test_the_service_role_can_only_append_through_the_chain(
    staff_client: httpx.AsyncClient,
) -> None:
    await some_history(staff_client)
    ok = await verify()
    assert ok.returncode == 0, ok.stderr
    service = await asyncpg.connect(service_dsn("cases"))
    try:
        head = await service.fetchval("SELECT max(id) FROM audit.entries")
        denied = asyncpg.InsufficientPrivilegeError
        for sql in (
            "UPDATE audit.entries SET action = 'nothing' WHERE id = $1",
            "DELETE FROM audit.entries WHERE id = $1",
        ):
            with pytest.raises(denied):
                await service.execute(sql, head)
        for sql in (
            "TRUNCATE audit.entries",
            "ALTER TABLE audit.entries DISABLE TRIGGER ALL",
            "ALTER TABLE audit.entries OWNER TO peluit_cases",
            "DROP TABLE audit.entries",
            "SET session_replication_role = replica",
            "SET ROLE peluit_cases_audit",
            "INSERT INTO audit.entries SELECT * FROM audit.entries LIMIT 1",
            "CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        ):
            with pytest.raises(denied):
                await service.execute(sql)
        # The insert function takes only the next entry of the chain.
        with pytest.raises(asyncpg.RaiseError, match="not the next entry"):
            await service.execute(
                "SELECT audit.append($1, now(), 'x', 'x', NULL, '{}'::jsonb, $2, $2)",
                head,
                b"\x00" * 32,
            )
    finally:
        await service.close()
    assert (await verify()).returncode == 0


async def test_a_rewritten_entry_is_named(staff_client: httpx.AsyncClient) -> None:
    await some_history(staff_client)
    async with as_admin() as admin:
        target = await admin.fetchval(
            "SELECT max(id) FROM audit.entries WHERE action = 'case_viewed'"
        )
        async with restored(admin, target):
            await tamper(
                admin,
                (
                    """UPDATE audit.entries SET detail = '{"content": false}'::jsonb
                       WHERE id = $1""",
                    (target,),
                ),
            )
            broken = await verify()
            assert broken.returncode != 0
            assert f"BROKEN at entry {target} (rewritten" in broken.stderr, broken.stderr
    assert (await verify()).returncode == 0


def attacker_mac(prev: bytes, row: dict[str, Any]) -> bytes:
    """Re-chaining without the audit key: the best an attacker can do is a guessed key."""
    canonical = json.dumps(
        {
            "id": row["id"],
            "at": row["at"].astimezone(UTC).isoformat(),
            "actor": row["actor"],
            "action": row["action"],
            "case_id": str(row["case_id"]) if row["case_id"] else None,
            "detail": json.loads(row["detail"]),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    return hmac.new(b"guess" * 8, prev + canonical, hashlib.sha256).digest()


async def test_a_deleted_entry_is_named_even_after_rechaining(
    staff_client: httpx.AsyncClient,
) -> None:
    await some_history(staff_client)
    async with as_admin() as admin:
        head = await admin.fetchval("SELECT max(id) FROM audit.entries")
        victim = head - 2
        async with restored(admin, victim):
            rest = [
                dict(r)
                for r in await admin.fetch(
                    f"SELECT {COLUMNS} FROM audit.entries WHERE id > $1 ORDER BY id",
                    victim,
                )
            ]
            prev = bytes(
                await admin.fetchval("SELECT mac FROM audit.entries WHERE id = $1", victim - 1)
            )
            statements: list[tuple[str, tuple[Any, ...]]] = [
                ("DELETE FROM audit.entries WHERE id >= $1", (victim,))
            ]
            for row in rest:  # renumbered and re-chained, so no gap shows
                row["id"] -= 1
                mac = attacker_mac(prev, row)
                statements.append(
                    (
                        "INSERT INTO audit.entries (id, at, actor, action, case_id, detail, "
                        "prev_mac, mac) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
                        (
                            row["id"],
                            row["at"],
                            row["actor"],
                            row["action"],
                            row["case_id"],
                            row["detail"],
                            prev,
                            mac,
                        ),
                    )
                )
                prev = mac
            await tamper(admin, *statements)
            assert await admin.fetchval("SELECT max(id) FROM audit.entries") == head - 1
            broken = await verify()
            assert broken.returncode != 0
            assert f"BROKEN at entry {victim} " in broken.stderr, broken.stderr
    assert (await verify()).returncode == 0


async def test_a_cut_off_tail_is_named_against_the_anchor(
    staff_client: httpx.AsyncClient,
) -> None:
    await some_history(staff_client)
    anchored = await asyncio.to_thread(cli, "anchor-audit")
    assert anchored.returncode == 0, anchored.stderr
    async with as_admin() as admin:
        head = await admin.fetchval("SELECT max(id) FROM audit.entries")
        assert f"entry {head}" in anchored.stdout
        async with restored(admin, head - 1):
            await tamper(admin, ("DELETE FROM audit.entries WHERE id >= $1", (head - 1,)))
            broken = await verify()
            assert broken.returncode != 0
            assert f"BROKEN at entry {head - 1} (truncated" in broken.stderr, broken.stderr
            assert f"entries {head - 1}..{head}" in broken.stderr
    assert (await verify()).returncode == 0


async def test_replayed_older_anchors_do_not_hide_a_cut_off_tail(
    staff_client: httpx.AsyncClient,
) -> None:
    """Someone who may write the anchor topic replays genuine older anchors after cutting off the
    tail (so the newest records name an earlier head): the cut is still named."""
    from tests.support.kafka import publish_bytes, topic_messages

    await some_history(staff_client)
    anchored = await asyncio.to_thread(cli, "anchor-audit")
    assert anchored.returncode == 0, anchored.stderr
    async with as_admin() as admin:
        head = await admin.fetchval("SELECT max(id) FROM audit.entries")
        older = [
            r
            for r in await topic_messages("audit.anchors", 5000)
            if json.loads(r.value or b"{}").get("seq", head) < head - 1
        ][-3:]
        assert older, "no older anchor to replay"
        async with restored(admin, head - 1):
            await tamper(admin, ("DELETE FROM audit.entries WHERE id >= $1", (head - 1,)))
            for record in older:
                await publish_bytes("audit.anchors", record.value, record.key)
            broken = await verify()
            assert broken.returncode != 0
            assert f"BROKEN at entry {head - 1} (truncated" in broken.stderr, broken.stderr
    assert (await verify()).returncode == 0


async def test_a_reveal_anchors_the_head_at_once(staff_client: httpx.AsyncClient) -> None:
    published = await publish_report(sample_report())
    case, _ = await wait_for_case(staff_client, published.report_number)
    revealed = await staff_client.post(
        f"/api/v1/cases/{case['id']}/identity",
        json={"reason": "Klarifikasi langsung dengan pelapor diperlukan"},
    )
    assert revealed.status_code == 200, revealed.text
    async with as_admin() as admin:
        head = await admin.fetchval(
            "SELECT max(id) FROM audit.entries WHERE action = 'identity_revealed' AND case_id = $1",
            uuid.UUID(case["id"]),
        )
    for _ in range(50):  # the periodic anchor is a minute away: this one is the reveal's
        if await _anchored(head):
            break
        await asyncio.sleep(0.2)
    else:
        pytest.fail(f"entry {head} (identity_revealed) was not anchored")
    out = await verify()
    assert out.returncode == 0, out.stderr


async def _anchored(seq: int) -> bool:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from tests.support.kafka import kafka_options

    consumer = AIOKafkaConsumer(**kafka_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition("audit.anchors", 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        seqs = set()
        while await consumer.position(tp) < end:
            for records in (await consumer.getmany(tp, timeout_ms=1000)).values():
                seqs.update(json.loads(r.value or b"{}").get("seq") for r in records)
        return max(seqs, default=0) >= seq
    finally:
        await consumer.stop()


def tampered_value(data_type: str, value: Any) -> tuple[str, Any]:
    """A different value of the column's type (as SQL placeholder cast and argument)."""
    if data_type == "timestamp with time zone":
        return "$1::timestamptz", value + timedelta(seconds=1)
    if data_type == "text":
        return "$1::text", value + "x"
    if data_type == "uuid":
        return "$1::uuid", uuid.uuid4()
    if data_type == "jsonb":
        return "$1::jsonb", '{"tampered": true}'
    if data_type == "bytea":
        return "$1::bytea", bytes([value[0] ^ 1]) + value[1:]
    if data_type in ("bigint", "integer"):
        return f"$1::{data_type}", value + 1_000_000
    raise AssertionError(f"a new column type {data_type}: add how to tamper with it here")


@pytest.mark.timeout(1200)  # one verify-audit run per column
async def test_every_column_of_an_entry_is_covered_by_its_mac(
    staff_client: httpx.AsyncClient,
) -> None:
    """Each column of audit.entries, changed in the database, breaks verify-audit at that entry
    (the columns are read from the catalogue, so a new column is covered too)."""
    await some_history(staff_client)
    before = await verify()
    assert before.returncode == 0, f"the chain did not verify before the test: {before.stderr}"
    async with as_admin() as admin:
        columns = await admin.fetch(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'audit' AND table_name = 'entries' ORDER BY ordinal_position"
        )
        assert {"id", "at", "actor", "action", "case_id", "detail", "prev_mac", "mac"} <= {
            c["column_name"] for c in columns
        }
        # An entry with a case id, so a change of case_id is a change (not NULL -> value).
        target = await admin.fetchval(
            "SELECT max(id) FROM audit.entries WHERE action = 'case_viewed' AND case_id IS NOT NULL"
        )
        failures = []
        for column in columns:
            name = column["column_name"]
            value = await admin.fetchval(
                f'SELECT "{name}" FROM audit.entries WHERE id = $1', target
            )
            cast, new = tampered_value(column["data_type"], value)
            async with restored(admin, target):
                await tamper(
                    admin,
                    (f'UPDATE audit.entries SET "{name}" = {cast} WHERE id = $2', (new, target)),
                )
                broken = await verify()
                named = f"BROKEN at entry {new if name == 'id' else target}"
                if broken.returncode == 0 or (name != "id" and named not in broken.stderr):
                    failures.append(f"{name}: rc={broken.returncode} {broken.stderr.strip()}")
        assert not failures, failures
    assert (await verify()).returncode == 0
