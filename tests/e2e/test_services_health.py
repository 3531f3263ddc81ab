"""Every service answers liveness, readiness (its DB and Kafka, evidence also S3) and metrics."""

from __future__ import annotations

import httpx
import pytest

from tests.support.stack import SERVICES, ServiceProcess

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
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200
        assert "peluit_outbox_published_total" in metrics.text
        assert metrics.headers["x-content-type-options"] == "nosniff"
