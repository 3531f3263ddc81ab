"""Small HTTP helpers shared by the JSON API and the pages: source, throttling answers, tokens."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from pydantic import BaseModel

from peluit_intake.wiring import Intake
from peluit_shared.http import client_address, problem

TOO_MANY = ("Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Try again later.")
WRONG_RECEIPT = (
    "Kode rahasia tidak dikenali. Periksa kembali 20 angka kode Anda.",
    "The receipt was not recognised. Check the 20 digits of your receipt.",
)


def onion_location(address: str) -> Callable[[ASGIApp], ASGIApp]:
    """`Onion-Location` on every page: Tor Browser then offers the same page on the onion."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or not address:
                await app(scope, receive, send)
                return

            async def send_with_header(message: Message) -> None:
                if message["type"] == "http.response.start":
                    path = scope.get("raw_path", b"/") or b"/"
                    if scope.get("query_string"):
                        path += b"?" + scope["query_string"]
                    headers = list(message.get("headers", []))
                    headers.append((b"onion-location", b"http://" + address.encode() + path))
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, send_with_header)

        return wrapped

    return middleware


def source_of(request: Request[Any, Any, Any], trusted_proxy_hops: int | None = None) -> str:
    """Who is asking (`client_address`), used only as input to a rotating HMAC."""
    hops = trusted_proxy_hops
    if hops is None:
        hops = Intake.current().settings.trusted_proxy_hops
    return client_address(request, hops)


def too_many(retry_after: int) -> Response[Any]:
    response = problem(
        429, TOO_MANY[1], message=TOO_MANY[0], message_en=TOO_MANY[1], retry_after=retry_after
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


KEY_REUSED = (
    "Idempotency-Key ini sudah dipakai untuk isi yang lain; tidak ada yang diubah.",
    "This Idempotency-Key was already used with a different body; nothing was changed.",
)


def key_reused() -> Response[Any]:
    return problem(
        409,
        KEY_REUSED[1],
        message=KEY_REUSED[0],
        message_en=KEY_REUSED[1],
        code="idempotency_key_reused",
    )


def bearer(request: Request[Any, Any, Any]) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def manual_entry_allowed(request: Request[Any, Any, Any], expected: str) -> bool:
    token = bearer(request)
    return token is not None and hmac.compare_digest(token.encode(), expected.encode())


class FieldProblem(BaseModel):
    field: str
    message: str
    message_en: str


class Problem(BaseModel):
    """RFC 9457 problem details, titles and messages in Indonesian and English."""

    type: str = "about:blank"
    status: int
    title: str
    title_en: str
    detail: str | None = None
    message: str | None = None
    message_en: str | None = None
    retry_after: int | None = None
    errors: list[FieldProblem] | None = None


def documented(success: int, model: type[BaseModel], *problems: int) -> dict[int, ResponseSpec]:
    """OpenAPI responses of a handler that returns `Response[Any]` (success or a problem)."""
    specs = {success: ResponseSpec(data_container=model, description="OK")}
    for status in problems:
        specs[status] = ResponseSpec(
            data_container=Problem, description="Problem", media_type="application/problem+json"
        )
    return specs
