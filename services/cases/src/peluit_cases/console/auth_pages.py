"""Console sign-in: password + TOTP, TOTP enrolment with a QR code drawn here, sign-out."""

from __future__ import annotations

import io
from typing import Any

import segno
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect

from peluit_cases.console.web import form_of, redirect, render, session_cookie, visit
from peluit_cases.entrypoints.auth_api import CASES_DEP, client_source
from peluit_cases.service import auth
from peluit_cases.wiring import Cases


class AuthPages(Controller):
    path = "/console"
    include_in_schema = False
    dependencies = CASES_DEP

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render(request, "login.html")

    @post("/login")
    async def login(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        form = await request.form()
        try:
            session = await auth.login(
                cases.runtime.pool,
                cases.settings,
                str(form.get("username", ""))[:100],
                str(form.get("password", ""))[:500],
                str(form.get("totp", ""))[:10] or None,
                client_source(cases, request),
                cases.login_sources,
            )
        except auth.LoginRefused:
            # One answer for an unknown user, a wrong password or code and a locked account.
            return render(request, "login.html", status=401, error="login_failed")
        target = "/console/cases" if session.scope == "full" else "/console/enrol"
        return Redirect(target, status_code=303, cookies=[session_cookie(cases, session.token)])

    @get("/enrol")
    async def enrol_form(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases, enrol=True)
        secret = await auth.start_enrolment(cases.runtime.pool, v.staff)
        return render(request, "enrol.html", v=v, secret=secret)

    @get("/enrol/qr.svg")
    async def enrol_qr(self, request: Request[Any, Any, Any], cases: Cases) -> Response[bytes]:
        v = await visit(request, cases, enrol=True)
        secret = await auth.start_enrolment(cases.runtime.pool, v.staff)
        uri = auth.provisioning_uri(secret, v.staff.username, cases.settings.totp_issuer)
        out = io.BytesIO()
        segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False)
        return Response(out.getvalue(), media_type="image/svg+xml")

    @post("/enrol")
    async def enrol(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases, enrol=True)
        form = await form_of(request, v)
        if await auth.confirm_enrolment(
            cases.runtime.pool,
            v.staff,
            v.token,
            form.get("totp", ""),
            form.get("enrol_code", "")[:40],
        ):
            return redirect("/console/cases")
        secret = await auth.start_enrolment(cases.runtime.pool, v.staff)
        return render(request, "enrol.html", status=422, v=v, secret=secret, error="enrol_failed")

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        token = request.cookies.get("peluit_staff")
        if token:
            await auth.logout(cases.runtime.pool, token)
        return Redirect("/console/login", status_code=303, cookies=[session_cookie(cases, None)])
