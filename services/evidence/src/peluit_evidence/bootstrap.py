"""The one place that wires the evidence service's concrete parts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import urllib3
from litestar import Litestar
from litestar.openapi.spec import SecurityScheme

from peluit_evidence.adapters.object_store import ObjectStore
from peluit_evidence.entrypoints.api import api
from peluit_evidence.service.retention import purge_handler
from peluit_evidence.settings import EvidenceSettings
from peluit_shared.consumer import subscribe
from peluit_shared.events import CasePurged
from peluit_shared.http import (
    EXCEPTION_HANDLERS,
    health_controller,
    input_edge,
    openapi_config,
    register_unavailable,
    security_headers,
)
from peluit_shared.metrics import request_metrics
from peluit_shared.openapi_docs import complete_openapi, declare_raw_upload
from peluit_shared.runtime import ServiceRuntime
from peluit_shared.topics import CASE_PURGED

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: EvidenceSettings | None = None) -> tuple[Litestar, ServiceRuntime]:
    settings = settings or EvidenceSettings()
    runtime = ServiceRuntime(settings, MIGRATIONS)
    store = ObjectStore(settings)
    # The object store away, wherever it surfaces: 503, never 500.
    register_unavailable(urllib3.exceptions.HTTPError)
    tasks: list[asyncio.Task[None]] = []

    async def start_bucket_task() -> None:
        tasks.append(asyncio.create_task(store.keep_ensuring_bucket(), name="ensure-bucket"))

    runtime.on_startup.append(start_bucket_task)
    runtime.extra_checks["object_store"] = store.ready
    subscribe(
        runtime.broker,
        topic=CASE_PURGED,
        group_id=settings.kafka_group_id,
        model=CasePurged,
        pool_getter=lambda: runtime.pool,
        verifier=runtime.verifier,
        handler=purge_handler(store),
        max_attempts=settings.consumer_max_attempts,
    )
    app = Litestar(
        route_handlers=[
            health_controller(runtime.readiness_checks()),
            api(settings, runtime, store),
        ],
        lifespan=[runtime.lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[request_metrics(), security_headers(), input_edge()],
        openapi_config=openapi_config(
            "Peluit evidence API",
            {
                "grant": SecurityScheme(
                    type="apiKey",
                    name="Authorization",
                    security_scheme_in="header",
                    description="`Grant <token>`: an Ed25519-signed upload or download grant "
                    "from intake or cases",
                )
            },
        ),
        debug=False,
    )
    complete_openapi(app)
    declare_raw_upload(app, "/api/v1/reports/{report_id}/evidence", settings.max_file_bytes, 200)
    return app, runtime
