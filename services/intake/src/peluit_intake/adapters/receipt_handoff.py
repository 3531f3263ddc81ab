"""The receipt on its way from the POST that made it to the page that shows it, once.

Redirect-after-POST keeps a reload from filing the report twice; the receipt waits here, in
memory, under a random one-time token for a few minutes and is forgotten when shown.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Handoff:
    report_number: str
    receipt: str
    expires_at: float


@dataclass
class ReceiptHandoff:
    ttl_seconds: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _waiting: dict[str, Handoff] = field(default_factory=dict)

    def put(self, report_number: str, receipt: str) -> str:
        now = self.clock()
        for key in [k for k, h in self._waiting.items() if h.expires_at <= now]:
            del self._waiting[key]
        token = secrets.token_urlsafe(24)
        self._waiting[token] = Handoff(report_number, receipt, now + self.ttl_seconds)
        return token

    def take(self, token: str | None) -> Handoff | None:
        handoff = self._waiting.pop(token, None) if token else None
        if handoff is None or handoff.expires_at <= self.clock():
            return None
        return handoff
