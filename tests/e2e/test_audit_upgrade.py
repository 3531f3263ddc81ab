"""Upgrading: the first, unkeyed audit log (`audit_log_v1`) is re-chained under the key into
`audit.entries` once, on a scratch copy of the cases database."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from peluit_cases.adapters import audit_repo
from peluit_cases.domain.audit import GENESIS, AuditEntry, chain_hash, verify_chain
from peluit_shared.audit_store import ensure_cases_audit
from peluit_shared.migrations import migrate
from tests.support.stack import admin_dsn, service_dsn

pytestmark = pytest.mark.stack

MIGRATIONS = Path(audit_repo.__file__).parents[1] / "migrations"


async def test_the_first_log_is_rechained_once_under_the_key(tmp_path: Path) -> None:
    scratch = f"peluit_audit_upgrade_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_dsn())
    await admin.execute(f'CREATE DATABASE "{scratch}" OWNER peluit_cases')
    dsn = service_dsn("cases").rsplit("/", 1)[0] + f"/{scratch}"
    try:
        conn = await asyncpg.connect(dsn)
        try:
            # The database as it was before issue 12, with three legacy entries.
            for path in MIGRATIONS.glob("*.sql"):
                if path.name < "0010":
                    (tmp_path / path.name).write_bytes(path.read_bytes())
            await migrate(conn, {"cases": tmp_path})
            prev = GENESIS
            for i in range(1, 4):
                entry = AuditEntry(i, datetime.now(UTC), "staff", "case_viewed", None, {"n": i})
                digest = chain_hash(prev, entry)
                await conn.execute(
                    "INSERT INTO audit_log VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
                    i,
                    entry.at,
                    entry.actor,
                    entry.action,
                    None,
                    json.dumps(entry.detail),
                    prev,
                    digest,
                )
                prev = digest
            await migrate(conn, {"cases": MIGRATIONS})
            await ensure_cases_audit(admin_dsn(scratch))
            real_key = audit_repo._key  # this process's key: later in-process writes need it
            audit_repo.use_key(os.urandom(32))
            try:
                assert await audit_repo.import_legacy(conn) == 3
                assert await audit_repo.import_legacy(conn) == 0  # once
                rows = await audit_repo.chain(conn)
                assert [e.action for e, _, _ in rows] == ["case_viewed"] * 3 + ["audit_v1_imported"]
                assert rows[-1][0].detail == {"entries": 3, "v1_broken_at": None}
                assert verify_chain(audit_repo.key(), rows, []) == []
            finally:
                audit_repo._key = real_key
        finally:
            await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')
        await admin.close()
