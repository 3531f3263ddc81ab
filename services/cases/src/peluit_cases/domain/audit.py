"""The audit chain's arithmetic: each entry's hash covers the previous hash and the entry."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = b"\x00" * 32


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    case_id: uuid.UUID | None
    detail: dict[str, Any]

    def canonical(self) -> bytes:
        return json.dumps(
            {
                "id": self.id,
                "at": self.at.astimezone(UTC).isoformat(),
                "actor": self.actor,
                "action": self.action,
                "case_id": str(self.case_id) if self.case_id else None,
                "detail": self.detail,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()


def chain_hash(prev_hash: bytes, entry: AuditEntry) -> bytes:
    return hashlib.sha256(prev_hash + entry.canonical()).digest()


def first_broken(rows: list[tuple[AuditEntry, bytes, bytes]]) -> int | None:
    """Id of the first (entry, prev_hash, hash) row that does not chain, or None."""
    prev = GENESIS
    for entry, prev_hash, digest in rows:
        if prev_hash != prev or chain_hash(prev, entry) != digest:
            return entry.id
        prev = digest
    return None
