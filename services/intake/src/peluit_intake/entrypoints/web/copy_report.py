"""The report form and the receipt page."""

from __future__ import annotations

# key: (Indonesian, English)
REPORT: dict[str, tuple[str, str]] = {
    "form.title": ("Memulai Laporan", "Start a report"),
    "form.intro": (
        "Isi sebanyak yang Anda ketahui. Kolom bertanda * wajib diisi. Anda tidak perlu "
        "menyebutkan nama.",
        "Fill in as much as you know. Fields marked * are required. You do not have to give "
        "your name.",
    ),
    "form.errors": (
        "Periksa kembali isian yang ditandai di bawah. Isian Anda tidak hilang.",
        "Please check the fields marked below. Nothing you entered was lost.",
    ),
    "form.unavailable": (
        "Laporan Anda belum terkirim; tidak ada yang hilang; coba lagi sebentar lagi.",
        "Your report was not sent yet; nothing was lost; try again in a minute.",
    ),
    "form.already_sent": (
        "Formulir ini sudah terkirim dengan isi yang berbeda. Isian Anda masih ada di bawah; "
        "kirim sekali lagi untuk membuat laporan baru.",
        "This form was already sent with different content. Your entries are still below; "
        "send again to file a new report.",
    ),
    "form.expired": (
        "Formulir kedaluwarsa. Isian Anda masih ada; kirim sekali lagi.",
        "The form expired. Your entries are still here; please send again.",
    ),
    "form.what_section": ("Apa yang terjadi", "What happened"),
    "field.category": ("Kategori pelanggaran *", "Kind of violation *"),
    "help.category": (
        "Pilih yang paling mendekati; tim dapat mengubahnya.",
        "Choose the closest; the team can change it.",
    ),
    "choose": ("— pilih —", "— choose —"),
    "field.what": ("Apa yang terjadi? *", "What happened? *"),
    "help.what": (
        "Ceritakan kejadiannya dengan kata-kata Anda sendiri (minimal 10 karakter).",
        "Describe what happened in your own words (at least 10 characters).",
    ),
    "form.who_section": ("Siapa yang terlibat", "Who is involved"),
    "help.who": (
        "Isi nama, jabatan atau unit kerja setidaknya satu orang terlapor.",
        "Give at least one reported person's name, position or unit.",
    ),
    "field.person": ("Terlapor", "Reported person"),
    "field.person_name": ("Nama", "Name"),
    "field.position": ("Jabatan", "Position"),
    "field.unit": ("Unit kerja KKP", "KKP unit"),
    "add_person": ("Tambah orang lain", "Add another person"),
    "field.where": ("Di mana? *", "Where? *"),
    "help.where": (
        "Kantor, pelabuhan, kota atau alamat tempat kejadian.",
        "Office, port, city or address where it happened.",
    ),
    "field.when": ("Kapan? *", "When? *"),
    "help.when": (
        'Tanggal atau periode, misalnya "Maret 2026" atau "setiap bulan sejak '
        '2025". Boleh juga mengisi tanggal di bawah.',
        'A date or period, e.g. "March 2026" or "monthly since 2025". You may also '
        "give dates below.",
    ),
    "field.date_from": ("Tanggal (awal)", "Date (from)"),
    "field.date_to": ("Sampai tanggal", "Until"),
    "field.how": ("Bagaimana caranya? *", "How was it done? *"),
    "help.how": (
        "Modus: bagaimana pelanggaran dilakukan (minimal 5 karakter).",
        "The method: how the violation was carried out (at least 5 characters).",
    ),
    "form.more_section": ("Keterangan tambahan (tidak wajib)", "More details (optional)"),
    "field.estimated_loss": (
        "Perkiraan kerugian negara (Rupiah)",
        "Estimated loss to the state (Rupiah)",
    ),
    "help.estimated_loss": ("Angka saja, misalnya 150000000.", "Digits only, e.g. 150000000."),
    "field.witnesses": ("Saksi", "Witnesses"),
    "help.witnesses": ("Siapa lagi yang mengetahui kejadian ini?", "Who else knows about it?"),
    "field.other_parties": ("Pihak lain yang terkait", "Other parties involved"),
    "help.other_parties": (
        "Misalnya perusahaan atau pihak di luar KKP.",
        "For example companies or people outside KKP.",
    ),
    "form.evidence_section": ("Bukti", "Evidence"),
    "evidence.mailbox_link": ("Buka Kotak Surat", "Open the mailbox"),
    "evidence.later": (
        "Bukti juga dapat ditambahkan kemudian melalui Kotak Surat dengan kode "
        'rahasia Anda: "Tambah bukti". Metadata foto dihapus dan berkas '
        "dienkripsi.",
        "Evidence can also be added later in the mailbox with your secret "
        'receipt: "Add evidence". Photo metadata is removed and files are '
        "encrypted.",
    ),
    "form.identity_section": ("Identitas Anda", "Your identity"),
    "identity.anonymous": (
        "Anonim — tanpa identitas (Anda tetap bisa dihubungi lewat kotak "
        "surat dengan kode rahasia)",
        "Anonymous — no identity (the team can still reach you through the "
        "mailbox with your receipt)",
    ),
    "identity.identified": ("Beridentitas, dirahasiakan", "Identified, kept confidential"),
    "help.identity": (
        "Jika beridentitas, semua kolom boleh kosong kecuali satu kontak (telepon "
        "atau email). Identitas hanya dapat dibuka oleh petugas berwenang.",
        "If identified, every field is optional except one contact (phone or "
        "email). Only authorised staff can open your identity.",
    ),
    "field.id_name": ("Nama", "Name"),
    "field.id_phone": ("Nomor telepon", "Phone number"),
    "field.id_email": ("Email", "Email"),
    "field.id_employee_number": ("NIP (nomor induk pegawai)", "Employee number (NIP)"),
    "form.notices_section": ("Pemberitahuan lewat email (opsional)", "Notices by email (optional)"),
    "field.notification_email": (
        "Email untuk pemberitahuan (opsional)",
        "Email for notices (optional)",
    ),
    "help.notification_email": (
        'Jika diisi, kami hanya mengirim pemberitahuan singkat bahwa ada perkembangan: "Ada '
        "kabar baru tentang laporan Anda — silakan buka portal dengan kode rahasia (resi) "
        'Anda." Email itu tidak pernah memuat isi laporan, nomor laporan, maupun nama siapa '
        "pun.",
        'If you fill this in, we only send a short notice that there is news: "There is news '
        'about your report — please open the portal with your secret receipt." The email '
        "never contains the report's content, its number or anyone's name.",
    ),
    "help.notification_email_anonymous": (
        "Jika Anda melapor secara anonim, gunakan alamat yang tidak menunjukkan siapa Anda "
        "(misalnya alamat baru khusus untuk ini). Boleh dikosongkan: Anda tetap dapat memantau "
        "laporan dengan kode rahasia.",
        "If you report anonymously, use an address that does not identify you (for example a "
        "new one just for this). You may leave it empty: you can always follow your report "
        "with your secret receipt.",
    ),
    "help.notification_email_sealed": (
        "Alamat ini dikunci (dienkripsi) sehingga hanya layanan pemberitahuan yang dapat "
        "membacanya; tim penanganan tidak melihatnya.",
        "The address is locked (encrypted) so that only the notification service can read it; "
        "the handling team does not see it.",
    ),
    "form.obligations_section": ("Persetujuan", "Agreement"),
    "field.obligations": (
        "Saya memahami dan menyetujui: data laporan menjadi milik KKP c.q. Inspektorat "
        "Jenderal; saya bersedia dihubungi untuk konfirmasi dan bersedia melengkapi data "
        "yang diminta. *",
        "I understand and accept: the report's data become the property of KKP (Inspectorate "
        "General); I am willing to be contacted for confirmation and to complete the data "
        "requested. *",
    ),
    "obligations.required": (
        "Centang persetujuan ini untuk mengirim laporan.",
        "Tick this agreement to send the report.",
    ),
    "identity.required": ("Pilih anonim atau beridentitas.", "Choose anonymous or identified."),
    "submit": ("Kirim Laporan", "Send report"),
    "receipt.title": ("Laporan Anda telah diterima", "Your report has been received"),
    "receipt.number": ("Nomor laporan", "Report number"),
    "receipt.code": ("Kode rahasia", "Secret receipt"),
    "receipt.keep": (
        "Simpan nomor laporan dan kode rahasia ini sekarang: tulis di kertas, cetak, atau simpan "
        "halaman ini. Kode rahasia hanya ditampilkan sekali, di halaman ini, dan tidak dapat "
        "dipulihkan. Jangan berikan kepada siapa pun.",
        "Keep this report number and secret receipt now: write them down, print or save this "
        "page. The receipt is shown only once, on this page, and cannot be recovered. Do not "
        "share it.",
    ),
    "receipt.window": (
        "Halaman ini dapat dibuka ulang di peramban ini selama {minutes} menit, lalu kode "
        "rahasia hilang untuk selamanya.",
        "This page can be reopened in this browser for {minutes} minutes; then the receipt is "
        "gone for good.",
    ),
    "receipt.forget": (
        "Sudah saya catat — sembunyikan kode sekarang",
        "I have noted it — hide the receipt now",
    ),
    "receipt.use": (
        "Dengan kode rahasia ini Anda dapat memantau status, membaca pertanyaan tim "
        'dan menjawabnya di halaman "Pantau Laporan".',
        "With this receipt you can follow the status, read the team's questions and "
        'answer them under "Follow my report".',
    ),
    "receipt.print": ("Cetak / simpan halaman ini", "Print / save this page"),
    "receipt.gone": (
        "Kode rahasia sudah ditampilkan dan tidak disimpan oleh sistem. Jika Anda "
        "belum mencatatnya, kirim laporan baru.",
        "The receipt was already shown and is not kept by the system. If you did "
        "not note it, please send a new report.",
    ),
    "field.receipt": ("Kode rahasia", "Secret receipt"),
}
