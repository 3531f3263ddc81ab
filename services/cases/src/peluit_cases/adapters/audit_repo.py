"""The append-only audit log (`audit.entries`): chained appends, reads and a verification walk.

The table belongs to `peluit_cases_audit` (made by `python -m peluit_shared.provision`), not to
the service's role: `peluit_cases` may only read it and call `audit.append(...)`, a SECURITY
DEFINER function that inserts the next entry of the chain and nothing else. Each entry's MAC is
computed here, under the audit key (a file in the cases key folder), inside the transaction of
the audited change, so the entry and the change commit together.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from peluit_cases.domain.audit import (
    GENESIS,
    KEY_BYTES,
    AuditEntry,
    Finding,
    entry_mac,
    first_broken,
    verify_chain,
)

_CHAIN_LOCK = 0x0A_0D17
_key: bytes | None = None
_APPEND_SIG = "audit.append(bigint, timestamptz, text, text, uuid, jsonb, bytea, bytea)"


class AuditUnavailable(RuntimeError):
    """The audit schema or key is missing: the service must not run without its audit log."""


def ensure_key(path: Path) -> bool:
    """Create the audit key file (mode 0600) when missing; True when it was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(os.urandom(KEY_BYTES)))
    return True


def load_key(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise AuditUnavailable(
            f"audit key {path} unreadable; run `peluit-cases keys ensure`"
        ) from exc
    if len(key) != KEY_BYTES:
        raise AuditUnavailable(f"audit key {path} is not {KEY_BYTES} bytes")
    return key


def use_key(key: bytes) -> None:
    global _key
    _key = key


def key() -> bytes:
    if _key is None:  # the CLI: load from the settings' key folder on first use
        from peluit_cases.settings import CasesSettings

        use_key(load_key(CasesSettings().audit_key))
    assert _key is not None
    return _key


async def check_schema(conn: asyncpg.Connection) -> None:
    if not await conn.fetchval("SELECT to_regprocedure($1) IS NOT NULL", _APPEND_SIG):
        raise AuditUnavailable(
            "the audit schema is missing in the cases database; "
            "run `python -m peluit_shared.provision` (as the database admin)"
        )


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (int, bool)) or v is None else str(v) for k, v in detail.items()}


async def _append_entry(conn: asyncpg.Connection, entry: AuditEntry) -> None:
    prev = await conn.fetchval("SELECT mac FROM audit.entries WHERE id = $1", entry.id - 1)
    prev_mac = bytes(prev) if prev is not None else GENESIS
    await conn.execute(
        f"SELECT {_APPEND_SIG.split('(')[0]}($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
        entry.id,
        entry.at,
        entry.actor,
        entry.action,
        entry.case_id,
        json.dumps(entry.detail),
        prev_mac,
        entry_mac(key(), prev_mac, entry),
    )


async def append(
    conn: asyncpg.Connection,
    actor: str,
    action: str,
    case_id: uuid.UUID | None = None,
    **detail: Any,
) -> None:
    """Append one entry; call inside the transaction of the audited change (or alone)."""
    async with conn.transaction():
        # One writer at a time extends the chain; the lock ends with the transaction.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _CHAIN_LOCK)
        last = await conn.fetchval("SELECT max(id) FROM audit.entries")
        entry = AuditEntry(
            id=(last or 0) + 1,
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            case_id=case_id,
            detail=_clean(detail),
        )
        await _append_entry(conn, entry)


async def import_legacy(conn: asyncpg.Connection) -> int:
    """Once, on an empty chain: re-chain the entries of the unkeyed first log under the key.
    The legacy chain is checked first; a broken one is imported with a marker entry."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _CHAIN_LOCK)
        if await conn.fetchval("SELECT to_regclass('public.audit_log_v1') IS NULL"):
            return 0
        if await conn.fetchval("SELECT EXISTS (SELECT FROM audit.entries)"):
            return 0
        rows = await conn.fetch(
            "SELECT id, at, actor, action, case_id, detail::text AS detail, prev_hash, hash "
            "FROM audit_log_v1 ORDER BY id"
        )
        legacy = [(_entry(r), bytes(r["prev_hash"]), bytes(r["hash"])) for r in rows]
        broken = first_broken(legacy)
        n = 0
        for entry, _, _ in legacy:
            n += 1
            await _append_entry(
                conn,
                AuditEntry(n, entry.at, entry.actor, entry.action, entry.case_id, entry.detail),
            )
        if legacy:
            await _append_entry(
                conn,
                AuditEntry(
                    n + 1,
                    datetime.now(UTC),
                    "system",
                    "audit_v1_imported",
                    None,
                    {"entries": n, "v1_broken_at": broken},
                ),
            )
        return n


def _entry(row: asyncpg.Record) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        case_id=row["case_id"],
        detail=json.loads(row["detail"]),
    )


_COLUMNS = "id, at, actor, action, case_id, detail::text AS detail, prev_mac, mac"


async def head(conn: asyncpg.Connection) -> tuple[AuditEntry, bytes, bytes] | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM audit.entries ORDER BY id DESC LIMIT 1"  # noqa: S608
    )
    return (_entry(row), bytes(row["prev_mac"]), bytes(row["mac"])) if row else None


async def chain(conn: asyncpg.Connection) -> list[tuple[AuditEntry, bytes, bytes]]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM audit.entries ORDER BY id")  # noqa: S608
    return [(_entry(r), bytes(r["prev_mac"]), bytes(r["mac"])) for r in rows]


async def verify(conn: asyncpg.Connection, anchors: list[Any]) -> tuple[int, list[Finding]]:
    """(entries checked, findings) of the whole chain against the anchors."""
    rows = await chain(conn)
    return len(rows), verify_chain(key(), rows, anchors)


async def recent(
    conn: asyncpg.Connection,
    limit: int,
    case_id: uuid.UUID | None = None,
    before: int | None = None,
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT id, at, actor, action, case_id, detail::text AS detail FROM audit.entries
           WHERE ($1::uuid IS NULL OR case_id = $1) AND ($2::bigint IS NULL OR id < $2)
           ORDER BY id DESC LIMIT $3""",
        case_id,
        before,
        limit,
    )
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]
