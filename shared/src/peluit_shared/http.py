"""HTTP plumbing every service shares: the input edge, problem responses (bad input 4xx,
faults 503), request ids, health and security headers (metrics: peluit_shared.metrics)."""

from __future__ import annotations

import asyncio
import html
import json
import re
import secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, get_args
from urllib.parse import unquote_to_bytes

import asyncpg
import httpx
import structlog
from litestar import Controller, Request, Response, get
from litestar._asgi.utils import wrap_in_exception_handler
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, Reference, SecurityScheme
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from peluit_shared.logging import get_logger
from peluit_shared.validation import (
    CONTROL_CHARACTER,
    INVALID_UTF8,
    MAX_JSON_DEPTH,
    OUT_OF_RANGE,
    field_error,
    has_control,
    int_out_of_range,
    json_value_errors,
    text_field_errors,
)

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
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        body["request_id"] = request_id
    return Response(body, status_code=status, media_type=PROBLEM)


def _field_errors(exc: ValidationException) -> list[dict[str, Any]]:
    return [
        field_error(str(item.get("key") or item.get("source") or "body"), str(item.get("message")))
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]


def on_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, BadInput):
        return _answer(request, exc.status_code, exc.errors)
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


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if unavailable(exc):
        return on_unavailable(request, exc)
    if any(isinstance(e, asyncpg.DataError) for e in _chain(exc)):
        # A value the database refuses (a type's range, say) is the client's, not a fault.
        log.warning("refused_by_database", error=type(exc).__name__)
        return _answer(request, 422, [field_error("body", REFUSED_VALUE)])
    log.exception("unhandled_error", error=type(exc).__name__)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR)


# --- Faults: a dependency that is away is a 503 the client may retry, never a 500 ---

RETRY_AFTER_SECONDS = 30
NOT_SENT = (
    "Permintaan Anda belum diproses; tidak ada yang hilang; coba lagi sebentar lagi.",
    "Your request was not processed yet; nothing was lost; try again in a minute.",
)
REFUSED_VALUE = (
    "Nilai tidak dapat diterima (mis. di luar jangkauan) | "
    "A value could not be accepted (e.g. out of range)"
)
# Exceptions that mean "a dependency is away", wherever they surface (their causes are walked).
UNAVAILABLE: list[type[BaseException]] = [
    OSError,  # ConnectionRefusedError, ConnectionResetError, TimeoutError ...
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # pool closing, connection released or closed mid-query
    asyncpg.exceptions.OperatorInterventionError,  # CannotConnectNow, AdminShutdown ...
    asyncpg.exceptions.InsufficientResourcesError,  # TooManyConnections, disk full ...
    httpx.TransportError,  # a peer service (intake, evidence, notifications) cannot be reached
]


def register_unavailable(*types: type[BaseException]) -> None:
    """A service adds its own clients' "cannot reach" errors (object store, HTTP peers)."""
    for kind in types:
        if kind not in UNAVAILABLE:
            UNAVAILABLE.append(kind)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, BaseExceptionGroup):
            todo.extend(item.exceptions)
        for nxt in (item.__cause__, item.__context__):
            if nxt is not None:
                todo.append(nxt)


def unavailable(exc: BaseException) -> bool:
    kinds = tuple(UNAVAILABLE)
    return any(isinstance(e, kinds) for e in _chain(exc))


class Unavailable(Exception):
    """Raise to answer 503 with Retry-After (a dependency is away)."""


