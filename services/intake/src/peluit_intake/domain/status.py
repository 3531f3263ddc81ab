"""What the reporter is told about their report's progress (ARCHITECTURE §3, 'reporter sees')."""

from __future__ import annotations

from typing import Literal

PublicStatus = Literal["received", "in_process", "needs_info", "followed_up", "referred", "closed"]

# public status: (Indonesian, English)
PUBLIC_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("Diterima", "Received"),
    "in_process": ("Diproses", "In process"),
    "needs_info": ("Perlu Kelengkapan", "Information needed"),
    "followed_up": ("Ditindaklanjuti", "Followed up"),
    "referred": ("Dilimpahkan", "Referred"),
    "closed": ("Selesai", "Closed"),
}


def status_label(status: str, lang: str) -> str:
    labels = PUBLIC_STATUS_LABELS.get(status, (status, status))
    return labels[1] if lang == "en" else labels[0]
