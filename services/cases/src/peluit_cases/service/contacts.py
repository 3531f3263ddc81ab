"""Use case: document a contact (confirmation call, visit, letter) or a follow-up on a case."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

from peluit_cases.adapters import audit_repo, cases_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import load_case
from peluit_cases.service.errors import Invalid, KeyRefused
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
        # Who and what was said are sealed to the case key; the columns keep only codes.
        sealed = await cases_repo.seal_for_case(
            conn, case_id, json.dumps({"party": party.strip(), "result": result.strip()})
        )
        await conn.execute(
            """INSERT INTO case_contacts (case_id, kind, on_date, channel, party, result, actor,
                                          sealed)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            case_id,
            kind,
            on_date,
            channel,
            party.strip() if sealed is None else "",
            result.strip() if sealed is None else "",
            str(staff.id),
            sealed,
        )
        await cases_repo.add_history(
            conn, case_id, str(staff.id), f"{kind}_logged", None, None, None
        )
        await audit_repo.append(conn, str(staff.id), f"{kind}_logged", case_id)
        await cases_repo.bump_version(conn, case_id)


async def contact_log(
    conn: asyncpg.Connection, case_id: uuid.UUID, keys: Mapping[str, PrivateKey]
) -> list[dict[str, Any]]:
    """The contact log with party and result opened with the session's case key."""
    rows = await conn.fetch(
        """SELECT c.kind, c.on_date, c.channel, c.party, c.result, c.at, c.sealed,
                  coalesce(u.username, c.actor) AS actor
           FROM case_contacts c LEFT JOIN staff_users u ON u.id::text = c.actor
           WHERE c.case_id = $1 ORDER BY c.on_date, c.id""",
        case_id,
    )
    out = []
    for r in rows:
        entry = dict(r)
        sealed = entry.pop("sealed")
        if sealed is not None:
            entry.update(json.loads(open_sealed(keys, bytes(sealed))))
        out.append(entry)
    return out


def open_sealed(keys: Mapping[str, PrivateKey], ciphertext: bytes) -> str:
    """Free text sealed to the case key; a tampered envelope is a clear 409, never skipped."""
    for key in keys.values():
        try:
            return bytes(SealedBox(key).decrypt(ciphertext)).decode()
        except (CryptoError, ValueError):
            continue
    raise KeyRefused(
        "Catatan tidak dapat dibuka (amplop rusak atau kunci lain) | A note cannot be opened "
        "(tampered envelope or another key)",
        code="envelope_unopenable",
    )
