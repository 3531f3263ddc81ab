"""The mailbox's in-memory parts: throttling, sessions, the one-time receipt, reporter keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from nacl.encoding import Base64Encoder

from peluit_intake.adapters.receipt_crypto import ReceiptCrypto
from peluit_intake.adapters.receipt_handoff import ReceiptHandoff
from peluit_intake.adapters.sessions import SessionStore, csrf_matches
from peluit_intake.adapters.throttle import FixedWindowLimit, SourceHasher, Throttle
from peluit_shared.crypto import key_id_of, seal, unseal

FAST = ReceiptCrypto(pepper=b"test", time_cost=1, memory_kib=8 * 1024)


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_limit_refuses_after_its_count_and_forgives_after_its_window() -> None:
    clock = Clock()
    limit = FixedWindowLimit(limit=2, window=60, clock=clock)
    limit.hit("a")
    assert limit.retry_after("a") == 0
    limit.hit("a")
    assert 0 < limit.retry_after("a") <= 60
    assert limit.retry_after("b") == 0  # other keys are unaffected
    clock.now += 61
    assert limit.retry_after("a") == 0


def test_failed_receipts_are_limited_per_source_and_overall() -> None:
    clock = Clock()
    throttle = Throttle(
        submissions_per_source=FixedWindowLimit(5, 3600, clock=clock),
        receipt_failures_per_source=FixedWindowLimit(3, 60, clock=clock),
        receipt_failures_global=FixedWindowLimit(5, 60, clock=clock),
    )
    for _ in range(3):
        throttle.count_receipt_failure("10.0.0.1")
    assert throttle.receipt_wait("10.0.0.1") > 0
    assert throttle.receipt_wait("10.0.0.2") == 0
    throttle.count_receipt_failure("10.0.0.2")
    throttle.count_receipt_failure("10.0.0.3")
    assert throttle.receipt_wait("10.0.0.9") > 0  # the global limit protects every report


def test_followups_are_limited_per_report() -> None:
    clock = Clock()
    throttle = Throttle(
        submissions_per_source=FixedWindowLimit(5, 3600, clock=clock),
        receipt_failures_per_source=FixedWindowLimit(3, 60, clock=clock),
        receipt_failures_global=FixedWindowLimit(5, 60, clock=clock),
        followups_per_report=FixedWindowLimit(2, 3600, clock=clock),
    )
    report, other = uuid.uuid4(), uuid.uuid4()
    throttle.count_followup(report)
    throttle.count_followup(report)
    assert throttle.followup_wait(report) > 0 and throttle.followup_wait(other) == 0


def test_source_keys_are_hashes_that_change_when_the_key_rotates() -> None:
    clock = Clock()
    hasher = SourceHasher(rotate_seconds=3600, clock=clock)
    first = hasher("192.0.2.7")
    assert "192.0.2.7" not in first and hasher("192.0.2.7") == first
    clock.now += 3600
    assert hasher("192.0.2.7") != first


def test_a_session_ends_when_idle_and_on_sign_out() -> None:
    clock = Clock()
    store = SessionStore(idle_seconds=900, clock=clock)
    keys = FAST.reporter_keys("1234567812345678", FAST.new_salt())
    token = store.open(uuid.uuid4(), "WBS-2026-000001", keys)
    clock.now += 899
    session = store.get(token)
    assert session is not None and csrf_matches(session.csrf, session.csrf)
    assert not csrf_matches(session.csrf, "forged") and not csrf_matches(session.csrf, None)
    clock.now += 899  # use renewed the idle timer
    assert store.get(token) is not None
    clock.now += 901
    assert store.get(token) is None
    token = store.open(uuid.uuid4(), "WBS-2026-000002", keys)
    assert store.close(token) and store.get(token) is None
    assert store.get("not-a-token") is None and store.get(None) is None


def test_even_a_busy_session_ends_after_its_maximum_lifetime() -> None:
    clock = Clock()
    store = SessionStore(idle_seconds=900, max_seconds=3600, clock=clock)
    keys = FAST.reporter_keys("1234567812345678", FAST.new_salt())
    token = store.open(uuid.uuid4(), "WBS-2026-000003", keys)
    for _ in range(4):
        clock.now += 800
        assert store.get(token) is not None
    clock.now += 500
    assert store.get(token) is None


def test_the_receipt_waits_briefly_for_its_reporter_then_is_forgotten() -> None:
    clock = Clock()
    handoff = ReceiptHandoff(ttl_seconds=600, clock=clock)
    token = handoff.put("WBS-2026-000001", "1234-5678-1234-5678")
    shown = handoff.peek(token)
    assert shown is not None and shown.receipt == "1234-5678-1234-5678"
    assert handoff.peek(token) == shown  # a reload does not lose it
    handoff.forget(token)
    assert handoff.peek(token) is None
    late = handoff.put("WBS-2026-000002", "0000-0000-0000-0000")
    clock.now += 601
    assert handoff.peek(late) is None
    assert handoff.peek(None) is None and handoff.peek("guess") is None


def test_the_receipt_derives_the_same_key_pair_every_time_and_only_the_receipt_does() -> None:
    salt = FAST.new_salt()
    keys = FAST.reporter_keys("1234567812345678", salt)
    again = FAST.reporter_keys("1234567812345678", salt)
    other = FAST.reporter_keys("1234567812345679", salt)
    assert keys.private_key is not None and again.private_key is not None
    assert other.private_key is not None
    assert keys.box_key == again.box_key and keys.box_key != keys.private_key.encode()
    assert keys.private_key.public_key == again.private_key.public_key
    assert keys.private_key.public_key != other.private_key.public_key
    # The team seals to the published public key; the receipt opens it.
    published = keys.private_key.public_key.encode(Base64Encoder)
    assert published
    sealed = seal(keys.private_key.public_key, b'{"text": "Siapa saksinya?"}')
    held = {key_id_of(again.private_key.public_key): again.private_key}
    assert unseal(held, sealed) == b'{"text": "Siapa saksinya?"}'
