"""Event signatures: what is signed, who may sign which topic, key files, rotation, retirement."""

from __future__ import annotations

from pathlib import Path

import pytest
from nacl.signing import SigningKey

from peluit_shared.event_signing import (
    EventSigner,
    EventVerifier,
    SignatureRefused,
    ensure_event_key,
    load_signing_key,
    retire_event_key,
    rotate_event_key,
)
from peluit_shared.kafka_admin import OP_READ, OP_WRITE, RESOURCE_TOPIC, service_acls
from peluit_shared.topics import ALL_TOPICS, CONSUMES, PRODUCERS, SERVICES, dead_letter

TOPIC, KEY, VALUE = "case.message_to_reporter", b"report-1", b'{"type": "x"}'


def record(signer: EventSigner, topic: str = TOPIC, key: bytes | None = KEY, value: bytes = VALUE):  # type: ignore[no-untyped-def]
    return [(k, v.encode()) for k, v in signer.headers(topic, key, value).items()]


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    key_file, verify_dir = tmp_path / "cases" / "events" / "event.key", tmp_path / "verify"
    assert ensure_event_key(key_file, verify_dir, "cases")
    return key_file, verify_dir


def test_a_signed_record_verifies_only_for_its_topic_key_and_bytes(keys: tuple[Path, Path]) -> None:
    key_file, verify_dir = keys
    signer = EventSigner.from_file("cases", key_file)
    verifier = EventVerifier(verify_dir)
    headers = record(signer)
    assert verifier.verify(TOPIC, KEY, VALUE, headers) == "cases"
    for topic, key, value in (
        ("case.status_changed", KEY, VALUE),  # moved to another topic cases produces
        (TOPIC, b"report-2", VALUE),  # moved to another report
        (TOPIC, None, VALUE),
        (TOPIC, KEY, VALUE + b" "),  # tampered
    ):
        with pytest.raises(SignatureRefused, match="bad signature by cases"):
            verifier.verify(topic, key, value, headers)


def test_unsigned_unknown_keys_and_other_producers_are_refused(keys: tuple[Path, Path]) -> None:
    key_file, verify_dir = keys
    verifier = EventVerifier(verify_dir)
    with pytest.raises(SignatureRefused, match=r"^unsigned"):
        verifier.verify(TOPIC, KEY, VALUE, [("event_type", b"x")])
    with pytest.raises(SignatureRefused, match="unknown key id"):
        verifier.verify(TOPIC, KEY, VALUE, record(EventSigner("cases", SigningKey.generate())))
    # intake's real key, on a topic only cases produces
    ensure_event_key(key_file.parent.parent.parent / "intake.key", verify_dir, "intake")
    intake = EventSigner.from_file("intake", key_file.parent.parent.parent / "intake.key")
    with pytest.raises(SignatureRefused, match="signer 'intake' may not produce"):
        verifier.verify(TOPIC, KEY, VALUE, record(intake))
    assert verifier.verify("report.submitted", KEY, VALUE, record(intake, "report.submitted"))
    with pytest.raises(SignatureRefused, match="bad signature"):
        bad = [(k, b"AAAA" if k == "peluit-signature" else v) for k, v in record(intake)]
        verifier.verify("report.submitted", KEY, VALUE, bad)


def test_rotation_keeps_old_records_valid_until_the_old_key_is_retired(
    keys: tuple[Path, Path],
) -> None:
    key_file, verify_dir = keys
    verifier = EventVerifier(verify_dir)
    old = EventSigner.from_file("cases", key_file)
    old_headers = record(old)
    new_id = rotate_event_key(key_file, verify_dir, "cases")
    new = EventSigner.from_file("cases", key_file)
    assert new.key_id == new_id != old.key_id
    # The running verifier picks the new key up without a restart; the old one still verifies.
    assert verifier.verify(TOPIC, KEY, VALUE, record(new)) == "cases"
    assert verifier.verify(TOPIC, KEY, VALUE, old_headers) == "cases"
    with pytest.raises(ValueError, match="current signing key"):
        retire_event_key(key_file, verify_dir, "cases", new_id)
    retire_event_key(key_file, verify_dir, "cases", old.key_id)
    with pytest.raises(SignatureRefused, match="unknown key id"):
        verifier.verify(TOPIC, KEY, VALUE, old_headers)
    assert verifier.verify(TOPIC, KEY, VALUE, record(new)) == "cases"


def test_ensure_keeps_the_key_and_restores_a_lost_public_half(keys: tuple[Path, Path]) -> None:
    key_file, verify_dir = keys
    before = key_file.read_bytes()
    for pub in verify_dir.glob("*.pub"):
        pub.unlink()
    assert ensure_event_key(key_file, verify_dir, "cases") is None
    assert key_file.read_bytes() == before
    assert key_file.stat().st_mode & 0o777 == 0o600
    signer = EventSigner("cases", load_signing_key(key_file))
    assert EventVerifier(verify_dir).verify(TOPIC, KEY, VALUE, record(signer)) == "cases"


def test_acls_follow_who_produces_and_consumes_what() -> None:
    acls = service_acls()
    topics = {t.name for t in ALL_TOPICS}
    assert set(PRODUCERS) <= topics and all(set(c) <= topics for c in CONSUMES.values())
    for svc in SERVICES:
        writes = {
            a.resource_name
            for a in acls
            if a.principal == f"User:{svc}" and a.operation == OP_WRITE
        }
        reads = {
            a.resource_name
            for a in acls
            if a.principal == f"User:{svc}"
            and a.operation == OP_READ
            and a.resource_type == RESOURCE_TOPIC
        }
        assert reads == set(CONSUMES[svc])
        assert writes == {t for t, o in PRODUCERS.items() if svc in o} | {
            dead_letter(t) for t in CONSUMES[svc]
        }
    # Nobody but cases writes what reaches the reporter.
    assert [a.principal for a in acls if a.resource_name == TOPIC and a.operation == OP_WRITE] == [
        "User:cases"
    ]
