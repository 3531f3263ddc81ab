"""Consumers read older versions of an event upgraded to the current one; others are refused."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

import pytest
from pydantic import ValidationError

from peluit_shared.events.base import Event, Payload, UnknownEvent, parse_event


class PingV1Payload(Payload):
    thing_id: uuid.UUID


class PingPayload(Payload):
    thing_id: uuid.UUID
    colour: str


class Ping(Event):
    TOPIC: ClassVar[str] = "ping"
    type: Literal["ping"] = "ping"
    version: Literal[2] = 2
    payload: PingPayload


class PingV1(Event):
    TOPIC: ClassVar[str] = "ping"
    type: Literal["ping"] = "ping"
    version: Literal[1] = 1
    payload: PingV1Payload

    def upgrade(self) -> Ping:
        return Ping(
            event_id=self.event_id,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            payload=PingPayload(thing_id=self.payload.thing_id, colour="unknown"),
        )


def test_an_older_version_arrives_upgraded_with_its_identity_kept() -> None:
    old = PingV1(correlation_id=uuid.uuid4(), payload=PingV1Payload(thing_id=uuid.uuid4()))
    event = parse_event(old.to_bytes(), Ping, (PingV1,))
    assert isinstance(event, Ping)
    assert event.event_id == old.event_id
    assert event.payload.colour == "unknown"


def test_the_current_version_parses_as_is() -> None:
    new = Ping(
        correlation_id=uuid.uuid4(), payload=PingPayload(thing_id=uuid.uuid4(), colour="blue")
    )
    assert parse_event(new.to_bytes(), Ping, (PingV1,)) == new


def test_an_older_version_the_consumer_does_not_list_is_unknown() -> None:
    old = PingV1(correlation_id=uuid.uuid4(), payload=PingV1Payload(thing_id=uuid.uuid4()))
    with pytest.raises(UnknownEvent, match="ping v1"):
        parse_event(old.to_bytes(), Ping)


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b"nonsense", b'{"type": "pong", "version": 2}', b'{"type": "ping", "version": 3}'],
)
def test_other_types_versions_and_garbage_are_unknown(body: bytes) -> None:
    with pytest.raises(UnknownEvent):
        parse_event(body, Ping, (PingV1,))


def test_a_known_version_with_a_bad_payload_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse_event(b'{"type": "ping", "version": 2, "correlation_id": "x", "payload": {}}', Ping)


def test_the_real_superseded_versions_upgrade_to_the_current_ones() -> None:
    from peluit_shared.events import (
        OLDER_VERSIONS,
        CaseCreated,
        EvidenceStored,
        ReportSubmitted,
        StaffChanged,
        case_created_v1,
        evidence_stored_v1,
        evidence_stored_v2,
    )
    from peluit_shared.events import staff_changed_v1 as v1

    assert set(OLDER_VERSIONS) == {ReportSubmitted, StaffChanged, EvidenceStored, CaseCreated}
    sealed = {"key_id": "k", "ciphertext": "AA=="}
    for removed in (False, True):
        stored = evidence_stored_v1.EvidenceStored.model_validate(
            {
                "correlation_id": str(uuid.uuid4()),
                "payload": {
                    "evidence_id": str(uuid.uuid4()),
                    "report_id": str(uuid.uuid4()),
                    "size_bytes": 3,
                    "sha256": "a" * 64,
                    "metadata_removed": removed,
                    "sealed_metadata": sealed,
                    "sealed_file_key": sealed,
                },
            }
        )
        step = stored.upgrade()
        assert isinstance(step, evidence_stored_v2.EvidenceStored)
        assert step.payload.original_sha256 == (None if removed else "a" * 64)
        upgraded = parse_event(stored.to_bytes(), EvidenceStored, OLDER_VERSIONS[EvidenceStored])
        assert upgraded.version == 3 and upgraded.payload.uploaded_by == "reporter"
        # Version 3 never carries the original file's hash, not even upgraded from version 2.
        from_v2 = parse_event(step.to_bytes(), EvidenceStored, OLDER_VERSIONS[EvidenceStored])
        assert from_v2.payload == upgraded.payload
        assert b"original_sha256" not in upgraded.to_bytes() + from_v2.to_bytes()
    created = case_created_v1.CaseCreated(
        correlation_id=uuid.uuid4(),
        payload=case_created_v1.CaseCreatedPayload(
            case_id=uuid.uuid4(),
            report_id=uuid.uuid4(),
            report_number="WBS-2026-12345678",
            status="received",
            category="korupsi",
            channel="letter",
        ),
    )
    case = parse_event(created.to_bytes(), CaseCreated, OLDER_VERSIONS[CaseCreated])
    assert case.version == 2 and case.payload.case_id == created.payload.case_id
    assert b"korupsi" not in case.to_bytes() and b"letter" not in case.to_bytes()
    old = v1.StaffChanged(
        correlation_id=uuid.uuid4(),
        payload=v1.StaffChangedPayload(
            staff_id=uuid.uuid4(), username="sari", role="handler", email=None, active=True
        ),
    )
    new = parse_event(old.to_bytes(), StaffChanged, OLDER_VERSIONS[StaffChanged])
    assert new.version == 3
    assert new.payload.notification_mode == "immediate"
    assert new.payload.language == "id"
    assert new.payload.username == "sari"
    # v1/v2 staff had no key pair: upgraded, they have no public key and are no custodian.
    assert new.payload.public_key is None and new.payload.custodian is False
    from peluit_shared.events import report_submitted_v2 as r2

    legacy = r2.ReportSubmitted(
        correlation_id=uuid.uuid4(),
        payload=r2.ReportSubmittedPayload(
            report_id=uuid.uuid4(),
            report_number="WBS-2026-000001",
            channel="portal",
            sealed_report=sealed,  # type: ignore[arg-type]
        ),
    )
    report = parse_event(legacy.to_bytes(), ReportSubmitted, OLDER_VERSIONS[ReportSubmitted])
    # A legacy report: sealed whole to the host key, no case key (cases refuses to show it
    # until migrated; it never falls back to opening it with the host key in a view).
    assert report.version == 3 and report.payload.case_public_key is None
    assert report.payload.case_key_wraps == [] and report.payload.sealed_triage is None
