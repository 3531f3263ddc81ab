"""Validation errors as sentences a reporter can act on: one per field and rule, in the catalog.

Pydantic's own words never reach a person: an error is looked up by (field, rule), then by rule,
then a plain sentence for the field. The API keeps its bilingual problem bodies.
"""

from __future__ import annotations

from peluit_intake.i18n import N_

TOO_LONG = N_("Isian ini terlalu panjang. Persingkat lalu kirim lagi.")
FALLBACK = N_("Isian ini belum dapat diterima. Periksa kembali lalu kirim lagi.")
CONTROL = N_("Teks ini memuat karakter tersembunyi yang tidak dapat diterima. Ketik ulang teksnya.")
WHAT = N_("Ceritakan apa yang terjadi, paling sedikit 10 karakter.")
WHERE = N_("Tuliskan di mana kejadiannya, misalnya nama kantor, pelabuhan atau kota.")
WHEN = N_('Tuliskan kapan kejadiannya, misalnya "Maret 2026", atau isi tanggal di bawahnya.')
HOW = N_("Ceritakan bagaimana pelanggaran itu dilakukan, paling sedikit 5 karakter.")
DATE = N_("Isi tanggal lengkap: hari, bulan dan tahun.")
EMAIL = N_("Tulis alamat email lengkap, misalnya nama@contoh.id.")

# (field, rule) -> sentence. Rules are pydantic's error types and the model's own.
BY_FIELD_AND_RULE: dict[tuple[str, str], str] = {
    ("category", "missing"): N_("Pilih kategori pelanggaran."),
    ("category", "category_unknown"): N_("Pilih kategori pelanggaran dari daftar."),
    ("what", "missing"): WHAT,
    ("what", "string_too_short"): WHAT,
    ("where", "missing"): WHERE,
    ("where", "string_too_short"): WHERE,
    ("when", "missing"): WHEN,
    ("when", "string_too_short"): WHEN,
    ("how", "missing"): HOW,
    ("how", "string_too_short"): HOW,
    ("who", "too_short"): N_(
        "Isi nama, jabatan atau unit kerja paling sedikit satu orang yang Anda laporkan."
    ),
    ("who", "too_long"): N_("Paling banyak 20 orang terlapor dalam satu laporan."),
    ("who", "person_unknown"): N_("Isi nama, jabatan atau unit kerja orang ini."),
    ("who", "string_too_long"): N_(
        "Nama, jabatan dan unit kerja masing-masing paling banyak 300 karakter."
    ),
    ("date_from", "date_in_future"): N_(
        "Tanggal ini belum terjadi. Pilih hari ini atau sebelumnya."
    ),
    ("date_to", "date_in_future"): N_("Tanggal ini belum terjadi. Pilih hari ini atau sebelumnya."),
    ("date_to", "date_order"): N_("Tanggal akhir harus sama dengan atau sesudah tanggal awal."),
    ("estimated_loss", "int_parsing"): N_(
        "Tulis perkiraan kerugian dengan angka saja, misalnya 150000000."
    ),
    ("estimated_loss", "greater_than_equal"): N_("Perkiraan kerugian tidak boleh kurang dari nol."),
    ("estimated_loss", "less_than_equal"): N_(
        "Perkiraan kerugian terlalu besar. Periksa jumlah angka nolnya."
    ),
    ("id_phone", "phone_invalid"): N_(
        "Tulis nomor telepon dengan angka (boleh diawali +), misalnya 0812 3456 7890."
    ),
    ("id_email", "email_invalid"): EMAIL,
    ("identity", "identity_unreachable"): N_(
        "Isi nomor telepon atau email agar tim dapat menghubungi Anda, atau pilih anonim."
    ),
    ("obligations", "obligations_refused"): N_("Centang persetujuan ini untuk mengirim laporan."),
}
# rule -> sentence, for any field
BY_RULE: dict[str, str] = {
    "missing": N_("Kolom ini wajib diisi."),
    "string_too_long": TOO_LONG,
    "date_from_datetime_parsing": DATE,
    "date_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "date_type": DATE,
    "value_error": FALLBACK,
}
NOTIFICATION_EMAIL = EMAIL
IDENTITY_CHOICE = N_("Pilih anonim atau beridentitas.")
OBLIGATIONS = N_("Centang persetujuan ini untuk mengirim laporan.")


def sentence(field: str, rule: str) -> str:
    """The catalog message (Indonesian source) for a field's broken rule."""
    group = "who" if field.startswith("who") else field
    return BY_FIELD_AND_RULE.get((group, rule)) or BY_RULE.get(rule) or FALLBACK
