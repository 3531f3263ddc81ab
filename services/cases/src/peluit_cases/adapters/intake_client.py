"""HTTP client of intake's report API, used for manual entry with the staff token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class IntakeAnswer:
    status: int
    body: dict[str, Any]


class IntakeUnreachable(Exception):
    pass


async def submit_report(
    base_url: str,
    token: str,
    report: dict[str, Any],
    channel: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> IntakeAnswer:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=10, transport=transport) as client:
        try:
            r = await client.post(
                "/api/v1/reports", json={**report, "channel": channel}, headers=headers
            )
        except httpx.HTTPError as exc:
            raise IntakeUnreachable(type(exc).__name__) from exc
    try:
        body = r.json()
    except ValueError:
        body = {}
    return IntakeAnswer(r.status_code, body if isinstance(body, dict) else {})
