"""Server-rendered pages: Jinja2 with autoescape (HTML in any field shows as text), language."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie

from peluit_intake.domain import timeline
from peluit_intake.domain.report import WIB
from peluit_intake.domain.status import STATUS_EXPLAINED, status_label
from peluit_intake.entrypoints.web.notices import NOTICES
from peluit_intake.i18n import DEFAULT_LANG, LANGS, translations
from peluit_shared.reference import categories, units

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
FORM_COOKIE = "pf"
LANG_COOKIE = "lang"


def wib(moment: datetime, lang: str) -> str:
    """A moment as the reporter reads it: WIB, with the month's name ("3 Desember 2026, 14.05")."""
    pattern = "d MMMM y, HH:mm" if lang == "en" else "d MMMM y, HH.mm"
    return f"{format_datetime(moment, pattern, tzinfo=WIB, locale=lang)} WIB"


def long_date(day: date | datetime, lang: str) -> str:
    """A day in words ("Senin, 7 Desember 2026"); a moment is read in WIB first."""
    if isinstance(day, datetime):
        day = day.astimezone(WIB).date()
    return format_date(day, "EEEE, d MMMM y", locale=lang)


def format_size(size: int, lang: str) -> str:
    """A file's size in plain words ("1,5 MB")."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            return f"{format_decimal(round(size / scale, 1), locale=lang)} {unit}"
    return f"{size} byte" if lang == "id" else f"{size} bytes"


def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["wib"] = lambda moment: wib(moment, lang)
    env.filters["long_date"] = lambda day: long_date(day, lang)
    env.filters["filesize"] = lambda size: format_size(size, lang)
    env.filters["rupiah"] = lambda amount: format_decimal(int(amount), locale="id")
    return env


# One environment per language: its gettext is that language's compiled catalog.
_envs = {lang: _environment(lang) for lang in LANGS}


def publish_onion_address(address: str) -> None:
    """Every page names the onion address (when there is one), so reporters can switch to Tor."""
    for env in _envs.values():
        env.globals["onion_address"] = address


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
    html = (
        _envs[lang]
        .get_template(template)
        .render(
            lang=lang,
            other_lang="en" if lang == "id" else "id",
            path=request.url.path,
            categories=categories(),
            units=units(),
            status_label=lambda s: status_label(s, lang),
            notices=NOTICES,
            timeline=timeline,
            timedelta=timedelta,
            status_explained=STATUS_EXPLAINED,
            **context,
        )
    )
    return Response(html, status_code=status_code, media_type="text/html", cookies=cookies)
