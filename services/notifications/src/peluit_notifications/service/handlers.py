"""Event handlers: keep the projections and record the notices each event calls for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from peluit_notifications.adapters import repo
from peluit_notifications.adapters.repo import CaseRef, Contact
from peluit_notifications.domain.notices import Kind, valid_email
from peluit_notifications.service.planning import Plan, notify_reporter, notify_staff
from peluit_shared.events import (
    CaseAssigned,
    CaseCreated,
    CaseDeadlineDue,
    CaseMessageToReporter,
    CaseStatusChanged,
    EvidenceStored,
    ReportFollowupPosted,
    ReportSubmitted,
    StaffChanged,
)
from peluit_shared.logging import get_logger

log = get_logger(__name__)
E = TypeVar("E")
Handler = Callable[[asyncpg.Connection, E], Awaitable[None]]


async def staff_changed(conn: asyncpg.Connection, event: StaffChanged) -> None:
    """The contact projection. An invalid address is dropped and flagged; the account stays
    (it still gets in-app notices) and the log names the account, never the address."""
    p = event.payload
    email = (p.email or "").strip() or None
    invalid = email is not None and not valid_email(email)
    if invalid:
        log.warning("staff_email_invalid", staff_id=str(p.staff_id))
        email = None
    await repo.upsert_contact(
        conn,
        Contact(
            staff_id=p.staff_id,
            username=p.username,
            role=p.role,
            email=email,
            active=p.active,
            notification_mode=p.notification_mode,
            language=p.language,
        ),
        invalid,
        event.occurred_at,
    )


async def report_submitted(conn: asyncpg.Connection, event: ReportSubmitted) -> None:
    sealed = event.payload.sealed_notification_contact
    if sealed is not None:
        await repo.store_reporter_contact(conn, event.payload.report_id, sealed)


def case_created(plan: Plan) -> Handler[CaseCreated]:
    async def handle(conn: asyncpg.Connection, event: CaseCreated) -> None:
        p = event.payload
        await repo.upsert_case(conn, p.case_id, p.report_id, p.report_number)
        await notify_staff(
            conn,
            plan,
            event_id=event.event_id,
            kind=Kind.NEW_REPORT,
            case_id=p.case_id,
            number=p.report_number,
            assignee=None,
        )

    return handle


def case_assigned(plan: Plan) -> Handler[CaseAssigned]:
    async def handle(conn: asyncpg.Connection, event: CaseAssigned) -> None:
        p = event.payload
        await repo.set_assignee(
            conn, CaseRef(p.case_id, p.report_id, p.report_number, p.assignee_id)
        )
        await notify_staff(
            conn,
            plan,
            event_id=event.event_id,
            kind=Kind.ASSIGNED,
            case_id=p.case_id,
            number=p.report_number,
            assignee=p.assignee_id,
        )

    return handle


def followup_posted(plan: Plan) -> Handler[ReportFollowupPosted]:
    async def handle(conn: asyncpg.Connection, event: ReportFollowupPosted) -> None:
        p = event.payload
        case = await repo.case_of_report(conn, p.report_id)
        await notify_staff(
            conn,
            plan,
            event_id=event.event_id,
            kind=Kind.REPORTER_REPLIED,
            case_id=case.case_id if case else None,
            number=p.report_number,
            assignee=case.assignee_id if case else None,
        )

    return handle


def evidence_stored(plan: Plan) -> Handler[EvidenceStored]:
    async def handle(conn: asyncpg.Connection, event: EvidenceStored) -> None:
        case = await repo.case_of_report(conn, event.payload.report_id)
        if case is None:
            # Files sent with the report itself arrive before its case: the new-report notice
            # covers them.
            return
        await notify_staff(
            conn,
            plan,
            event_id=event.event_id,
            kind=Kind.EVIDENCE_ADDED,
            case_id=case.case_id,
            number=case.report_number,
            assignee=case.assignee_id,
        )

    return handle


def deadline_due(plan: Plan) -> Handler[CaseDeadlineDue]:
    async def handle(conn: asyncpg.Connection, event: CaseDeadlineDue) -> None:
        p = event.payload
        assignee = p.assignee_id
        if assignee is None:
            case = await repo.case_of_report(conn, p.report_id)
            assignee = case.assignee_id if case else None
        kind = Kind.OVERDUE if p.state == "overdue" else Kind.DUE_SOON
        await notify_staff(
            conn,
            plan,
            event_id=event.event_id,
            kind=kind,
            case_id=p.case_id,
            number=p.report_number,
            assignee=assignee,
        )

    return handle


def status_changed(plan: Plan) -> Handler[CaseStatusChanged]:
    async def handle(conn: asyncpg.Connection, event: CaseStatusChanged) -> None:
        if event.payload.public_status is not None:
            await notify_reporter(
                conn, plan, event_id=event.event_id, report_id=event.payload.report_id
            )

    return handle


def message_to_reporter(plan: Plan) -> Handler[CaseMessageToReporter]:
    async def handle(conn: asyncpg.Connection, event: CaseMessageToReporter) -> None:
        await notify_reporter(
            conn, plan, event_id=event.event_id, report_id=event.payload.report_id
        )

    return handle
