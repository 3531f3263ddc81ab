"""Reference data both sides share: categories of violation and KKP units (configurable).

The codes travel inside sealed reports and are stored by cases; intake offers them to reporters
and the console shows their labels, so both read the same list.
"""

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


# Eselon I units of KKP: code: (Indonesian, English)
DEFAULT_UNITS: dict[str, tuple[str, str]] = {
    "Sekretariat Jenderal": ("Sekretariat Jenderal", "Secretariat General"),
    "Inspektorat Jenderal": ("Inspektorat Jenderal", "Inspectorate General"),
    "Ditjen Perikanan Tangkap": ("Ditjen Perikanan Tangkap", "DG of Capture Fisheries"),
    "Ditjen Perikanan Budi Daya": ("Ditjen Perikanan Budi Daya", "DG of Aquaculture"),
    "Ditjen Pengelolaan Kelautan dan Ruang Laut": (
        "Ditjen Pengelolaan Kelautan dan Ruang Laut",
        "DG of Marine Spatial Management",
    ),
    "Ditjen Penguatan Daya Saing Produk Kelautan dan Perikanan": (
        "Ditjen Penguatan Daya Saing Produk Kelautan dan Perikanan",
        "DG of Strengthening Competitiveness of Marine and Fisheries Products",
    ),
    "Ditjen PSDKP": (
        "Ditjen Pengawasan Sumber Daya Kelautan dan Perikanan (PSDKP)",
        "DG of Marine and Fisheries Resources Surveillance (PSDKP)",
    ),
    "BPPSDM KP": (
        "Badan Penyuluhan dan Pengembangan SDM KP",
        "Agency for Extension and Human Resources Development",
    ),
    "BPPMHKP": (
        "Badan Pengendalian dan Pengawasan Mutu Hasil KP",
        "Agency for Quality Control of Marine and Fisheries Products",
    ),
    "Lainnya": ("Lainnya", "Other"),
}


def _from_file(variable: str, default: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    path = os.environ.get(variable)
    if not path:
        return default
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}


def categories() -> dict[str, tuple[str, str]]:
    """Categories from `PELUIT_CATEGORIES_FILE` (JSON `{code: [id, en]}`) or the defaults."""
    return _from_file("PELUIT_CATEGORIES_FILE", DEFAULT_CATEGORIES)


def units() -> dict[str, tuple[str, str]]:
    """KKP units from `PELUIT_UNITS_FILE` (JSON `{code: [id, en]}`) or the Eselon I defaults."""
    return _from_file("PELUIT_UNITS_FILE", DEFAULT_UNITS)


def label(table: dict[str, tuple[str, str]], code: str, lang: str = "id") -> str:
    """The label of `code` in `lang`; an unknown code (e.g. from an older list) stays as it is."""
    names = table.get(code)
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]
