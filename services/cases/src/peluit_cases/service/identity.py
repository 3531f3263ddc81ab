"""Identity access requests: asked by a case team member, approved by a different custodian.

The identity is sealed to its own per-case key, wrapped only to custodians and the recovery key.
A team member asks with a reason (sealed to the identity key, so custodians can read it and the
host cannot); a custodian other than the requester approves in their own session, which unwraps
the identity key and wraps it to the requester. Both steps are audited with codes only, and the
reporter's mailbox is told in plain words that their identity was disclosed to the team.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.exceptions import CryptoError
from nacl.public import PublicKey

from peluit_cases.adapters import audit_repo, case_keys, cases_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import load_case
from peluit_cases.service.errors import Forbidden, Invalid, KeyRefused, NotFound, Refused
from peluit_cases.wiring import Cases
from peluit_shared.crypto import SealedData, UnknownKey, key_id_of, seal, unseal
from peluit_shared.events import CaseMessageToReporter
from peluit_shared.events.cases import CaseMessageToReporterPayload
from peluit_shared.outbox import add_to_outbox

# What the reporter reads in their mailbox after an approved reveal (Indonesian, then English).
DISCLOSED_NOTICE = (
    "Identitas Anda telah dibuka untuk tim penanganan pengaduan, setelah permintaan beralasan "
    "disetujui oleh petugas penjaga identitas. Identitas Anda tetap dirahasiakan dari pihak "
    "lain.\n\nYour identity has been disclosed to the complaint handling team, after a request "
    "with a reason was approved by an identity custodian. It stays confidential from anyone "
    "else."
)


def _custodian(staff: StaffUser) -> None:
    if not staff.custodian:
        raise Forbidden(
            "Hanya penjaga identitas (custodian) | Only an identity custodian may do this"
        )


async def request_reveal(
    cases: Cases, staff: StaffUser, case_id: uuid.UUID, reason: str
) -> uuid.UUID:
    minimum = cases.settings.reveal_min_reason
    if len(reason.strip()) < minimum:
        raise Invalid(
            "reason",
            f"Alasan minimal {minimum} karakter | Reason needs at least {minimum} characters",
        )
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        row = await load_case(conn, staff, case_id, Permission.CASE_WORK)
        if row["anonymous"] or row["identity_public_key"] is None:
            raise Refused(
                "Laporan ini anonim: tidak ada identitas | An anonymous report: no identity",
                code="no_identity",
            )
        open_already = await conn.fetchval(
            "SELECT id FROM identity_requests WHERE case_id = $1 AND requested_by = $2 "
            "AND status = 'pending'",
            case_id,
            staff.id,
        )
        if open_already is not None:
            return uuid.UUID(str(open_already))
        sealed = seal(
            PublicKey(bytes(row["identity_public_key"])),
            json.dumps({"reason": reason.strip()}).encode(),
        )
        request_id = uuid.uuid4()
        await conn.execute(
            """INSERT INTO identity_requests (id, case_id, requested_by, reason_key_id,
                                              sealed_reason)
               VALUES ($1, $2, $3, $4, $5)""",
            request_id,
            case_id,
            staff.id,
            sealed.key_id,
            sealed.ciphertext,
        )
        await cases_repo.add_history(
            conn, case_id, str(staff.id), "identity_requested", None, None, None
        )
        await audit_repo.append(
            conn, str(staff.id), "identity_requested", case_id, request=str(request_id)
        )
    return request_id


async def pending(cases: Cases, staff: StaffUser) -> list[dict[str, Any]]:
    """Open requests for a custodian, each reason opened with the custodian's identity key."""
    _custodian(staff)
    async with cases.runtime.pool.acquire() as conn:
        rows = await conn.fetch(
            """SELECT r.id, r.case_id, r.requested_by, r.requested_at, r.reason_key_id,
                      r.sealed_reason, u.username AS requester, c.report_number,
                      c.identity_public_key, c.id AS cid
               FROM identity_requests r JOIN staff_users u ON u.id = r.requested_by
               JOIN cases c ON c.id = r.case_id
               WHERE r.status = 'pending' ORDER BY r.requested_at"""
        )
        out = []
        for r in rows:
            out.append(
                {
                    "id": r["id"],
                    "case_id": r["case_id"],
                    "report_number": r["report_number"],
                    "requester": r["requester"],
                    "requested_at": r["requested_at"],
                    "own": r["requested_by"] == staff.id,
                    "reason": await _reason(conn, staff, dict(r)),
                }
            )
    return out


