"""Use case: document a contact (confirmation call, visit, letter) or a follow-up on a case."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from peluit_cases.adapters import audit_repo, cases_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import load_case
from peluit_cases.service.errors import Invalid
from peluit_cases.wiring import Cases

CONTACT_CHANNELS = ("phone", "email", "letter", "in_person", "mailbox", "other")


async def add_contact(
    cases: Cases,
    staff: StaffUser,
    case_id: uuid.UUID,
    kind: str,
    on_date: date,
    channel: str,
    party: str,
    result: str,
) -> None:
    if kind not in ("contact", "followup"):
        raise Invalid("kind", "Pilih contact atau followup | Choose contact or followup")
    if channel not in CONTACT_CHANNELS:
        raise Invalid(
            "channel",
            f"Saluran: {', '.join(CONTACT_CHANNELS)} | Channel: one of "
            f"{', '.join(CONTACT_CHANNELS)}",
        )
    if not party.strip() or len(party) > 200:
        raise Invalid("party", "Pihak wajib diisi (maks. 200) | Who is required (max 200)")
    if not 3 <= len(result.strip()) <= 5000:
        raise Invalid("result", "Hasil 3–5000 karakter | Result needs 3–5000 characters")
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        await load_case(conn, staff, case_id, Permission.CASE_WORK, for_update=True)
        await conn.execute(
            """INSERT INTO case_contacts (case_id, kind, on_date, channel, party, result, actor)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            case_id,
            kind,
            on_date,
            channel,
            party.strip(),
            result.strip(),
            str(staff.id),
        )
        await cases_repo.add_history(
            conn, case_id, str(staff.id), f"{kind}_logged", None, None, None
        )
        await audit_repo.append(conn, str(staff.id), f"{kind}_logged", case_id)
        await cases_repo.bump_version(conn, case_id)


async def contact_log(conn: asyncpg.Connection, case_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT c.kind, c.on_date, c.channel, c.party, c.result, c.at,
                  coalesce(u.username, c.actor) AS actor
           FROM case_contacts c LEFT JOIN staff_users u ON u.id::text = c.actor
           WHERE c.case_id = $1 ORDER BY c.on_date, c.id""",
        case_id,
    )
    return [dict(r) for r in rows]
