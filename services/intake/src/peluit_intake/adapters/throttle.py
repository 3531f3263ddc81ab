"""Rate limits shared by every intake replica, in PostgreSQL, keyed by hashes that rotate.

A source address (or a report id) becomes an HMAC under a key for the current hour; the hour's
key is BLAKE2b of the hour number under a secret only intake processes hold (derived from its
grant signing key, never written to the database). So the table alone cannot be linked to an
address; with the secret too, only rows still in their window could be (expired rows are
deleted). Nothing is written to logs. Counting is atomic: an attempt is reserved (counted) before
the work it allows, so concurrent requests cannot slip past a limit; a receipt that turns out
right is refunded, so only failures count against a source.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import nacl.encoding
import nacl.hash

_PERSON = b"peluit-throttle"  # BLAKE2b personalisation: this key serves nothing else


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits per key per `window` seconds (a fixed window from the first hit)."""

    scope: str
    limit: int
    window: float


@dataclass
class RotatingHasher:
    """HMAC of a value under a key that changes every `rotate_seconds` (the same in every replica
    holding `secret`)."""

    # Where the secret comes from (a key file), read on first use and then kept.
    load_secret: Callable[[], bytes] = lambda: secrets.token_bytes(32)
    rotate_seconds: float = 3600.0
    clock: Callable[[], float] = time.time
    _secret: bytes | None = None

    def period_key(self, period: int) -> bytes:
        if self._secret is None:
            self._secret = self.load_secret()
        return nacl.hash.blake2b(
            period.to_bytes(8, "big"),
            digest_size=32,
            key=self._secret,
            person=_PERSON,
            encoder=nacl.encoding.RawEncoder,
        )

    def __call__(self, scope: str, value: str) -> bytes:
        period = int(self.clock() // self.rotate_seconds)
        message = f"{scope}\x00{value}".encode()
        return hmac.new(self.period_key(period), message, hashlib.sha256).digest()[:16]


_RESERVE = """
INSERT INTO throttle_hits AS t (scope, key, hits, resets_at)
VALUES ($1, $2, 1, now() + make_interval(secs => $3))
ON CONFLICT (scope, key) DO UPDATE SET
    hits = CASE WHEN t.resets_at <= now() THEN 1 ELSE LEAST(t.hits + 1, $4 + 1) END,
    resets_at = CASE WHEN t.resets_at <= now() THEN EXCLUDED.resets_at ELSE t.resets_at END
RETURNING hits, extract(epoch FROM t.resets_at - now())::float8 AS remaining
"""


@dataclass
class Throttle:
    """The intake limits: submissions and failed receipts per source, follow-ups per report
    (a signed-in mailbox cannot flood the team). No limit is global: a flood from many sources
    never refuses a reporter with the right receipt (each wrong guess costs one Argon2id run)."""

    pool: Callable[[], asyncpg.Pool]
    submissions_per_source: Limit
    receipt_failures_per_source: Limit
    followups_per_report: Limit = field(default_factory=lambda: Limit("followup", 30, 3600.0))
    hasher: RotatingHasher = field(default_factory=RotatingHasher)
    # Expired rows are deleted about every `sweep_every` reservations.
    sweep_every: int = 32

    async def _reserve(self, limit: Limit, value: str) -> int:
        """Count one hit; seconds to wait when it is over the limit (then it must not proceed)."""
        key = self.hasher(limit.scope, value)
        async with self.pool().acquire() as conn:
            if secrets.randbelow(self.sweep_every) == 0:
                await conn.execute("DELETE FROM throttle_hits WHERE resets_at <= now()")
            row = await conn.fetchrow(_RESERVE, limit.scope, key, limit.window, limit.limit)
        if int(row["hits"]) <= limit.limit:
            return 0
        return max(1, math.ceil(float(row["remaining"])))

    async def _refund(self, limit: Limit, value: str) -> None:
        key = self.hasher(limit.scope, value)
        async with self.pool().acquire() as conn:
            await conn.execute(
                """UPDATE throttle_hits SET hits = hits - 1
                   WHERE scope = $1 AND key = $2 AND hits > 0 AND resets_at > now()""",
                limit.scope,
                key,
            )

    async def submission(self, source: str) -> int:
        return await self._reserve(self.submissions_per_source, source)

    async def followup(self, report_id: object) -> int:
        return await self._reserve(self.followups_per_report, str(report_id))

    async def receipt_attempt(self, source: str) -> int:
        """Reserve a sign-in attempt for `source`; > 0: refused, wait that many seconds."""
        return await self._reserve(self.receipt_failures_per_source, source)

    async def receipt_succeeded(self, source: str) -> None:
        """A right receipt does not count against its source."""
        await self._refund(self.receipt_failures_per_source, source)
