"""The reporter's first visit: home, the report form and the receipt shown once."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Redirect

from peluit_intake.adapters.idempotency import Idempotent, KeyReused, key_is_valid
from peluit_intake.entrypoints.http_common import source_of
from peluit_intake.entrypoints.web import form_errors, report_form
from peluit_intake.entrypoints.web.page_common import (
    Req,
    form_csrf_ok,
    form_page,
    lang_suffix,
    secure,
)
from peluit_intake.entrypoints.web.render import cookie, lang_of, render
from peluit_intake.entrypoints.web.report_attachments import MAX_FILES, forward_attachments
from peluit_intake.entrypoints.web.streamed_form import (
    FilePart,
    FormBroken,
    FormTooLarge,
    StreamedForm,
)
from peluit_intake.i18n import N_, gettext_for
from peluit_intake.service.evidence import clean_filename
from peluit_intake.service.submit import submit_report
from peluit_intake.wiring import Intake
from peluit_shared.http import RETRY_AFTER_SECONDS, unavailable
from peluit_shared.logging import get_logger
from peluit_shared.validation import text_field_errors

log = get_logger(__name__)
RECEIPT_COOKIE = "rcpt"
RECEIPT_PATH = "/report/receipt"


def new_submission_token() -> str:
    """The form's one-time token: a double click or a resent page files one report."""
    return secrets.token_urlsafe(32)


DROPPED = N_(
    "Berkas berikut belum terkirim: {files}. Pilih berkas itu lagi sebelum mengirim laporan."
)


async def dropped_files(streamed: StreamedForm, first: FilePart | None) -> list[str]:
    """The names of the files that came with a form sent back (their bytes are skipped)."""
    names: list[str] = []
    part = first
    try:
        while part is not None:
            if part.filename:
                names.append(clean_filename(part.filename))
            part = await streamed.next_file()
    except FormBroken:
        pass
    return names[:20]


def too_large(request: Req, fields: Mapping[str, Any]) -> Response[Any]:
    """A form too large to take: the page says so in words (what was read is kept)."""
    return form_page(
        request,
        "report.html",
        413,
        values=report_form.read_values(fields),
        errors={},
        notice="form.too_large",
        submission=new_submission_token(),
    )


class ReportPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Req) -> Response[Any]:
        return render(request, "home.html", secure())

    @get("/safety")
    async def safety(self, request: Req) -> Response[Any]:
        """ "Lapor dengan aman / Report safely": device, network, Tor, protection, next steps."""
        return render(request, "safety.html", secure())

    @get("/report")
    async def reportform_page(self, request: Req) -> Response[Any]:
        return form_page(
            request,
            "report.html",
            values=report_form.read_values({}),
            errors={},
            submission=new_submission_token(),
        )

    @post(
        "/report",
        request_max_body_size=None,
        opt={"form_fields": True, "own_size_page": True},
    )
    async def submit(self, request: Req) -> Response[Any]:
        """The form streams: its fields first, then any attached files (forwarded later)."""
        intake = Intake.current()
        streamed: StreamedForm | None = None
        first: FilePart | None = None
        form: Mapping[str, Any]
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            try:
                streamed = StreamedForm(
                    request,
                    max_fields_bytes=intake.settings.max_body_bytes,
                    max_parts=128,
                    max_total_bytes=MAX_FILES * (intake.settings.max_evidence_bytes + 1024 * 1024)
                    + 2 * intake.settings.max_body_bytes,
                )
                first = await streamed.next_file()
            except FormTooLarge:
                return too_large(request, streamed.fields if streamed is not None else {})
            except FormBroken:
                return form_page(
                    request,
                    "report.html",
                    400,
                    values=report_form.read_values({}),
                    errors={},
                    notice="form.errors",
                    submission=new_submission_token(),
                )
            form = streamed.fields
        else:
            declared = request.headers.get("content-length", "")
            if not declared.isdigit() or int(declared) > intake.settings.max_body_bytes:
                return too_large(request, {})
            form = await request.form()
        response = await self._accept(request, intake, form, streamed, first)
        if streamed is not None:
            await streamed.discard_rest()
        return response

    async def _accept(
        self,
        request: Req,
        intake: Intake,
        form: Mapping[str, Any],
        streamed: StreamedForm | None,
        first: FilePart | None,
    ) -> Response[Any]:
        values = report_form.read_values(form)
        token = str(form.get("submission") or "")
        if not key_is_valid(token):
            token = new_submission_token()

        lang = lang_of(request)
        dropped: list[str] | None = None

        async def again(status: int, notice: str | None, errors: dict[str, str]) -> Response[Any]:
            """The form as the reporter filled it; files must be chosen again, so each file
            that came with this attempt is named at the evidence field."""
            nonlocal dropped
            if dropped is None:
                dropped = await dropped_files(streamed, first) if streamed is not None else []
            if dropped:
                errors = {
                    **errors,
                    "evidence": gettext_for(lang, DROPPED).format(files=", ".join(dropped)),
                }
            return form_page(
                request,
                "report.html",
                status,
                values=values,
                errors=errors,
                summary=report_form.summary(errors, lang) if errors else [],
                notice=notice,
                submission=token,
            )

        if form.get("action") == "add_person":
            values["who"] = values["who"][: report_form.MAX_PEOPLE - 1]
            values["who"].append(dict.fromkeys(report_form.PERSON_FIELDS, ""))
            return await again(200, None, {})
        if not form_csrf_ok(request, form.get("csrf")):
            return await again(403, "form.expired", {})
        # The edge's text rules (no control characters), shown next to each field.
        edge = {
            report_form.field_of_form_name(e["field"]): gettext_for(
                lang_of(request), form_errors.CONTROL
            )
            for e in text_field_errors(form)
        }
        report, errors = report_form.validate(values, lang_of(request))
        if report is None or edge:
            return await again(422, "form.errors", {**errors, **edge})
        notice, _ = report_form.notice_of(values, lang_of(request))
        body = json.dumps([report.model_dump_json(), values["notification_email"].strip()])
        try:
            # The limits live in the database too: with it away, the form comes back as typed.
            wait = await intake.throttle.submission(source_of(request))
            if wait:
                response = await again(429, "signin.throttled", {})
                response.headers["Retry-After"] = str(wait)
                return response
            accepted = await submit_report(
                intake.runtime.pool,
                intake.crypto,
                intake.cases_key(),
                report,
                channel="portal",
                notice=notice,
                notifications_key=intake.notifications_key(),
                recovery_key=intake.recovery_key(),
                idempotent=Idempotent.of(intake.request_key(), "portal", token, body.encode()),
            )
        except KeyReused:
            token = new_submission_token()
            return await again(409, "form.already_sent", {})
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("report_not_stored", error=type(exc).__name__)
            response = await again(503, "form.unavailable", {})
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        attached = (
            await forward_attachments(intake, streamed, first, accepted)
            if streamed is not None and not accepted.repeated
            else ()
        )
        handed = await intake.handoff.put(accepted.report_number, accepted.receipt, attached)
        return Redirect(
            RECEIPT_PATH + lang_suffix(request),
            status_code=303,
            cookies=[cookie(RECEIPT_COOKIE, handed, secure(), max_age=600, path=RECEIPT_PATH)],
        )

    @get(RECEIPT_PATH)
    async def receipt(self, request: Req) -> Response[Any]:
        handoff = await Intake.current().handoff.peek(request.cookies.get(RECEIPT_COOKIE))
        minutes = int(Intake.current().handoff.ttl_seconds // 60)
        return form_page(request, "receipt.html", handoff=handoff, minutes=minutes)

    @post(RECEIPT_PATH + "/forget")
    async def forget_receipt(self, request: Req) -> Response[Any]:
        form = await request.form()
        if form_csrf_ok(request, form.get("csrf")):
            await Intake.current().handoff.forget(request.cookies.get(RECEIPT_COOKIE))
        gone = cookie(RECEIPT_COOKIE, "", secure(), max_age=0, path=RECEIPT_PATH)
        return Redirect(RECEIPT_PATH + lang_suffix(request), status_code=303, cookies=[gone])
