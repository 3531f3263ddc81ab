"""The mailbox's in-memory parts: throttling, sessions, the one-time receipt, reporter keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request
from nacl.encoding import Base64Encoder

from peluit_intake.adapters import client_sealed
from peluit_intake.adapters.client_sealed import MemoryRows
from peluit_intake.adapters.receipt_crypto import KdfParams, derive
from peluit_intake.adapters.receipt_handoff import AttachedFile, ReceiptHandoff
from peluit_intake.adapters.sessions import SessionStore, csrf_matches
from peluit_intake.adapters.throttle import RotatingHasher
from peluit_intake.entrypoints.http_common import source_of
from peluit_shared.crypto import key_id_of, seal, unseal

# Cheap parameters where the cost is not what is tested (the service refuses them).
FAST = KdfParams(opslimit=1, memlimit=8 * 1024 * 1024)
SALT = b"s" * 16
DIGITS = "12345678123456781234"


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_source_keys_are_hashes_that_change_when_the_key_rotates() -> None:
    clock = Clock()
    hasher = RotatingHasher(lambda: b"k" * 32, rotate_seconds=3600, clock=clock)
    first = hasher("receipt", "192.0.2.7")
    assert b"192.0.2.7" not in first and hasher("receipt", "192.0.2.7") == first
    # Every replica holding the secret computes the same key; another secret does not.
    assert RotatingHasher(lambda: b"k" * 32, clock=clock)("receipt", "192.0.2.7") == first
    assert RotatingHasher(lambda: b"x" * 32, clock=clock)("receipt", "192.0.2.7") != first
    assert hasher("submit", "192.0.2.7") != first  # scopes do not share counters
    clock.now += 3600
    assert hasher("receipt", "192.0.2.7") != first


def test_the_source_is_the_peer_unless_trusted_proxies_name_it() -> None:
    def request(peer: str, *forwarded: str) -> Request[Any, Any, Any]:
        headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
        scope = {"type": "http", "client": (peer, 1234), "headers": headers}
        return Request(scope)  # type: ignore[arg-type]

    assert source_of(request("10.0.0.1", "203.0.113.9"), 0) == "10.0.0.1"
    # One proxy: the address it appended, whatever the client put in front of it.
    assert source_of(request("10.0.0.1", "6.6.6.6, 203.0.113.9"), 1) == "203.0.113.9"
    assert source_of(request("10.0.0.1", "6.6.6.6", "203.0.113.9"), 1) == "203.0.113.9"
    assert source_of(request("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2"), 2) == "203.0.113.9"
    assert source_of(request("10.0.0.1"), 1) == "10.0.0.1"  # no header: the peer


async def test_a_session_ends_when_idle_and_on_sign_out() -> None:
    clock = Clock()
    store = SessionStore(MemoryRows(), idle_seconds=900, clock=clock)
    keys = derive(DIGITS, SALT, FAST).keys
    token = await store.open(uuid.uuid4(), "WBS-2026-000001", keys)
    clock.now += 899
    session = await store.get(token)
    assert session is not None and csrf_matches(session.csrf, session.csrf)
    assert not csrf_matches(session.csrf, "forged") and not csrf_matches(session.csrf, None)
    clock.now += 899  # use renewed the idle timer
    assert await store.get(token) is not None
    clock.now += 901
    assert await store.get(token) is None
    token = await store.open(uuid.uuid4(), "WBS-2026-000002", keys)
    assert await store.close(token) and await store.get(token) is None
    assert await store.get("not-a-token") is None and await store.get(None) is None


async def test_even_a_busy_session_ends_after_its_maximum_lifetime() -> None:
    clock = Clock()
    store = SessionStore(MemoryRows(), idle_seconds=900, max_seconds=3600, clock=clock)
    keys = derive(DIGITS, SALT, FAST).keys
    token = await store.open(uuid.uuid4(), "WBS-2026-000003", keys)
    for _ in range(4):
        clock.now += 800
        assert await store.get(token) is not None
    clock.now += 500
    assert await store.get(token) is None


async def test_a_session_opened_by_one_replica_is_found_by_another_and_by_no_store_copy() -> None:
    rows = MemoryRows()  # what the replicas share (the intake database)
    one, other = SessionStore(rows), SessionStore(rows)
    keys = derive(DIGITS, SALT, FAST).keys
    report_id = uuid.uuid4()
    token = await one.open(report_id, "WBS-2026-48151623", keys)
    found = await other.get(token)
    assert found is not None and found.report_id == report_id
    assert found.keys.box_key == keys.box_key and found.keys.private_key is not None
    assert keys.private_key is not None
    assert found.keys.private_key.encode() == keys.private_key.encode()
    # The stored row names neither the report nor its keys, nor the token.
    (stored,) = rows.rows.values()
    for secret in (str(report_id).encode(), b"48151623", keys.box_key, token.encode()):
        assert secret not in stored.sealed and secret not in b"".join(k[1] for k in rows.rows)
    # A token that finds no row, or a row sealed under another token, opens nothing.
    assert await other.get(token[:-2] + "xx") is None
    moved = next(iter(rows.rows))
    other_token = await one.open(uuid.uuid4(), "WBS-2026-00000000", keys)
    rows.rows[(moved[0], client_sealed.row_id(other_token))] = stored
    assert await other.get(other_token) is None


async def test_the_receipt_waits_briefly_for_its_reporter_then_is_forgotten() -> None:
    clock = Clock()
    rows = MemoryRows()
    handoff = ReceiptHandoff(rows, ttl_seconds=600, clock=clock)
    attached = (AttachedFile("foto.jpg", 10, "abc"), AttachedFile("x.exe", error=("a", "b")))
    token = await handoff.put("WBS-2026-000001", "1234-5678-1234-5678", attached)
    # Another replica shows it (same rows); the stored row does not.
    shown = await ReceiptHandoff(rows, ttl_seconds=600, clock=clock).peek(token)
    assert shown is not None and shown.receipt == "1234-5678-1234-5678"
    assert shown.attached == attached
    assert all(b"1234-5678" not in r.sealed for r in rows.rows.values())
    assert await handoff.peek(token) == shown  # a reload does not lose it
    await handoff.forget(token)
    assert await handoff.peek(token) is None
    late = await handoff.put("WBS-2026-000002", "0000-0000-0000-0000")
    clock.now += 601
    assert await handoff.peek(late) is None
    assert await handoff.peek(None) is None and await handoff.peek("guess") is None


def test_the_receipt_derives_the_same_key_pair_every_time_and_only_the_receipt_does() -> None:
    keys = derive(DIGITS, SALT, FAST).keys
    again = derive(DIGITS, SALT, FAST).keys
    other = derive("12345678123456781235", SALT, FAST).keys
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
