"""Client of the notifications service's inbox API (bearer service token), used server-side."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


class NotificationsUnavailable(Exception):
    """The notifications service did not answer as expected."""


class NotificationsClient:
    def __init__(self, base_url: str, token: str) -> None:
        self._base_url, self._token = base_url.rstrip("/"), token

    async def _call(self, method: str, path: str, **params: Any) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url,
                timeout=httpx.Timeout(5.0, connect=2.0),
                headers={"authorization": f"Bearer {self._token}"},
            ) as client:
                response = await client.request(method, path, params=params or None)
        except httpx.HTTPError as exc:
            raise NotificationsUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise NotificationsUnavailable(str(response.status_code))
        body: dict[str, Any] = response.json()
        return body

    async def notices(self, staff_id: uuid.UUID, before: int | None = None) -> dict[str, Any]:
        params = {"before": before} if before else {}
        return await self._call("GET", f"/internal/v1/staff/{staff_id}/notices", **params)

    async def mark_read(self, staff_id: uuid.UUID, notice_id: int | None) -> None:
        which = f"{notice_id}/read" if notice_id is not None else "read-all"
        await self._call("POST", f"/internal/v1/staff/{staff_id}/notices/{which}")
