"""Every service answers liveness and readiness (its DB and Kafka, evidence also S3) on its HTTP
port, and metrics only on its internal ops port."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.stack import SERVICES, ServiceProcess, ops_url

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("name", SERVICES)
async def test_service_reports_live_ready_and_metrics(
    services: dict[str, ServiceProcess], name: str
) -> None:
    async with httpx.AsyncClient(base_url=services[name].url) as client:
        assert (await client.get("/health/live")).json() == {"status": "ok"}
        ready = await client.get("/health/ready")
        assert ready.status_code == 200
        checks = ready.json()["checks"]
        assert checks["database"] is True and checks["kafka"] is True
        if name == "evidence":
            assert checks["object_store"] is True
        # Not on the public port: there the outbox counter would tick with every submission.
        assert (await client.get("/metrics")).status_code == 404
    async with httpx.AsyncClient(base_url=ops_url(name)) as ops:
        metrics = await ops.get("/metrics")
        assert metrics.status_code == 200
        assert "peluit_outbox_published_total" in metrics.text
        assert 'peluit_ready{check="database"} 1.0' in metrics.text
        assert "process_resident_memory_bytes" in metrics.text
        # Requests are timed under their route template, never a concrete path.
        assert 'route="/health/ready"' in metrics.text
        routes = set(
            re.findall(r'peluit_http_request_seconds_count\{[^}]*route="([^"]*)"', metrics.text)
        )
        assert routes and all(not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", r) for r in routes)
