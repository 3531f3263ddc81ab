"""The receipt on its way from the POST that made it to the page that shows it.

Redirect-after-POST keeps a reload from filing the report twice; the receipt waits, sealed under
a random token held in a path-limited cookie of the reporter's browser (`client_sealed`), in the
intake database so that any replica can show it. It stays viewable for a few minutes only — so a
phone that reloads the tab or a language switch does not lose it before it is written down — and
is forgotten when the reporter says it is noted or when the time is up. Nothing else ever shows
it again, and no store opens it without the cookie.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from peluit_intake.adapters import client_sealed
from peluit_intake.adapters.client_sealed import Rows

KIND = "receipt"


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
    rows: Rows
    ttl_seconds: float = 600.0
    clock: Callable[[], float] = time.time

    async def put(
        self, report_number: str, receipt: str, attached: tuple[AttachedFile, ...] = ()
    ) -> str:
        now = self.clock()
        await self.rows.expire(KIND, now - self.ttl_seconds, now - self.ttl_seconds)
        token = client_sealed.new_token()
        payload = {
            "report_number": report_number,
            "receipt": receipt,
            "attached": [asdict(a) for a in attached],
        }
        await self.rows.insert(
            KIND, client_sealed.row_id(token), client_sealed.seal(token, payload), now
        )
        return token

    async def peek(self, token: str | None) -> Handoff | None:
        if token is None or not client_sealed.usable(token):
            return None
        row = await self.rows.fetch(KIND, client_sealed.row_id(token))
        if row is None:
            return None
        expires_at = row.opened_at + self.ttl_seconds
        if expires_at <= self.clock():
            await self.forget(token)
            return None
        payload = client_sealed.unseal(token, row.sealed)
        if payload is None:
            return None
        attached = tuple(
            AttachedFile(
                filename=a["filename"],
                size_bytes=a["size_bytes"],
                sha256_prefix=a["sha256_prefix"],
                error=(a["error"][0], a["error"][1]) if a["error"] else None,
            )
            for a in payload["attached"]
        )
        return Handoff(payload["report_number"], payload["receipt"], expires_at, attached)

    async def forget(self, token: str | None) -> None:
        if token is not None and client_sealed.usable(token):
            await self.rows.delete(KIND, client_sealed.row_id(token))
