"""Intake's tables and the topics it touches hold only ciphertext: reports, mailbox, follow-ups,
and the reporter's address for notices."""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import pytest

from peluit_shared.crypto import UnknownKey, unseal
from peluit_shared.keyring import load_private_keys
from tests.support.kafka import topic_records
from tests.support.portal import (
    api_mailbox,
    api_sign_in,
    eventually,
    followup_events,
    send_staff_message,
    submitted_event,
)
from tests.support.reports import sample_report, submit
from tests.support.stack import DATA, service_dsn

pytestmark = pytest.mark.stack
NOTIFICATIONS_KEYS = DATA / "keys" / "notifications"
TABLES = (
    "reports",
    "status_history",
    "mailbox_messages",
    "followups",
    "outbox",
    "processed_events",
)


async def test_report_identity_messages_and_followups_are_ciphertext_at_rest_and_in_transit(
    intake_client: httpx.AsyncClient,
) -> None:
    what, who = f"ISI{uuid.uuid4().hex}", f"TERLAPOR{uuid.uuid4().hex[:10]}"
    name, email = f"PELAPOR{uuid.uuid4().hex[:10]}", f"p{uuid.uuid4().hex[:10]}@example.org"
    question, answer = f"TANYA{uuid.uuid4().hex}", f"JAWAB{uuid.uuid4().hex}"
    info = f"INFO{uuid.uuid4().hex}"
    accepted = await submit(
        intake_client,
        sample_report(
            what=f"Laporan rahasia {what}",
            who=[{"name": who}],
            identity={"name": name, "email": email, "phone": "0811111111"},
        ),
    )
    submitted = await submitted_event(accepted["report_number"])
    token = await api_sign_in(intake_client, accepted["receipt"])
    auth = {"authorization": f"Bearer {token}"}
    sent = await send_staff_message(submitted, f"Pertanyaan {question}")

    async def delivered() -> bool | None:
        return True if (await api_mailbox(intake_client, token))["messages"] else None

    await eventually(delivered)
    for body in (
        {"kind": "answer", "text": answer, "in_reply_to": str(sent.payload.message_id)},
        {"kind": "information", "text": info},
    ):
        r = await intake_client.post("/api/v1/mailbox/followups", headers=auth, json=body)
        assert r.status_code == 201, r.text

    async def both_published() -> bool | None:
        return True if len(await followup_events(accepted["report_number"])) == 2 else None

    await eventually(both_published)
    box = await api_mailbox(intake_client, token)
    assert box["messages"][0]["text"] == f"Pertanyaan {question}"  # readable with the receipt
    assert {f["text"] for f in box["followups"]} == {answer, info}

    db = await asyncpg.connect(service_dsn("intake"))
    try:
        raw_rows = ""
        for table in TABLES:
            raw_rows += repr([dict(r) for r in await db.fetch(f"SELECT * FROM {table}")])
        report_id = submitted.payload.report_id
        assert (
            await db.fetchval(
                "SELECT count(*) FROM mailbox_messages WHERE report_id = $1", report_id
            )
            == 1
        )
        assert (
            await db.fetchval("SELECT count(*) FROM followups WHERE report_id = $1", report_id) == 2
        )
    finally:
        await db.close()
    on_topics = b""
    for topic in ("report.submitted", "report.followup_posted", "case.message_to_reporter"):
        on_topics += b"".join(await topic_records(topic, last=300))
    assert accepted["report_number"].encode() in on_topics  # the topics were really read
    digits = accepted["receipt"].replace("-", "")
    for secret in (what, who, name, email, question, answer, info, digits):
        assert secret not in raw_rows, secret
        assert secret.encode() not in on_topics, secret


async def test_the_address_for_notices_is_sealed_to_notifications_only(
    intake_client: httpx.AsyncClient,
) -> None:
    address = f"kabar.{uuid.uuid4().hex[:12]}@example.org"
    accepted = await submit(
        intake_client, sample_report(notification_email=address, notification_language="en")
    )
    submitted = await submitted_event(accepted["report_number"])
    sealed = submitted.payload.sealed_notification_contact
    assert submitted.version == 3 and sealed is not None
    # Exactly the address and the language, opened with the notifications private key...
    opened = json.loads(unseal(load_private_keys(NOTIFICATIONS_KEYS), sealed))
    assert opened == {"email": address, "language": "en"}
    # ... and with nothing else: the cases keys do not open it.
    with pytest.raises(UnknownKey):
        unseal(load_private_keys(DATA / "keys" / "cases"), sealed)
    # The reporter sees that notices are on, without the address.
    box = await api_mailbox(intake_client, await api_sign_in(intake_client, accepted["receipt"]))
    assert box["notices_by_email"] is True and address not in json.dumps(box)

    db = await asyncpg.connect(service_dsn("intake"))
    try:
        raw_rows = ""
        for table in TABLES:
            raw_rows += repr([dict(r) for r in await db.fetch(f"SELECT * FROM {table}")])
        outbox = await db.fetchval(
            "SELECT count(*) FROM outbox WHERE position(convert_to($1, 'UTF8') in payload) > 0",
            accepted["report_number"],
        )
    finally:
        await db.close()
    assert outbox == 1  # the outbox row was there to look at
    on_topic = b"".join(await topic_records("report.submitted", last=300))
    assert accepted["report_number"].encode() in on_topic
    local_part = address.split("@")[0]
    for secret in (address, local_part):
        assert secret not in raw_rows, secret
        assert secret.encode() not in on_topic, secret
