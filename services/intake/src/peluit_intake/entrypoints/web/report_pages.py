"""The reporter's first visit: home, the report form and the receipt shown once."""

from __future__ import annotations

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
from peluit_intake.service.submit import submit_report
from peluit_intake.wiring import Intake

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

    @post("/report")
    async def submit(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        form = await request.form()
        values = report_form.read_values(form)
        if form.get("action") == "add_person":
            values["who"] = values["who"][: report_form.MAX_PEOPLE - 1]
            values["who"].append(dict.fromkeys(report_form.PERSON_FIELDS, ""))
            return form_page(request, "report.html", values=values, errors={})
        if not form_csrf_ok(request, form.get("csrf")):
            return form_page(request, "report.html", 403, values=values, errors={},
                              notice="form.expired")
        report, errors = report_form.validate(values, lang_of(request))
        if report is None:
            return form_page(request, "report.html", 422, values=values, errors=errors,
                              notice="form.errors")
        source = source_of(request)
        wait = intake.throttle.submission_wait(source)
        if wait:
            response = form_page(request, "report.html", 429, values=values, errors={},
                                  notice="signin.throttled")
            response.headers["Retry-After"] = str(wait)
            return response
        intake.throttle.count_submission(source)
        accepted = await submit_report(intake.runtime.pool, intake.crypto, intake.cases_key(),
                                       report, channel="portal")
        token = intake.handoff.put(accepted.report_number, accepted.receipt)
        return Redirect(RECEIPT_PATH + lang_suffix(request), status_code=303, cookies=[
            cookie(RECEIPT_COOKIE, token, secure(), max_age=600, path=RECEIPT_PATH)])

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
