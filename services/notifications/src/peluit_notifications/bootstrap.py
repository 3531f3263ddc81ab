"""The one place that wires the notifications service's concrete parts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar import Litestar, Response, get
from litestar.openapi.spec import SecurityScheme
from nacl.public import PrivateKey

from peluit_notifications.adapters.smtp import SmtpMailer
from peluit_notifications.domain.retry import RetryPolicy
from peluit_notifications.entrypoints.inbox_api import inbox_api
from peluit_notifications.entrypoints.ops_api import ops_api
from peluit_notifications.entrypoints.subscribers import register_subscribers
from peluit_notifications.service.channels import channel_registry
from peluit_notifications.service.digest import run_if_due
from peluit_notifications.service.planning import Plan
from peluit_notifications.service.sender import Sender
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.http import (
    EXCEPTION_HANDLERS,
    health_controller,
    input_edge,
    openapi_config,
    security_headers,
)
from peluit_shared.keyring import load_private_keys
from peluit_shared.logging import get_logger
from peluit_shared.metrics import request_metrics
from peluit_shared.openapi_docs import complete_openapi
from peluit_shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


class Keys:
    """The private keys reporters' contacts are sealed to; reloaded after a rotation."""

    def __init__(self, key_dir: Path) -> None:
        self._dir, self._seen = key_dir, -1.0
        self._keys: dict[str, PrivateKey] = {}

    def __call__(self) -> dict[str, PrivateKey]:
        try:
            changed = self._dir.stat().st_mtime
        except OSError:
            changed = 0.0
        if not self._keys or changed != self._seen:
            self._keys, self._seen = load_private_keys(self._dir), changed
        return self._keys


def build(settings: NotificationsSettings | None = None) -> tuple[Litestar, ServiceRuntime]:
    settings = settings or NotificationsSettings()
    runtime = ServiceRuntime(settings, MIGRATIONS)
    channels = channel_registry(settings, Keys(settings.key_dir))
    plan = Plan(frozenset(channels), len(settings.webhook_urls))
    register_subscribers(runtime, settings, plan)
    sender = Sender(
        settings.db_dsn,
        lambda: runtime.pool,
        channels,
        RetryPolicy(
            settings.retry_max_attempts, settings.retry_base_seconds, settings.retry_max_seconds
        ),
        batch=settings.sender_batch,
        lease_seconds=settings.send_lease_seconds,
        poll_seconds=settings.sender_poll_seconds,
    )
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from, timeout=2.0)

    async def digests() -> None:
        await _digest_schedule(runtime, settings)

    # One replica schedules the daily digests (each day is also claimed by a unique row).
    runtime.workers.add("digests", digests, once_per_cluster=True)

    @contextlib.asynccontextmanager
    async def background(_: Any) -> AsyncIterator[None]:
        sender.start()  # every replica sends: deliveries are claimed under a lease
        try:
            yield
        finally:
            await sender.stop()

    @get("/health/smtp", include_in_schema=False)
    async def smtp_health() -> Response[dict[str, Any]]:
        # Not part of readiness: mail waits in the delivery log while SMTP is away, and the
        # in-app inbox and the APIs keep working.
        up = await mailer.reachable()
        return Response({"smtp": up}, status_code=200 if up else 503)

    app = Litestar(
        route_handlers=[
            health_controller(runtime.readiness_checks()),
            smtp_health,
            inbox_api(settings, runtime),
            ops_api(settings, runtime),
        ],
        lifespan=[runtime.lifespan, background],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[request_metrics(), security_headers(), input_edge()],
        openapi_config=openapi_config(
            "Peluit notifications API",
            {
                "ops": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="Operators (PELUIT_NOTIFICATIONS_OPS_TOKEN)",
                ),
                "service": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="The cases console (PELUIT_NOTIFICATIONS_SERVICE_TOKEN)",
                ),
            },
        ),
        debug=False,
    )
    complete_openapi(app, {"POST /ops/v1/deliveries/{delivery_id}/retry": (409,)})
    return app, runtime


async def _digest_schedule(runtime: ServiceRuntime, settings: NotificationsSettings) -> None:
    while True:
        try:
            made = await run_if_due(
                runtime.pool, datetime.now(UTC), settings.digest_time, settings.digest_timezone
            )
            if made is not None:
                log.info("digests_scheduled", digests=made)
        except Exception as exc:  # keep the schedule; the next check retries
            log.warning("digest_run_failed", error=type(exc).__name__)
        await asyncio.sleep(settings.digest_check_seconds)
