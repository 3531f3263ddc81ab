"""Notices and short errors the portal's views name by key; the catalog holds their words."""

from __future__ import annotations

from peluit_intake.i18n import N_

# key used by the views: the message (Indonesian source; English in the catalog)
NOTICES: dict[str, str] = {
    "form.errors": N_("Periksa kembali isian yang ditandai di bawah. Isian Anda tidak hilang."),
    "form.expired": N_("Formulir kedaluwarsa. Isian Anda masih ada; kirim sekali lagi."),
    "form.unavailable": N_(
        "Laporan Anda belum terkirim; tidak ada yang hilang; coba lagi sebentar lagi."
    ),
    "form.already_sent": N_(
        "Formulir ini sudah terkirim dengan isi yang berbeda. Isian Anda masih ada di bawah; "
        "kirim sekali lagi untuk membuat laporan baru."
    ),
    "form.too_large": N_(
        "Formulir terlalu besar untuk dikirim sekaligus. Persingkat teksnya, atau kirim laporan "
        "tanpa berkas lalu tambahkan berkas kemudian melalui Pantau Laporan."
    ),
    "signin.throttled": N_("Terlalu banyak percobaan. Coba lagi nanti."),
    "signin.wrong": N_("Kode rahasia tidak dikenali. Periksa kembali 20 angka kode Anda."),
    "signin.expired": N_("Sesi Anda berakhir. Masukkan kode rahasia lagi."),
    "signin.expired_kept": N_(
        "Sesi Anda berakhir sebelum teks Anda terkirim. Teks Anda masih ada di bawah dan belum "
        "dikirim: masukkan kode rahasia, lalu teks itu kembali ke kolomnya untuk Anda kirim."
    ),
    "mailbox.draft_back": N_(
        "Teks Anda kembali ke kolomnya dan belum terkirim. Periksa, lalu tekan tombol kirim."
    ),
    "mailbox.posted": N_("Tanggapan Anda telah diterima."),
    "mailbox.text_required": N_("Tulis teks terlebih dahulu (maks. 20.000 karakter)."),
    "evidence.too_large": N_("Berkas terlalu besar (maksimum 200 MiB)."),
    "evidence.no_file": N_("Pilih berkas terlebih dahulu."),
    "evidence.broken": N_("Unggahan tidak lengkap atau rusak. Coba lagi."),
    "evidence.too_many": N_("Paling banyak 5 berkas pada formulir."),
}
