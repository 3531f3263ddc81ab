"""The one place that wires the notifications service's concrete parts."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from peluit_notifications.service.staff_alerts import notify_case_created
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.consumer import subscribe
from peluit_shared.events import CaseCreated
from peluit_shared.http import EXCEPTION_HANDLERS, health_controller, security_headers
from peluit_shared.runtime import ServiceRuntime
from peluit_shared.topics import CASE_CREATED

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: NotificationsSettings | None = None) -> tuple[Litestar, ServiceRuntime]:
    settings = settings or NotificationsSettings()
    runtime = ServiceRuntime(settings, MIGRATIONS)
    subscribe(
        runtime.broker,
        topic=CASE_CREATED,
        group_id=settings.kafka_group_id,
        model=CaseCreated,
        pool_getter=lambda: runtime.pool,
        handler=notify_case_created,
        max_attempts=settings.consumer_max_attempts,
    )
    app = Litestar(
        route_handlers=[health_controller(runtime.readiness_checks())],
        lifespan=[runtime.lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers()],
        openapi_config=None,
        debug=False,
    )
    return app, runtime