def unavailable_response(request: Request[Any, Any, Any] | None = None) -> Response[Any]:
    if request is not None and wants_html(request):
        response = html_problem(503, [], message=NOT_SENT, kept=kept_fields(request))
    else:
        response = problem(
            503,
            NOT_SENT[1],
            message=NOT_SENT[0],
            message_en=NOT_SENT[1],
            retry_after=RETRY_AFTER_SECONDS,
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def on_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.warning("dependency_unavailable", error=type(exc).__name__)
    return unavailable_response(request)


# --- HTML answers for the no-JavaScript forms ---


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """A browser's form post or page load (not an API client)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return True
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept


FORM_STATE = "peluit_form"
_NOT_KEPT = ("csrf", "password", "totp", "receipt", "submission", "token")


def kept_fields(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """What a form post carried (read by the input edge), secrets left out: shown back when the
    post could not be processed, so nothing typed is lost even if Back is not an option."""
    pairs = (request.scope.get("state") or {}).get(FORM_STATE) or []
    return [
        (name, value)
        for name, value in pairs
        if value.strip() and not any(word in name.lower() for word in _NOT_KEPT)
    ]


def html_problem(
    status: int,
    errors: list[dict[str, Any]],
    message: tuple[str, str] | None = None,
    kept: list[tuple[str, str]] | None = None,
) -> Response[Any]:
    """A plain bilingual page naming each field; the browser's Back keeps what was typed, and
    `kept` shows it again (read-only, to copy) in case Back does not."""
    title_id, title_en = TITLES.get(status, ("Kesalahan", "Error"))
    items = "".join(
        f"<li><b>{html.escape(e['field'])}</b>: {html.escape(e['message'])} / "
        f"{html.escape(e['message_en'])}</li>"
        for e in errors
    )
    lead = (
        f"<p>{html.escape(message[0])}</p><p lang=en>{html.escape(message[1])}</p>"
        if message
        else ""
    )
    request_id = structlog.contextvars.get_contextvars().get("request_id", "")
    page = (
        "<!doctype html><html lang=id><meta charset=utf-8>"
        f"<title>{html.escape(title_id)}</title><h1>{html.escape(title_id)} / "
        f"{html.escape(title_en)}</h1>{lead}<ul class=errors>{items}</ul>"
        + (
            "<p>Kembali ke halaman sebelumnya dan perbaiki isian di atas. / Go back to the "
            "previous page and correct the fields above.</p>"
            if errors
            else "<p>Kembali ke halaman sebelumnya dan kirim lagi sebentar lagi. / Go back to the "
            "previous page and send again in a minute.</p>"
        )
        + (
            "<h2>Isian Anda (tidak ada yang hilang) / What you entered (nothing was lost)</h2>"
            + "".join(
                f"<p><label>{html.escape(name)}<br><textarea readonly rows=4 cols=80>"
                f"{html.escape(value)}</textarea></label></p>"
                for name, value in kept
            )
            if kept
            else ""
        )
        + f"<p><small>ID: {html.escape(str(request_id))}</small></p></html>"
    )
    return Response(page, status_code=status, media_type="text/html")


def _answer(
    request: Request[Any, Any, Any], status: int, errors: list[dict[str, Any]]
) -> Response[Any]:
    if wants_html(request):
        return html_problem(status, errors)
    return problem(status, TITLES.get(status, ("", "Error"))[1], errors=errors)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    Unavailable: on_unavailable,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}


# --- The input edge: every body and parameter is checked before a handler or SQL sees it ---


class BadInput(HTTPException):
    """Input refused at the edge: the status and the fields it names."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(status_code=status, detail=TITLES.get(status, ("", "Error"))[1])
        self.errors = errors


_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_JSON_TYPES = ("application/json",)
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_MAX_BODY = 1024 * 1024
MALFORMED = "JSON tidak valid | Malformed JSON"
TOO_DEEP = (
    f"JSON terlalu dalam (maksimal {MAX_JSON_DEPTH} tingkat) | "
    f"JSON nested too deeply (at most {MAX_JSON_DEPTH} levels)"
)
UNSUPPORTED = "Gunakan application/json atau formulir | Send application/json or a form"


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    depth = 0
    for b in brackets:
        depth += 1 if b in b"[{" else -1
        if depth > limit:
            return True
    return False


def _decode(raw: bytes, field: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(400, [field_error(field, INVALID_UTF8)]) from None


def _pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """`a=1&b=2` (query string or form body) decoded strictly as UTF-8."""
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        key = _decode(unquote_to_bytes(name.replace(b"+", b" ")), where)
        pairs.append((key, _decode(unquote_to_bytes(value.replace(b"+", b" ")), key or where)))
    return pairs


def _int_params(scope: Scope) -> set[str]:
    """Query parameters the route handler declares as integers."""
    handler = scope.get("route_handler")
    names: set[str] = set()
    try:
        parameters = handler.parsed_fn_signature.parameters
    except AttributeError:
        return names
    for name, field in parameters.items():
        kinds = {field.annotation, *get_args(field.annotation)}
        if int in kinds:
            kwarg = getattr(field.kwarg_definition, "query", None)
            names.add(kwarg or name)
    return names


def check_parameters(scope: Scope) -> None:
    """Path and query: strict UTF-8, no control characters, integers within 64 bits."""
    raw_path = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
    path = _decode(unquote_to_bytes(raw_path), "path")
    errors = []
    if has_control(path, one_line=True):
        errors.append(field_error("path", CONTROL_CHARACTER))
    for name, value in (scope.get("path_params") or {}).items():
        if isinstance(value, int) and not isinstance(value, bool) and int_out_of_range(value):
            errors.append(field_error(name, OUT_OF_RANGE))
    query = _pairs(scope.get("query_string", b""), "query")
    errors += text_field_errors(query, one_line=True)
    ints = _int_params(scope)
    for name, value in query:
        digits = name in ints and re.fullmatch(r"\s*[+-]?\d{1,4000}\s*", value)
        if digits and int_out_of_range(int(value)):
            errors.append(field_error(name, OUT_OF_RANGE))
    if errors:
        raise BadInput(422, errors)


def check_body(
    content_type: str, body: bytes, *, form_fields_rendered: bool = False
) -> list[tuple[str, str]] | None:
    """The form's fields (for `kept_fields`), after the checks; None for JSON."""
    if content_type.startswith(_FORM):
        pairs = _pairs(body, "body")
        errors = text_field_errors(pairs)
        if errors and not form_fields_rendered:
            raise BadInput(422, errors)
        return pairs
    if json_too_deep(body):
        raise BadInput(400, [field_error("body", TOO_DEEP)])
    text = _decode(body, "body")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise BadInput(400, [field_error("body", MALFORMED)]) from None
    errors = json_value_errors(value)
    if errors:
        raise BadInput(422, errors)
    return None


def _reads_json(handler: object) -> bool:
    """True when the handler's `data` is a JSON body (litestar would parse a form as JSON)."""
    signature = getattr(handler, "parsed_fn_signature", None)
    data = signature.parameters.get("data") if signature is not None else None
    if data is None:
        return False
    media = getattr(getattr(data, "kwarg_definition", None), "media_type", None)
    return media in (None, RequestEncodingType.JSON)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise BadInput(400, [field_error("body", MALFORMED)])
        chunk: bytes = message.get("body", b"")  # type: ignore[assignment]
        size += len(chunk)
        if size > limit:
            raise BadInput(413, [field_error("body", "Data terlalu besar | Body too large")])
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def input_edge() -> Callable[[ASGIApp], ASGIApp]:
    """Middleware every service puts on every route, before the handler reads anything.

    A random request id (never derived from the client) and the route template go into every
    log line of the request, the problem body and `X-Request-Id`. Then: path and query decoded
    as strict UTF-8 (else 400), without control characters (422 naming the parameter), integer
    parameters within 64 bits (422). Bodies: JSON and forms are read (within the route's size
    limit, else 413), strict UTF-8 (400), JSON at most `MAX_JSON_DEPTH` deep (400), no control
    character in any string or field (422 naming it), integers within 64 bits (422); any other
    content type is a 415 unless the route declares `opt={"raw_body": True}` (file uploads).
    Multipart forms are parsed by their handlers, which apply `text_field_errors`; so do form
    routes that declare `opt={"form_fields": True}` (they re-render the form with the messages).
    A form route that declares `opt={"own_size_page": True}` gets a form body over the limit (or
    of undeclared length) untouched, and must refuse it itself without reading it.
    """

    def middleware(app: ASGIApp) -> ASGIApp:
        async def checked(scope: Scope, receive: Receive, send: Send) -> None:
            check_parameters(scope)
            handler = scope.get("route_handler")
            opt = getattr(handler, "opt", {}) or {}
            content_type = _header(scope, b"content-type").lower().strip()
            has_body = _header(scope, b"content-length") not in ("", "0") or bool(
                _header(scope, b"transfer-encoding")
            )
            if scope.get("method") in _BODY_METHODS and has_body and not opt.get("raw_body"):
                if content_type.startswith(_MULTIPART):
                    if _reads_json(handler):  # a JSON route: never parse the parts as JSON
                        raise BadInput(415, [field_error("content-type", UNSUPPORTED)])
                elif (
                    content_type.startswith(_FORM)
                    or content_type.startswith(_JSON_TYPES)
                    or (
                        content_type.startswith("application/")
                        and content_type.split(";")[0].endswith("+json")
                    )
                ):
                    limit = getattr(scope.get("litestar_app"), "request_max_body_size", None)
                    if hasattr(handler, "resolve_request_max_body_size"):
                        limit = handler.resolve_request_max_body_size() or limit
                    limit = limit or DEFAULT_MAX_BODY
                    declared = _header(scope, b"content-length")
                    if opt.get("own_size_page") and (
                        not declared.isdigit() or int(declared) > limit
                    ):
                        # The route answers an oversize form with its own page in words and
                        # reads nothing of it: leave the body to it.
                        await app(scope, receive, send)
                        return
                    body = await _read_body(receive, limit)
                    pairs = check_body(
                        content_type, body, form_fields_rendered=bool(opt.get("form_fields"))
                    )
                    if pairs is not None:
                        scope.setdefault("state", {})[FORM_STATE] = pairs
                    receive = _replay(body, receive)
                else:
                    raise BadInput(415, [field_error("content-type", UNSUPPORTED)])
            await app(scope, receive, send)

        guarded = wrap_in_exception_handler(app=checked)

        async def entry(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            request_id = secrets.token_hex(8)
            # Each request runs in its own task: these bindings end with it.
            structlog.contextvars.bind_contextvars(
                request_id=request_id, route=scope.get("path_template", "?")
            )

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"x-request-id", request_id.encode()),
                    ]
                await send(message)

            await guarded(scope, receive, send_with_id)

        return entry

    return middleware


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def openapi_config(
    title: str, security_schemes: dict[str, SecurityScheme | Reference] | None = None
) -> OpenAPIConfig:
    """The service's OpenAPI document as JSON at /schema (a UI would pull scripts from a CDN).
    Every route may also answer 400/413/415/422 (the input edge) and 503 (a dependency away)."""
    return OpenAPIConfig(
        title=title,
        version="1.0.0",
        path="/schema",
        render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        components=Components(security_schemes=dict(security_schemes or {})),
    )


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
    *,
    replace: bool = True,
) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware adding strict security headers to every response.

    `replace=False` only fills in the ones a response lacks: `serve()` wraps the whole app in
    it, because the framework answers an unknown path or method (404/405) before any route
    middleware runs, and those pages too must pin HTTPS."""
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
                    current = list(message.get("headers", []))
                    if replace:
                        kept = [(k, v) for k, v in current if k.lower() not in names]
                        message["headers"] = kept + headers
                    else:
                        present = {k.lower() for k, _ in current}
                        message["headers"] = current + [h for h in headers if h[0] not in present]
                await send(message)

            await app(scope, receive, send_with_headers)

        return wrapped

    return middleware


def client_address(request: Request[Any, Any, Any], trusted_proxy_hops: int = 0) -> str:
    """Who is asking, for per-source limits only (an HMAC input; never stored or logged).

    The socket peer; behind `trusted_proxy_hops` reverse proxies that append to
    X-Forwarded-For (the local balancer does), the address the outermost of them saw: the n-th
    entry from the right. Entries further left are whatever the client claimed, and ignored.
    """
    peer = request.client.host if request.client else "unknown"
    if trusted_proxy_hops <= 0:
        return peer
    chain = [
        part.strip()
        for value in request.headers.getall("x-forwarded-for", [])
        for part in value.split(",")
        if part.strip()
    ]
    return chain[-trusted_proxy_hops] if len(chain) >= trusted_proxy_hops else peer
