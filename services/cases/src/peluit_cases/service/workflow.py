"""Use case: move a case through the workflow (role, note, reason, version), publish it."""

from __future__ import annotations

from datetime import UTC, datetime

from peluit_cases.domain.permissions import Permission
from peluit_cases.service.access import case_for
from peluit_cases.service.commands import Transition
from peluit_cases.service.unit_of_work import UnitOfWork


async def transition(cmd: Transition, uow: UnitOfWork) -> int:
    """Apply the step; returns the case's new version."""
    async with uow:
        case = await case_for(uow, cmd.staff, cmd.case_id, Permission.CASE_WORK, cmd.version)
        source = case.status
        case.transition_to(
            uow.rules.table,
            uow.rules.calendar,
            cmd.staff,
            cmd.target,
            cmd.note,
            cmd.reason,
            cmd.outcome,
            now=datetime.now(UTC),
            reporter_update_days=uow.rules.reporter_update_days,
        )
        await uow.audit.append(
            str(cmd.staff.id),
            "transition",
            case.id,
            from_status=source.value,
            to_status=case.status.value,
        )
        await uow.commit()
        return case.version
