"""State that every intake replica can find, and only the reporter's browser can open.

The browser holds a random token (a cookie or a bearer token). The row is found by one keyed hash
of it and sealed under another key derived from it (libsodium's BLAKE2b and SecretBox), so a copy
of the database — with or without intake's key files — opens nothing. Rows live in the intake
database (`client_sealed_state`); `MemoryRows` is the same contract in memory for in-process tests.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.secret

MAX_TOKEN_CHARS = 100


@dataclass(frozen=True)
class Row:
    sealed: bytes
    opened_at: float
    last_seen: float


class Rows(Protocol):
    async def insert(self, kind: str, row_id: bytes, sealed: bytes, now: float) -> None: ...
    async def fetch(self, kind: str, row_id: bytes) -> Row | None: ...
    async def touch(self, kind: str, row_id: bytes, now: float) -> None: ...
    async def delete(self, kind: str, row_id: bytes) -> bool: ...
    async def expire(self, kind: str, seen_before: float, opened_before: float) -> None: ...


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _derive(token: str, purpose: bytes) -> bytes:
    return nacl.hash.blake2b(
        token.encode(),
        digest_size=32,
        person=purpose.ljust(16, b"\0")[:16],
        encoder=nacl.encoding.RawEncoder,
    )


def row_id(token: str) -> bytes:
    return _derive(token, b"peluit-state-id")


def seal(token: str, payload: dict[str, Any]) -> bytes:
    box = nacl.secret.SecretBox(_derive(token, b"peluit-state-key"))
    return bytes(box.encrypt(json.dumps(payload, separators=(",", ":")).encode()))


def unseal(token: str, sealed: bytes) -> dict[str, Any] | None:
    box = nacl.secret.SecretBox(_derive(token, b"peluit-state-key"))
    try:
        opened = json.loads(box.decrypt(sealed))
    except (nacl.exceptions.CryptoError, ValueError):
        return None
    return opened if isinstance(opened, dict) else None


def usable(token: str | None) -> bool:
    return bool(token) and len(token or "") <= MAX_TOKEN_CHARS


@dataclass
class PgRows:
    """`client_sealed_state` in the intake database."""

    pool: Callable[[], asyncpg.Pool]

    async def insert(self, kind: str, row_id: bytes, sealed: bytes, now: float) -> None:
        await self.pool().execute(
            """INSERT INTO client_sealed_state (kind, id, sealed, opened_at, last_seen)
               VALUES ($1, $2, $3, $4, $4)""",
            kind,
            row_id,
            sealed,
            now,
        )

    async def fetch(self, kind: str, row_id: bytes) -> Row | None:
        r = await self.pool().fetchrow(
            "SELECT sealed, opened_at, last_seen FROM client_sealed_state WHERE kind=$1 AND id=$2",
            kind,
            row_id,
        )
        return None if r is None else Row(bytes(r["sealed"]), r["opened_at"], r["last_seen"])

    async def touch(self, kind: str, row_id: bytes, now: float) -> None:
        await self.pool().execute(
            "UPDATE client_sealed_state SET last_seen=$3 WHERE kind=$1 AND id=$2",
            kind,
            row_id,
            now,
        )

    async def delete(self, kind: str, row_id: bytes) -> bool:
        done = await self.pool().execute(
            "DELETE FROM client_sealed_state WHERE kind=$1 AND id=$2", kind, row_id
        )
        return str(done).endswith(" 1")

    async def expire(self, kind: str, seen_before: float, opened_before: float) -> None:
        await self.pool().execute(
            """DELETE FROM client_sealed_state
               WHERE kind=$1 AND (last_seen < $2 OR opened_at < $3)""",
            kind,
            seen_before,
            opened_before,
        )


@dataclass
class MemoryRows:
    """The same contract in one process's memory (in-process tests)."""

    rows: dict[tuple[str, bytes], Row] = field(default_factory=dict)

    async def insert(self, kind: str, row_id: bytes, sealed: bytes, now: float) -> None:
        self.rows[(kind, row_id)] = Row(sealed, now, now)

    async def fetch(self, kind: str, row_id: bytes) -> Row | None:
        return self.rows.get((kind, row_id))

    async def touch(self, kind: str, row_id: bytes, now: float) -> None:
        row = self.rows.get((kind, row_id))
        if row is not None:
            self.rows[(kind, row_id)] = Row(row.sealed, row.opened_at, now)

    async def delete(self, kind: str, row_id: bytes) -> bool:
        return self.rows.pop((kind, row_id), None) is not None

    async def expire(self, kind: str, seen_before: float, opened_before: float) -> None:
        for key, row in list(self.rows.items()):
            if key[0] == kind and (row.last_seen < seen_before or row.opened_at < opened_before):
                del self.rows[key]
