"""Who may see and change which case: permissions plus the handler's own-cases rule."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from peluit_cases.adapters import cases_repo
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.errors import Forbidden, NotFound, Stale


def require(staff: StaffUser, permission: Permission) -> None:
    if not allowed(staff.role, permission, staff.can_reveal):
        raise Forbidden(
            f"Peran {staff.role} tidak berwenang | Role {staff.role} may not: {permission.value}"
        )


def sees(staff: StaffUser, row: dict[str, Any]) -> bool:
    return allowed(staff.role, Permission.ALL_CASES) or row["assignee_id"] == staff.id


async def load_case(
    conn: asyncpg.Connection,
    staff: StaffUser,
    case_id: uuid.UUID,
    permission: Permission,
    version: int | None = None,
    for_update: bool = False,
) -> dict[str, Any]:
    """The case row, after permission, visibility and (when given) version checks."""
    require(staff, permission)
    row = await cases_repo.get_case(conn, case_id, for_update=for_update)
    if row is None or not sees(staff, row):
        raise NotFound("Kasus tidak ditemukan | Case not found")
    if version is not None and row["version"] != version:
        raise Stale(row["version"])
    return row
