"""Idempotent submissions: the same key and body get the first answer; another body a 409.

What is stored cannot be read from the database alone. The client's key never is stored:

- `lookup` = HMAC-SHA256(pepper, scope | key) finds the row;
- BLAKE2b keyed with the client's key over the body's SHA-256 gives two 32-byte halves:
  `body_check` (stored: "same body?") and the SecretBox key of `sealed_answer` (not stored).

So the first answer (for a report: its number and the secret receipt) is returned again only
to a client that presents the same key and the same body. An attacker with a copy of the
database (even with the pepper) would have to guess the key: keys must be at least 16
characters (clients send a random UUID; the portal form a 256-bit token).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import asyncpg
import nacl.hash
import nacl.secret
import nacl.utils

MIN_KEY, MAX_KEY = 16, 200
KEEP_HOURS = 24
KEY_FORMAT = (
    "Idempotency-Key harus 16–200 karakter ASCII yang terlihat (mis. UUID acak) | "
    "Idempotency-Key must be 16–200 visible ASCII characters (e.g. a random UUID)"
)


class KeyReused(Exception):
    """The key was used with a different body."""


def key_is_valid(key: str) -> bool:
    return MIN_KEY <= len(key) <= MAX_KEY and all(33 <= ord(c) <= 126 for c in key)


@dataclass(frozen=True)
class Idempotent:
    """One request's claim: where its row is, how to check the body and open the answer."""

    scope: str
    lookup: bytes
    body_check: bytes
    box_key: bytes

    @classmethod
    def of(cls, pepper: bytes, scope: str, key: str, body: bytes) -> Idempotent:
        lookup = hmac.new(pepper, f"{scope}|{key}".encode(), hashlib.sha256).digest()
        derived = nacl.hash.blake2b(
            hashlib.sha256(body).digest(),
            digest_size=64,
            key=hashlib.sha256(key.encode()).digest(),
            person=b"peluit-idem-v1",
            encoder=nacl.encoding.RawEncoder,
        )
        return cls(scope, lookup, derived[:32], derived[32:])

    async def claim(self, conn: asyncpg.Connection) -> bytes | None:
        """In the request's transaction: None when this request goes ahead (its row is held
        until commit), else the first answer. A concurrent twin waits here for the first
        transaction and then reads its answer; if that one rolled back, this one goes ahead."""
        await conn.execute(
            "DELETE FROM idempotent_requests WHERE created_at < now() - make_interval(hours => $1)",
            KEEP_HOURS,
        )
        inserted = await conn.fetchval(
            """INSERT INTO idempotent_requests (scope, lookup, body_check) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true""",
            self.scope,
            self.lookup,
            self.body_check,
        )
        if inserted:
            return None
        row = await conn.fetchrow(
            "SELECT body_check, sealed_answer FROM idempotent_requests"
            " WHERE scope = $1 AND lookup = $2",
            self.scope,
            self.lookup,
        )
        if row is None:  # expired between the two statements: go ahead
            return await self.claim(conn)
        if not hmac.compare_digest(bytes(row["body_check"]), self.body_check):
            raise KeyReused
        return bytes(nacl.secret.SecretBox(self.box_key).decrypt(bytes(row["sealed_answer"])))

    async def record(self, conn: asyncpg.Connection, answer: bytes) -> None:
        await conn.execute(
            "UPDATE idempotent_requests SET sealed_answer = $3 WHERE scope = $1 AND lookup = $2",
            self.scope,
            self.lookup,
            nacl.secret.SecretBox(self.box_key).encrypt(answer),
        )
