"""HTTP plumbing every service shares: health, problem responses, security headers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from peluit_shared.logging import get_logger
from peluit_shared.validation import field_error

ReadinessCheck = Callable[[], Awaitable[bool]]
log = get_logger(__name__)

PROBLEM = "application/problem+json"

# People read these; both languages, Indonesian first.
TITLES: dict[int, tuple[str, str]] = {
    400: ("Permintaan tidak valid", "Invalid request"),
    401: ("Perlu masuk", "Authentication required"),
    403: ("Akses ditolak", "Forbidden"),
    404: ("Tidak ditemukan", "Not found"),
    405: ("Metode tidak diizinkan", "Method not allowed"),
    409: ("Konflik", "Conflict"),
    413: ("Data terlalu besar", "Request body too large"),
    415: ("Jenis konten tidak didukung", "Unsupported media type"),
    422: ("Data tidak valid", "Invalid data"),
    429: ("Terlalu banyak permintaan", "Too many requests"),
    500: ("Terjadi kesalahan pada server", "Internal server error"),
    503: ("Layanan belum siap", "Service unavailable"),
}


def problem(status: int, detail: str | None = None, **extra: Any) -> Response[dict[str, Any]]:
    title_id, title_en = TITLES.get(status, ("Kesalahan", "Error"))
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "title": title_id,
        "title_en": title_en,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM)


def _field_errors(exc: ValidationException) -> list[dict[str, Any]]:
    return [
        field_error(str(item.get("key") or item.get("source") or "body"), str(item.get("message")))
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]


def on_http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    if isinstance(exc, ValidationException):
        errors = _field_errors(exc)
        if not errors:  # the body itself could not be read as JSON
            errors = [field_error("body", f"JSON tidak valid | Malformed JSON: {exc.detail}")]
            return problem(400, exc.detail, errors=errors)
        return problem(422, exc.detail, errors=errors)
    if isinstance(exc, NotFoundException):
        return problem(404)
    if exc.status_code == 400 and not exc.extra:  # the body could not be decoded at all
        errors = [field_error("body", f"JSON tidak valid | Malformed JSON: {exc.detail}")]
        return problem(400, exc.detail, errors=errors)
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    return problem(exc.status_code, exc.detail, **extra)


def on_unexpected(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled_error", error=type(exc).__name__)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}


def health_controller(checks: dict[str, ReadinessCheck]) -> type[Controller]:
    """`/health/live` and `/health/ready` (every named check must pass); metrics are elsewhere."""

    class Health(Controller):
        path = "/"
        include_in_schema = False

        @get("/health/live", sync_to_thread=False)
        def live(self) -> dict[str, str]:
            return {"status": "ok"}

        @get("/health/ready")
        async def ready(self) -> Response[dict[str, Any]]:
            names = list(checks)
            results = await asyncio.gather(*(checks[n]() for n in names), return_exceptions=True)
            status = {n: (r is True) for n, r in zip(names, results, strict=True)}
            ok = all(status.values())
            return Response(
                {"status": "ok" if ok else "unavailable", "checks": status},
                status_code=200 if ok else 503,
            )

    return Health


def security_headers(
    csp: str = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'",
) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware adding strict security headers to every response."""
    headers = [
        (b"content-security-policy", csp.encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
        # Browsers ignore it over plain HTTP; behind the TLS entry it pins HTTPS for two years.
        (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    ]
    names = {h for h, _ in headers}

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    existing = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() not in names
                    ]
                    message["headers"] = existing + headers
                await send(message)

            await app(scope, receive, send_with_headers)

        return wrapped

    return middleware
