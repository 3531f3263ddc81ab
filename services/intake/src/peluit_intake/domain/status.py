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


# public status: what it means for the reporter, in plain words, and what comes next
STATUS_EXPLAINED: dict[str, str] = {
    "received": N_(
        "Laporan Anda sudah diterima dan menunggu pemeriksaan awal oleh tim. Anda tidak perlu "
        "melakukan apa-apa."
    ),
    "in_process": N_(
        "Tim sedang memeriksa dan menelaah laporan Anda. Bila tim perlu keterangan, pertanyaannya "
        "muncul di halaman ini."
    ),
    "needs_info": N_(
        "Tim memerlukan keterangan tambahan dari Anda. Bacalah pertanyaan tim di bawah dan "
        "jawablah di halaman ini."
    ),
    "followed_up": N_(
        "Laporan Anda memenuhi unsur pengaduan dan sedang ditindaklanjuti, misalnya dengan "
        "pemeriksaan."
    ),
    "referred": N_(
        "Laporan Anda diteruskan kepada instansi yang berwenang menanganinya. Pesan tim di bawah "
        "menjelaskan ke mana."
    ),
    "closed": N_(
        "Penanganan laporan Anda sudah selesai. Pesan tim di bawah menjelaskan hasilnya. Anda "
        "boleh melapor lagi kapan saja."
    ),
}
