"""Plain SQL migrations, applied in order and recorded in the service's own database.

Each source is a folder of `NNNN_name.sql` files. A migration runs in one transaction with its
record; an advisory lock keeps two starting replicas from racing; an edited, already-applied file
is refused rather than silently ignored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import asyncpg

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x5E1_017  # arbitrary, constant across services (each has its own database)


@dataclass(frozen=True)
class Migration:
    source: str
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationError(RuntimeError):
    """An applied migration's file changed, or a file is misnamed."""


def discover(sources: dict[str, Path]) -> list[Migration]:
    found = []
    for source, folder in sources.items():
        for path in sorted(folder.glob("*.sql")):
            if not path.name[:4].isdigit():
                raise MigrationError(f"{path}: migration files start with four digits")
            found.append(Migration(source, path.stem, path.read_text(encoding="utf-8")))
    return found


async def migrate(conn: asyncpg.Connection, sources: dict[str, Path]) -> list[str]:
    """Apply what is missing; return the names applied. `shared` plumbing comes first."""
    ordered = {"shared": SHARED_MIGRATIONS, **sources}
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   source text NOT NULL, version text NOT NULL, checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(),
                   PRIMARY KEY (source, version))"""
        )
        rows = await conn.fetch("SELECT source, version, checksum FROM schema_migrations")
        done = {(r["source"], r["version"]): r["checksum"] for r in rows}
        for m in discover(ordered):
            key = (m.source, m.version)
            if key in done:
                if done[key] != m.checksum:
                    raise MigrationError(f"{m.source}/{m.version} changed after it was applied")
                continue
            async with conn.transaction():
                await conn.execute(m.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (source, version, checksum) VALUES ($1,$2,$3)",
                    m.source,
                    m.version,
                    m.checksum,
                )
            applied_now.append(f"{m.source}/{m.version}")
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
    return applied_now
