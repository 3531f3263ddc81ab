"""When a failed delivery is tried again: exponential backoff with jitter, within a budget."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds before attempt `attempts + 1`: base·2^(n-1), capped, times 0.5–1.5."""
        raw: float = min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        jitter: float = (rng or random).uniform(0.5, 1.5)
        return raw * jitter
