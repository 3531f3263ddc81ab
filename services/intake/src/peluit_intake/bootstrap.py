"""The one place that wires the intake service's concrete parts."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from peluit_intake.adapters.client_sealed import PgRows
from peluit_intake.adapters.receipt_crypto import KdfParams, ReceiptCrypto, default_concurrency
from peluit_intake.adapters.receipt_handoff import ReceiptHandoff
from peluit_intake.adapters.sessions import SessionStore
from peluit_intake.entrypoints.api import ReportsApi
from peluit_intake.entrypoints.http_common import onion_location
from peluit_intake.entrypoints.mailbox_api import MailboxApi
from peluit_intake.entrypoints.subscribers import register_subscribers
from peluit_intake.entrypoints.web.mailbox_pages import MailboxPages
from peluit_intake.entrypoints.web.render import STATIC, publish_onion_address
from peluit_intake.entrypoints.web.report_pages import ReportPages
from peluit_intake.settings import IntakeSettings
from peluit_intake.wiring import Intake, make_throttle
from peluit_shared.http import EXCEPTION_HANDLERS, health_controller, input_edge, security_headers
from peluit_shared.metrics import request_metrics
from peluit_shared.openapi_docs import complete_openapi, declare_raw_upload
from peluit_shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: IntakeSettings | None = None) -> tuple[Litestar, Intake]:
    settings = settings or IntakeSettings()
    runtime = ServiceRuntime(settings, MIGRATIONS)
    # Sessions and receipt hand-offs every replica can find (sealed to the browser's token).
    shared = PgRows(lambda: runtime.pool)
    intake = Intake(
        settings=settings,
        runtime=runtime,
        crypto=ReceiptCrypto(
            params=KdfParams(
                opslimit=settings.argon2_time_cost, memlimit=settings.argon2_memory_kib * 1024
            ),
            concurrency=settings.receipt_kdf_concurrency or default_concurrency(),
        ),
        throttle=make_throttle(settings, runtime),
        sessions=SessionStore(shared, idle_seconds=settings.session_idle_seconds),
        handoff=ReceiptHandoff(shared),
    )
    Intake._current = intake
    if settings.consumers_enabled:
        register_subscribers(intake)

    async def key_present() -> None:
        intake.cases_key()  # fail at start, not at the first report
        intake.notifications_key()
        intake.throttle.hasher.period_key(0)  # the limits' key comes from the grant key file

    runtime.on_startup.append(key_present)
    publish_onion_address(settings.onion_address)
    app = Litestar(
        route_handlers=[
            ReportPages,
            MailboxPages,
            ReportsApi,
            MailboxApi,
            create_static_files_router(path="/static", directories=[STATIC]),
            health_controller(runtime.readiness_checks()),
        ],
        lifespan=[runtime.lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            request_metrics(),
            security_headers(),
            input_edge(),
            onion_location(settings.onion_address),
        ],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Peluit intake API",
            version="1.0.0",
            path="/schema",
            # The JSON document itself at /schema: a UI would pull scripts from a CDN.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
            components=Components(
                security_schemes={
                    "mailbox": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="Token from POST /api/v1/mailbox/session (receipt sign-in)",
                    ),
                    "manual_entry": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="Staff manual-entry token (PELUIT_INTAKE_MANUAL_ENTRY_TOKEN)",
                    ),
                }
            ),
        ),
        debug=False,
    )
    complete_openapi(app)
    declare_raw_upload(app, "/api/v1/mailbox/evidence", settings.max_evidence_bytes)
    return app, intake
