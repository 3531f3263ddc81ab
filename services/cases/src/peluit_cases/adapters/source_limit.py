"""Failed sign-ins per source, in memory, keyed by an HMAC of the client address under a
random key that is replaced every window: no address is kept, written or logged, and a key
from a past window cannot be linked to an address once it is gone."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SourceLimit:
    """At most `limit` failed attempts per source per window (`window` seconds).

    `reserve` takes a slot before the password is checked (check and count in one step, no
    await in between, so concurrent attempts cannot all pass); `release` gives it back after a
    successful sign-in."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _started: float = -1.0
    _counts: dict[bytes, int] = field(default_factory=dict)

    def source_key(self, address: str) -> bytes:
        now = self.clock()
        if self._started < 0 or now - self._started >= self.window:
            # A new window: new key, and every count starts again.
            self._key = secrets.token_bytes(32)
            self._started = now
            self._counts.clear()
        return hmac.new(self._key, address.encode(), hashlib.sha256).digest()[:16]

    def reserve(self, address: str) -> bytes | None:
        """The source's key with one attempt counted, or None when its attempts are used up."""
        key = self.source_key(address)
        used = self._counts.get(key, 0)
        if used >= self.limit:
            return None
        self._counts[key] = used + 1
        return key

    def release(self, key: bytes) -> None:
        if self._counts.get(key, 0) > 0:
            self._counts[key] -= 1
