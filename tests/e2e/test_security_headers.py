"""Every response carries strict security headers."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.stack


async def test_api_responses_carry_strict_security_headers(
    intake_client: httpx.AsyncClient,
) -> None:
    for r in (
        await intake_client.get("/health/live"),
        await intake_client.post("/api/v1/reports", content=b"{"),
        await intake_client.get("/"),
        await intake_client.get("/report"),
    ):
        h = r.headers
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "default-src 'self'" in h["content-security-policy"]
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store"
        assert h["x-content-type-options"] == "nosniff"
        assert "camera=()" in h["permissions-policy"]
        assert "server" not in h
        assert h["strict-transport-security"].startswith("max-age=63072000")
