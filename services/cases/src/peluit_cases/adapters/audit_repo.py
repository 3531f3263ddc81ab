"""The append-only audit log: chained appends and a full verification walk."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from peluit_cases.domain.audit import GENESIS, AuditEntry, chain_hash, first_broken

_CHAIN_LOCK = 0x0A_0D17


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
        last = await conn.fetchrow("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        entry = AuditEntry(
            id=(last["id"] + 1) if last else 1,
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            case_id=case_id,
            detail={
                k: v if isinstance(v, (int, bool)) or v is None else str(v)
                for k, v in detail.items()
            },
        )
        prev = bytes(last["hash"]) if last else GENESIS
        await conn.execute(
            """INSERT INTO audit_log (id, at, actor, action, case_id, detail, prev_hash, hash)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)""",
            entry.id,
            entry.at,
            actor,
            action,
            case_id,
            json.dumps(entry.detail),
            prev,
            chain_hash(prev, entry),
        )


def _entry(row: asyncpg.Record) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        case_id=row["case_id"],
        detail=json.loads(row["detail"]),
    )


async def verify(conn: asyncpg.Connection) -> tuple[int, int | None]:
    """(entries checked, id of the first broken entry or None)."""
    rows = await conn.fetch(
        "SELECT id, at, actor, action, case_id, detail::text AS detail, prev_hash, hash "
        "FROM audit_log ORDER BY id"
    )
    chain = [(_entry(r), bytes(r["prev_hash"]), bytes(r["hash"])) for r in rows]
    expected = 1
    for entry, _, _ in chain:  # a deleted row leaves a gap in the ids
        if entry.id != expected:
            return len(chain), expected
        expected += 1
    return len(chain), first_broken(chain)


async def recent(
    conn: asyncpg.Connection,
    limit: int,
    case_id: uuid.UUID | None = None,
    before: int | None = None,
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT id, at, actor, action, case_id, detail::text AS detail FROM audit_log
           WHERE ($1::uuid IS NULL OR case_id = $1) AND ($2::bigint IS NULL OR id < $2)
           ORDER BY id DESC LIMIT $3""",
        case_id,
        before,
        limit,
    )
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]
