"""The whistleblower's pages: home, report form, receipt (once), mailbox sign-in, mailbox."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from peluit_intake.adapters.sessions import MailboxSession, csrf_matches
from peluit_intake.entrypoints.http_common import source_of
from peluit_intake.entrypoints.web import report_form
from peluit_intake.entrypoints.web.render import (
    FORM_COOKIE,
    cookie,
    form_binding,
    form_token,
    lang_of,
    render,
)
from peluit_intake.service.mailbox import (
    FollowupKind,
    FollowupRefused,
    post_followup,
    read_mailbox,
)
from peluit_intake.service.sign_in import Throttled, WrongReceipt, sign_in
from peluit_intake.service.submit import submit_report
from peluit_intake.wiring import Intake

SESSION_COOKIE = "mailbox"
RECEIPT_COOKIE = "rcpt"
RECEIPT_PATH = "/report/receipt"
Req = Request[Any, Any, Any]


def _secure() -> bool:
    return Intake.current().settings.cookie_secure


def _form_page(request: Req, template: str, status_code: int = 200,
               **context: Any) -> Response[Any]:
    """A page with a pre-session form: its CSRF token is bound to the visitor's form cookie."""
    binding, fresh = form_binding(request)
    cookies = [cookie(FORM_COOKIE, binding, _secure())] if fresh else []
    return render(request, template, _secure(), status_code, cookies=cookies,
                  csrf=form_token(Intake.current().form_key, binding), **context)


def _form_csrf_ok(request: Req, given: str | None) -> bool:
    binding = request.cookies.get(FORM_COOKIE)
    if not binding:
        return False
    return csrf_matches(form_token(Intake.current().form_key, binding), given)


def _session(request: Req) -> MailboxSession | None:
    return Intake.current().sessions.get(request.cookies.get(SESSION_COOKIE))


def _lang_suffix(request: Req) -> str:
    return "?lang=en" if lang_of(request) == "en" else ""


