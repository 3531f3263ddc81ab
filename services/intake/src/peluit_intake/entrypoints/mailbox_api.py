"""The secure mailbox as JSON: sign in with the receipt, read, reply, sign out (bearer token)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from pydantic import BaseModel, Field, StringConstraints

from peluit_intake.adapters.evidence_client import ForwardFailed
from peluit_intake.adapters.idempotency import KEY_FORMAT, Idempotent, KeyReused, key_is_valid
from peluit_intake.adapters.sessions import MailboxSession
from peluit_intake.domain.status import PUBLIC_STATUS_LABELS
from peluit_intake.entrypoints.http_common import (
    WRONG_RECEIPT,
    bearer,
    documented,
    key_reused,
    source_of,
    too_many,
)
from peluit_intake.service.evidence import add_evidence, list_evidence
from peluit_intake.service.mailbox import FollowupRefused, post_followup, read_mailbox
from peluit_intake.service.sign_in import Throttled, WrongReceipt, sign_in
from peluit_intake.wiring import Intake
from peluit_shared.http import problem
from peluit_shared.validation import field_error


class SignInRequest(BaseModel):
    receipt: Annotated[str, StringConstraints(max_length=100)] = Field(
        description="Kode rahasia 20 angka (tanda hubung/spasi diabaikan) / 20-digit receipt"
    )


class SessionOpened(BaseModel):
    token: str
    idle_timeout_seconds: int
    report_number: str


class StatusOut(BaseModel):
    status: str
    label: str
    label_en: str
    at: datetime


class MessageOut(BaseModel):
    message_id: uuid.UUID
    kind: str
    text: str | None
    received_at: datetime
    answered: bool


class FollowupOut(BaseModel):
    followup_id: uuid.UUID
    kind: str
    in_reply_to: uuid.UUID | None
    text: str | None
    posted_at: datetime
    received: bool = True
    sent_to_team: bool


class EvidenceOut(BaseModel):
    evidence_id: uuid.UUID
    filename: str | None
    size_bytes: int
    sha256_prefix: str
    forwarded_at: datetime


class EvidenceAccepted(BaseModel):
    evidence_id: uuid.UUID
    size_bytes: int
    sha256: str
    metadata_removed: bool
    media_type: str
    message: str = "Bukti diterima."
    message_en: str = "Evidence received."


class EvidenceGrantOut(BaseModel):
    grant: str
    upload_url: str
    expires_at: datetime
    max_files: int
    max_file_bytes: int


class MailboxOut(BaseModel):
    report_number: str
    status: StatusOut
    history: list[StatusOut]
    report: dict[str, Any]
    messages: list[MessageOut]
    followups: list[FollowupOut]
    evidence: list[EvidenceOut] = []
    notices_by_email: bool = Field(
        default=False,
        description="a generic notice goes to the address left with the report "
        "(the address is not shown)",
    )


class FollowupIn(BaseModel):
    kind: Literal["answer", "information"]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    in_reply_to: uuid.UUID | None = None


class FollowupAccepted(BaseModel):
    followup_id: uuid.UUID
    message: str
    message_en: str


def _status(status: str, at: datetime) -> StatusOut:
    label = PUBLIC_STATUS_LABELS.get(status, (status, status))
    return StatusOut(status=status, label=label[0], label_en=label[1], at=at)


async def api_session(request: Request[Any, Any, Any]) -> MailboxSession:
    session = await Intake.current().sessions.get(bearer(request))
    if session is None:
        raise NotAuthorizedException("Sesi tidak valid atau berakhir | Session invalid or expired")
    return session


class MailboxApi(Controller):
    path = "/api/v1/mailbox"
    tags = ["mailbox"]
    security = [{"mailbox": []}]
    dependencies = {"intake": Provide(Intake.current, sync_to_thread=False)}

    @post(
        "/session",
        status_code=201,
        summary="Sign in with the receipt; returns a bearer token",
        responses=documented(201, SessionOpened, 400, 401, 422, 429),
        security=[{}],
    )
    async def open_session(
        self, data: SignInRequest, intake: Intake, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        try:
            signed = await sign_in(
                intake.runtime.pool,
                intake.crypto,
                intake.throttle,
                data.receipt,
                source_of(request),
            )
        except Throttled as exc:
            return too_many(exc.retry_after)
        except WrongReceipt:
            return problem(
                401, WRONG_RECEIPT[1], message=WRONG_RECEIPT[0], message_en=WRONG_RECEIPT[1]
            )
        token = await intake.sessions.open(signed.report_id, signed.report_number, signed.keys)
        return Response(
            SessionOpened(
                token=token,
                idle_timeout_seconds=int(intake.settings.session_idle_seconds),
                report_number=signed.report_number,
            ),
            status_code=201,
        )

    @delete(
        "/session",
        status_code=204,
        summary="Sign out",
        dependencies={"session": Provide(api_session)},
    )
    async def close_session(
        self, intake: Intake, session: MailboxSession, request: Request[Any, Any, Any]
    ) -> None:
        await intake.sessions.close(bearer(request))

    @get(
        "/",
        summary="The report, its status history, the team's messages and your follow-ups",
        dependencies={"session": Provide(api_session)},
    )
    async def read(self, intake: Intake, session: MailboxSession) -> MailboxOut:
        box = await read_mailbox(intake.runtime.pool, session.report_id, session.keys)
        history = [_status(h.public_status, h.changed_at) for h in box.history]
        return MailboxOut(
            report_number=box.report_number,
            status=history[-1] if history else _status(box.status, datetime.now(UTC)),
            history=history,
            report=box.content,
            messages=[
                MessageOut(
                    message_id=m.message_id,
                    kind=m.kind,
                    text=m.text,
                    received_at=m.received_at,
                    answered=m.answered,
                )
                for m in box.messages
            ],
            followups=[
                FollowupOut(
                    followup_id=f.followup_id,
                    kind=f.kind,
                    in_reply_to=f.in_reply_to,
                    text=f.text,
                    posted_at=f.posted_at,
                    sent_to_team=f.sent_to_team,
                )
                for f in box.followups
            ],
            evidence=[
                EvidenceOut(**vars(e))
                for e in await list_evidence(intake.runtime.pool, session.report_id, session.keys)
            ],
            notices_by_email=box.notices_by_email,
        )

    @post(
        "/followups",
        status_code=201,
        summary="Answer a question or add information",
        responses=documented(201, FollowupAccepted, 400, 401, 409, 415, 422, 429, 503),
        dependencies={"session": Provide(api_session)},
    )
    async def followup(
        self,
        data: FollowupIn,
        intake: Intake,
        session: MailboxSession,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        idempotent: Idempotent | None = None
        key = request.headers.get("idempotency-key")
        if key is not None:
            if not key_is_valid(key):
                return problem(
                    422, "Idempotency-Key", errors=[field_error("Idempotency-Key", KEY_FORMAT)]
                )
            # Scoped to the report: one reporter's key never meets another's.
            idempotent = Idempotent.of(
                intake.request_key(),
                "followup",
                f"{session.report_id}|{key}",
                data.model_dump_json().encode(),
            )
        wait = await intake.throttle.followup(session.report_id)
        if wait:
            return too_many(wait)
        try:
            followup_id = await post_followup(
                intake.runtime.pool,
                intake.cases_key(),
                session.report_id,
                session.keys,
                data.kind,
                data.text,
                data.in_reply_to,
                idempotent,
            )
        except KeyReused:
            return key_reused()
        except FollowupRefused as exc:
            return problem(422, exc.field, errors=[field_error(exc.field, exc.message)])
        return Response(
            FollowupAccepted(
                followup_id=followup_id,
                message="Tanggapan Anda telah diterima.",
                message_en="Your follow-up was received.",
            ),
            status_code=201,
        )

    @post(
        "/evidence",
        status_code=201,
        request_max_body_size=None,
        opt={"raw_body": True},
        summary="Add an evidence file: the raw bytes as the body, the file name in "
        "X-Filename (percent-encoded), optionally an Idempotency-Key; the type is "
        "decided from the content; JPEG/PNG/PDF/Office metadata is removed",
        responses=documented(201, EvidenceAccepted, 401, 409, 413, 415, 422, 503),
        dependencies={"session": Provide(api_session)},
    )
    async def evidence(
        self, intake: Intake, session: MailboxSession, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        declared = request.headers.get("content-length", "")
        length = int(declared) if declared.isdigit() else None
        if length is not None and length > intake.settings.max_evidence_bytes:
            mib = intake.settings.max_evidence_bytes // (1024 * 1024)
            return problem(
                413,
                f"File too large (at most {mib} MiB).",
                message=f"Berkas terlalu besar (maksimum {mib} MiB).",
                message_en=f"File too large (at most {mib} MiB).",
            )
        try:
            forwarded = await add_evidence(
                intake.runtime.pool,
                intake.evidence(),
                (await intake.upload_grant(session.report_id))[0],
                session.report_id,
                session.keys,
                unquote(request.headers.get("x-filename", "")),
                request.headers.get("content-type", "application/octet-stream"),
                request.stream(),
                length,
                normalise_name=False,
                idempotency_key=request.headers.get("idempotency-key"),
            )
        except ForwardFailed as exc:
            extra = {"errors": exc.errors} if exc.errors else {}
            return problem(
                exc.status, exc.message_en, message=exc.message, message_en=exc.message_en, **extra
            )
        return Response(
            EvidenceAccepted(
                evidence_id=forwarded.evidence_id,
                size_bytes=forwarded.size_bytes,
                sha256=forwarded.sha256,
                metadata_removed=forwarded.metadata_removed,
                media_type=forwarded.media_type,
            ),
            status_code=201,
        )

    @post(
        "/evidence-grant",
        status_code=201,
        summary="An upload grant for this report: upload straight to the evidence service",
        description="POST the file's raw bytes to `upload_url` with `Authorization: Grant "
        "<grant>`, its name percent-encoded in `X-Filename`, optionally an "
        "`Idempotency-Key` (a retry with the same key returns the first file). "
        "The type is decided from the content; JPEG/PNG/PDF/Office metadata is "
        "removed.",
        responses=documented(201, EvidenceGrantOut, 401),
        dependencies={"session": Provide(api_session)},
    )
    async def evidence_grant(self, intake: Intake, session: MailboxSession) -> EvidenceGrantOut:
        grant, expires = await intake.upload_grant(session.report_id)
        base = (intake.settings.evidence_public_url or intake.settings.evidence_url).rstrip("/")
        return EvidenceGrantOut(
            grant=grant,
            upload_url=f"{base}/api/v1/reports/{session.report_id}/evidence",
            expires_at=datetime.fromtimestamp(expires, UTC),
            max_files=intake.settings.max_evidence_files,
            max_file_bytes=intake.settings.max_evidence_bytes,
        )
