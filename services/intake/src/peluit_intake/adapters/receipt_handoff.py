"""The receipt on its way from the POST that made it to the page that shows it.

Redirect-after-POST keeps a reload from filing the report twice; the receipt waits here, in
memory, under a random token held in a path-limited cookie of the reporter's browser. It stays
viewable there for a few minutes only — so a phone that reloads the tab or a language switch does
not lose it before it is written down — and is forgotten when the reporter says it is noted, when
the time is up, or on restart. Nothing else ever shows it again.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AttachedFile:
    """What became of a file attached on the report form (shown with the receipt only)."""

    filename: str
    size_bytes: int | None = None
    sha256_prefix: str | None = None
    error: tuple[str, str] | None = None  # Indonesian, English


@dataclass(frozen=True)
class Handoff:
    report_number: str
    receipt: str
    expires_at: float
    attached: tuple[AttachedFile, ...] = ()


@dataclass
class ReceiptHandoff:
    ttl_seconds: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _waiting: dict[str, Handoff] = field(default_factory=dict)

    def put(self, report_number: str, receipt: str, attached: tuple[AttachedFile, ...] = ()) -> str:
        now = self.clock()
        for key in [k for k, h in self._waiting.items() if h.expires_at <= now]:
            del self._waiting[key]
        token = secrets.token_urlsafe(24)
        self._waiting[token] = Handoff(report_number, receipt, now + self.ttl_seconds, attached)
        return token

    def peek(self, token: str | None) -> Handoff | None:
        handoff = self._waiting.get(token) if token else None
        if handoff is None or handoff.expires_at <= self.clock():
            self.forget(token)
            return None
        return handoff

    def forget(self, token: str | None) -> None:
        if token:
            self._waiting.pop(token, None)
