"""Completes a service's generated OpenAPI document with the answers every route can give.

Litestar documents what a handler declares. The shared plumbing answers for every route too:
the input edge (400 unreadable body or parameter, 413 too large, 415 unknown content type, 422 a
control character or an out-of-range integer), the auth guards (401 no or wrong credentials,
403 not allowed), the router (404 for an unknown id in the path) and the fault handler (503 with
Retry-After). Each is added to every operation it can happen on, as a problem document
(`application/problem+json`, RFC 9457) with the same schema as the real answer. The fuzz test
(tests/e2e/test_fuzz_all_services.py) fails on any status or body the document does not name.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.enums import ParamType
from litestar.openapi.spec import (
    Components,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    Reference,
    RequestBody,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from peluit_shared.http import PROBLEM, TITLES

_METHODS = ("get", "put", "post", "delete", "patch")
_WITH_BODY = ("put", "post", "patch", "delete")

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["status", "title"],
    description="A problem (RFC 9457) with Indonesian and English titles and field errors",
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "title": Schema(type=OpenAPIType.STRING, description="Indonesian"),
        "title_en": Schema(type=OpenAPIType.STRING, description="English"),
        "detail": Schema(type=OpenAPIType.STRING),
        "request_id": Schema(
            type=OpenAPIType.STRING, description="Also in the X-Request-Id header and the logs"
        ),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["field", "message"],
                properties={
                    "field": Schema(type=OpenAPIType.STRING),
                    "message": Schema(type=OpenAPIType.STRING, description="Indonesian | English"),
                },
            ),
        ),
    },
)

WHY: dict[int, str] = {
    400: "Unreadable input: invalid UTF-8, malformed or too deeply nested JSON, a bad parameter",
    401: "No or wrong credentials",
    403: "Not allowed for these credentials",
    429: "Too many attempts; wait before trying again",
    404: "Nothing with this id",
    413: "Body larger than the service accepts",
    409: "Conflicts with what is stored (e.g. an Idempotency-Key reused for other content)",
    415: "Content type the route does not take",
    422: "A field breaks a rule (control characters, lengths, ranges); `errors` names it",
    503: "A dependency (database, Kafka, object store, mail) is away; retry after Retry-After",
}


def _retry_after() -> OpenAPIHeader:
    return OpenAPIHeader(schema=Schema(type=OpenAPIType.INTEGER), description="Seconds to wait")


def _problem(status: int) -> OpenAPIResponse:
    headers: dict[str, OpenAPIHeader | Reference] = {}
    if status == 503:
        headers["Retry-After"] = _retry_after()
    return OpenAPIResponse(
        description=f"{TITLES[status][1]}. {WHY[status]}",
        content={PROBLEM: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
        headers=headers or None,
    )


def _litestar_default(response: OpenAPIResponse | Reference) -> bool:
    """Litestar's own 400 (a ValidationException body), which Peluit never sends."""
    if not isinstance(response, OpenAPIResponse) or not response.content:
        return False
    return all(PROBLEM not in media for media in response.content) and (
        "Bad request syntax" in (response.description or "")
    )


def statuses_for(method: str, operation: Operation) -> list[int]:
    """The shared answers `operation` can give."""
    out = [400, 422, 503]
    if method in _WITH_BODY:
        out += [413, 415]
    requirements = operation.security or []
    if requirements and {} not in requirements:
        out += [401, 403]
    elif any(req for req in requirements):  # optional auth: a wrong token is still refused
        out += [401]
    if any(getattr(p, "param_in", None) == "path" for p in operation.parameters or []):
        out.append(404)
    return sorted(out)


def complete_openapi(
    app: Litestar,
    extra: dict[str, tuple[int, ...]] | None = None,
    refusals: tuple[int, ...] = (),
) -> None:
    """Add the shared answers to every operation of `app`'s document (call after building).

    `extra` adds a route's own answers the handler does not declare, by "METHOD /path";
    `refusals` the answers every authenticated operation may give (a use case's refusal).
    """
    extra = extra or {}
    doc = app.openapi_schema
    doc.components = doc.components or Components()
    schemas = dict(doc.components.schemas or {})
    schemas["Problem"] = PROBLEM_SCHEMA
    doc.components.schemas = schemas
    for path, item in (doc.paths or {}).items():
        for method in _METHODS:
            operation: Operation | None = getattr(item, method, None)
            if operation is None:
                continue
            responses: dict[str, Any] = dict(operation.responses or {})
            own = extra.get(f"{method.upper()} {path}", ())
            if operation.security:
                own = (*own, *refusals)
            for status in sorted({*statuses_for(method, operation), *own}):
                key = str(status)
                if key not in responses or _litestar_default(responses[key]):
                    responses[key] = _problem(status)
            unavailable = responses.get("503")
            if isinstance(unavailable, OpenAPIResponse):  # a route's own 503 also says when
                unavailable.headers = {"Retry-After": _retry_after(), **(unavailable.headers or {})}
            operation.responses = responses


FILENAME_MAX = 255  # evidence's domain.filenames.MAX_NAME (after percent-decoding)
IDEMPOTENCY_KEY_MAX = 100


def declare_raw_upload(
    app: Litestar, path: str, max_bytes: int, replayed_status: int | None = None
) -> None:
    """Document a route that takes a file's raw bytes as its body (litestar cannot see them):
    the body, the X-Filename and Idempotency-Key headers and the limits the service enforces.
    """
    item = (app.openapi_schema.paths or {})[path]
    operation = item.post
    assert operation is not None, path
    operation.request_body = RequestBody(
        required=True,
        description=f"The file's bytes (at most {max_bytes} bytes); the type is decided "
        "from the content, not from Content-Type",
        content={
            "application/octet-stream": OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            )
        },
    )
    operation.parameters = [
        *(operation.parameters or []),
        Parameter(
            name="X-Filename",
            param_in=ParamType.HEADER,
            required=True,
            description="The file name, percent-encoded UTF-8; no path, no control characters",
            schema=Schema(type=OpenAPIType.STRING, min_length=1, max_length=3 * FILENAME_MAX),
        ),
        Parameter(
            name="Idempotency-Key",
            param_in=ParamType.HEADER,
            required=False,
            description="Retrying with the same key and the same bytes returns the first answer; "
            "the same key with other bytes is a 409 and changes nothing",
            schema=Schema(type=OpenAPIType.STRING, max_length=IDEMPOTENCY_KEY_MAX),
        ),
    ]
    responses = dict(operation.responses or {})
    if replayed_status is not None and str(replayed_status) not in responses:
        responses[str(replayed_status)] = OpenAPIResponse(
            description="A retry with the same Idempotency-Key and bytes: the first file's answer",
            content={"application/json": OpenAPIMediaType(schema=Schema())},
        )
    for status in (409, 413, 415, 422):
        responses.setdefault(str(status), _problem(status))
    operation.responses = responses
