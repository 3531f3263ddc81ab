"""Mailbox sessions that every intake replica shares and no store can open.

The reporter's browser holds a random token; the session (report, receipt-derived keys, form
token) is sealed under a key derived from it and found by another hash of it
(`client_sealed`), so neither the database nor intake's key files open a session. A session ends
after `idle_seconds` without use, after `max_seconds` in any case, and on sign-out.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nacl.public import PrivateKey

from peluit_intake.adapters import client_sealed
from peluit_intake.adapters.client_sealed import Rows
from peluit_intake.adapters.receipt_crypto import ReporterKeys

KIND = "mailbox"
TOUCH_EVERY = 15.0  # seconds: the idle clock is renewed at most this often (one write)


@dataclass
class MailboxSession:
    report_id: uuid.UUID
    report_number: str
    keys: ReporterKeys
    csrf: str


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _payload(session: MailboxSession) -> dict[str, Any]:
    private = session.keys.private_key
    return {
        "report_id": str(session.report_id),
        "report_number": session.report_number,
        "box_key": _b64(session.keys.box_key),
        "private_key": _b64(private.encode()) if private is not None else None,
        "csrf": session.csrf,
    }


def _session(payload: dict[str, Any]) -> MailboxSession:
    private = payload["private_key"]
    return MailboxSession(
        report_id=uuid.UUID(payload["report_id"]),
        report_number=payload["report_number"],
        keys=ReporterKeys(
            box_key=base64.b64decode(payload["box_key"]),
            private_key=PrivateKey(base64.b64decode(private)) if private else None,
        ),
        csrf=payload["csrf"],
    )


@dataclass
class SessionStore:
    rows: Rows
    idle_seconds: float = 900.0
    max_seconds: float = 4 * 3600.0
    clock: Callable[[], float] = time.time

    async def open(self, report_id: uuid.UUID, report_number: str, keys: ReporterKeys) -> str:
        now = self.clock()
        await self.rows.expire(KIND, now - self.idle_seconds, now - self.max_seconds)
        token = client_sealed.new_token()
        session = MailboxSession(report_id, report_number, keys, secrets.token_urlsafe(24))
        sealed = client_sealed.seal(token, _payload(session))
        await self.rows.insert(KIND, client_sealed.row_id(token), sealed, now)
        return token

    async def get(self, token: str | None) -> MailboxSession | None:
        if token is None or not client_sealed.usable(token):
            return None
        row_id = client_sealed.row_id(token)
        row = await self.rows.fetch(KIND, row_id)
        if row is None:
            return None
        now = self.clock()
        if now - row.last_seen > self.idle_seconds or now - row.opened_at > self.max_seconds:
            await self.rows.delete(KIND, row_id)
            return None
        payload = client_sealed.unseal(token, row.sealed)
        if payload is None:
            return None
        if now - row.last_seen >= TOUCH_EVERY:
            await self.rows.touch(KIND, row_id, now)
        return _session(payload)

    async def close(self, token: str | None) -> bool:
        if token is None or not client_sealed.usable(token):
            return False
        return await self.rows.delete(KIND, client_sealed.row_id(token))


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
