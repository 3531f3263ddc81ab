"""What the reporter is told about their report's progress (ARCHITECTURE §3, 'reporter sees')."""

from __future__ import annotations

from typing import Literal

from peluit_intake.i18n import N_, gettext_for, pair

PublicStatus = Literal["received", "in_process", "needs_info", "followed_up", "referred", "closed"]

# public status: its name in the catalog (Indonesian source)
PUBLIC_STATUS_NAMES: dict[str, str] = {
    "received": N_("Diterima"),
    "in_process": N_("Diproses"),
    "needs_info": N_("Perlu Kelengkapan"),
    "followed_up": N_("Ditindaklanjuti"),
    "referred": N_("Dilimpahkan"),
    "closed": N_("Selesai"),
}
# public status: (Indonesian, English), for the API's bilingual answers
PUBLIC_STATUS_LABELS: dict[str, tuple[str, str]] = {
    status: pair(name) for status, name in PUBLIC_STATUS_NAMES.items()
}


def status_label(status: str, lang: str) -> str:
    name = PUBLIC_STATUS_NAMES.get(status)
    return gettext_for(lang, name) if name else status
