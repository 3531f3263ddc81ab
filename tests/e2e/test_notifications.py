"""Notifications over real Kafka and the real SMTP sink: once per coordinator, never twice,
retried while SMTP is away, nothing revealing to reporters, one digest for many events."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage

import httpx
import pytest

from peluit_shared.crypto import seal
from peluit_shared.events import ReportSubmitted
from peluit_shared.events.reports import ReportSubmittedPayload
from peluit_shared.topics import CASE_CREATED, dead_letter
from tests.support.console import new_report_number, seal_like_intake
from tests.support.kafka import publish, topic_records
from tests.support.notify import (
    OPS_TOKEN,
    add_staff,
    contact_json,
    db_value,
    mails_to,
    new_case_created,
    notifications_public_key,
    publish_raw,
    retire_staff,
    text_of,
    until,
    wait_consumed,
)
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ServiceProcess, base_url, infra

pytestmark = pytest.mark.stack


@pytest.fixture
async def coordinators(
    services: dict[str, ServiceProcess],
) -> AsyncIterator[list[tuple[uuid.UUID, str]]]:
    made: list[tuple[uuid.UUID, str]] = []
    for _ in range(2):
        staff_id, address = await add_staff("coordinator")
        assert address
        made.append((staff_id, address))
    yield made
    for staff_id, _ in made:
        await retire_staff(staff_id)


async def test_a_submitted_report_emails_each_coordinator_once_and_a_replay_sends_nothing_new(
    coordinators: list[tuple[uuid.UUID, str]],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    report = sample_report()
    accepted = await submit(intake_client, report)
    number = accepted["report_number"]
    await wait_for_case(staff_client, number)

    def about_this_report(address: str) -> list[EmailMessage]:
        # Other tests' reports may reach these coordinators too: count this report's mail only.
        return [m for m in mails_to(address) if number in text_of(m)[0]]

    for _, address in coordinators:
        mails = await until(lambda a=address: _async(about_this_report(a)), f"mail to {address}")
        assert len(mails) == 1
        subject, text, html = text_of(mails[0])
        # Email is an insecure channel: the number and a console link, no content.
        for secret in (report["what"], "Budi Santoso", report["where"], report["how"]):
            assert secret not in subject + text + html

    # Replay the very same case.created: nothing new is recorded or sent.
    original = next(
        json.loads(v)
        for v in await topic_records(CASE_CREATED, last=2000)
        if json.loads(v)["payload"]["report_number"] == number
    )
    before = await db_value(
        "SELECT count(*) FROM deliveries WHERE event_id = $1", uuid.UUID(original["event_id"])
    )
    partition, offset = await publish_raw(
        CASE_CREATED, json.dumps(original).encode(), original["payload"]["report_id"].encode()
    )
    await wait_consumed("notifications", CASE_CREATED, partition, offset)
    await asyncio.sleep(1.0)  # give a (wrong) second send the chance to reach the sink
    assert (
        await db_value(
            "SELECT count(*) FROM deliveries WHERE event_id = $1", uuid.UUID(original["event_id"])
        )
        == before
    )
    for _, address in coordinators:
        assert len(about_this_report(address)) == 1


async def test_while_smtp_is_down_notifications_are_retried_and_delivered_once_it_is_back(
    coordinators: list[tuple[uuid.UUID, str]],
) -> None:
    staff_id, address = coordinators[0]
    event = new_case_created()
    stopped = infra("stop", "smtp")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    try:
        await publish(event)
        await until(
            lambda: db_value(
                """SELECT attempts >= 2 AND status = 'pending' AND last_error IS NOT NULL
               FROM deliveries WHERE event_id = $1 AND recipient = $2 AND channel = 'email'""",
                event.event_id,
                str(staff_id),
            ),
            "failed attempts while SMTP is down",
            timeout=40,
        )
        assert mails_to(address) == []
    finally:
        started = infra("start", "smtp")
        assert started.returncode == 0, started.stdout + started.stderr
    number = event.payload.report_number  # other tests' reports may reach this coordinator too
    mails = await until(
        lambda: _async([m for m in mails_to(address) if number in str(m["subject"])]),
        "mail after SMTP is back",
        timeout=60,
    )
    assert len(mails) == 1
    assert (
        await db_value(
            "SELECT status FROM deliveries WHERE event_id = $1 AND recipient = $2 "
            "AND channel = 'email'",
            event.event_id,
            str(staff_id),
        )
        == "sent"
    )


async def test_a_reporters_status_email_contains_no_report_content(
    services: dict[str, ServiceProcess],
    staff_client: httpx.AsyncClient,
) -> None:
    report = sample_report()
    report_id, number = uuid.uuid4(), new_report_number()
    address = f"pelapor-{uuid.uuid4().hex[:12]}@example.org"
    sealed = await seal_like_intake(report)  # to a case key wrapped to the coordinators
    await publish(
        ReportSubmitted(
            correlation_id=report_id,
            payload=ReportSubmittedPayload(
                report_id=report_id,
                report_number=number,
                channel="portal",
                sealed_notification_contact=seal(notifications_public_key(), contact_json(address)),
                **sealed.fields,
            ),
        )
    )
    case, _ = await wait_for_case(staff_client, number)
    await until(
        lambda: db_value("SELECT true FROM reporter_contacts WHERE report_id = $1", report_id),
        "reporter contact stored (sealed)",
    )
    assert (
        address.encode()
        not in (
            await db_value(
                "SELECT sealed_contact::text FROM reporter_contacts WHERE report_id = $1", report_id
            )
        ).encode()
    )
    detail = (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()
    r = await staff_client.post(
        f"/api/v1/cases/{case['id']}/transitions",
        json={"to": "verifying", "note": "Mulai verifikasi", "version": detail["version"]},
    )
    assert r.status_code == 200, r.text
    mails = await until(lambda: _async(mails_to(address)), "the reporter's notice")
    assert len(mails) == 1
    subject, text, html = text_of(mails[0])
    whole = f"{subject}\n{text}\n{html}"
    assert "/mailbox/sign-in" in text
    for secret in (
        number,
        report["what"],
        "Budi Santoso",
        "Kepala Seksi",
        report["where"],
        report["how"],
        "suap",
        "gratifikasi",
        "Diproses",
        "verifikasi",
        "Dalam Verifikasi",
    ):
        assert secret.lower() not in whole.lower(), secret


async def test_daily_digest_sends_one_email_for_many_events(
    services: dict[str, ServiceProcess],
) -> None:
    staff_id, address = await add_staff("coordinator", mode="daily_digest")
    assert address
    try:
        events = [new_case_created() for _ in range(6)]
        for event in events:
            await publish(event)
        await until(
            lambda: db_value(
                "SELECT count(*) >= 6 FROM deliveries WHERE recipient = $1 AND status = 'held'",
                str(staff_id),
            ),
            "six notices held for the digest",
        )
        assert mails_to(address) == []
        async with httpx.AsyncClient(base_url=base_url("notifications")) as ops:
            r = await ops.post(
                "/ops/v1/digests/run", headers={"authorization": f"Bearer {OPS_TOKEN}"}
            )
            assert r.status_code == 200 and r.json()["digests"] >= 1
        mails = await until(lambda: _async(mails_to(address)), "the digest")
        await asyncio.sleep(1.0)  # a wrong second digest would arrive now
        assert len(mails_to(address)) == 1
        _, text, html = text_of(mails[0])
        for event in events:
            assert event.payload.report_number in text and event.payload.report_number in html
    finally:
        await retire_staff(staff_id)


async def test_an_unknown_event_version_is_dead_lettered_and_the_next_event_still_flows(
    coordinators: list[tuple[uuid.UUID, str]],
) -> None:
    marker = uuid.uuid4().hex
    good = new_case_created()
    bad = {
        **json.loads(good.to_bytes()),
        "event_id": str(uuid.uuid4()),
        "version": 99,
        "marker": marker,
    }
    await publish_raw(CASE_CREATED, json.dumps(bad).encode(), good.partition_key())
    await publish(good)
    await until(
        lambda: db_value("SELECT count(*) > 0 FROM deliveries WHERE event_id = $1", good.event_id),
        "the next event was handled",
    )

    async def dead_lettered() -> bool:
        return any(marker.encode() in v for v in await topic_records(dead_letter(CASE_CREATED)))

    await until(dead_lettered, "unknown version dead-lettered")


async def test_an_invalid_staff_address_is_dropped_and_flagged_the_account_kept(
    services: dict[str, ServiceProcess],
) -> None:
    bad = "bukan alamat@@kkp"
    staff_id, _ = await add_staff("handler", email_address=bad)
    row = await db_value(
        "SELECT row(email IS NULL, email_invalid, active) FROM staff_contacts WHERE staff_id = $1",
        staff_id,
    )
    assert tuple(row) == (True, True, True)
    assert bad not in services["notifications"].log_text()


async def _async(value: object) -> object:
    return value
