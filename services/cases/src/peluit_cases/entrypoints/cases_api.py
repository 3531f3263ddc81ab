"""The team's case API: list (keyset-paginated) and detail."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from litestar import Controller, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import Parameter
from pydantic import BaseModel

from peluit_cases.adapters import cases_repo
from peluit_cases.domain.case import STATUS_LABELS, Status
from peluit_cases.domain.staff import StaffUser
from peluit_cases.entrypoints.auth_api import STAFF_DEP
from peluit_cases.wiring import Cases
from peluit_shared.crypto import SealedData, unseal


class CaseSummary(BaseModel):
    id: uuid.UUID
    report_number: str
    status: str
    status_label: str
    channel: str
    category: str
    anonymous: bool
    received_at: datetime
    updated_at: datetime
    version: int


class CasePage(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None


class CaseDetail(CaseSummary):
    report_id: uuid.UUID
    report: dict[str, Any]
    history: list[dict[str, Any]]


def _summary(row: dict[str, Any]) -> CaseSummary:
    return CaseSummary(
        status_label=STATUS_LABELS[Status(row["status"])][0],
        **{k: row[k] for k in CaseSummary.model_fields if k in row},
    )


def _cursor(row: dict[str, Any]) -> str:
    raw = json.dumps([row["created_at"].isoformat(), str(row["id"])]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _parse_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), uuid.UUID(ident)
    except (ValueError, TypeError) as exc:
        raise ValidationException(
            "Invalid cursor",
            extra=[{"key": "cursor", "message": "Cursor tidak valid | Invalid cursor"}],
        ) from exc


class CasesApi(Controller):
    path = "/api/v1/cases"
    tags = ["cases"]
    dependencies = STAFF_DEP

    @get("/", summary="List cases, newest first")
    async def list_cases(
        self,
        cases: Cases,
        staff: StaffUser,
        status: Status | None = None,
        report_number: str | None = Parameter(default=None, max_length=40),
        cursor: str | None = None,
        limit: int = Parameter(default=50, ge=1, le=200),
    ) -> CasePage:
        after = _parse_cursor(cursor) if cursor else None
        async with cases.runtime.pool.acquire() as conn:
            rows = await cases_repo.list_cases(
                conn, limit + 1, status.value if status else None, report_number, after
            )
        more = len(rows) > limit
        rows = rows[:limit]
        return CasePage(items=[_summary(r) for r in rows],
                        next_cursor=_cursor(rows[-1]) if more and rows else None)

    @get("/{case_id:uuid}", summary="One case with its report (identity withheld) and history")
    async def get_case(self, case_id: uuid.UUID, cases: Cases, staff: StaffUser) -> CaseDetail:
        async with cases.runtime.pool.acquire() as conn:
            row = await cases_repo.get_case(conn, case_id)
            if row is None:
                raise NotFoundException()
            history = await cases_repo.case_history(conn, case_id)
        sealed = SealedData(key_id=row["sealed_key_id"], ciphertext=bytes(row["sealed_report"]))
        report = json.loads(unseal(cases.keys(), sealed))
        # The reporter's identity is shown only through an audited reveal, never in a view.
        report["identity"] = None
        return CaseDetail(
            **_summary(row).model_dump(), report_id=row["report_id"], report=report,
            history=history,
        )