async def _reason(conn: asyncpg.Connection, staff: StaffUser, r: dict[str, Any]) -> str | None:
    """The request's reason if the custodian's session holds the case's identity key."""
    row = {"id": r["cid"], "identity_public_key": r["identity_public_key"]}
    try:
        key = await case_keys.held_key(conn, staff, row, "identity")
        sealed = SealedData(key_id=r["reason_key_id"], ciphertext=bytes(r["sealed_reason"]))
        return str(json.loads(unseal({key_id_of(key.public_key): key}, sealed))["reason"])
    except (KeyRefused, UnknownKey, CryptoError, ValueError, KeyError):
        return None


async def decide(cases: Cases, staff: StaffUser, request_id: uuid.UUID, approve: bool) -> str:
    """A custodian (never the requester) approves or refuses; approval wraps the identity key
    to the requester and tells the reporter. Returns the new status."""
    _custodian(staff)
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        req = await conn.fetchrow(
            "SELECT * FROM identity_requests WHERE id = $1 FOR UPDATE", request_id
        )
        if req is None:
            raise NotFound("Permintaan tidak ditemukan | Request not found")
        if req["status"] != "pending":
            raise Refused(
                "Permintaan sudah diputuskan | The request was already decided",
                code="already_decided",
            )
        if req["requested_by"] == staff.id:
            raise Forbidden(
                "Permintaan sendiri harus disetujui orang lain | Your own request needs "
                "another custodian"
            )
        row = await cases_repo.get_case(conn, req["case_id"], for_update=True)
        assert row is not None
        status = "approved" if approve else "refused"
        if approve:
            key = await case_keys.held_key(conn, staff, row, "identity")
            recipient = await case_keys.staff_public_key(conn, req["requested_by"])
            if recipient is None:
                raise KeyRefused(
                    "Peminta tidak memiliki pasangan kunci aktif | The requester has no active "
                    "key pair",
                    code="recipient_without_key",
                )
            await case_keys.wrap_to(
                conn, row["id"], "identity", key, req["requested_by"], recipient, "reveal"
            )
        await conn.execute(
            "UPDATE identity_requests SET status = $2, decided_by = $3, decided_at = now() "
            "WHERE id = $1",
            request_id,
            status,
            staff.id,
        )
        await cases_repo.add_history(
            conn, row["id"], str(staff.id), f"identity_reveal_{status}", None, None, None
        )
        told = False
        if approve:
            told = await _tell_reporter(conn, staff, row)
        await audit_repo.append(
            conn,
            str(staff.id),
            f"identity_reveal_{status}",
            row["id"],
            request=str(request_id),
            requester=str(req["requested_by"]),
            reporter_told=told,
        )
    return status


async def _tell_reporter(conn: asyncpg.Connection, staff: StaffUser, row: dict[str, Any]) -> bool:
    """The reporter's mailbox says, in plain words, that their identity was disclosed."""
    if not row["reporter_public_key"]:
        return False
    body = json.dumps({"text": DISCLOSED_NOTICE}).encode()
    reporter = PublicKey(row["reporter_public_key"].encode(), encoder=Base64Encoder)
    copy = seal(case_keys.case_public_key(row), body)
    message_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO case_messages (id, case_id, direction, kind, sealed_key_id, sealed_text,
                                      author)
           VALUES ($1, $2, 'to_reporter', 'message', $3, $4, $5)""",
        message_id,
        row["id"],
        copy.key_id,
        copy.ciphertext,
        str(staff.id),
    )
    await add_to_outbox(
        conn,
        CaseMessageToReporter(
            correlation_id=row["report_id"],
            payload=CaseMessageToReporterPayload(
                message_id=message_id,
                case_id=row["id"],
                report_id=row["report_id"],
                report_number=row["report_number"],
                kind="message",
                sealed_message=seal(reporter, body),
            ),
        ),
    )
    return True
