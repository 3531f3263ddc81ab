"""Use cases: assign a case to a handler (no declared conflict), declare a conflict."""

from __future__ import annotations

import uuid

from peluit_cases.domain.aggregate import Case, check_conflict_note, not_found
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import case_for, require
from peluit_cases.service.commands import Assign, DeclareConflict
from peluit_cases.service.errors import KeyRefused
from peluit_cases.service.unit_of_work import UnitOfWork


async def assign(cmd: Assign, uow: UnitOfWork) -> int:
    """Assign or reassign; returns the case's new version."""
    async with uow:
        case = await case_for(uow, cmd.staff, cmd.case_id, Permission.CASE_ASSIGN, cmd.version)
        assigned = case.assign(cmd.staff, await uow.staff.assignee(cmd.assignee_id), cmd.reason)
        await _hand_over_key(uow, cmd.staff, case, assigned.previous)
        await uow.audit.append(
            str(cmd.staff.id),
            "assign",
            case.id,
            assignee=str(cmd.assignee_id),
            reassignment=assigned.reassignment,
        )
        await uow.commit()
        return case.version


async def _hand_over_key(
    uow: UnitOfWork, staff: StaffUser, case: Case, previous: uuid.UUID | None
) -> None:
    """The assigning coordinator's session unwraps the case key and wraps it to the assignee;
    the previous assignee loses the wrap they got by assignment (not one they hold otherwise)."""
    if case.case_public_key is None or case.assignee_id is None:
        return  # a legacy case: no case key to hand over
    assignee_id = case.assignee_id
    key = await uow.keys.held_key(staff, case)
    if previous is not None and previous != assignee_id:
        await uow.keys.drop_wrap(case.id, previous, "assignment")
    if await uow.keys.holds(case.id, assignee_id):
        return  # a coordinator holds it already
    recipient = await uow.keys.public_key_of(assignee_id)
    if recipient is None:
        raise KeyRefused(
            "Penangan belum memiliki pasangan kunci (belum pernah masuk) | The handler has no "
            "key pair yet (never signed in)",
            code="recipient_without_key",
        )
    await uow.keys.wrap_to(case.id, key, assignee_id, recipient, "assignment")


async def declare_conflict(cmd: DeclareConflict, uow: UnitOfWork) -> None:
    """A team member declares a conflict of interest: they can no longer be assigned."""
    check_conflict_note(cmd.note)
    async with uow:
        # Anyone who works cases may declare, also on a case not (yet) theirs.
        require(cmd.staff, Permission.CASE_WORK)
        case = await uow.cases.get(cmd.case_id)
        if case is None:
            raise not_found()
        declared = case.declare_conflict(cmd.staff, cmd.note)
        await uow.audit.append(str(cmd.staff.id), "conflict_declared", case.id)
        if declared.left_case:
            await uow.keys.drop_wrap(case.id, cmd.staff.id, "assignment")
        await uow.commit()
