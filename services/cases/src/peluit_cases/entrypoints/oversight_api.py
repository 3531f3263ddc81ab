"""Leadership and audit API: dashboard numbers, register export, audit log, staff list."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import Parameter
from pydantic import BaseModel, ConfigDict, Field

from peluit_cases.adapters import audit_repo, staff_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.entrypoints.auth_api import STAFF_AUTH, STAFF_DEP
from peluit_cases.service import manual_entry, statistics
from peluit_cases.service.access import require
from peluit_cases.service.errors import Forbidden
from peluit_cases.wiring import Cases

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def export_register(cases: Cases, staff: StaffUser, fmt: str) -> Response[bytes]:
    require(staff, Permission.EXPORT)
    async with cases.runtime.pool.acquire() as conn:
        rows = await statistics.register(conn)
        await audit_repo.append(conn, str(staff.id), "export", None, format=fmt, rows=len(rows))
    body = statistics.to_csv(rows) if fmt == "csv" else statistics.to_xlsx(rows)
    return Response(
        body,
        media_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
        headers={"content-disposition": f'attachment; filename="register-kasus.{fmt}"'},
    )


class ManualReportIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    channel: str = Field(description="letter | phone | email | in_person")


class OversightApi(Controller):
    path = "/api/v1"
    security = STAFF_AUTH
    dependencies = STAFF_DEP

    @get("/dashboard", tags=["oversight"], summary="Counts, deadline compliance, stage times")
    async def dashboard(self, cases: Cases, staff: StaffUser) -> dict[str, Any]:
        require(staff, Permission.DASHBOARD)
        async with cases.runtime.pool.acquire() as conn:
            return await statistics.dashboard(conn)

    @get("/export.csv", tags=["oversight"], summary="Case register (no identities), CSV")
    async def export_csv(self, cases: Cases, staff: StaffUser) -> Response[bytes]:
        return await export_register(cases, staff, "csv")

    @get("/export.xlsx", tags=["oversight"], summary="Case register (no identities), XLSX")
    async def export_xlsx(self, cases: Cases, staff: StaffUser) -> Response[bytes]:
        return await export_register(cases, staff, "xlsx")

    @get("/audit", tags=["oversight"], summary="The audit log, newest first")
    async def audit(
        self,
        cases: Cases,
        staff: StaffUser,
        before: int | None = None,
        limit: int = Parameter(default=100, ge=1, le=500),
    ) -> list[dict[str, Any]]:
        require(staff, Permission.AUDIT_READ)
        async with cases.runtime.pool.acquire() as conn:
            return await audit_repo.recent(conn, limit, before=before)

    @get("/staff", tags=["staff"], summary="Staff accounts (admin; coordinators for assigning)")
    async def staff_list(self, cases: Cases, staff: StaffUser) -> list[dict[str, Any]]:
        try:
            require(staff, Permission.STAFF_MANAGE)
        except Forbidden:
            require(staff, Permission.CASE_ASSIGN)
        async with cases.runtime.pool.acquire() as conn:
            return await staff_repo.list_users(conn)

    @post(
        "/manual-reports",
        tags=["cases"],
        status_code=201,
        summary="Enter a report received by letter, phone, email or in person",
    )
    async def manual(self, data: ManualReportIn, cases: Cases, staff: StaffUser) -> dict[str, Any]:
        report = data.model_dump(exclude={"channel"})
        return await manual_entry.enter_report(cases, staff, report, data.channel)
