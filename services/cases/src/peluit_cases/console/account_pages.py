"""Console page "Akun saya / My account": the signed-in staff member's notification settings."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post

from peluit_cases.adapters import staff_repo
from peluit_cases.console.web import form_of, redirect, render, visit
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import (
    NOTICE_LANGUAGES,
    NOTIFICATION_MODES,
    Role,
    StaffUser,
    parse_prefs,
)
from peluit_cases.entrypoints.account_api import grant_access
from peluit_cases.entrypoints.auth_api import CASES_DEP
from peluit_cases.service import staff_admin
from peluit_cases.service.errors import Invalid
from peluit_cases.wiring import Cases

FIELDS = ("email", "notification_mode", "language")


async def _other_coordinators(cases: Cases, staff: StaffUser) -> list[dict[str, Any]]:
    if not allowed(staff.role, Permission.CASE_ASSIGN):
        return []
    async with cases.runtime.pool.acquire() as conn:
        users = await staff_repo.list_users(conn, Role.COORDINATOR)
    return [u for u in users if u["id"] != staff.id and not u["disabled"]]


class AccountPages(Controller):
    path = "/console/account"
    include_in_schema = False
    dependencies = CASES_DEP

    @get("/")
    async def account(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        async with cases.runtime.pool.acquire() as conn:
            row = await staff_repo.get_user(conn, v.staff.id)
        assert row is not None, "a session always names an existing account"
        values = {
            "email": row["email"] or "",
            "notification_mode": row["notification_mode"],
            "language": row["language"],
        }
        return render(
            request,
            "account.html",
            v=v,
            values=values,
            errors={},
            modes=NOTIFICATION_MODES,
            languages=NOTICE_LANGUAGES,
            saved=request.query_params.get("saved") == "1",
            coordinators=await _other_coordinators(cases, v.staff),
            granted=request.query_params.get("granted"),
        )

    @post("/grant")
    async def grant(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        """A signed-in coordinator grants a (new or reset) coordinator their case keys."""
        v = await visit(request, cases)
        form = await form_of(request, v)
        try:
            target = uuid.UUID(form.get("staff_id", ""))
        except ValueError as exc:
            raise Invalid("staff_id", "Pilih koordinator | Choose a coordinator") from exc
        count = await grant_access(cases, v.staff, target)
        return redirect(f"/console/account?granted={count}")

    @post("/")
    async def save(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        values = {name: form.get(name, "")[:500] for name in FIELDS}
        prefs, problems = parse_prefs(
            values["email"], values["notification_mode"], values["language"]
        )
        if prefs is None:
            errors = {
                field: pair[1] if v.lang == "en" else pair[0] for field, pair in problems.items()
            }
            return render(
                request,
                "account.html",
                status=422,
                v=v,
                values=values,
                errors=errors,
                modes=NOTIFICATION_MODES,
                languages=NOTICE_LANGUAGES,
                saved=False,
            )
        async with cases.runtime.pool.acquire() as conn:
            await staff_admin.set_notifications(conn, v.staff.id, str(v.staff.id), prefs)
        return redirect("/console/account?saved=1")
