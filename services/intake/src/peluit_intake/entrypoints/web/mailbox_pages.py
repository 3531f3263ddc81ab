"""The reporter comes back: sign in with the receipt, read and answer, sign out."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from peluit_intake.adapters.evidence_client import ForwardFailed
from peluit_intake.adapters.sessions import MailboxSession, csrf_matches
from peluit_intake.entrypoints.http_common import source_of
from peluit_intake.entrypoints.web.notices import NOTICES
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
from peluit_intake.entrypoints.web.streamed_form import FormBroken, StreamedForm
from peluit_intake.i18n import pair
from peluit_intake.service.evidence import add_evidence, list_evidence
from peluit_intake.service.mailbox import (
    FollowupKind,
    FollowupRefused,
    post_followup,
    read_mailbox,
)
from peluit_intake.service.sign_in import Throttled, WrongReceipt, sign_in
from peluit_intake.wiring import Intake


def carried(form: Any) -> dict[str, str] | None:
    """A follow-up's text posted without a live session (or back through sign-in), if any."""
    text = str(form.get("text") or "")[:20_000]
    if not text.strip():
        return None
    target = str(form.get("in_reply_to") or "")
    try:
        slot = str(uuid.UUID(target)) if target else "information"
    except ValueError:
        slot = "information"
    return {
        "text": text,
        "slot": slot,
        "kind": "answer" if slot != "information" else "information",
        "in_reply_to": target if slot != "information" else "",
    }


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
        carry = carried(form)
        if not form_csrf_ok(request, form.get("csrf")):
            return form_page(request, "sign_in.html", 403, notice="form.expired", carry=carry)
        try:
            signed = await sign_in(
                intake.runtime.pool,
                intake.crypto,
                intake.throttle,
                str(form.get("receipt") or ""),
                source_of(request),
            )
        except Throttled as exc:
            response = form_page(
                request, "sign_in.html", 429, notice="signin.throttled", carry=carry
            )
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except WrongReceipt:
            return form_page(request, "sign_in.html", 401, notice="signin.wrong", carry=carry)
        token = await intake.sessions.open(signed.report_id, signed.report_number, signed.keys)
        session = await intake.sessions.get(token)
        if carry and session is not None:
            # The text typed before the session ended comes back to its field, unsent.
            return await self._mailbox_page(
                request,
                session,
                notice="mailbox.draft_back",
                errors={},
                draft={carry["slot"]: carry["text"]},
                cookies=[cookie(SESSION_COOKIE, token, secure())],
            )
        return Redirect(
            "/mailbox" + lang_suffix(request),
            status_code=303,
            cookies=[cookie(SESSION_COOKIE, token, secure())],
        )

    async def _mailbox_page(
        self,
        request: Req,
        session: MailboxSession,
        status_code: int = 200,
        cookies: list[Cookie] | None = None,
        **context: Any,
    ) -> Response[Any]:
        pool = Intake.current().runtime.pool
        box = await read_mailbox(pool, session.report_id, session.keys)
        evidence = await list_evidence(pool, session.report_id, session.keys)
        shown = request.query_params.get("evidence")
        context.setdefault(
            "evidence_ok", next((e for e in evidence if str(e.evidence_id) == shown), None)
        )
        context.setdefault("evidence_error", None)
        return render(
            request,
            "mailbox.html",
            secure(),
            status_code,
            cookies=cookies,
            box=box,
            csrf=session.csrf,
            evidence=evidence,
            idle_seconds=int(Intake.current().sessions.idle_seconds),
            **context,
        )

    @get("/mailbox")
    async def mailbox(self, request: Req) -> Response[Any]:
        session = await mailbox_session(request)
        if session is None:
            return Redirect("/mailbox/sign-in?expired=1", status_code=303)
        notice = "mailbox.posted" if request.query_params.get("posted") else None
        return await self._mailbox_page(request, session, notice=notice, errors={}, draft={})

    @post("/mailbox/followups")
    async def followup(self, request: Req) -> Response[Any]:
        intake = Intake.current()
        session = await mailbox_session(request)
        form = await request.form()
        if session is None:
            # The session ended while the reporter was writing: the text goes back to them in the
            # sign-in form (only in this answer, never stored) and returns after signing in.
            carry = carried(form)
            notice = "signin.expired_kept" if carry else "signin.expired"
            return form_page(request, "sign_in.html", 401, notice=notice, carry=carry)
        if not csrf_matches(session.csrf, form.get("csrf")):
            return await self._mailbox_page(
                request, session, 403, notice="form.expired", errors={}, draft={}
            )
        kind: FollowupKind = "answer" if form.get("kind") == "answer" else "information"
        text = str(form.get("text") or "").strip()
        target = str(form.get("in_reply_to") or "")
        slot = target or "information"
        if not text or len(text) > 20_000:
            return await self._mailbox_page(
                request,
                session,
                422,
                errors={slot: "mailbox.text_required"},
                draft={slot: text[:20_000]},
                notice=None,
            )
        wait = await intake.throttle.followup(session.report_id)
        if wait:
            response = await self._mailbox_page(
                request, session, 429, errors={}, draft={slot: text}, notice="signin.throttled"
            )
            response.headers["Retry-After"] = str(wait)
            return response
        try:
            reply_to = uuid.UUID(target) if kind == "answer" else None
            await post_followup(
                intake.runtime.pool,
                intake.cases_key(),
                session.report_id,
                session.keys,
                kind,
                text,
                reply_to,
            )
        except (ValueError, FollowupRefused):
            return await self._mailbox_page(
                request,
                session,
                422,
                errors={slot: "mailbox.text_required"},
                draft={slot: text},
                notice=None,
            )
        suffix = "&lang=en" if lang_of(request) == "en" else ""
        return Redirect(f"/mailbox?posted=1{suffix}", status_code=303)

    @post("/mailbox/evidence", request_max_body_size=None)
    async def evidence(self, request: Req) -> Response[Any]:
        """ "Tambah bukti": the file streams through to the evidence service, never kept here."""
        intake = Intake.current()
        session = await mailbox_session(request)
        if session is None:
            return Redirect("/mailbox/sign-in?expired=1", status_code=303)
        page = self._mailbox_page

        async def refused(status: int, key: str) -> Response[Any]:
            return await page(
                request,
                session,
                status,
                notice=None,
                errors={},
                draft={},
                evidence_error=pair(NOTICES[key]),
            )

        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > intake.settings.max_evidence_bytes + 64 * 1024:
            return await refused(413, "evidence.too_large")
        try:
            form = StreamedForm(
                request, max_total_bytes=intake.settings.max_evidence_bytes + 1024 * 1024
            )
            part = await form.next_file()
            if not csrf_matches(session.csrf, form.fields.get("csrf")):
                return await page(request, session, 403, notice="form.expired", errors={}, draft={})
            if part is None or not part.filename:
                return await refused(422, "evidence.no_file")
            forwarded = await add_evidence(
                intake.runtime.pool,
                intake.evidence(),
                (await intake.upload_grant(session.report_id))[0],
                session.report_id,
                session.keys,
                part.filename,
                part.content_type,
                form.file_bytes(),
            )
        except FormBroken:
            return await refused(400, "evidence.broken")
        except ForwardFailed as exc:
            return await page(
                request,
                session,
                exc.status,
                notice=None,
                errors={},
                draft={},
                evidence_error=(exc.message, exc.message_en),
            )
        suffix = "&lang=en" if lang_of(request) == "en" else ""
        return Redirect(
            f"/mailbox?evidence={forwarded.evidence_id}{suffix}#evidence", status_code=303
        )

    @post("/mailbox/sign-out")
    async def sign_out(self, request: Req) -> Response[Any]:
        session = await mailbox_session(request)
        form = await request.form()
        if session is not None and csrf_matches(session.csrf, form.get("csrf")):
            await Intake.current().sessions.close(request.cookies.get(SESSION_COOKIE))
        gone: list[Cookie] = [cookie(SESSION_COOKIE, "", secure(), max_age=0)]
        return render(request, "signed_out.html", secure(), cookies=gone)
