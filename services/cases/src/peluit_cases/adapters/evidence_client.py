"""Client of the evidence service's internal API: the ciphertext of a file, as a stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx


class EvidenceUnavailable(Exception):
    """The evidence service could not deliver the file."""


class EvidenceClient:
    def __init__(self, base_url: str, token: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, headers={"authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(30.0, connect=3.0))

    async def ciphertext(self, evidence_id: uuid.UUID) -> AsyncIterator[bytes]:
        """Opens the download (raising EvidenceUnavailable now) and returns its byte stream."""
        request = self._client.build_request(
            "GET", f"/internal/v1/evidence/{evidence_id}/ciphertext")
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
