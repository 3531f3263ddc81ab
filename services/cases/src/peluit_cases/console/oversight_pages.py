"""Console pages for leadership and audit: dashboard, exports, audit log; manual entry."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from peluit_cases.adapters import audit_repo, staff_repo
from peluit_cases.console.charts import bar_chart
from peluit_cases.console.i18n import translate
from peluit_cases.console.web import form_of, render, visit
from peluit_cases.domain.case import STATUS_LABELS, Status
from peluit_cases.domain.permissions import Permission
from peluit_cases.entrypoints.auth_api import CASES_DEP
from peluit_cases.entrypoints.oversight_api import export_register
from peluit_cases.service import manual_entry, statistics
from peluit_cases.service.access import require
from peluit_cases.service.manual_entry import MANUAL_CHANNELS
from peluit_cases.wiring import Cases
from peluit_shared.reference import categories, label


class OversightPages(Controller):
    path = "/console"
    include_in_schema = False
    dependencies = CASES_DEP

    @get("/dashboard")
    async def dashboard(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        require(v.staff, Permission.DASHBOARD)
        async with cases.runtime.pool.acquire() as conn:
            d = await statistics.dashboard(conn)
        en = v.lang == "en"

        def status_name(code: str) -> str:
            return STATUS_LABELS[Status(code)][1 if en else 0]

        def t(key: str) -> str:
            return translate(key, v.lang)

        data = [
            ("by_status", [(status_name(k), n) for k, n in d["by_status"]]),
            ("by_category", [(label(categories(), k, v.lang), n) for k, n in d["by_category"]]),
            ("by_unit", d["by_unit"]),
            ("by_channel", [(t(k), n) for k, n in d["by_channel"]]),
            ("by_month", d["by_month"]),
            ("compliance", [(t("on_time"), d["on_time"]), (t("overdue"), d["overdue"])]),
            ("stage_days", [(status_name(k), n) for k, n in d["stage_days"]]),
        ]
        charts = [(t(key), bar_chart(t(key), values)) for key, values in data]
        return render(request, "dashboard.html", v=v, d=d, charts=charts)

    @get("/export.csv")
    async def export_csv(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        return await export_register(cases, v.staff, "csv")

    @get("/export.xlsx")
    async def export_xlsx(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        return await export_register(cases, v.staff, "xlsx")

    @get("/audit")
    async def audit(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        require(v.staff, Permission.AUDIT_READ)
        before = request.query_params.get("before")
        async with cases.runtime.pool.acquire() as conn:
            entries = await audit_repo.recent(
                conn, 100, before=int(before) if before and before.isdigit() else None
            )
            names = {str(u["id"]): u["username"] for u in await staff_repo.list_users(conn)}
        return render(request, "audit.html", v=v, entries=entries, names=names)

    @get("/manual")
    async def manual_form(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        require(v.staff, Permission.CASE_ENTER)
        return render(request, "manual.html", v=v, channels=MANUAL_CHANNELS, form={}, errors={})

    @post("/manual")
    async def manual(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        who = (
            [
                {
                    "name": form.get("who_name", ""),
                    "position": form.get("who_position") or None,
                    "unit": form.get("who_unit") or None,
                }
            ]
            if form.get("who_name")
            else []
        )
        report: dict[str, Any] = {
            "category": form.get("category", ""),
            "what": form.get("what", ""),
            "who": who,
            "where": form.get("where", ""),
            "when": form.get("when", ""),
            "how": form.get("how", ""),
        }
        if form.get("identity_name"):
            report["identity"] = {
                "name": form["identity_name"],
                "phone": form.get("identity_phone") or None,
            }
        if form.get("notification_email", "").strip():
            report["notification_email"] = form["notification_email"].strip()
            report["notification_language"] = (
                "en" if form.get("notification_language") == "en" else "id"
            )
        try:
            accepted = await manual_entry.enter_report(
                cases, v.staff, report, form.get("channel", "")
            )
        except manual_entry.IntakeRefused as exc:
            # Intake's field errors next to the fields; everything typed stays in the form.
            errors = {
                str(e.get("field", "")).split(".")[0]: str(
                    e.get("message_en" if v.lang == "en" else "message", "")
                )
                for e in exc.extra.get("errors", [])
            }
            return render(
                request,
                "manual.html",
                status=422,
                v=v,
                channels=MANUAL_CHANNELS,
                form=form,
                errors=errors,
            )
        return render(request, "manual_done.html", v=v, accepted=accepted)
