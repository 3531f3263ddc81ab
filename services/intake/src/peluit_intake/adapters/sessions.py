"""Mailbox sessions, in memory only: the receipt-derived keys never reach the database.

A session is found by the SHA-256 of its random token, ends after `idle_seconds` without use,
after `max_seconds` in any case, and on sign-out. A restart signs everyone out, which is the
safe failure.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from peluit_intake.adapters.receipt_crypto import ReporterKeys


@dataclass
class MailboxSession:
    report_id: uuid.UUID
    report_number: str
    keys: ReporterKeys
    csrf: str
    last_seen: float
    opened_at: float


@dataclass
class SessionStore:
    idle_seconds: float = 900.0
    max_seconds: float = 4 * 3600.0
    max_sessions: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _sessions: dict[str, MailboxSession] = field(default_factory=dict)

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def open(self, report_id: uuid.UUID, report_number: str, keys: ReporterKeys) -> str:
        now = self.clock()
        if len(self._sessions) >= self.max_sessions:
            self._forget_idle(now)
            if len(self._sessions) >= self.max_sessions:  # drop the oldest
                oldest = min(self._sessions, key=lambda k: self._sessions[k].last_seen)
                del self._sessions[oldest]
        token = secrets.token_urlsafe(32)
        self._sessions[self._key(token)] = MailboxSession(
            report_id=report_id,
            report_number=report_number,
            keys=keys,
            csrf=secrets.token_urlsafe(24),
            last_seen=now,
            opened_at=now,
        )
        return token

    def get(self, token: str | None) -> MailboxSession | None:
        if not token or len(token) > 100:
            return None
        key = self._key(token)
        session = self._sessions.get(key)
        now = self.clock()
        if session is None:
            return None
        idle = now - session.last_seen > self.idle_seconds
        if idle or now - session.opened_at > self.max_seconds:
            del self._sessions[key]
            return None
        session.last_seen = now
        return session

    def close(self, token: str | None) -> bool:
        if not token:
            return False
        return self._sessions.pop(self._key(token), None) is not None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, s in self._sessions.items() if now - s.last_seen > self.idle_seconds]:
            del self._sessions[key]


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
