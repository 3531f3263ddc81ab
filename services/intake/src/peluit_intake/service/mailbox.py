"""Use cases of a signed-in reporter: read the report, its status and the team's messages; reply.

Everything is opened here with keys held only by the session; the database gives ciphertext.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PublicKey

from peluit_intake.adapters import mailbox_repo
from peluit_intake.adapters.idempotency import Idempotent
from peluit_intake.adapters.receipt_crypto import ReceiptCrypto, ReporterKeys
from peluit_intake.adapters.reports_repo import find_by_id
from peluit_intake.adapters.staff_keys_repo import case_public_key
from peluit_shared.crypto import SealedData, UnknownKey, key_id_of, seal, unseal
from peluit_shared.events import ReportFollowupPosted
from peluit_shared.events.reports import ReportFollowupPostedPayload
from peluit_shared.outbox import add_to_outbox

FollowupKind = Literal["answer", "information"]


class FollowupRefused(Exception):
    """The follow-up does not fit the mailbox (e.g. answering a question that is not there)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Message:
    message_id: uuid.UUID
    kind: str
    text: str | None  # None: could not be opened with this receipt
    received_at: datetime
    answered: bool


@dataclass(frozen=True)
class Followup:
    followup_id: uuid.UUID
    kind: str
    in_reply_to: uuid.UUID | None
    text: str | None
    posted_at: datetime
    sent_to_team: bool


@dataclass(frozen=True)
class Mailbox:
    report_number: str
    status: str
    content: dict[str, Any]
    history: list[mailbox_repo.StatusEntry]
    messages: list[Message]
    followups: list[Followup]
    # Notices go to an address the reporter left (the address itself is not known here).
    notices_by_email: bool = False


def _open_message(keys: ReporterKeys, stored: mailbox_repo.StoredMessage) -> str | None:
    if keys.private_key is None:
        return None
    held = {key_id_of(keys.private_key.public_key): keys.private_key}
    try:
        plain = unseal(held, SealedData(key_id=stored.key_id, ciphertext=stored.sealed))
        return str(json.loads(plain)["text"])
    except (UnknownKey, CryptoError, ValueError, KeyError, TypeError):
        return None


def _open_own(keys: ReporterKeys, ciphertext: bytes) -> str | None:
    try:
        return str(json.loads(ReceiptCrypto.decrypt(keys.box_key, ciphertext))["text"])
    except (CryptoError, ValueError, KeyError, TypeError):
        return None


async def read_mailbox(pool: asyncpg.Pool, report_id: uuid.UUID, keys: ReporterKeys) -> Mailbox:
    async with pool.acquire() as conn:
        report = await find_by_id(conn, report_id)
        assert report is not None, "a session always names an existing report"
        status = str(
            await conn.fetchval("SELECT public_status FROM reports WHERE id = $1", report_id)
        )
        history = await mailbox_repo.status_history(conn, report_id)
        stored_messages = await mailbox_repo.messages(conn, report_id)
        stored_followups = await mailbox_repo.followups(conn, report_id)
    content = json.loads(ReceiptCrypto.decrypt(keys.box_key, report.reporter_copy))
    answered = {f.in_reply_to for f in stored_followups if f.in_reply_to}
    return Mailbox(
        report_number=report.report_number,
        status=status,
        content=content,
        history=history,
        messages=[
            Message(
                m.message_id,
                m.kind,
                _open_message(keys, m),
                m.received_at,
                m.message_id in answered,
            )
            for m in stored_messages
        ],
        followups=[
            Followup(
                f.id, f.kind, f.in_reply_to, _open_own(keys, f.reporter_copy), f.posted_at, f.sent
            )
            for f in stored_followups
        ],
        notices_by_email=report.notices_by_email,
    )


async def post_followup(
    pool: asyncpg.Pool,
    cases_key: PublicKey,
    report_id: uuid.UUID,
    keys: ReporterKeys,
    kind: FollowupKind,
    text: str,
    in_reply_to: uuid.UUID | None,
    idempotent: Idempotent | None = None,
) -> uuid.UUID:
    """Store the reporter's copy and send the team's sealed copy, in one transaction; with
    `idempotent`, a request already answered gets the first follow-up's id, nothing new."""
    plaintext = json.dumps({"text": text}, ensure_ascii=False).encode()
    followup_id = uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        if idempotent is not None:
            earlier = await idempotent.claim(conn)
            if earlier is not None:
                return uuid.UUID(earlier.decode())
        report = await find_by_id(conn, report_id)
        assert report is not None
        # Sealed to the case's own key; the cases host key only for a report from before.
        case_key = await case_public_key(conn, report_id)
        if kind == "answer":
            if in_reply_to is None:
                raise FollowupRefused(
                    "in_reply_to", "Pilih pertanyaan yang dijawab | Choose the question you answer"
                )
            if await mailbox_repo.message_kind(conn, report_id, in_reply_to) != "question":
                raise FollowupRefused(
                    "in_reply_to", "Pertanyaan tidak ditemukan | Question not found"
                )
        else:
            in_reply_to = None
        event = ReportFollowupPosted(
            correlation_id=report_id,
            payload=ReportFollowupPostedPayload(
                followup_id=followup_id,
                report_id=report_id,
                report_number=report.report_number,
                kind=kind,
                in_reply_to=in_reply_to,
                sealed_followup=seal(
                    PublicKey(case_key) if case_key is not None else cases_key, plaintext
                ),
            ),
        )
        await mailbox_repo.insert_followup(
            conn,
            report_id,
            followup_id,
            kind,
            in_reply_to,
            ReceiptCrypto.encrypt(keys.box_key, plaintext),
            event.event_id,
        )
        await add_to_outbox(conn, event)
        if idempotent is not None:
            await idempotent.record(conn, str(followup_id).encode())
    return followup_id
