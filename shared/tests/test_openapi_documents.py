"""Every service publishes an OpenAPI document with its auth schemes (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar


def build(service: str) -> Litestar:
    if service == "intake":
        from peluit_intake.bootstrap import build as b_intake

        return b_intake()[0]
    if service == "cases":
        from peluit_cases.bootstrap import build as b_cases

        return b_cases()[0]
    if service == "evidence":
        from peluit_evidence.bootstrap import build as b_evidence

        return b_evidence()[0]
    from peluit_notifications.bootstrap import build as b_notifications

    return b_notifications()[0]


@pytest.mark.parametrize(
    ("service", "schemes", "route"),
    [
        ("intake", {"mailbox", "manual_entry"}, "/api/v1/reports"),
        ("cases", {"staff"}, "/api/v1/cases"),
        ("evidence", {"grant"}, "/api/v1/reports/{report_id}/evidence"),
        ("notifications", {"ops", "service"}, "/ops/v1/deliveries"),
    ],
)
def test_each_service_documents_its_routes_and_auth(
    service: str, schemes: set[str], route: str
) -> None:
    doc: dict[str, Any] = build(service).openapi_schema.to_schema()
    assert set(doc["components"]["securitySchemes"]) == schemes
    assert route in doc["paths"]
    secured = [
        op
        for path in doc["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and op.get("security")
    ]
    assert secured, "no route declares its auth"
    if service == "cases":
        listing = doc["paths"]["/api/v1/cases"]["get"]
        assert listing["security"] == [{"staff": []}]


_SHARED = {"400", "422", "503"}


@pytest.mark.parametrize("service", ["intake", "cases", "evidence", "notifications"])
def test_every_operation_documents_the_shared_answers_as_problems(service: str) -> None:
    doc: dict[str, Any] = build(service).openapi_schema.to_schema()
    assert "Problem" in doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            where = f"{service} {method.upper()} {path}"
            assert set(responses) >= _SHARED, where
            assert "Retry-After" in responses["503"]["headers"], where
            assert "application/problem+json" in responses["422"]["content"], where
            if op.get("security") and {} not in op["security"]:
                assert {"401", "403"} <= set(responses), where
            if "{" in path:
                assert "404" in responses, where
            if method in ("post", "put", "patch"):
                assert {"413", "415"} <= set(responses), where


@pytest.mark.parametrize(
    ("service", "path", "replayed"),
    [
        ("evidence", "/api/v1/reports/{report_id}/evidence", "200"),
        ("intake", "/api/v1/mailbox/evidence", "201"),
    ],
)
def test_raw_uploads_document_body_headers_and_limits(
    service: str, path: str, replayed: str
) -> None:
    op = build(service).openapi_schema.to_schema()["paths"][path]["post"]
    assert "application/octet-stream" in op["requestBody"]["content"]
    headers = {p["name"]: p for p in op["parameters"] if p["in"] == "header"}
    assert headers["X-Filename"]["required"] is True
    assert headers["X-Filename"]["schema"]["maxLength"] == 3 * 255
    assert headers["Idempotency-Key"]["schema"]["maxLength"] == 100
    assert {"201", replayed, "409", "413", "415", "422"} <= set(op["responses"])
