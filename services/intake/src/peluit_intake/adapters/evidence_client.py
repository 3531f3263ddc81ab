"""Client of the evidence service's internal upload API: streams a file straight through."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx


@dataclass(frozen=True)
class Forwarded:
    evidence_id: uuid.UUID
    size_bytes: int
    sha256: str
    metadata_removed: bool
    media_type: str


class ForwardFailed(Exception):
    """The evidence service refused the file or could not be reached; `status` says which."""

    def __init__(self, status: int, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.message = message
        self.message_en = message_en
        self.errors: list[dict[str, object]] = []


UNAVAILABLE = (
    "Layanan bukti sedang tidak tersedia. Coba lagi nanti.",
    "The evidence service is unavailable. Please try again later.",
)


class EvidenceClient:
    def __init__(self, base_url: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(30.0, connect=3.0)
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def forward(
        self,
        report_id: uuid.UUID,
        grant: str,
        filename: str,
        content_type: str,
        body: AsyncIterator[bytes],
        length: int | None = None,
        idempotency_key: str | None = None,
    ) -> Forwarded:
        headers = {
            "authorization": f"Grant {grant}",
            "x-filename": quote(filename, safe=""),
            "content-type": content_type[:200] or "application/octet-stream",
        }
        if length is not None:
            headers["content-length"] = str(length)
        if idempotency_key:
            headers["idempotency-key"] = idempotency_key
        try:
            response = await self._client.post(
                f"/api/v1/reports/{report_id}/evidence", content=body, headers=headers
            )
        except httpx.HTTPError as exc:
            raise ForwardFailed(503, *UNAVAILABLE) from exc
        if response.status_code not in (200, 201):
            problem = _json(response)
            if response.status_code in (409, 410, 413, 415, 422):
                failed = ForwardFailed(
                    response.status_code,
                    str(problem.get("message") or UNAVAILABLE[0]),
                    str(problem.get("message_en") or UNAVAILABLE[1]),
                )
                errors = problem.get("errors")
                failed.errors = list(errors) if isinstance(errors, list) else []
                raise failed
            if response.status_code == 503:
                raise ForwardFailed(
                    503,
                    str(problem.get("message") or UNAVAILABLE[0]),
                    str(problem.get("message_en") or UNAVAILABLE[1]),
                )
            raise ForwardFailed(503, *UNAVAILABLE)
        data = response.json()
        return Forwarded(
            uuid.UUID(data["evidence_id"]),
            int(data["size_bytes"]),
            str(data["sha256"]),
            bool(data["metadata_removed"]),
            str(data["media_type"]),
        )


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