class Pages(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Req) -> Response[Any]:
        return render(request, "home.html", _secure())

    @get("/report")
    async def report_form_page(self, request: Req) -> Response[Any]:
        return _form_page(request, "report.html", values=report_form.read_values({}), errors={})

    @post("/report")
    async def submit(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        form = await request.form()
        values = report_form.read_values(form)
        if form.get("action") == "add_person":
            values["who"] = values["who"][: report_form.MAX_PEOPLE - 1]
            values["who"].append(dict.fromkeys(report_form.PERSON_FIELDS, ""))
            return _form_page(request, "report.html", values=values, errors={})
        if not _form_csrf_ok(request, form.get("csrf")):
            return _form_page(request, "report.html", 403, values=values, errors={},
                              notice="form.expired")
        report, errors = report_form.validate(values, lang_of(request))
        if report is None:
            return _form_page(request, "report.html", 422, values=values, errors=errors,
                              notice="form.errors")
        source = source_of(request)
        wait = intake.throttle.submission_wait(source)
        if wait:
            response = _form_page(request, "report.html", 429, values=values, errors={},
                                  notice="signin.throttled")
            response.headers["Retry-After"] = str(wait)
            return response
        intake.throttle.count_submission(source)
        accepted = await submit_report(intake.runtime.pool, intake.crypto, intake.cases_key(),
                                       report, channel="portal")
        token = intake.handoff.put(accepted.report_number, accepted.receipt)
        return Redirect(RECEIPT_PATH + _lang_suffix(request), status_code=303, cookies=[
            cookie(RECEIPT_COOKIE, token, _secure(), max_age=600, path=RECEIPT_PATH)])

    @get(RECEIPT_PATH)
    async def receipt(self, request: Req) -> Response[Any]:
        handoff = Intake.current().handoff.take(request.cookies.get(RECEIPT_COOKIE))
        gone = cookie(RECEIPT_COOKIE, "", _secure(), max_age=0, path=RECEIPT_PATH)
        return render(request, "receipt.html", _secure(), cookies=[gone], handoff=handoff)

    @get("/mailbox/sign-in")
    async def sign_in_page(self, request: Req) -> Response[Any]:
        notice = "signin.expired" if request.query_params.get("expired") else None
        return _form_page(request, "sign_in.html", notice=notice)

    @post("/mailbox/sign-in")
    async def sign_in(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        form = await request.form()
        if not _form_csrf_ok(request, form.get("csrf")):
            return _form_page(request, "sign_in.html", 403, notice="form.expired")
        try:
            signed = await sign_in(intake.runtime.pool, intake.crypto, intake.throttle,
                                   intake.dummy_hash(), str(form.get("receipt") or ""),
                                   source_of(request))
        except Throttled as exc:
            response = _form_page(request, "sign_in.html", 429, notice="signin.throttled")
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except WrongReceipt:
            return _form_page(request, "sign_in.html", 401, notice="signin.wrong")
        token = intake.sessions.open(signed.report_id, signed.report_number, signed.keys)
        return Redirect("/mailbox" + _lang_suffix(request), status_code=303,
                        cookies=[cookie(SESSION_COOKIE, token, _secure())])

    async def _mailbox_page(self, request: Req, session: MailboxSession, status_code: int = 200,
                            **context: Any) -> Response[Any]:
        box = await read_mailbox(Intake.current().runtime.pool, session.report_id, session.keys)
        return render(request, "mailbox.html", _secure(), status_code, box=box,
                      csrf=session.csrf, **context)

    @get("/mailbox")
    async def mailbox(self, request: Req) -> Response[Any]:
        session = _session(request)
        if session is None:
            return Redirect("/mailbox/sign-in?expired=1", status_code=303)
        notice = "mailbox.posted" if request.query_params.get("posted") else None
        return await self._mailbox_page(request, session, notice=notice, errors={}, draft={})

    @post("/mailbox/followups")
    async def followup(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        session = _session(request)
        if session is None:
            return Redirect("/mailbox/sign-in?expired=1", status_code=303)
        form = await request.form()
        if not csrf_matches(session.csrf, form.get("csrf")):
            return await self._mailbox_page(request, session, 403, notice="form.expired",
                                            errors={}, draft={})
        kind: FollowupKind = "answer" if form.get("kind") == "answer" else "information"
        text = str(form.get("text") or "").strip()
        target = str(form.get("in_reply_to") or "")
        slot = target or "information"
        if not text or len(text) > 20_000:
            return await self._mailbox_page(request, session, 422, errors={
                slot: "mailbox.text_required"}, draft={slot: text[:20_000]}, notice=None)
        wait = intake.throttle.followup_wait(session.report_id)
        if wait:
            response = await self._mailbox_page(request, session, 429, errors={},
                                                draft={slot: text}, notice="signin.throttled")
            response.headers["Retry-After"] = str(wait)
            return response
        intake.throttle.count_followup(session.report_id)
        try:
            reply_to = uuid.UUID(target) if kind == "answer" else None
            await post_followup(intake.runtime.pool, intake.cases_key(), session.report_id,
                                session.keys, kind, text, reply_to)
        except (ValueError, FollowupRefused):
            return await self._mailbox_page(request, session, 422, errors={
                slot: "mailbox.text_required"}, draft={slot: text}, notice=None)
        suffix = "&lang=en" if lang_of(request) == "en" else ""
        return Redirect(f"/mailbox?posted=1{suffix}", status_code=303)

    @post("/mailbox/sign-out")
    async def sign_out(self, request: Req) -> Response[Any]:
        session = _session(request)
        form = await request.form()
        if session is not None and csrf_matches(session.csrf, form.get("csrf")):
            Intake.current().sessions.close(request.cookies.get(SESSION_COOKIE))
        gone: list[Cookie] = [cookie(SESSION_COOKIE, "", _secure(), max_age=0)]
        return render(request, "signed_out.html", _secure(), cookies=gone)
