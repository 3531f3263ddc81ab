"""How the console answers refusals: the sign-in page, enrolment, or an error page."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect

from peluit_cases.console.web import EnrolmentRequired, SignInRequired, render
from peluit_cases.service.errors import Refused


def to_sign_in(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return Redirect("/console/login", status_code=303)


def to_enrolment(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return Redirect("/console/enrol", status_code=303)


def refused_page(request: Request[Any, Any, Any], exc: Refused) -> Response[Any]:
    message = exc.message.split(" | ")
    shown = message[-1] if request.cookies.get("peluit_lang") == "en" else message[0]
    case = request.path_params.get("case_id")
    return render(
        request,
        "error.html",
        status=exc.status,
        v=None,
        message=shown,
        field=exc.extra.get("field"),
        allowed=exc.extra.get("allowed"),
        back=f"/console/cases/{case}" if case else None,
    )


CONSOLE_HANDLERS: dict[Any, Any] = {
    SignInRequired: to_sign_in,
    EnrolmentRequired: to_enrolment,
    Refused: refused_page,
}
