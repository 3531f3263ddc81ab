"""Reference data reporters choose from: categories of violation and KKP units (configurable)."""

from __future__ import annotations

import json
import os
from pathlib import Path

# code: (Indonesian, English)
DEFAULT_CATEGORIES: dict[str, tuple[str, str]] = {
    "korupsi": ("Korupsi", "Corruption"),
    "suap_gratifikasi": ("Suap / Gratifikasi", "Bribery / Gratuities"),
    "pungutan_liar": ("Pungutan Liar", "Illegal levies"),
    "benturan_kepentingan": ("Benturan Kepentingan", "Conflict of interest"),
    "penyalahgunaan_wewenang": ("Penyalahgunaan Wewenang", "Abuse of authority"),
    "pelanggaran_disiplin": ("Pelanggaran Disiplin Pegawai", "Breach of staff discipline"),
    "pelanggaran_kode_etik": ("Pelanggaran Kode Etik", "Breach of the code of ethics"),
    "pengadaan_barang_jasa": ("Pengadaan Barang/Jasa", "Procurement of goods/services"),
    "hambatan_pelayanan": ("Hambatan Pelayanan", "Obstruction of public service"),
    "lainnya": ("Lainnya", "Other"),
}


def categories() -> dict[str, tuple[str, str]]:
    """Categories from `PELUIT_CATEGORIES_FILE` (JSON `{code: [id, en]}`) or the defaults."""
    path = os.environ.get("PELUIT_CATEGORIES_FILE")
    if not path:
        return DEFAULT_CATEGORIES
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}
