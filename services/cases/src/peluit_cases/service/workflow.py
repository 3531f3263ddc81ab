"""Use case: move a case through the workflow (role, note, reason, version), publish it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from peluit_cases.adapters import audit_repo, cases_repo
from peluit_cases.domain.case import Status
from peluit_cases.domain.deadlines import (
    Deadline,
    deadline_for,
    reporter_update_after_transition,
)
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.domain.transition import TransitionRefused, transition_to
from peluit_cases.domain.workflow import ENDINGS
from peluit_cases.service.access import load_case
from peluit_cases.service.errors import Invalid, Refused
from peluit_cases.wiring import Cases
from peluit_shared.events import CaseStatusChanged
from peluit_shared.events.cases import CaseStatusChangedPayload
from peluit_shared.outbox import add_to_outbox


async def transition(
    cases: Cases,
    staff: StaffUser,
    case_id: uuid.UUID,
    version: int | None,
    target: Status,
    note: str,
    reason: str | None = None,
    outcome: str | None = None,
) -> int:
    """Apply the step; returns the case's new version."""
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        row = await load_case(conn, staff, case_id, Permission.CASE_WORK, version, for_update=True)
        source = Status(row["status"])
        try:
            change = transition_to(cases.table, source, target, staff.role, note, reason, outcome)
        except TransitionRefused as exc:
            if exc.field:
                raise Invalid(exc.field, exc.message) from exc
            raise Refused(
                exc.message, allowed=[s.value for s in exc.allowed], from_status=source.value
            ) from exc
        today = datetime.now(UTC).date()
        current = (
            Deadline(row["stage"], row["stage_started_on"], row["due_on"]) if row["stage"] else None
        )
        deadline = deadline_for(cases.calendar, target, today, current)
        await cases_repo.set_status(
            conn,
            case_id,
            target.value,
            change.outcome,
            deadline.stage if deadline else None,
            deadline.started_on if deadline else None,
            deadline.due_on if deadline else None,
            closed=target in ENDINGS,
            reporter_update_due=reporter_update_after_transition(
                row["reporter_update_due"],
                target,
                change.public_status,
                today,
                cases.settings.reporter_update_days,
            ),
        )
        text = change.note + (f"\n— {change.reason}" if change.reason else "")
        if change.outcome:
            text += f"\n[{change.outcome}]"
        await cases_repo.add_history(
            conn, case_id, str(staff.id), "transition", source.value, target.value, text
        )
        await audit_repo.append(
            conn,
            str(staff.id),
            "transition",
            case_id,
            from_status=source.value,
            to_status=target.value,
        )
        await add_to_outbox(
            conn,
            CaseStatusChanged(
                correlation_id=row["report_id"],
                payload=CaseStatusChangedPayload(
                    case_id=case_id,
                    report_id=row["report_id"],
                    report_number=row["report_number"],
                    from_status=source.value,
                    to_status=target.value,
                    public_status=change.public_status,  # type: ignore[arg-type]
                ),
            ),
        )
        return int(row["version"]) + 1
