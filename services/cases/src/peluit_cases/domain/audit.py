"""The audit chain's arithmetic: each entry's MAC covers the previous MAC and every field of
the entry, under a key the database does not hold (HMAC-SHA256, `audit.key` in the cases key
folder). Anchors pin the chain head outside the database; they are MACed under the same key
(domain-separated), so a forged anchor is detected."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = b"\x00" * 32
KEY_BYTES = 32
_ENTRY = b"peluit-audit-entry-v2\x00"
_ANCHOR = b"peluit-audit-anchor-v1\x00"


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
    """The unkeyed SHA-256 chain of the first audit log (`audit_log_v1`), kept to read it."""
    return hashlib.sha256(prev_hash + entry.canonical()).digest()


def entry_mac(key: bytes, prev_mac: bytes, entry: AuditEntry) -> bytes:
    return hmac.new(key, _ENTRY + prev_mac + entry.canonical(), hashlib.sha256).digest()


def first_broken(rows: list[tuple[AuditEntry, bytes, bytes]]) -> int | None:
    """Id of the first legacy (entry, prev_hash, hash) row that does not chain, or None."""
    prev = GENESIS
    for entry, prev_hash, digest in rows:
        if prev_hash != prev or chain_hash(prev, entry) != digest:
            return entry.id
        prev = digest
    return None


@dataclass(frozen=True)
class Anchor:
    """The chain head at a moment: `seq` entries, the last one's MAC."""

    seq: int
    head: bytes
    at: datetime

    def _body(self) -> bytes:
        return json.dumps(
            {"seq": self.seq, "head": self.head.hex(), "at": self.at.astimezone(UTC).isoformat()},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()

    def sign(self, key: bytes) -> bytes:
        """The anchor as published: JSON with its own MAC."""
        mac = hmac.new(key, _ANCHOR + self._body(), hashlib.sha256).hexdigest()
        return json.dumps({**json.loads(self._body()), "mac": mac}, sort_keys=True).encode()

    @classmethod
    def open(cls, key: bytes, raw: bytes) -> Anchor | None:
        """The anchor if its MAC is right; None for a forged or malformed one."""
        try:
            data = json.loads(raw)
            anchor = cls(
                seq=int(data["seq"]),
                head=bytes.fromhex(data["head"]),
                at=datetime.fromisoformat(data["at"]),
            )
            mac = bytes.fromhex(data["mac"])
        except (ValueError, KeyError, TypeError):
            return None
        good = hmac.new(key, _ANCHOR + anchor._body(), hashlib.sha256).digest()
        return anchor if hmac.compare_digest(good, mac) else None


@dataclass(frozen=True)
class Finding:
    """One thing wrong; `entry` is the first entry it concerns (None: no entry, e.g. an anchor)."""

    kind: str  # rewritten | deleted | truncated | forged_anchor
    entry: int | None
    message: str


def verify_chain(
    key: bytes,
    rows: list[tuple[AuditEntry, bytes, bytes]],
    anchors: list[Anchor | None],
) -> list[Finding]:
    """Every problem of the chain `rows` (entry, prev_mac, mac; ordered by id) against the
    anchors (None = an anchor whose MAC is wrong). Empty when the log is intact."""
    findings: list[Finding] = []
    prev = GENESIS
    macs: dict[int, bytes] = {}
    expected = 1
    for entry, prev_mac, mac in rows:
        if entry.id != expected:
            findings.append(
                Finding(
                    "deleted",
                    expected,
                    f"entries {expected}..{entry.id - 1} are missing (deleted)",
                )
            )
            break
        if prev_mac != prev or not hmac.compare_digest(entry_mac(key, prev_mac, entry), mac):
            if hmac.compare_digest(entry_mac(key, prev_mac, entry), mac):
                kind, why = "deleted", "its predecessor was deleted or replaced"
            else:
                kind, why = "rewritten", "rewritten, or entries before it deleted and re-chained"
            findings.append(
                Finding(kind, entry.id, f"entry {entry.id} does not verify under the key ({why})")
            )
            break
        macs[entry.id] = mac
        prev = mac
        expected += 1
    count = len(rows)
    for anchor in anchors:
        if anchor is None:
            findings.append(Finding("forged_anchor", None, "an anchor's MAC is wrong (forged)"))
            continue
        if anchor.seq > count:
            findings.append(
                Finding(
                    "truncated",
                    count + 1,
                    f"entries {count + 1}..{anchor.seq} were anchored at "
                    f"{anchor.at.isoformat()} and are gone (truncated)",
                )
            )
        elif anchor.seq in macs and not hmac.compare_digest(macs[anchor.seq], anchor.head):
            findings.append(
                Finding(
                    "rewritten",
                    anchor.seq,
                    f"entry {anchor.seq} differs from its anchor of {anchor.at.isoformat()} "
                    "(the chain up to it was rewritten)",
                )
            )
    return findings


def first_finding(findings: list[Finding]) -> Finding | None:
    """The finding about the earliest entry (anchor-only findings last)."""
    if not findings:
        return None
    return min(findings, key=lambda f: (f.entry is None, f.entry or 0))
