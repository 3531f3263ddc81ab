"""The reporter's first visit: home, the report form and the receipt shown once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Redirect

from peluit_intake.entrypoints.http_common import source_of
from peluit_intake.entrypoints.web import report_form
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
from peluit_intake.service.submit import submit_report
from peluit_intake.wiring import Intake
from peluit_shared.http import problem

RECEIPT_COOKIE = "rcpt"
RECEIPT_PATH = "/report/receipt"


class ReportPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Req) -> Response[Any]:
        return render(request, "home.html", secure())

    @get("/report")
    async def reportform_page(self, request: Req) -> Response[Any]:
        return form_page(request, "report.html", values=report_form.read_values({}), errors={})

    @post("/report", request_max_body_size=None)
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
                return problem(413)
            except FormBroken:
                return form_page(
                    request,
                    "report.html",
                    400,
                    values=report_form.read_values({}),
                    errors={},
                    notice="form.errors",
                )
            form = streamed.fields
        else:
            declared = request.headers.get("content-length", "")
            if not declared.isdigit() or int(declared) > intake.settings.max_body_bytes:
                return problem(413)
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
        if form.get("action") == "add_person":
            values["who"] = values["who"][: report_form.MAX_PEOPLE - 1]
            values["who"].append(dict.fromkeys(report_form.PERSON_FIELDS, ""))
            return form_page(request, "report.html", values=values, errors={})
        if not form_csrf_ok(request, form.get("csrf")):
            return form_page(
                request, "report.html", 403, values=values, errors={}, notice="form.expired"
            )
        report, errors = report_form.validate(values, lang_of(request))
        if report is None:
            return form_page(
                request, "report.html", 422, values=values, errors=errors, notice="form.errors"
            )
        source = source_of(request)
        wait = intake.throttle.submission_wait(source)
        if wait:
            response = form_page(
                request, "report.html", 429, values=values, errors={}, notice="signin.throttled"
            )
            response.headers["Retry-After"] = str(wait)
            return response
        intake.throttle.count_submission(source)
        notice, _ = report_form.notice_of(values, lang_of(request))
        accepted = await submit_report(
            intake.runtime.pool,
            intake.crypto,
            intake.cases_key(),
            report,
            channel="portal",
            notice=notice,
            notifications_key=intake.notifications_key(),
            recovery_key=intake.recovery_key(),
        )
        attached = (
            await forward_attachments(intake, streamed, first, accepted)
            if streamed is not None
            else ()
        )
        token = intake.handoff.put(accepted.report_number, accepted.receipt, attached)
        return Redirect(
            RECEIPT_PATH + lang_suffix(request),
            status_code=303,
            cookies=[cookie(RECEIPT_COOKIE, token, secure(), max_age=600, path=RECEIPT_PATH)],
        )

    @get(RECEIPT_PATH)
    async def receipt(self, request: Req) -> Response[Any]:
        handoff = Intake.current().handoff.peek(request.cookies.get(RECEIPT_COOKIE))
        minutes = int(Intake.current().handoff.ttl_seconds // 60)
        return form_page(request, "receipt.html", handoff=handoff, minutes=minutes)

    @post(RECEIPT_PATH + "/forget")
    async def forget_receipt(self, request: Req) -> Response[Any]:
        form = await request.form()
        if form_csrf_ok(request, form.get("csrf")):
            Intake.current().handoff.forget(request.cookies.get(RECEIPT_COOKIE))
        gone = cookie(RECEIPT_COOKIE, "", secure(), max_age=0, path=RECEIPT_PATH)
        return Redirect(RECEIPT_PATH + lang_suffix(request), status_code=303, cookies=[gone])
