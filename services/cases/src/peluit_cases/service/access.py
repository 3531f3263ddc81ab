"""Who may see and change which case: permissions plus the handler's own-cases rule."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from peluit_cases.adapters import cases_repo
from peluit_cases.domain.aggregate import Case, not_found, sees
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.errors import Forbidden, Stale
from peluit_cases.service.unit_of_work import UnitOfWork


def require(staff: StaffUser, permission: Permission) -> None:
    if not allowed(staff.role, permission, staff.can_reveal):
        raise Forbidden(
            f"Peran {staff.role} tidak berwenang | Role {staff.role} may not: {permission.value}"
        )


async def case_for(
    uow: UnitOfWork,
    staff: StaffUser,
    case_id: uuid.UUID,
    permission: Permission,
    version: int | None = None,
) -> Case:
    """The case, locked in `uow`, after permission, visibility and (when given) version."""
    require(staff, permission)
    case = await uow.cases.get(case_id)
    if case is None or not case.visible_to(staff):
        raise not_found()
    case.expect_version(version)
    return case


async def load_case(
    conn: asyncpg.Connection,
    staff: StaffUser,
    case_id: uuid.UUID,
    permission: Permission,
    version: int | None = None,
    for_update: bool = False,
) -> dict[str, Any]:
    """The case row (for reading use cases), after the same checks as `case_for`."""
    require(staff, permission)
    row = await cases_repo.get_case(conn, case_id, for_update=for_update)
    if row is None or not sees(staff, row["assignee_id"]):
        raise not_found()
    if version is not None and row["version"] != version:
        raise Stale(row["version"])
    return row
