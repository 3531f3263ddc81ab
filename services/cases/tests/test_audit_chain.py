"""The audit chain's arithmetic: a keyed MAC over every field finds any changed, removed,
reordered or cut-off entry, and a forged anchor."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from peluit_cases.domain.audit import (
    GENESIS,
    Anchor,
    AuditEntry,
    entry_mac,
    first_finding,
    verify_chain,
)

KEY = b"k" * 32
Row = tuple[AuditEntry, bytes, bytes]


def chain(n: int, key: bytes = KEY) -> list[Row]:
    rows = []
    prev = GENESIS
    for i in range(1, n + 1):
        entry = AuditEntry(
            i,
            datetime(2026, 3, 1, 8, i, tzinfo=UTC),
            "staff",
            "case_viewed",
            uuid.UUID(int=i),
            {"content": True},
        )
        mac = entry_mac(key, prev, entry)
        rows.append((entry, prev, mac))
        prev = mac
    return rows


def rechain(rows: list[Row], key: bytes) -> list[Row]:
    """What an attacker without the audit key can do: renumber and re-MAC with another key."""
    out = []
    prev = GENESIS
    for i, (entry, _, _) in enumerate(rows, start=1):
        entry = replace(entry, id=i)
        mac = entry_mac(key, prev, entry)
        out.append((entry, prev, mac))
        prev = mac
    return out


def anchor(rows: list[Row], seq: int) -> Anchor:
    return Anchor(seq, rows[seq - 1][2], datetime(2026, 3, 1, 9, tzinfo=UTC))


def test_an_untouched_chain_verifies_with_its_anchors() -> None:
    rows = chain(5)
    assert verify_chain(KEY, rows, [anchor(rows, 2), anchor(rows, 5)]) == []


OTHER: dict[str, Any] = {
    "id": 99,
    "at": datetime(2026, 3, 1, 8, 3, 1, tzinfo=UTC),
    "actor": "someone-else",
    "action": "export",
    "case_id": uuid.UUID(int=77),
    "detail": {"content": False},
}


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(AuditEntry)])
def test_every_field_of_an_entry_is_covered(field: str) -> None:
    assert set(OTHER) == {f.name for f in dataclasses.fields(AuditEntry)}
    rows = chain(5)
    entry, prev, mac = rows[2]
    rows[2] = (replace(entry, **{field: OTHER[field]}), prev, mac)
    found = first_finding(verify_chain(KEY, rows, []))
    assert found is not None and found.entry == 3


def test_the_previous_mac_is_covered() -> None:
    rows = chain(5)
    entry, _, mac = rows[2]
    rows[2] = (entry, b"\x01" * 32, mac)
    found = first_finding(verify_chain(KEY, rows, []))
    assert found is not None and found.entry == 3


def test_an_unkeyed_sha256_rechain_does_not_verify() -> None:
    rows = chain(5)
    forged = []
    prev = GENESIS
    for entry, _, _ in rows:
        digest = hashlib.sha256(prev + entry.canonical()).digest()
        forged.append((entry, prev, digest))
        prev = digest
    found = first_finding(verify_chain(KEY, forged, []))
    assert found is not None and found.entry == 1


def test_a_deleted_entry_is_named_even_when_the_rest_is_rechained() -> None:
    rows = chain(6)
    gap = rows[:2] + rows[3:]
    found = first_finding(verify_chain(KEY, gap, []))
    assert found is not None and (found.kind, found.entry) == ("deleted", 3)
    rechained = rechain(gap, b"x" * 32)
    found = first_finding(verify_chain(KEY, rechained, [anchor(rows, 6)]))
    assert found is not None and found.entry == 1  # the attacker had to re-MAC from the start
    kept = rows[:2] + [
        (replace(e, id=i + 3), p, m) for i, (e, p, m) in enumerate(rows[3:])
    ]  # renumbered without the key: MACs no longer match
    found = first_finding(verify_chain(KEY, kept, []))
    assert found is not None and found.entry == 3


def test_a_cut_off_tail_is_reported_against_an_anchor() -> None:
    rows = chain(6)
    assert verify_chain(KEY, rows[:4], []) == []  # without an anchor a cut tail is invisible
    found = first_finding(verify_chain(KEY, rows[:4], [anchor(rows, 6)]))
    assert found is not None and (found.kind, found.entry) == ("truncated", 5)


def test_a_chain_rewritten_with_the_key_differs_from_its_anchor() -> None:
    rows = chain(6)
    entry, _, _ = rows[3]
    rewritten = rows[:3] + rechain(rows, KEY)[3:]  # same key: the MACs verify
    rewritten[3] = (replace(entry, action="nothing"), rows[2][2], b"")
    prev = rows[2][2]
    fixed = rows[:3]
    for e, _, _ in rewritten[3:]:
        mac = entry_mac(KEY, prev, e)
        fixed.append((e, prev, mac))
        prev = mac
    assert first_finding(verify_chain(KEY, fixed, [])) is None
    found = first_finding(verify_chain(KEY, fixed, [anchor(rows, 2), anchor(rows, 5)]))
    assert found is not None and (found.kind, found.entry) == ("rewritten", 5)


def test_a_forged_anchor_is_detected_and_a_genuine_one_opens() -> None:
    rows = chain(3)
    genuine = anchor(rows, 3).sign(KEY)
    assert Anchor.open(KEY, genuine) == anchor(rows, 3)
    forged = Anchor(9, b"\x00" * 32, datetime.now(UTC) - timedelta(days=1)).sign(b"y" * 32)
    assert Anchor.open(KEY, forged) is None
    assert Anchor.open(KEY, b"not json") is None
    tampered = genuine.replace(b'"seq": 3', b'"seq": 4')
    assert tampered != genuine and Anchor.open(KEY, tampered) is None
    found = verify_chain(KEY, rows, [Anchor.open(KEY, forged)])
    assert [f.kind for f in found] == ["forged_anchor"]


def test_the_mac_is_hmac_sha256_under_the_key() -> None:
    entry = chain(1)[0][0]
    expected = hmac.new(
        KEY, b"peluit-audit-entry-v2\x00" + GENESIS + entry.canonical(), hashlib.sha256
    ).digest()
    assert entry_mac(KEY, GENESIS, entry) == expected
    assert entry_mac(b"z" * 32, GENESIS, entry) != expected
