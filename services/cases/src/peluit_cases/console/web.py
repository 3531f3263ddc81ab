"""Console plumbing: templates, language, the session cookie and the CSRF check."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import MediaType
from litestar.response import Redirect

from peluit_cases.console.i18n import LANGS, translate
from peluit_cases.domain.case import STATUS_LABELS, Status
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service import auth
from peluit_cases.service.errors import Forbidden
from peluit_cases.wiring import Cases
from peluit_shared.reference import categories, label, units

SESSION_COOKIE = "peluit_staff"
LANG_COOKIE = "peluit_lang"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(),
    trim_blocks=True,
    lstrip_blocks=True,
)


class SignInRequired(Exception):
    """No valid console session: the browser goes to the sign-in page."""


class EnrolmentRequired(Exception):
    """Password right, TOTP not set up: the browser goes to enrolment."""


@dataclass(frozen=True)
class Visit:
    """Who is asking, in which language, with which session token."""

    staff: StaffUser
    token: str
    lang: str

    @property
    def csrf(self) -> str:
        return auth.csrf_token(self.token)


def lang_of(request: Request[Any, Any, Any]) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return str(asked)
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGS else "id"


def render(
    request: Request[Any, Any, Any],
    template: str,
    status: int = 200,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Response[str]:
    lang = lang_of(request)
    other = "en" if lang == "id" else "id"

    def t(key: str) -> str:
        return translate(key, lang)

    def status_label(status: str) -> str:
        pair = STATUS_LABELS[Status(status)]
        return pair[1] if lang == "en" else pair[0]

    def category_label(code: str) -> str:
        return label(categories(), code, lang)

    def may(permission: str) -> bool:
        """Whether the signed-in staff member's role may use it (the menu shows only that)."""
        staff = getattr(context.get("v"), "staff", None)
        return staff is not None and allowed(staff.role, Permission[permission], staff.can_reveal)

    html = _env.get_template(template).render(
        t=t,
        lang=lang,
        other_lang=other,
        status_label=status_label,
        path=request.url.path,
        category_label=category_label,
        may=may,
        categories=categories(),
        units=units(),
        **context,
    )
    all_cookies = list(cookies or [])
    if request.query_params.get("lang") in LANGS:
        all_cookies.append(
            Cookie(
                key=LANG_COOKIE,
                value=lang,
                httponly=True,
                samesite="strict",
                path="/",
                max_age=365 * 86400,
            )
        )
    return Response(html, status_code=status, media_type=MediaType.HTML, cookies=all_cookies)


def session_cookie(cases: Cases, token: str | None) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token or "",
        httponly=True,
        secure=cases.settings.cookie_secure,
        samesite="strict",
        path="/",
        max_age=None if token else 0,
    )


async def visit(request: Request[Any, Any, Any], cases: Cases, enrol: bool = False) -> Visit:
    """The console session; raises SignInRequired/EnrolmentRequired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired()
    found = await auth.authenticate(cases.runtime.pool, token, cases.settings.session_idle_minutes)
    if found is None:
        raise SignInRequired()
    user, scope = found
    if scope != "full" and not enrol:
        raise EnrolmentRequired()
    return Visit(user, token, lang_of(request))


async def form_of(request: Request[Any, Any, Any], v: Visit) -> dict[str, str]:
    """The posted form, after the CSRF token check."""
    form = await request.form()
    sent = str(form.get("csrf", ""))
    if not hmac.compare_digest(sent, v.csrf):
        raise Forbidden(
            "Token formulir tidak valid; muat ulang halaman | Invalid form token; reload the page"
        )
    return {k: str(form.get(k)) for k in form}


def redirect(path: str) -> Redirect:
    return Redirect(path, status_code=303)
