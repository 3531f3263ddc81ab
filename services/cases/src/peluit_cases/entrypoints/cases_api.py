"""The team's case API: list, detail, workflow, assignment, mailbox, contact log, reveal."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Stream
from pydantic import BaseModel, ConfigDict, Field

from peluit_cases.adapters.cases_repo import CaseFilter
from peluit_cases.domain.case import STATUS_LABELS, Status
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.entrypoints.auth_api import STAFF_AUTH, STAFF_DEP
from peluit_cases.service import (
    assignment,
    contacts,
    evidence,
    identity,
    mailbox,
    viewing,
    workflow,
)
from peluit_cases.service.access import require
from peluit_cases.service.commands import (
    Assign,
    DeclareConflict,
    RecordContact,
    SendMessage,
    Transition,
)
from peluit_cases.service.errors import Invalid
from peluit_cases.service.listing import list_page
from peluit_cases.service.unit_of_work import UnitOfWork
from peluit_cases.wiring import Cases


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
    assignee_id: uuid.UUID | None = None
    stage: str | None = None
    due_on: date | None = None
    deadline_flag: str | None = Field(
        default=None,
        description="overdue | due_soon: the more urgent of the stage deadline "
        "and the reporter clock",
    )
    reporter_update_due: date | None = Field(
        default=None, description="tell the reporter something by this date (open cases)"
    )
    reporter_update_flag: str | None = None
    outcome: str | None = None
    units: list[str] = []


class CasePage(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None


class CaseDetail(CaseSummary):
    report_id: uuid.UUID
    report: dict[str, Any] | None
    history: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = []
    can_message: bool
    allowed_transitions: list[str]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TransitionIn(_In):
    to: Status
    note: str = Field(max_length=5000)
    reason: str | None = Field(default=None, max_length=5000)
    outcome: str | None = Field(default=None, description="proven | not_proven (to concluded)")
    version: int | None = Field(default=None, description="or an If-Match header")


class AssignIn(_In):
    assignee_id: uuid.UUID
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class ConflictIn(_In):
    note: str = Field(max_length=2000)


class MessageIn(_In):
    kind: str = Field(description="question | message")
    text: str = Field(max_length=5000)


class ContactIn(_In):
    kind: str = Field(default="contact", description="contact | followup")
    on_date: date
    channel: str
    party: str = Field(max_length=200)
    result: str = Field(max_length=5000)


class RevealIn(_In):
    reason: str = Field(default="", max_length=2000, description="not needed: see requests")


class IdentityRequestIn(_In):
    reason: str = Field(max_length=2000, description="why the team needs the identity")


class IdentityRequestOut(BaseModel):
    id: uuid.UUID


class DecisionIn(_In):
    approve: bool


class VersionOut(BaseModel):
    version: int


def summary(row: dict[str, Any]) -> CaseSummary:
    return CaseSummary(
        status_label=STATUS_LABELS[Status(row["status"])][0],
        **{k: row[k] for k in CaseSummary.model_fields if k in row},
    )


def version_of(request: Request[Any, Any, Any], body: int | None) -> int | None:
    header = request.headers.get("if-match")
    if header is None:
        return body
    try:
        return int(header.strip().strip("W/").strip('"'))
    except ValueError as exc:
        raise Invalid("If-Match", "Versi tidak valid | Invalid version") from exc


class CasesApi(Controller):
    path = "/api/v1/cases"
    security = STAFF_AUTH
    tags = ["cases"]
    dependencies = STAFF_DEP

    @get("/", summary="List cases (filters, sort, keyset cursor)")
    async def list_cases(
        self,
        cases: Cases,
        staff: StaffUser,
        status: Status | None = None,
        category: str | None = Parameter(default=None, max_length=60),
        channel: str | None = Parameter(default=None, max_length=20),
        unit: str | None = Parameter(default=None, max_length=200),
        assignee_id: uuid.UUID | None = None,
        unassigned: bool = False,
        overdue: bool = False,
        received_from: date | None = None,
        received_to: date | None = None,
        q: str | None = Parameter(default=None, max_length=40, description="report number"),
        report_number: str | None = Parameter(default=None, max_length=40),
        sort: str = "newest",
        cursor: str | None = None,
        limit: int = Parameter(default=50, ge=1, le=200),
    ) -> CasePage:
        flt = CaseFilter(
            status=status.value if status else None,
            category=category,
            channel=channel,
            unit=unit,
            assignee=assignee_id,
            unassigned=unassigned,
            received_from=received_from,
            received_to=received_to,
            search=report_number or q,
        )
        rows, next_cursor = await list_page(cases, staff, flt, overdue, sort, cursor, limit)
        if report_number:  # exact lookup
            rows = [r for r in rows if r["report_number"] == report_number.strip().upper()]
        return CasePage(items=[summary(r) for r in rows], next_cursor=next_cursor)

    @get("/{case_id:uuid}", summary="One case: report (identity withheld), history, messages")
    async def get_case(self, case_id: uuid.UUID, cases: Cases, staff: StaffUser) -> CaseDetail:
        d = await viewing.view_case(cases, staff, case_id)
        return CaseDetail(
            **summary(d).model_dump(),
            report_id=d["report_id"],
            report=d["report"],
            history=d["history"],
            messages=d["messages"],
            contacts=d["contacts"],
            evidence=d["evidence"],
            can_message=bool(d["reporter_public_key"]),
            allowed_transitions=[
                s.value for s in cases.table.targets(Status(d["status"]), staff.role)
            ],
        )

    @get(
        "/{case_id:uuid}/evidence/{evidence_id:uuid}",
        summary="Download an evidence file, decrypted on the fly (audited)",
        media_type="application/octet-stream",
    )
    async def evidence_file(
        self, case_id: uuid.UUID, evidence_id: uuid.UUID, cases: Cases, staff: StaffUser
    ) -> Stream:
        got = await evidence.download(cases, staff, case_id, evidence_id)
        return Stream(
            got.body,
            media_type="application/octet-stream",
            headers=evidence.attachment_headers(got),
        )

    @post(
        "/{case_id:uuid}/evidence-grant",
        status_code=201,
        summary="An upload grant for this case's report: POST the file's bytes to upload_url "
        "with `Authorization: Grant <grant>` and its name in X-Filename",
    )
    async def evidence_grant(
        self, case_id: uuid.UUID, cases: Cases, staff: StaffUser
    ) -> dict[str, Any]:
        granted = await evidence.upload_grant(cases, staff, case_id)
        return {
            "grant": granted.grant,
            "upload_url": granted.upload_url,
            "expires_at": granted.expires_at.isoformat(),
        }

    @post("/{case_id:uuid}/transitions", status_code=200, summary="Workflow step")
    async def transition(
        self,
        case_id: uuid.UUID,
        data: TransitionIn,
        uow: UnitOfWork,
        staff: StaffUser,
        request: Request[Any, Any, Any],
    ) -> VersionOut:
        version = version_of(request, data.version)
        cmd = Transition(staff, case_id, version, data.to, data.note, data.reason, data.outcome)
        return VersionOut(version=await workflow.transition(cmd, uow))

    @post("/{case_id:uuid}/assignment", status_code=200, summary="Assign or reassign")
    async def assign(
        self,
        case_id: uuid.UUID,
        data: AssignIn,
        uow: UnitOfWork,
        staff: StaffUser,
        request: Request[Any, Any, Any],
    ) -> VersionOut:
        version = version_of(request, data.version)
        cmd = Assign(staff, case_id, version, data.assignee_id, data.reason)
        return VersionOut(version=await assignment.assign(cmd, uow))

    @post("/{case_id:uuid}/conflicts", status_code=204, summary="Declare a conflict of interest")
    async def conflict(
        self, case_id: uuid.UUID, data: ConflictIn, uow: UnitOfWork, staff: StaffUser
    ) -> None:
        await assignment.declare_conflict(DeclareConflict(staff, case_id, data.note), uow)

    @post("/{case_id:uuid}/messages", status_code=201, summary="Question/message to reporter")
    async def message(
        self, case_id: uuid.UUID, data: MessageIn, uow: UnitOfWork, staff: StaffUser
    ) -> dict[str, str]:
        mid = await mailbox.send(SendMessage(staff, case_id, data.kind, data.text), uow)
        return {"message_id": str(mid)}

    @post("/{case_id:uuid}/contacts", status_code=201, summary="Contact log / follow-up record")
    async def contact(
        self, case_id: uuid.UUID, data: ContactIn, uow: UnitOfWork, staff: StaffUser
    ) -> None:
        cmd = RecordContact(
            staff, case_id, data.kind, data.on_date, data.channel, data.party, data.result
        )
        await contacts.add_contact(cmd, uow)

    @post(
        "/{case_id:uuid}/identity",
        status_code=200,
        summary="Open the identity after a custodian approved my request (audited); else 409",
    )
    async def reveal(
        self, case_id: uuid.UUID, data: RevealIn, cases: Cases, staff: StaffUser
    ) -> dict[str, Any]:
        return {"identity": await viewing.reveal_identity(cases, staff, case_id, data.reason)}

    @post(
        "/{case_id:uuid}/identity-requests",
        status_code=201,
        summary="Ask for the reporter's identity, with a reason (a custodian decides)",
    )
    async def request_identity(
        self, case_id: uuid.UUID, data: IdentityRequestIn, cases: Cases, staff: StaffUser
    ) -> IdentityRequestOut:
        return IdentityRequestOut(
            id=await identity.request_reveal(cases, staff, case_id, data.reason)
        )


class IdentityRequestsApi(Controller):
    path = "/api/v1/identity-requests"
    security = STAFF_AUTH
    tags = ["cases"]
    dependencies = STAFF_DEP

    @get("/", summary="Open identity requests (custodians; reasons they can open)")
    async def pending(self, cases: Cases, staff: StaffUser) -> list[dict[str, Any]]:
        return await identity.pending(cases, staff)

    @post(
        "/{request_id:uuid}/decision",
        status_code=200,
        summary="Approve or refuse (a custodian other than the requester; audited)",
    )
    async def decide(
        self, request_id: uuid.UUID, data: DecisionIn, cases: Cases, staff: StaffUser
    ) -> dict[str, str]:
        return {"status": await identity.decide(cases, staff, request_id, data.approve)}


class WorkflowApi(Controller):
    path = "/api/v1/workflow"
    security = STAFF_AUTH
    tags = ["cases"]
    dependencies = STAFF_DEP

    @get("/", summary="The transition table in force")
    async def table(self, cases: Cases, staff: StaffUser) -> dict[str, Any]:
        require(staff, Permission.CASE_LIST)
        return dict(json.loads(cases.table.to_json()))
