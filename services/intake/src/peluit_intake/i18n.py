"""The portal's one message catalog: gettext (Babel), Indonesian as the source language.

Every people-facing text is written in Indonesian in the templates (`_("...")`) and in Python
(`N_("...")` marks a message used later); `locale/en/LC_MESSAGES/messages.po` holds the English.
The catalog is compiled in memory when the service starts (no build step, no `.mo` in git), so a
fresh clone serves both languages. Update the catalog after changing a text:

    .venv/bin/pybabel extract -F services/intake/babel.cfg -o /tmp/intake.pot services/intake/src
    .venv/bin/pybabel update -i /tmp/intake.pot -d services/intake/src/peluit_intake/locale \
        -l en --no-fuzzy-matching --ignore-obsolete

`services/intake/tests/test_catalog.py` fails on a missing or fuzzy translation and on English
inside an Indonesian message (or the other way round).
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("id", "en")
DEFAULT_LANG = "id"
LOCALE = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is shown."""
    return message


def catalog_file(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (Indonesian is the source: its texts are the ids)."""
    if lang == DEFAULT_LANG or lang not in LANGS:
        return gettext.NullTranslations()
    with catalog_file(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def pair(message: str) -> tuple[str, str]:
    """(Indonesian, English) of a catalog message, for what is kept before the language is known."""
    return message, gettext_for("en", message)
