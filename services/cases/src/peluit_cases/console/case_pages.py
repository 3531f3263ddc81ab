"""Console pages of the daily work: the case list and the case page with its actions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.response import Stream

from peluit_cases.adapters import staff_repo
from peluit_cases.adapters.cases_repo import SORTS, CaseFilter
from peluit_cases.console.web import form_of, redirect, render, visit
from peluit_cases.domain.case import Status
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import Role
from peluit_cases.domain.workflow import ENDINGS, OUTCOMES
from peluit_cases.entrypoints.auth_api import CASES_DEP
from peluit_cases.service import (
    assignment,
    contacts,
    evidence,
    identity,
    mailbox,
    viewing,
    workflow,
)
from peluit_cases.service.commands import (
    Assign,
    DeclareConflict,
    RecordContact,
    SendMessage,
    Transition,
)
from peluit_cases.service.contacts import CONTACT_CHANNELS
from peluit_cases.service.errors import Invalid
from peluit_cases.service.listing import list_page
from peluit_cases.service.unit_of_work import UnitOfWork
from peluit_cases.wiring import Cases

CHANNELS = ("portal", "api", "letter", "phone", "email", "in_person")


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(field, "Tanggal tidak valid (YYYY-MM-DD) | Invalid date") from exc


def _uuid(value: str | None, field: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Invalid(field, "Pilihan tidak valid | Invalid choice") from exc


def _version(form: dict[str, str]) -> int | None:
    raw = form.get("version")
    return int(raw) if raw and raw.isdigit() else None


class CasePages(Controller):
    path = "/console"
    include_in_schema = False
    dependencies = CASES_DEP

    @get("/")
    async def home(self) -> Response[Any]:
        return redirect("/console/cases")

    @get("/cases")
    async def case_list(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        q = request.query_params
        status = q.get("status") or None
        if status and status not in Status.__members__.values():
            raise Invalid("status", "Status tidak dikenal | Unknown status")
        assignee = q.get("assignee") or None
        flt = CaseFilter(
            status=status,
            category=q.get("category") or None,
            channel=q.get("channel") or None,
            unit=(q.get("unit") or "").strip()[:200] or None,
            assignee=_uuid(assignee, "assignee") if assignee not in (None, "none") else None,
            unassigned=assignee == "none",
            received_from=_date(q.get("from"), "from"),
            received_to=_date(q.get("to"), "to"),
            search=(q.get("q") or "").strip()[:40] or None,
        )
        sort = q.get("sort") or "newest"
        rows, cursor = await list_page(
            cases, v.staff, flt, q.get("overdue") == "1", sort, q.get("cursor") or None, 50
        )
        async with cases.runtime.pool.acquire() as conn:
            staff = {u["id"]: u["username"] for u in await staff_repo.list_users(conn)}
        params = {
            k: q.get(k)
            for k in (
                "status",
                "category",
                "channel",
                "unit",
                "assignee",
                "from",
                "to",
                "q",
                "sort",
                "overdue",
            )
            if q.get(k)
        }
        next_query = urlencode({**params, "cursor": cursor or ""})
        return render(
            request,
            "cases.html",
            v=v,
            rows=rows,
            staff=staff,
            params=params,
            statuses=list(Status),
            channels=CHANNELS,
            sorts=list(SORTS),
            next_url=f"/console/cases?{next_query}" if cursor else None,
        )

    @get("/cases/{case_id:uuid}/evidence/{evidence_id:uuid}")
    async def evidence_file(
        self,
        request: Request[Any, Any, Any],
        cases: Cases,
        case_id: uuid.UUID,
        evidence_id: uuid.UUID,
    ) -> Response[Any]:
        v = await visit(request, cases)
        got = await evidence.download(cases, v.staff, case_id, evidence_id)
        return Stream(
            got.body,
            media_type="application/octet-stream",
            headers=evidence.attachment_headers(got),
        )

    @get("/cases/{case_id:uuid}")
    async def case_page(
        self, request: Request[Any, Any, Any], cases: Cases, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        d = await viewing.view_case(cases, v.staff, case_id)
        async with cases.runtime.pool.acquire() as conn:
            users = await staff_repo.list_users(conn)
        assignees = [
            u for u in users if u["role"] in (Role.HANDLER, Role.COORDINATOR) and not u["disabled"]
        ]
        names = {u["id"]: u["username"] for u in users}
        targets = cases.table.targets(Status(d["status"]), v.staff.role)
        return render(
            request,
            "case.html",
            v=v,
            c=d,
            targets=targets,
            endings=ENDINGS,
            outcomes=OUTCOMES,
            assignees=assignees,
            names=names,
            contact_channels=CONTACT_CHANNELS,
            done=request.query_params.get("done"),
            today=date.today().isoformat(),
            can={p.name: allowed(v.staff.role, p, v.staff.can_reveal) for p in Permission},
        )

    @post("/cases/{case_id:uuid}/transition")
    async def transition(
        self, request: Request[Any, Any, Any], cases: Cases, uow: UnitOfWork, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        try:
            target = Status(form.get("to", ""))
        except ValueError as exc:
            raise Invalid("to", "Status tidak dikenal | Unknown status") from exc
        cmd = Transition(
            v.staff,
            case_id,
            _version(form),
            target,
            form.get("note", ""),
            form.get("reason") or None,
            form.get("outcome") or None,
        )
        await workflow.transition(cmd, uow)
        return redirect(f"/console/cases/{case_id}?done=transition")

    @post("/cases/{case_id:uuid}/assign")
    async def assign(
        self, request: Request[Any, Any, Any], cases: Cases, uow: UnitOfWork, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        assignee = _uuid(form.get("assignee_id"), "assignee_id")
        if assignee is None:
            raise Invalid("assignee_id", "Pilih penangan | Choose a handler")
        cmd = Assign(v.staff, case_id, _version(form), assignee, form.get("reason") or None)
        await assignment.assign(cmd, uow)
        return redirect(f"/console/cases/{case_id}?done=assign")

    @post("/cases/{case_id:uuid}/conflict")
    async def conflict(
        self, request: Request[Any, Any, Any], cases: Cases, uow: UnitOfWork, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        await assignment.declare_conflict(
            DeclareConflict(v.staff, case_id, form.get("note", "")), uow
        )
        return redirect(f"/console/cases/{case_id}?done=conflict")

    @post("/cases/{case_id:uuid}/message")
    async def message(
        self, request: Request[Any, Any, Any], cases: Cases, uow: UnitOfWork, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        cmd = SendMessage(v.staff, case_id, form.get("kind", "question"), form.get("text", ""))
        await mailbox.send(cmd, uow)
        return redirect(f"/console/cases/{case_id}?done=message")

    @post("/cases/{case_id:uuid}/contact")
    async def contact(
        self, request: Request[Any, Any, Any], cases: Cases, uow: UnitOfWork, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        on = _date(form.get("on_date"), "on_date") or date.today()
        cmd = RecordContact(
            v.staff,
            case_id,
            form.get("kind", "contact"),
            on,
            form.get("channel", ""),
            form.get("party", ""),
            form.get("result", ""),
        )
        await contacts.add_contact(cmd, uow)
        return redirect(f"/console/cases/{case_id}?done=contact")

    @post("/cases/{case_id:uuid}/identity-request")
    async def identity_request(
        self, request: Request[Any, Any, Any], cases: Cases, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        await identity.request_reveal(cases, v.staff, case_id, form.get("reason", ""))
        return redirect(f"/console/cases/{case_id}?done=identity_requested")

    @get("/identity-requests")
    async def identity_requests(
        self, request: Request[Any, Any, Any], cases: Cases
    ) -> Response[Any]:
        v = await visit(request, cases)
        found = await identity.pending(cases, v.staff)
        return render(request, "identity_requests.html", v=v, requests=found)

    @post("/identity-requests/{request_id:uuid}")
    async def identity_decision(
        self, request: Request[Any, Any, Any], cases: Cases, request_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        await identity.decide(cases, v.staff, request_id, form.get("decision") == "approve")
        return redirect("/console/identity-requests")

    @post("/cases/{case_id:uuid}/reveal")
    async def reveal(
        self, request: Request[Any, Any, Any], cases: Cases, case_id: uuid.UUID
    ) -> Response[Any]:
        v = await visit(request, cases)
        form = await form_of(request, v)
        identity = await viewing.reveal_identity(cases, v.staff, case_id, form.get("reason", ""))
        return render(request, "identity.html", v=v, case_id=case_id, identity=identity)
