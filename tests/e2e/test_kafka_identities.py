"""Kafka with identities: who may write and read which topic, and whose events are believed.

Against the real stack: Kafka with SASL/SCRAM users and ACLs, the four services consuming with
signature checks. A forger needs both a Kafka credential that may write the topic and the
producing service's signing key; with only one of them, the event is refused or dead-lettered.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from peluit_shared.crypto import seal
from peluit_shared.event_signing import HEADER_KEY_ID, EventSigner
from peluit_shared.events import CaseMessageToReporter, ReportSubmitted
from peluit_shared.kafka_admin import upsert_scram_users
from peluit_shared.provision import admin_client
from peluit_shared.settings import KafkaCredentials
from peluit_shared.topics import (
    CASE_MESSAGE_TO_REPORTER,
    CASE_PURGED,
    REPORT_SUBMITTED,
    dead_letter,
)
from tests.support.kafka import (
    UNSIGNED,
    credentials,
    infra,
    kafka_options,
    publish,
    publish_bytes,
    signer,
    topic_messages,
)
from tests.support.notify import mails_to
from tests.support.portal import (
    api_mailbox,
    api_sign_in,
    eventually,
    send_staff_message,
    staff_message,
    submitted_event,
)
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import VENV, ServiceProcess

pytestmark = pytest.mark.stack


async def dead_letters(topic: str, event_id: uuid.UUID) -> list[dict[str, str]]:
    """The dead-letter headers of every copy of event `event_id` in `<topic>.dlq`."""
    return [
        {k: v.decode() for k, v in r.headers}
        for r in await topic_messages(dead_letter(topic), 2000)
        if str(event_id).encode() in (r.value or b"")
    ]


async def until_dead_lettered(
    topic: str, event_id: uuid.UUID, consumers: set[str], timeout: float = 30.0
) -> dict[str, str]:
    """{consumer group: reason} once every one of `consumers` dead-lettered the event."""

    async def probe() -> dict[str, str] | None:
        found = {
            h["dlq_consumer"].split(":")[0]: h["dlq_reason"]
            for h in await dead_letters(topic, event_id)
        }
        return found if consumers <= set(found) else None

    return await eventually(probe, timeout)


# ---------------------------------------------------------------- forgeries ---
async def test_a_forged_message_to_the_reporter_is_dead_lettered_and_never_shown(
    intake_client: httpx.AsyncClient,
) -> None:
    address = f"forged-{uuid.uuid4().hex[:10]}@example.org"
    accepted = await submit(intake_client, sample_report(notification_email=address))
    submitted = await submitted_event(accepted["report_number"])
    bait = "Tim meminta nama lengkap dan NIP Anda untuk verifikasi"
    stolen_cases_login = credentials("cases")  # a Kafka password that may write the topic

    # 1. cases' Kafka password, no signature; 2. intake's real key (intake may not produce
    # this topic); 3. a key nobody knows, claiming to be cases; 4. a real cases signature over
    # other bytes (tampered after signing); 5. a real cases signature made for another topic.
    forged = [staff_message(submitted, f"{bait} ({n})") for n in range(5)]
    await publish(forged[0], as_user=stolen_cases_login, sign_as=UNSIGNED)
    await publish(forged[1], as_user=stolen_cases_login, sign_as="intake")
    await publish(
        forged[2],
        as_user=stolen_cases_login,
        sign_as=EventSigner("cases", SigningKey.generate()),
    )
    genuine_bytes = forged[3].model_copy(update={"event_id": uuid.uuid4()}).to_bytes()
    key = forged[3].partition_key()
    await publish_bytes(
        CASE_MESSAGE_TO_REPORTER,
        forged[3].to_bytes(),
        key,
        as_user=stolen_cases_login,
        sign_as=UNSIGNED,
        headers=signer("cases").headers(CASE_MESSAGE_TO_REPORTER, key, genuine_bytes),
    )
    await publish_bytes(
        CASE_MESSAGE_TO_REPORTER,
        forged[4].to_bytes(),
        key,
        as_user=stolen_cases_login,
        sign_as=UNSIGNED,
        headers=signer("cases").headers("case.status_changed", key, forged[4].to_bytes()),
    )
    expected = [
        "signature: unsigned",
        "signature: signer 'intake' may not produce case.message_to_reporter",
        "signature: unknown key id",
        "signature: bad signature by cases",
        "signature: bad signature by cases",
    ]
    for event, reason in zip(forged, expected, strict=True):
        reasons = await until_dead_lettered(
            CASE_MESSAGE_TO_REPORTER, event.event_id, {"intake", "notifications"}
        )
        assert all(r.startswith(reason) for r in reasons.values()), reasons

    # The real team's message (same report, so the same partition: after the forgeries) shows;
    # the forged ones never do, and the reporter is emailed once, for the real one.
    real = await send_staff_message(submitted, "Pesan asli dari tim.", kind="message")
    token = await api_sign_in(intake_client, accepted["receipt"])

    async def shown() -> dict[str, Any] | None:
        box = await api_mailbox(intake_client, token)
        return box if box["messages"] else None

    box = await eventually(shown)
    assert [m["text"] for m in box["messages"]] == ["Pesan asli dari tim."]
    assert not any(bait in str(m) for m in box["messages"])
    await eventually(lambda: _some(len(mails_to(address)) >= 1), timeout=30)
    await asyncio.sleep(1.0)
    assert len(mails_to(address)) == 1
    assert real.event_id not in {e.event_id for e in forged}


async def _some(value: bool) -> bool | None:
    return True if value else None


# -------------------------------------------------------------- credentials ---
async def test_kafka_refuses_another_services_credentials_and_a_wrong_password(
    stack: None, caplog: pytest.LogCaptureFixture
) -> None:
    report_id = uuid.uuid4()
    event = CaseMessageToReporter.model_validate(
        {
            "correlation_id": report_id,
            "payload": {
                "message_id": uuid.uuid4(),
                "case_id": uuid.uuid4(),
                "report_id": report_id,
                "report_number": "WBS-2026-000000000000",
                "kind": "question",
                "sealed_message": seal(PrivateKey.generate().public_key, b"?"),
            },
        }
    )
    # intake's own user, even with a real cases signature: not intake's topic.
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(event, as_user=credentials("intake"))
    # notifications reads this topic but may not write it; evidence may not write reports.
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(event, as_user=credentials("notifications"))
    with pytest.raises(TopicAuthorizationFailedError):
        await publish_bytes(REPORT_SUBMITTED, b"{}", b"k", as_user=credentials("evidence"))
    # Reading is bound too: evidence's user sees (and may read) case.purged, not the reports.
    consumer = AIOKafkaConsumer(enable_auto_commit=False, **kafka_options(credentials("evidence")))
    await consumer.start()
    try:
        visible = await consumer.topics()
    finally:
        await consumer.stop()
    assert CASE_PURGED in visible
    assert REPORT_SUBMITTED not in visible and CASE_MESSAGE_TO_REPORTER not in visible
    # A wrong password, and no credentials at all, do not get in.
    caplog.clear()
    with pytest.raises(KafkaConnectionError):
        await publish(event, as_user=KafkaCredentials("cases", "not-the-password"))
    assert "SaslAuthenticationFailed" in caplog.text
    plain = AIOKafkaProducer(bootstrap_servers=infra().kafka_bootstrap, request_timeout_ms=3000)
    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(plain.start(), 20)
    await plain.stop()


# ----------------------------------------------------------------- rotation ---
async def set_kafka_password(service: str, password: str) -> None:
    admin = admin_client(infra())
    await admin.start()
    try:
        await upsert_scram_users(admin, {service: password})
    finally:
        await admin.close()


async def authenticates(user: KafkaCredentials) -> bool:
    producer = AIOKafkaProducer(request_timeout_ms=5000, **kafka_options(user))
    try:
        await asyncio.wait_for(producer.start(), 20)
        return True
    except (KafkaConnectionError, TimeoutError):
        return False
    finally:
        await producer.stop()


def restart(proc: ServiceProcess, **env: str) -> None:
    proc.stop()
    proc.env = dict(env)
    proc.start()
    proc.wait_ready(60)


async def test_rotating_a_services_kafka_password_loses_no_event(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    old = os.environ["PELUIT_KAFKA_PASSWORD_INTAKE"]
    new = f"rotated-{secrets.token_urlsafe(18)}"
    numbers = [(await submit(intake_client, sample_report()))["report_number"] for _ in range(3)]
    try:
        await set_kafka_password("intake", new)
        assert not await authenticates(KafkaCredentials("intake", old))
        assert await authenticates(KafkaCredentials("intake", new))
        # Still running on the old password: its reports wait in the outbox if need be.
        for _ in range(3):
            numbers.append((await submit(intake_client, sample_report()))["report_number"])
        restart(services["intake"], PELUIT_KAFKA_PASSWORD_INTAKE=new)
        for _ in range(3):
            numbers.append((await submit(intake_client, sample_report()))["report_number"])
        for number in numbers:
            await wait_for_case(staff_client, number, timeout=60)
    finally:
        await set_kafka_password("intake", old)
        restart(services["intake"])
    assert len(set(numbers)) == 9


def intake_cli(*args: str) -> str:
    done = subprocess.run(
        [str(VENV / "bin" / "peluit-intake"), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


async def key_ids_of(numbers: list[str]) -> dict[str, str]:
    """{report number: key id its report.submitted was signed with}."""
    found: dict[str, str] = {}
    for record in await topic_messages(REPORT_SUBMITTED, 2000):
        for number in numbers:
            if number.encode() in (record.value or b""):
                found[number] = dict(record.headers)[HEADER_KEY_ID].decode()
    return found


async def test_rotating_an_event_signing_key_loses_no_event(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    old_signer = signer("intake")
    services["cases"].stop()  # its events wait in Kafka, signed with the old key
    try:
        before = [(await submit(intake_client, sample_report()))["report_number"] for _ in range(3)]
        await eventually(lambda: _enough(key_ids_of(before), 3), timeout=30)
        assert "new event signing key" in intake_cli("event-keys", "rotate")
        new_kid = signer("intake").key_id
        assert new_kid != old_signer.key_id
        listed = intake_cli("event-keys", "list")
        assert old_signer.key_id in listed and f"{new_kid} (current)" in listed
        restart(services["intake"])
        after = [(await submit(intake_client, sample_report()))["report_number"] for _ in range(3)]
        kids = await eventually(lambda: _enough(key_ids_of(before + after), 6), timeout=30)
        assert {kids[n] for n in before} == {old_signer.key_id}
        assert {kids[n] for n in after} == {new_kid}
    finally:
        services["cases"].start()
        services["cases"].wait_ready(60)
    for number in before + after:  # old-key events drained through the verify-only key
        await wait_for_case(staff_client, number, timeout=60)

    # Once drained, the old key is retired: what it signs is refused from then on.
    intake_cli("event-keys", "retire", old_signer.key_id)
    with pytest.raises(subprocess.CalledProcessError):  # never the current key
        intake_cli("event-keys", "retire", new_kid)
    late = (await submitted_event(before[0])).model_copy(update={"event_id": uuid.uuid4()})
    assert isinstance(late, ReportSubmitted)
    await publish(late, sign_as=old_signer)
    reasons = await until_dead_lettered(REPORT_SUBMITTED, late.event_id, {"cases"})
    assert reasons["cases"].startswith("signature: unknown key id")


async def _enough(found: Any, n: int) -> dict[str, str] | None:
    got: dict[str, str] = await found
    return got if len(got) >= n else None
