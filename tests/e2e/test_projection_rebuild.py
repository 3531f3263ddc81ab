"""Projections outlive Kafka's retention: staff.changed is a compacted state topic, and cases
republishes every account's state on demand, so a wiped notifications database is rebuilt with
every contact intact."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from peluit_shared.provision import admin_client
from peluit_shared.topics import STAFF_CHANGED
from tests.support.console import _cli
from tests.support.stack import ServiceProcess, admin_dsn, service_dsn

pytestmark = [pytest.mark.stack]

CONTACT = (
    "SELECT staff_id, username, role, email, active, notification_mode, language "
    "FROM staff_contacts"
)


async def contacts() -> dict[uuid.UUID, tuple[object, ...]]:
    conn = await asyncpg.connect(service_dsn("notifications"))
    try:
        if not await conn.fetchval("SELECT to_regclass('staff_contacts') IS NOT NULL"):
            return {}
        return {r["staff_id"]: tuple(r) for r in await conn.fetch(CONTACT)}
    finally:
        await conn.close()


async def wipe_notifications_database() -> None:
    conn = await asyncpg.connect(admin_dsn())
    try:
        await conn.execute("DROP DATABASE peluit_notifications WITH (FORCE)")
        await conn.execute("CREATE DATABASE peluit_notifications OWNER peluit_notifications")
        await conn.execute("REVOKE ALL ON DATABASE peluit_notifications FROM PUBLIC")
    finally:
        await conn.close()


async def until_contacts(want: dict[uuid.UUID, tuple[object, ...]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        have = await contacts()
        if all(have.get(k) == v for k, v in want.items()):
            return
        assert time.monotonic() < deadline, f"not rebuilt: {len(have)} of {len(want)} contacts"
        await asyncio.sleep(0.3)


async def test_staff_changed_is_kept_as_compacted_state() -> None:
    admin = admin_client()
    await admin.start()
    try:
        (answer,) = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, STAFF_CHANGED, {"cleanup.policy": None})]
        )
    finally:
        await admin.close()
    values = {entry[0]: entry[1] for resource in answer.resources for entry in resource[4]}
    assert values.get("cleanup.policy") == "compact", values


async def test_a_wiped_notifications_database_is_rebuilt_with_every_contact(
    services: dict[str, ServiceProcess],
) -> None:
    username = f"rebuild-{uuid.uuid4().hex[:8]}"
    _cli(
        "create-user",
        "--username",
        username,
        "--role",
        "handler",
        "--email",
        f"{username}@kkp.go.id",
        "--password-stdin",
        stdin="rebuild-password-" + uuid.uuid4().hex + "\n",
    )
    deadline = time.monotonic() + 30
    while not any(c[1] == username for c in (await contacts()).values()):
        assert time.monotonic() < deadline, "the new account never reached notifications"
        await asyncio.sleep(0.3)
    # The projection of every account cases still holds (other tests may have removed
    # accounts from cases' database directly; no republishing brings those back).
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        held = {r["id"] for r in await conn.fetch("SELECT id FROM staff_users")}
    finally:
        await conn.close()
    before = {k: v for k, v in (await contacts()).items() if k in held}
    assert any(c[3] == f"{username}@kkp.go.id" for c in before.values())

    notifications = services["notifications"]
    notifications.stop()
    try:
        await wipe_notifications_database()
    finally:
        notifications.start()
        notifications.wait_ready(60)
    assert await contacts() == {}, "the wipe left contacts behind"

    out = _cli("republish-staff")
    assert out.startswith("staff.changed written to the outbox for "), out
    await until_contacts(before, timeout=60)
