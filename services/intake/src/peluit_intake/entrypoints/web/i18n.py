"""Every string of the portal in Indonesian (default) and English; home copy from the seed text."""

from __future__ import annotations

from collections.abc import Callable

from peluit_intake.entrypoints.web.copy_home import HOME
from peluit_intake.entrypoints.web.copy_mailbox import MAILBOX
from peluit_intake.entrypoints.web.copy_report import REPORT

LANGS = ("id", "en")
DEFAULT_LANG = "id"

# key: (Indonesian, English), from the three catalogues
MESSAGES: dict[str, tuple[str, str]] = {**HOME, **REPORT, **MAILBOX}


def translator(lang: str) -> Callable[[str], str]:
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = MESSAGES.get(key)
        return pair[index] if pair else key

    return t
