"""Email texts from Jinja2 templates packaged with the service (id + en, text + HTML).

Undefined variables raise (StrictUndefined) and HTML is autoescaped; a unit test renders every
template in both languages, so a template error fails the suite rather than a send.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from peluit_notifications.domain.notices import Kind, title

LANGS = ("id", "en")
_env = Environment(
    loader=PackageLoader("peluit_notifications", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class DigestItem:
    title: str
    link: str


def _render(name: str, lang: str, **context: object) -> tuple[str, str]:
    lang = lang if lang in LANGS else "id"
    text = _env.get_template(f"{name}.{lang}.txt").render(**context)
    html = _env.get_template(f"{name}.{lang}.html").render(**context)
    return text, html


def staff_email(kind: Kind | str, number: str | None, link: str, lang: str) -> Email:
    heading = title(kind, number, lang)
    text, html = _render("staff_notice", lang, heading=heading, link=link)
    return Email(f"[Peluit] {heading}", text, html)


def digest_email(items: list[DigestItem], console_link: str, lang: str) -> Email:
    text, html = _render("digest", lang, items=items, link=console_link)
    subject = (
        f"[Peluit] Ringkasan harian: {len(items)} pemberitahuan"
        if lang != "en"
        else f"[Peluit] Daily digest: {len(items)} notifications"
    )
    return Email(subject, text, html)


def reporter_email(portal_link: str, lang: str) -> Email:
    """Generic and bilingual: no number, content, status or name, whatever happened."""
    text, html = _render("reporter_news", lang, link=portal_link)
    return Email("Ada kabar untuk Anda / There is news for you", text, html)
