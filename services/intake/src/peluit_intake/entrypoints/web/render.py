"""Server-rendered pages: Jinja2 with autoescape (HTML in any field shows as text), language."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie

from peluit_intake.domain.status import status_label
from peluit_intake.entrypoints.web.i18n import DEFAULT_LANG, LANGS, translator
from peluit_shared.reference import categories, units

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
FORM_COOKIE = "pf"
LANG_COOKIE = "lang"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def publish_onion_address(address: str) -> None:
    """Every page names the onion address (when there is one), so reporters can switch to Tor."""
    _env.globals["onion_address"] = address


def lang_of(request: Request[Any, Any, Any]) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return str(asked)
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGS else DEFAULT_LANG


def cookie(
    name: str, value: str, secure: bool, max_age: int | None = None, path: str = "/"
) -> Cookie:
    return Cookie(
        key=name,
        value=value,
        max_age=max_age,
        path=path,
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def form_token(key: bytes, binding: str) -> str:
    """CSRF token of a form: an HMAC of the visitor's form cookie (or session) under our key."""
    return hmac.new(key, binding.encode(), hashlib.sha256).hexdigest()


def form_binding(request: Request[Any, Any, Any]) -> tuple[str, bool]:
    """The visitor's form cookie value and whether it must be set now."""
    current = request.cookies.get(FORM_COOKIE)
    if current and 20 <= len(current) <= 64:
        return current, False
    return secrets.token_urlsafe(24), True


def render(
    request: Request[Any, Any, Any],
    template: str,
    secure: bool,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Response[str]:
    lang = lang_of(request)
    cookies = list(cookies or [])
    if request.query_params.get("lang") in LANGS:
        cookies.append(cookie(LANG_COOKIE, lang, secure, max_age=365 * 24 * 3600))
    html = _env.get_template(template).render(
        t=translator(lang),
        lang=lang,
        other_lang="en" if lang == "id" else "id",
        path=request.url.path,
        categories=categories(),
        units=units(),
        status_label=lambda s: status_label(s, lang),
        **context,
    )
    return Response(html, status_code=status_code, media_type="text/html", cookies=cookies)
