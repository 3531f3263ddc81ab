"""Use cases: assign a case to a handler (no declared conflict), declare a conflict."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from peluit_cases.adapters import audit_repo, cases_repo, staff_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.service import case_keys
from peluit_cases.service.access import load_case, require
from peluit_cases.service.errors import Invalid, KeyRefused, NotFound, Refused
from peluit_cases.wiring import Cases
from peluit_shared.events import CaseAssigned
from peluit_shared.events.cases import CaseAssignedPayload
from peluit_shared.outbox import add_to_outbox

MIN_REASON = 10


async def assign(
    cases: Cases,
    staff: StaffUser,
    case_id: uuid.UUID,
    version: int | None,
    assignee_id: uuid.UUID,
    reason: str | None,
) -> int:
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        row = await load_case(
            conn, staff, case_id, Permission.CASE_ASSIGN, version, for_update=True
        )
        assignee = await staff_repo.get_user(conn, assignee_id)
        if (
            assignee is None
            or assignee["disabled"]
            or Role(assignee["role"]) not in (Role.HANDLER, Role.COORDINATOR)
        ):
            raise Invalid("assignee_id", "Bukan penangan aktif | Not an active handler")
        conflict = await conn.fetchval(
            "SELECT note FROM case_conflicts WHERE case_id = $1 AND staff_id = $2",
            case_id,
            assignee_id,
        )
        if conflict is not None:
            raise Refused(
                "Penangan menyatakan benturan kepentingan | The handler declared a "
                "conflict of interest",
                field="assignee_id",
            )
        reassignment = row["assignee_id"] is not None
        if reassignment and len((reason or "").strip()) < MIN_REASON:
            raise Invalid(
                "reason",
                f"Alasan pengalihan minimal {MIN_REASON} karakter | A "
                f"reassignment needs a reason of {MIN_REASON}+ characters",
            )
        await _hand_over_key(conn, staff, row, assignee_id)
        await cases_repo.set_assignee(conn, case_id, assignee_id)
        note = f"→ {assignee['username']}" + (f" — {reason.strip()}" if reason else "")
        await cases_repo.add_history(
            conn,
            case_id,
            str(staff.id),
            "reassigned" if reassignment else "assigned",
            None,
            None,
            note,
        )
        await audit_repo.append(
            conn,
            str(staff.id),
            "assign",
            case_id,
            assignee=str(assignee_id),
            reassignment=reassignment,
        )
        await add_to_outbox(
            conn,
            CaseAssigned(
                correlation_id=row["report_id"],
                payload=CaseAssignedPayload(
                    case_id=case_id,
                    report_id=row["report_id"],
                    report_number=row["report_number"],
                    assignee_id=assignee_id,
                    assigned_by_id=staff.id,
                    reassignment=reassignment,
                ),
            ),
        )
        return int(row["version"]) + 1


async def _hand_over_key(
    conn: asyncpg.Connection, staff: StaffUser, row: dict[str, Any], assignee_id: uuid.UUID
) -> None:
    """The assigning coordinator's session unwraps the case key and wraps it to the assignee;
    the previous assignee loses the wrap they got by assignment (not one they hold otherwise)."""
    if row["case_public_key"] is None:
        return  # a legacy case: no case key to hand over
    key = await case_keys.held_key(conn, staff, row)
    previous = row["assignee_id"]
    if previous is not None and previous != assignee_id:
        await case_keys.drop_wrap(conn, row["id"], "case", previous, "assignment")
    if await case_keys.wrapped_for(conn, row["id"], "case", str(assignee_id)) is not None:
        return  # a coordinator holds it already
    recipient = await case_keys.staff_public_key(conn, assignee_id)
    if recipient is None:
        raise KeyRefused(
            "Penangan belum memiliki pasangan kunci (belum pernah masuk) | The handler has no "
            "key pair yet (never signed in)",
            code="recipient_without_key",
        )
    await case_keys.wrap_to(conn, row["id"], "case", key, assignee_id, recipient, "assignment")


async def declare_conflict(cases: Cases, staff: StaffUser, case_id: uuid.UUID, note: str) -> None:
    """A team member declares a conflict of interest: they can no longer be assigned."""
    if len(note.strip()) < 3:
        raise Invalid("note", "Keterangan minimal 3 karakter | Note needs 3+ characters")
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        # Anyone who works cases may declare, also on a case not (yet) theirs.
        require(staff, Permission.CASE_WORK)
        row = await cases_repo.get_case(conn, case_id)
        if row is None:
            raise NotFound("Kasus tidak ditemukan | Case not found")
        sealed = await cases_repo.seal_for_case(conn, case_id, note.strip())
        await conn.execute(
            "INSERT INTO case_conflicts (case_id, staff_id, note, sealed_note) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            case_id,
            staff.id,
            note.strip() if sealed is None else "",
            sealed,
        )
        await cases_repo.add_history(
            conn, case_id, str(staff.id), "conflict_declared", None, None, None
        )
        await audit_repo.append(conn, str(staff.id), "conflict_declared", case_id)
        if row["assignee_id"] == staff.id:
            await case_keys.drop_wrap(conn, case_id, "case", staff.id, "assignment")
            await conn.execute(
                "UPDATE cases SET assignee_id = NULL, version = version + 1 WHERE id = $1", case_id
            )
