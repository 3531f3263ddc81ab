"""What the portal's pages share: cookies, form tokens bound to the visitor, the session."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from peluit_intake.adapters.sessions import MailboxSession, csrf_matches
from peluit_intake.entrypoints.web.render import (
    FORM_COOKIE,
    cookie,
    form_binding,
    form_token,
    lang_of,
    render,
)
from peluit_intake.wiring import Intake

SESSION_COOKIE = "mailbox"
Req = Request[Any, Any, Any]


def secure() -> bool:
    return Intake.current().settings.cookie_secure


def form_page(request: Req, template: str, status_code: int = 200, **context: Any) -> Response[Any]:
    """A page with a pre-session form: its CSRF token is bound to the visitor's form cookie."""
    binding, fresh = form_binding(request)
    cookies = [cookie(FORM_COOKIE, binding, secure())] if fresh else []
    return render(
        request,
        template,
        secure(),
        status_code,
        cookies=cookies,
        csrf=form_token(Intake.current().form_key, binding),
        **context,
    )


def form_csrf_ok(request: Req, given: str | None) -> bool:
    binding = request.cookies.get(FORM_COOKIE)
    if not binding:
        return False
    return csrf_matches(form_token(Intake.current().form_key, binding), given)


async def mailbox_session(request: Req) -> MailboxSession | None:
    return await Intake.current().sessions.get(request.cookies.get(SESSION_COOKIE))


def lang_suffix(request: Req) -> str:
    return "?lang=en" if lang_of(request) == "en" else ""
