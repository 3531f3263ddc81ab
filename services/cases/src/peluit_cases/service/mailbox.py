"""Use cases of the mailbox: the team writes to the reporter; the reporter's follow-ups arrive."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey

from peluit_cases.adapters.case_keys import LEGACY
from peluit_cases.domain.aggregate import check_message
from peluit_cases.domain.permissions import Permission
from peluit_cases.service.access import case_for
from peluit_cases.service.commands import ReceiveFollowup, SendMessage
from peluit_cases.service.errors import KeyRefused
from peluit_cases.service.unit_of_work import UnitOfWork
from peluit_shared.consumer import PoisonEvent
from peluit_shared.crypto import SealedData, UnknownKey, key_id_of, seal, unseal


async def send(cmd: SendMessage, uow: UnitOfWork) -> uuid.UUID:
    """Seal the text to the reporter (and a copy to the case key); returns the message id."""
    check_message(cmd.kind, cmd.text)
    async with uow:
        case = await case_for(uow, cmd.staff, cmd.case_id, Permission.CASE_WORK)
        reporter = PublicKey(case.require_mailbox().encode(), encoder=Base64Encoder)
        if case.case_public_key is None:
            raise KeyRefused(LEGACY, code="key_legacy")
        body = json.dumps({"text": cmd.text.strip()}).encode()
        message_id = uuid.uuid4()
        case.send_message(
            cmd.staff,
            message_id,
            cmd.kind,
            seal(PublicKey(case.case_public_key), body),
            seal(reporter, body),
            today=datetime.now(UTC).date(),
            reporter_update_days=uow.rules.reporter_update_days,
        )
        await uow.audit.append(str(cmd.staff.id), "message_sent", case.id, kind=cmd.kind)
        await uow.commit()
        return message_id


async def receive_followup(cmd: ReceiveFollowup, uow: UnitOfWork) -> None:
    """Store the reporter's follow-up on the case; an answer closes its question."""
    p = cmd.event.payload
    async with uow:
        case = await uow.cases.for_report(p.report_id)
        if case is None:
            # Events of one report share a partition, so the case exists unless the report is
            # unknown to us: not retryable.
            raise PoisonEvent("follow-up for a report without a case")
        if case.case_public_key is None:  # legacy: sealed to the host key, checked here
            try:
                json.loads(unseal(cmd.host_keys, p.sealed_followup))["text"]
            except (UnknownKey, CryptoError, ValueError, KeyError, TypeError) as exc:
                raise PoisonEvent(f"follow-up cannot be opened: {type(exc).__name__}") from exc
        elif p.sealed_followup.key_id != key_id_of(PublicKey(case.case_public_key)):
            # Cases cannot open it (only the team's sessions can), but it must be for this case.
            raise PoisonEvent("follow-up not sealed to its case key")
        if await uow.cases.has_message(p.followup_id):
            return  # a redelivery
        case.receive_followup(
            p.followup_id, p.kind, p.in_reply_to, p.sealed_followup, cmd.event.occurred_at
        )
        await uow.commit()


async def thread(
    conn: asyncpg.Connection, keys: Mapping[str, PrivateKey], case_id: uuid.UUID
) -> list[dict[str, object]]:
    rows = await conn.fetch(
        """SELECT m.id, m.direction, m.kind, m.in_reply_to, m.sealed_key_id, m.sealed_text,
                  m.at, m.answered_at, coalesce(u.username, m.author) AS author
           FROM case_messages m LEFT JOIN staff_users u ON u.id::text = m.author
           WHERE m.case_id = $1 ORDER BY m.at, m.id""",
        case_id,
    )
    out: list[dict[str, object]] = []
    for r in rows:
        sealed = SealedData(key_id=r["sealed_key_id"], ciphertext=bytes(r["sealed_text"]))
        try:
            text = str(json.loads(unseal(keys, sealed))["text"])
        except (UnknownKey, CryptoError, ValueError, KeyError):
            text = "[tidak dapat dibuka | cannot be opened]"
        out.append(
            {
                "id": r["id"],
                "direction": r["direction"],
                "kind": r["kind"],
                "in_reply_to": r["in_reply_to"],
                "at": r["at"],
                "answered_at": r["answered_at"],
                "author": r["author"],
                "text": text,
            }
        )
    return out
