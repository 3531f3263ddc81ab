"""The audit chain's arithmetic finds any changed, removed or reordered entry."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from peluit_cases.domain.audit import GENESIS, AuditEntry, chain_hash, first_broken


def chain(n: int) -> list[tuple[AuditEntry, bytes, bytes]]:
    rows = []
    prev = GENESIS
    for i in range(1, n + 1):
        entry = AuditEntry(
            i,
            datetime(2026, 3, 1, 8, i, tzinfo=UTC),
            "staff",
            "case_viewed",
            uuid.uuid4(),
            {"content": True},
        )
        digest = chain_hash(prev, entry)
        rows.append((entry, prev, digest))
        prev = digest
    return rows


def test_an_untouched_chain_verifies() -> None:
    assert first_broken(chain(5)) is None


def test_a_changed_entry_is_named() -> None:
    rows = chain(5)
    entry, prev, digest = rows[2]
    rows[2] = (replace(entry, action="export"), prev, digest)
    assert first_broken(rows) == 3


def test_a_removed_entry_breaks_the_next_one() -> None:
    rows = chain(5)
    del rows[1]
    assert first_broken(rows) == 3
