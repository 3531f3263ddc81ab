"""Use cases that read a case: the audited case view and the identity reveal."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from peluit_cases.adapters import audit_repo, cases_repo
from peluit_cases.adapters.case_keys import case_keys, held_key
from peluit_cases.domain.deadlines import flag, reporter_flag, worst_flag
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import load_case
from peluit_cases.service.contacts import contact_log, open_sealed
from peluit_cases.service.errors import KeyRefused
from peluit_cases.service.evidence import evidence_of
from peluit_cases.service.mailbox import thread
from peluit_cases.wiring import Cases
from peluit_shared.crypto import SealedData, UnknownKey, key_id_of, unseal


def _open(keys: Mapping[str, PrivateKey], row: dict[str, Any]) -> dict[str, Any]:
    sealed = SealedData(key_id=row["sealed_key_id"], ciphertext=bytes(row["sealed_report"]))
    try:
        return dict(json.loads(unseal(keys, sealed)))
    except (UnknownKey, CryptoError, ValueError) as exc:
        raise KeyRefused(
            "Laporan tidak dapat dibuka (amplop rusak atau kunci lain) | The report cannot be "
            "opened (tampered envelope or another key)",
            code="envelope_unopenable",
        ) from exc


def _open_identity(key: PrivateKey, row: dict[str, Any]) -> dict[str, Any] | None:
    if row["sealed_identity"] is None:
        return None
    sealed = SealedData(key_id=row["identity_key_id"], ciphertext=bytes(row["sealed_identity"]))
    try:
        value = json.loads(unseal({key_id_of(key.public_key): key}, sealed))
    except (UnknownKey, CryptoError, ValueError) as exc:
        raise KeyRefused(
            "Identitas tidak dapat dibuka (amplop rusak) | The identity cannot be opened "
            "(tampered envelope)",
            code="envelope_unopenable",
        ) from exc
    return dict(value) if value else None


async def view_case(cases: Cases, staff: StaffUser, case_id: uuid.UUID) -> dict[str, Any]:
    """Metadata for everyone who may list; content for those who may read. Every view audited."""
    async with cases.runtime.pool.acquire() as conn:
        row = await load_case(conn, staff, case_id, Permission.CASE_LIST)
        content = allowed(staff.role, Permission.CASE_READ)
        detail: dict[str, Any] = {**row, "history": await cases_repo.case_history(conn, case_id)}
        today = datetime.now(UTC).date()
        detail["stage_flag"] = flag(cases.calendar, row["due_on"], today)
        detail["reporter_update_flag"] = reporter_flag(row["reporter_update_due"], today)
        detail["deadline_flag"] = worst_flag(detail["stage_flag"], detail["reporter_update_flag"])
        if content:
            keys = await case_keys(conn, staff, row)
            report = _open(keys, row)
            # The reporter's identity is shown only through an audited reveal, never in a view
            # (it is not in this envelope at all; a legacy report had it).
            report["identity"] = None
            detail["report"] = report
            detail["messages"] = await thread(conn, keys, case_id)
            detail["contacts"] = await contact_log(conn, case_id, keys)
            for entry in detail["history"]:
                sealed = entry.pop("sealed_note", None)
                if sealed is not None:
                    entry["note"] = open_sealed(keys, bytes(sealed))
            detail["evidence"] = await evidence_of(conn, keys, row["report_id"])
        else:
            # Codes and counts only: no free text (notes, reasons) for those without content.
            for entry in detail["history"]:
                entry.pop("sealed_note", None)
                entry["note"] = None
            detail["evidence"] = []
            detail["report"] = None
            detail["messages"] = []
            detail["contacts"] = []
        detail["conflicts"] = [
            dict(r)
            for r in await conn.fetch(
                """SELECT u.username, u.id, c.at FROM case_conflicts c JOIN staff_users u
               ON u.id = c.staff_id WHERE c.case_id = $1""",
                case_id,
            )
        ]
        await audit_repo.append(conn, str(staff.id), "case_viewed", case_id, content=content)
    return detail


async def reveal_identity(
    cases: Cases, staff: StaffUser, case_id: uuid.UUID, reason: str = ""
) -> dict[str, Any] | None:
    """The reporter's identity (None if anonymous), only for a team member whose identity
    request a custodian approved (the approval wrapped the identity key to them); audited.

    The reason was given with the request (service/identity.py); `reason` is not needed here.
    """
    del reason
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        row = await load_case(conn, staff, case_id, Permission.CASE_READ)
        if row["anonymous"]:
            identity = None
        else:
            via = await conn.fetchval(
                "SELECT via FROM case_key_wraps WHERE case_id = $1 AND kind = 'identity' "
                "AND holder = $2",
                case_id,
                str(staff.id),
            )
            if via != "reveal":
                raise KeyRefused(
                    "Belum ada persetujuan penjaga identitas: ajukan permintaan dengan alasan | "
                    "No custodian has approved: file an identity request with a reason",
                    code="reveal_not_approved",
                )
            identity = _open_identity(await held_key(conn, staff, row, "identity"), row)
        await cases_repo.add_history(
            conn, case_id, str(staff.id), "identity_revealed", None, None, None
        )
        await audit_repo.append(conn, str(staff.id), "identity_revealed", case_id)
    cases.anchor_wanted.set()  # committed: pin the chain head outside the database now
    return dict(identity) if identity else None
