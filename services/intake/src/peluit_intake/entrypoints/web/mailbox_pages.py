"""The reporter comes back: sign in with the receipt, read and answer, sign out."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from peluit_intake.adapters.sessions import MailboxSession, csrf_matches
from peluit_intake.entrypoints.http_common import source_of
from peluit_intake.entrypoints.web.page_common import (
    SESSION_COOKIE,
    Req,
    form_csrf_ok,
    form_page,
    lang_suffix,
    mailbox_session,
    secure,
)
from peluit_intake.entrypoints.web.render import cookie, lang_of, render
from peluit_intake.service.mailbox import (
    FollowupKind,
    FollowupRefused,
    post_followup,
    read_mailbox,
)
from peluit_intake.service.sign_in import Throttled, WrongReceipt, sign_in
from peluit_intake.wiring import Intake


class MailboxPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/mailbox/sign-in")
    async def sign_in_page(self, request: Req) -> Response[Any]:
        notice = "signin.expired" if request.query_params.get("expired") else None
        return form_page(request, "sign_in.html", notice=notice)

    @post("/mailbox/sign-in")
    async def sign_in(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        form = await request.form()
        if not form_csrf_ok(request, form.get("csrf")):
            return form_page(request, "sign_in.html", 403, notice="form.expired")
        try:
            signed = await sign_in(intake.runtime.pool, intake.crypto, intake.throttle,
                                   intake.dummy_hash(), str(form.get("receipt") or ""),
                                   source_of(request))
        except Throttled as exc:
            response = form_page(request, "sign_in.html", 429, notice="signin.throttled")
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except WrongReceipt:
            return form_page(request, "sign_in.html", 401, notice="signin.wrong")
        token = intake.sessions.open(signed.report_id, signed.report_number, signed.keys)
        return Redirect("/mailbox" + lang_suffix(request), status_code=303,
                        cookies=[cookie(SESSION_COOKIE, token, secure())])

    async def _mailbox_page(self, request: Req, session: MailboxSession, status_code: int = 200,
                            **context: Any) -> Response[Any]:
        box = await read_mailbox(Intake.current().runtime.pool, session.report_id, session.keys)
        return render(request, "mailbox.html", secure(), status_code, box=box,
                      csrf=session.csrf, **context)

    @get("/mailbox")
    async def mailbox(self, request: Req) -> Response[Any]:
        session = mailbox_session(request)
        if session is None:
            return Redirect("/mailbox/sign-in?expired=1", status_code=303)
        notice = "mailbox.posted" if request.query_params.get("posted") else None
        return await self._mailbox_page(request, session, notice=notice, errors={}, draft={})

    @post("/mailbox/followups")
    async def followup(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        session = mailbox_session(request)
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
        session = mailbox_session(request)
        form = await request.form()
        if session is not None and csrf_matches(session.csrf, form.get("csrf")):
            Intake.current().sessions.close(request.cookies.get(SESSION_COOKIE))
        gone: list[Cookie] = [cookie(SESSION_COOKIE, "", secure(), max_age=0)]
        return render(request, "signed_out.html", secure(), cookies=gone)
