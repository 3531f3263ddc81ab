"""The mailbox: sign-in with the receipt, status, messages, follow-ups."""

from __future__ import annotations

# key: (Indonesian, English)
MAILBOX: dict[str, tuple[str, str]] = {
    "signin.title": ("Pantau Laporan", "Follow my report"),
    "signin.intro": (
        "Masukkan kode rahasia 20 angka yang Anda terima saat melapor.",
        "Enter the 20-digit secret receipt you received when you reported.",
    ),
    "signin.submit": ("Masuk", "Open"),
    "signin.wrong": (
        "Kode rahasia tidak dikenali. Periksa kembali 20 angka kode Anda.",
        "The receipt was not recognised. Check the 20 digits of your receipt.",
    ),
    "signin.throttled": (
        "Terlalu banyak percobaan. Coba lagi nanti.",
        "Too many attempts. Try again later.",
    ),
    "signin.expired": (
        "Sesi Anda berakhir. Masukkan kode rahasia lagi.",
        "Your session ended. Enter your receipt again.",
    ),
    "mailbox.title": ("Laporan", "Report"),
    "mailbox.status": ("Status saat ini", "Current status"),
    "mailbox.notices": ("Pemberitahuan email", "Email notices"),
    "mailbox.notices_on": ("aktif", "on"),
    "mailbox.notices_off": ("tidak aktif", "off"),
    "mailbox.history": ("Riwayat status", "Status history"),
    "mailbox.messages": (
        "Pesan dari Tim Penanganan Pengaduan",
        "Messages from the Complaints-Handling Team",
    ),
    "mailbox.no_messages": ("Belum ada pesan.", "No messages yet."),
    "mailbox.question": ("Pertanyaan", "Question"),
    "mailbox.message": ("Pesan", "Message"),
    "mailbox.unreadable": ("Pesan tidak dapat dibuka.", "The message cannot be opened."),
    "mailbox.answered": ("Sudah dijawab", "Answered"),
    "mailbox.answer": ("Jawaban Anda", "Your answer"),
    "mailbox.send_answer": ("Kirim jawaban", "Send answer"),
    "mailbox.add_info": ("Tambah informasi", "Add information"),
    "mailbox.send_info": ("Kirim informasi", "Send information"),
    "mailbox.yours": ("Tanggapan Anda", "Your follow-ups"),
    "mailbox.kind.answer": ("Jawaban", "Answer"),
    "mailbox.kind.information": ("Informasi tambahan", "Added information"),
    "mailbox.received": ("Diterima", "Received"),
    "mailbox.sent": ("Terkirim ke tim", "Sent to the team"),
    "mailbox.posted": ("Tanggapan Anda telah diterima.", "Your follow-up was received."),
    "mailbox.text_required": (
        "Tulis teks terlebih dahulu (maks. 20.000 karakter).",
        "Write some text first (at most 20,000 characters).",
    ),
    "mailbox.report": ("Isi laporan Anda", "Your report"),
    "mailbox.signout": ("Keluar", "Sign out"),
    "mailbox.idle": (
        "Demi keamanan, sesi berakhir setelah 15 menit tanpa aktivitas.",
        "For your safety the session ends after 15 minutes without activity.",
    ),
    "signedout": ("Anda telah keluar.", "You have signed out."),
    "anonymous": ("Anonim", "Anonymous"),
    "identified": ("Beridentitas (dirahasiakan)", "Identified (confidential)"),
    "evidence.title": ("Bukti", "Evidence"),
    "evidence.add": ("Tambah bukti", "Add evidence"),
    "evidence.file": (
        "Berkas (foto, dokumen; maks. 200 MiB)",
        "File (photo, document; at most 200 MiB)",
    ),
    "evidence.help": (
        "Diterima: gambar, PDF, dokumen kantor, audio, video, arsip, teks (dikenali "
        "dari isinya). Metadata foto (lokasi GPS, kamera) dan penulis dokumen "
        "(JPEG, PNG, PDF, Word/Excel/PowerPoint, OpenDocument) dihapus sebelum "
        "disimpan; berkas dienkripsi dan hanya dapat dibuka tim.",
        "Accepted: images, PDF, office documents, audio, video, archives, plain "
        "text (recognised from the content). Photo metadata (GPS location, camera) "
        "and document authors (JPEG, PNG, PDF, Word/Excel/PowerPoint, OpenDocument) "
        "are removed before storage; files are encrypted and only the team can "
        "open them.",
    ),
    "evidence.send": ("Kirim bukti", "Send evidence"),
    "evidence.none": ("Belum ada bukti yang Anda kirim.", "You have not sent any evidence yet."),
    "evidence.received": ("Bukti diterima", "Evidence received"),
    "evidence.bytes": ("byte", "bytes"),
    "evidence.no_file": ("Pilih berkas terlebih dahulu.", "Choose a file first."),
    "evidence.too_large": (
        "Berkas terlalu besar (maksimum 200 MiB).",
        "File too large (at most 200 MiB).",
    ),
    "evidence.too_many": ("Paling banyak 5 berkas pada formulir.", "At most 5 files on the form."),
    "evidence.attached": ("Bukti yang dilampirkan", "Attached evidence"),
    "evidence.failed_hint": (
        "Laporan Anda tetap diterima. Tambahkan berkas yang gagal melalui "
        "Kotak Surat dengan kode rahasia di atas.",
        "Your report was still received. Add the files that failed from the "
        "mailbox with the receipt above.",
    ),
    "evidence.failed": ("Gagal", "Failed"),
    "evidence.form_files": (
        "Lampirkan bukti (opsional; maks. 5 berkas, masing-masing 200 MiB)",
        "Attach evidence (optional; at most 5 files, 200 MiB each)",
    ),
    "evidence.form_reselect": (
        "Jika formulir dikembalikan karena ada kesalahan, pilih berkas lagi.",
        "If the form comes back with an error, choose the files again.",
    ),
    "evidence.broken": (
        "Unggahan tidak lengkap atau rusak. Coba lagi.",
        "The upload was incomplete or damaged. Please try again.",
    ),
}
