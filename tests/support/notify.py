"""Notifications in tests: mail the real SMTP sink received, staff contacts, Kafka offsets."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

import asyncpg
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from nacl.encoding import Base64Encoder
from nacl.public import PublicKey

from peluit_shared.events import CaseCreated, StaffChanged
from peluit_shared.events.cases import CaseCreatedPayload
from peluit_shared.events.staff import StaffChangedPayload
from tests.support.console import new_report_number
from tests.support.kafka import kafka_options, publish, publish_bytes
from tests.support.stack import DATA, service_dsn

MAIL = DATA / "mail"
OPS_TOKEN = "peluit-dev-notifications-ops-token"
SERVICE_TOKEN = "peluit-dev-notifications-service-token"


def mails_to(address: str) -> list[EmailMessage]:
    """Every message the sink stored with `address` among the envelope recipients."""
    found = []
    for path in sorted(MAIL.glob("*.eml")):
        raw = path.read_bytes()
        head = raw.split(b"\r\n", 2)
        if any(
            line.startswith(b"X-Peluit-Rcpt-To:") and address.encode() in line for line in head[:2]
        ):
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(msg, EmailMessage)
            found.append(msg)
    return found


def text_of(msg: EmailMessage) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a message."""
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    return (
        str(msg["subject"]),
        plain.get_content() if plain else "",
        html.get_content() if html else "",
    )


async def until(probe: Callable[[], Awaitable[Any]], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = await probe()
        if got:
            return got
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.1)


async def db_value(sql: str, *args: object) -> Any:
    conn = await asyncpg.connect(service_dsn("notifications"))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def db_rows(sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(service_dsn("notifications"))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def add_staff(
    role: str = "coordinator",
    mode: str = "immediate",
    email_address: str | None = "",
    active: bool = True,
    staff_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, str | None]:
    """Publish staff.changed v2 as cases would, and wait until notifications has it."""
    staff_id = staff_id or uuid.uuid4()
    address = f"staf-{staff_id.hex[:12]}@kkp.go.id" if email_address == "" else email_address
    event = StaffChanged(
        correlation_id=staff_id,
        payload=StaffChangedPayload(
            staff_id=staff_id,
            username=f"u-{staff_id.hex[:8]}",
            role=role,  # type: ignore[arg-type]
            email=address,
            active=active,
            notification_mode=mode,
            language="id",
        ),
    )  # type: ignore[arg-type]
    await publish(event)
    await until(
        lambda: db_value(
            "SELECT true FROM staff_contacts"
            " WHERE staff_id = $1 AND active = $2 AND changed_at = $3",
            staff_id,
            active,
            event.occurred_at,
        ),
        "staff contact projected",
    )
    return staff_id, address


async def retire_staff(staff_id: uuid.UUID, role: str = "coordinator") -> None:
    """Deactivate a test's staff member so later tests do not mail them."""
    await add_staff(role=role, email_address=None, active=False, staff_id=staff_id)


def new_case_created() -> CaseCreated:
    report_id = uuid.uuid4()
    return CaseCreated(
        correlation_id=report_id,
        payload=CaseCreatedPayload(
            case_id=uuid.uuid4(),
            report_id=report_id,
            report_number=new_report_number(),
            status="received",
        ),
    )


async def publish_raw(topic: str, value: bytes, key: bytes) -> tuple[int, int]:
    """Publish bytes as the topic's producer (its user, its signature); where they landed."""
    return await publish_bytes(topic, value, key)


async def wait_consumed(
    group: str, topic: str, partition: int, offset: int, timeout: float = 30.0
) -> None:
    """Until consumer group `group` committed past `offset` on `topic`/`partition`."""
    admin = AIOKafkaAdminClient(**kafka_options())
    await admin.start()
    try:

        async def committed() -> bool:
            offsets = await admin.list_consumer_group_offsets(group)
            meta = offsets.get(TopicPartition(topic, partition))
            return meta is not None and meta.offset > offset

        await until(committed, f"{group} consumed {topic}[{partition}]@{offset}", timeout)
    finally:
        await admin.close()


def notifications_public_key() -> PublicKey:
    return PublicKey(
        (DATA / "keys" / "notifications" / "current.pub").read_bytes().strip(),
        encoder=Base64Encoder,
    )


def contact_json(address: str, language: str = "id") -> bytes:
    return json.dumps({"email": address, "language": language}).encode()
