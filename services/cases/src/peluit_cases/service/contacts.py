"""Use case: document a contact (confirmation call, visit, letter) or a follow-up on a case."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

from peluit_cases.domain.aggregate import CONTACT_CHANNELS, check_contact
from peluit_cases.domain.permissions import Permission
from peluit_cases.service.access import case_for
from peluit_cases.service.commands import RecordContact
from peluit_cases.service.errors import KeyRefused
from peluit_cases.service.unit_of_work import UnitOfWork

__all__ = ["CONTACT_CHANNELS", "add_contact", "contact_log", "open_sealed"]


async def add_contact(cmd: RecordContact, uow: UnitOfWork) -> None:
    """Document a contact or follow-up; party and result are sealed to the case key."""
    check_contact(cmd.kind, cmd.channel, cmd.party, cmd.result)
    async with uow:
        case = await case_for(uow, cmd.staff, cmd.case_id, Permission.CASE_WORK)
        case.record_contact(cmd.staff, cmd.kind, cmd.on_date, cmd.channel, cmd.party, cmd.result)
        await uow.audit.append(str(cmd.staff.id), f"{cmd.kind}_logged", case.id)
        await uow.commit()


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
