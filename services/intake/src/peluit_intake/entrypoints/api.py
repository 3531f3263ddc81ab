"""The whistleblower's JSON API: submit a report (also the staff's manual-entry door)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, post
from litestar.di import Provide
from pydantic import BaseModel, Field, field_validator

from peluit_intake.adapters.idempotency import KEY_FORMAT, Idempotent, KeyReused, key_is_valid
from peluit_intake.domain.notice import NoticeEmail, NoticeLanguage, NotificationContact
from peluit_intake.domain.report import ReportContent
from peluit_intake.entrypoints.http_common import (
    documented,
    key_reused,
    manual_entry_allowed,
    source_of,
    too_many,
)
from peluit_intake.service.submit import submit_report
from peluit_intake.wiring import Intake
from peluit_shared.http import problem
from peluit_shared.validation import field_error

ManualChannel = Literal["letter", "phone", "email", "in_person"]
KEEP_RECEIPT = (
    "Simpan nomor laporan dan kode rahasia ini. Kode rahasia hanya ditampilkan sekali dan "
    "diperlukan untuk melihat perkembangan laporan.",
    "Keep this report number and secret receipt. The receipt is shown only once and is needed "
    "to follow the report.",
)


class ReportRequest(ReportContent):
    """A report; `channel` only with the staff's manual-entry token (paper, phone, ...)."""

    channel: ManualChannel | None = Field(
        default=None,
        description="Hanya untuk input manual oleh petugas (Authorization: Bearer <token>) / "
        "manual entry by staff only",
    )
    notification_email: NoticeEmail | None = Field(
        default=None,
        description="Email untuk pemberitahuan (opsional): hanya kabar umum bahwa ada "
        "perkembangan, tanpa isi laporan. Disegel untuk layanan notifikasi. / Optional address "
        "for a generic notice that there is news (never the content); sealed to the "
        "notifications service.",
    )
    notification_language: NoticeLanguage = Field(
        default="id", description="Bahasa pemberitahuan / language of the notices (id | en)"
    )

    @field_validator("notification_email", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    def notice(self) -> NotificationContact | None:
        if self.notification_email is None:
            return None
        return NotificationContact(
            email=self.notification_email, language=self.notification_language
        )


# Fields of the request that are not part of the report sealed to the cases service.
NOT_CONTENT = {"channel", "notification_email", "notification_language"}


class ReportAccepted(BaseModel):
    """Shown once: keep the receipt, it is the only way back to the report."""

    report_number: str
    receipt: str
    message: str
    message_en: str


class ReportsApi(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    dependencies = {"intake": Provide(Intake.current, sync_to_thread=False)}

    @post(
        "/",
        status_code=201,
        summary="Submit a report (4W+1H); identity optional",
        responses=documented(201, ReportAccepted, 400, 409, 413, 415, 422, 429, 503),
        security=[{}, {"manual_entry": []}],
    )
    async def submit(
        self, data: ReportRequest, intake: Intake, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        staff = manual_entry_allowed(request, intake.settings.manual_entry_token)
        if data.channel is not None and not staff:
            return problem(
                422,
                "channel",
                errors=[
                    field_error(
                        "channel",
                        "Saluran hanya dapat diisi oleh petugas input manual | "
                        "Only staff entering a report manually may set the channel",
                    )
                ],
            )
        source = source_of(request)
        if not staff:
            wait = await intake.throttle.submission(source)
            if wait:
                return too_many(wait)
        idempotent: Idempotent | None = None
        key = request.headers.get("idempotency-key")
        if key is not None:
            if not key_is_valid(key):
                return problem(
                    422, "Idempotency-Key", errors=[field_error("Idempotency-Key", KEY_FORMAT)]
                )
            pepper = intake.request_key()
            idempotent = Idempotent.of(pepper, "report", key, data.model_dump_json().encode())
        content = ReportContent.model_validate(data.model_dump(exclude=NOT_CONTENT))
        try:
            accepted = await submit_report(
                intake.runtime.pool,
                intake.crypto,
                intake.cases_key(),
                content,
                channel=data.channel or "api",
                notice=data.notice(),
                notifications_key=intake.notifications_key(),
                recovery_key=intake.recovery_key(),
                idempotent=idempotent,
            )
        except KeyReused:
            return key_reused()
        body = ReportAccepted(
            report_number=accepted.report_number,
            receipt=accepted.receipt,
            message=KEEP_RECEIPT[0],
            message_en=KEEP_RECEIPT[1],
        )
        response = Response(body, status_code=201)
        if accepted.repeated:
            response.headers["Idempotent-Replayed"] = "true"
        return response


__all__: list[Any] = ["ReportsApi"]
