"""Signed webhooks: HMAC-SHA256 over `<timestamp>.<body>` with a shared secret.

Receivers check `X-Peluit-Signature: sha256=<hex>` against the body and `X-Peluit-Timestamp`
(seconds since the epoch) and reject old timestamps, so a captured call cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookFailed(Exception):
    """The receiver did not accept the call (network error or a non-2xx answer)."""


class WebhookPoster:
    def __init__(self, secret: str, timeout: float) -> None:
        self._secret = secret
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def post(self, url: str, body: bytes, delivery_id: int) -> None:
        timestamp = str(int(time.time()))
        headers = {
            "content-type": "application/json",
            "x-peluit-timestamp": timestamp,
            "x-peluit-signature": signature(self._secret, timestamp, body),
            "x-peluit-delivery": str(delivery_id),
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise WebhookFailed(type(exc).__name__) from exc
        if not 200 <= response.status_code < 300:
            raise WebhookFailed(f"HTTP {response.status_code}")

    async def close(self) -> None:
        await self._client.aclose()
