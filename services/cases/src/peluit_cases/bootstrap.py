"""The one place that wires the cases service's concrete parts."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

from peluit_cases.entrypoints.auth_api import AuthApi
from peluit_cases.entrypoints.cases_api import CasesApi
from peluit_cases.entrypoints.subscribers import register_subscribers
from peluit_cases.settings import CasesSettings
from peluit_cases.wiring import Cases
from peluit_shared.http import EXCEPTION_HANDLERS, health_controller, security_headers
from peluit_shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: CasesSettings | None = None) -> tuple[Litestar, Cases]:
    settings = settings or CasesSettings()
    runtime = ServiceRuntime(settings, MIGRATIONS)
    cases = Cases(settings=settings, runtime=runtime)
    Cases._current = cases

    async def keys_present() -> None:
        if not cases.keys():
            raise RuntimeError(
                f"no private key in {settings.key_dir}; run `peluit-cases keys ensure`"
            )

    runtime.on_startup.append(keys_present)
    register_subscribers(cases)
    app = Litestar(
        route_handlers=[AuthApi, CasesApi, health_controller(runtime.readiness_checks())],
        lifespan=[runtime.lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers()],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Peluit cases API", version="1.0.0", path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        debug=False,
    )
    return app, cases
