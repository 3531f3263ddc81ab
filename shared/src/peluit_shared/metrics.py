"""Prometheus metrics every service shares, served on an internal ops port, never the public one.

Labels carry route templates, methods, status classes, topics and check names: never an id, a
report number or anything a person typed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from threading import Thread
from typing import Any
from wsgiref.simple_server import WSGIServer

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Gauge, Histogram, start_http_server

from peluit_shared.logging import get_logger

log = get_logger(__name__)

REQUEST_SECONDS = Histogram(
    "peluit_http_request_seconds",
    "HTTP requests by route template, method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
READY = Gauge("peluit_ready", "1 when a readiness check passes, 0 when it fails", ["check"])

UNROUTED = "unrouted"  # a request that matched no route (its path may carry anything)


def request_metrics() -> Callable[[ASGIApp], ASGIApp]:
    """Middleware timing every HTTP request under its route template (after routing)."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = [500]

            async def record_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status[0] = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, record_status)
            finally:
                route = str(scope.get("path_template") or UNROUTED)
                REQUEST_SECONDS.labels(
                    route, scope.get("method", "?"), f"{status[0] // 100}xx"
                ).observe(time.perf_counter() - started)

        return wrapped

    return middleware


class OpsServer:
    """`/metrics` on the ops port: a small thread bound to an internal address."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._server: WSGIServer | None = None
        self._thread: Thread | None = None

    def start(self) -> None:
        if self.port <= 0:
            return
        self._server, self._thread = start_http_server(self.port, addr=self.host)
        log.info("ops_port_listening", port=self.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


async def watch_readiness(
    checks: dict[str, Callable[[], Awaitable[bool]]], every_seconds: float = 10.0
) -> None:
    """Keep `peluit_ready{check}` current, so an alert fires when readiness fails."""
    while True:
        names = list(checks)
        results: list[Any] = await asyncio.gather(
            *(checks[n]() for n in names), return_exceptions=True
        )
        for name, result in zip(names, results, strict=True):
            READY.labels(name).set(1.0 if result is True else 0.0)
        await asyncio.sleep(every_seconds)


async def cancel(task: asyncio.Task[Any] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
