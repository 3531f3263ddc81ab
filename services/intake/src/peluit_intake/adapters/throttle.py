"""In-memory rate limits keyed by short-lived hashes, never by addresses.

A source address is turned into an HMAC under a random key that is replaced every window, so
nothing kept in memory can be linked back to an address once the window has passed, and nothing
is ever written to disk or logs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    count: int
    resets_at: float


@dataclass
class FixedWindowLimit:
    """At most `limit` hits per key per `window` seconds."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may try now."""
        bucket = self._buckets.get(key)
        now = self.clock()
        if bucket is None or bucket.resets_at <= now or bucket.count < self.limit:
            return 0
        return max(1, int(bucket.resets_at - now + 0.999))

    def hit(self, key: str) -> None:
        now = self.clock()
        if len(self._buckets) > 100_000:
            self._forget_expired(now)
        bucket = self._buckets.get(key)
        if bucket is None or bucket.resets_at <= now:
            self._buckets[key] = _Bucket(1, now + self.window)
        else:
            bucket.count += 1

    def _forget_expired(self, now: float) -> None:
        for key in [k for k, b in self._buckets.items() if b.resets_at <= now]:
            del self._buckets[key]


@dataclass
class SourceHasher:
    """HMAC of a source address under a key that rotates every `rotate_seconds`."""

    rotate_seconds: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _rotated_at: float = field(default=-1.0)

    def __call__(self, source: str) -> str:
        now = self.clock()
        if self._rotated_at < 0 or now - self._rotated_at >= self.rotate_seconds:
            self._key = secrets.token_bytes(32)
            self._rotated_at = now
        return hmac.new(self._key, source.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Throttle:
    """The intake limits: submissions per source, failed receipts per source and overall,
    follow-ups per report (a signed-in mailbox cannot flood the team)."""

    submissions_per_source: FixedWindowLimit
    receipt_failures_per_source: FixedWindowLimit
    receipt_failures_global: FixedWindowLimit
    followups_per_report: FixedWindowLimit = field(
        default_factory=lambda: FixedWindowLimit(30, 3600.0)
    )
    hasher: SourceHasher = field(default_factory=SourceHasher)

    def followup_wait(self, report_id: object) -> int:
        return self.followups_per_report.retry_after(str(report_id))

    def count_followup(self, report_id: object) -> None:
        self.followups_per_report.hit(str(report_id))

    def submission_wait(self, source: str) -> int:
        return self.submissions_per_source.retry_after(self.hasher(source))

    def count_submission(self, source: str) -> None:
        self.submissions_per_source.hit(self.hasher(source))

    def receipt_wait(self, source: str) -> int:
        return max(
            self.receipt_failures_per_source.retry_after(self.hasher(source)),
            self.receipt_failures_global.retry_after("*"),
        )

    def count_receipt_failure(self, source: str) -> None:
        self.receipt_failures_per_source.hit(self.hasher(source))
        self.receipt_failures_global.hit("*")
