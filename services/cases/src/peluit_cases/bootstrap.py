"""The one place that wires the cases service's concrete parts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from peluit_cases.adapters import audit_repo
from peluit_cases.console.account_pages import AccountPages
from peluit_cases.console.auth_pages import AuthPages
from peluit_cases.console.case_pages import CasePages
from peluit_cases.console.errors import CONSOLE_HANDLERS
from peluit_cases.console.notification_pages import NotificationPages
from peluit_cases.console.oversight_pages import OversightPages
from peluit_cases.console.web import STATIC
from peluit_cases.entrypoints.account_api import AccountApi, KeyGrantApi
from peluit_cases.entrypoints.auth_api import AuthApi
from peluit_cases.entrypoints.cases_api import CasesApi, IdentityRequestsApi, WorkflowApi
from peluit_cases.entrypoints.oversight_api import OversightApi
from peluit_cases.entrypoints.subscribers import register_subscribers
from peluit_cases.service.audit_anchor import start_anchoring
from peluit_cases.service.deadlines import check_deadlines
from peluit_cases.service.errors import Invalid, Refused
from peluit_cases.settings import CasesSettings
from peluit_cases.wiring import Cases
from peluit_shared.http import (
    EXCEPTION_HANDLERS,
    health_controller,
    input_edge,
    problem,
    security_headers,
)
from peluit_shared.logging import get_logger
from peluit_shared.metrics import request_metrics
from peluit_shared.openapi_docs import complete_openapi
from peluit_shared.runtime import ServiceRuntime
from peluit_shared.validation import field_error

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


def on_refused(_: Request[Any, Any, Any], exc: Refused) -> Response[dict[str, Any]]:
    if isinstance(exc, Invalid):
        return problem(exc.status, exc.message, errors=[field_error(exc.field, exc.message)])
    return problem(exc.status, exc.message, **exc.extra)


def _deadline_watch(cases: Cases) -> None:
    async def loop() -> None:
        while True:
            await asyncio.sleep(cases.settings.deadline_check_seconds)
            try:
                sent = await check_deadlines(cases.runtime.pool, cases.calendar)
                if sent:
                    log.info("deadline_notices", sent=sent)
            except Exception as exc:  # keep watching; the next round retries
                log.warning("deadline_check_failed", error=type(exc).__name__)

    # One replica watches (each notice is also claimed by a unique row).
    cases.runtime.workers.add("deadline-watch", loop, once_per_cluster=True)


def build(settings: CasesSettings | None = None) -> tuple[Litestar, Cases]:
    settings = settings or CasesSettings()
    runtime = ServiceRuntime(settings, MIGRATIONS)
    cases = Cases(settings=settings, runtime=runtime)

    async def keys_present() -> None:
        if not cases.keys():
            raise RuntimeError(
                f"no private key in {settings.key_dir}; run `peluit-cases keys ensure`"
            )

    async def audit_ready() -> None:
        # No audit log, no service: the key (outside the database) and the schema (made by the
        # admin's provision) must both be there; the first log is re-chained once.
        audit_repo.use_key(audit_repo.load_key(settings.audit_key))
        async with runtime.pool.acquire() as conn:
            await audit_repo.check_schema(conn)
            imported = await audit_repo.import_legacy(conn)
        if imported:
            log.info("audit_v1_imported", entries=imported)

    runtime.on_startup.append(keys_present)
    runtime.on_startup.append(audit_ready)
    start_anchoring(cases)
    register_subscribers(cases)
    _deadline_watch(cases)
    console = Router(
        path="/",
        route_handlers=[AuthPages, CasePages, OversightPages, AccountPages, NotificationPages],
        exception_handlers=CONSOLE_HANDLERS,
        include_in_schema=False,
    )
    app = Litestar(
        route_handlers=[
            AuthApi,
            CasesApi,
            WorkflowApi,
            IdentityRequestsApi,
            OversightApi,
            AccountApi,
            KeyGrantApi,
            console,
            create_static_files_router(path="/console/static", directories=[STATIC]),
            health_controller(runtime.readiness_checks()),
        ],
        dependencies={"cases": Provide(lambda: cases, sync_to_thread=False)},
        lifespan=[runtime.lifespan],
        exception_handlers={**EXCEPTION_HANDLERS, Refused: on_refused},
        middleware=[request_metrics(), security_headers(), input_edge()],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Peluit cases API",
            version="1.0.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(
                security_schemes={
                    "staff": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="Token from POST /api/v1/auth/login (password + TOTP)",
                    )
                }
            ),
        ),
        debug=False,
    )
    complete_openapi(app, {"POST /api/v1/auth/login": (401, 429)}, refusals=(409,))
    return app, cases
