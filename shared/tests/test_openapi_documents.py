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
