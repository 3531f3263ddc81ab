"""Client of the evidence service: a file's ciphertext, as a stream, under a download grant."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx


class EvidenceUnavailable(Exception):
    """The evidence service could not deliver the file."""


class EvidenceClient:
    def __init__(self, base_url: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(30.0, connect=3.0)
        )

    async def ciphertext(self, evidence_id: uuid.UUID, grant: str) -> AsyncIterator[bytes]:
        """Opens the download (raising EvidenceUnavailable now) and returns its byte stream."""
        request = self._client.build_request(
            "GET",
            f"/api/v1/evidence/{evidence_id}/ciphertext",
            headers={"authorization": f"Grant {grant}"},
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise EvidenceUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            await response.aclose()
            raise EvidenceUnavailable(str(response.status_code))

        async def chunks() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.aiter_bytes():
                    yield chunk
            finally:
                await response.aclose()

        return chunks()
