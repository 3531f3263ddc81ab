"""The console's words in Indonesian (default) and English."""

from __future__ import annotations

LANGS = ("id", "en")

WORDS: dict[str, tuple[str, str]] = {
    "app": ("Peluit — Konsol Tim Penanganan Pengaduan", "Peluit — Complaints handling console"),
    "cases": ("Kasus", "Cases"),
    "dashboard": ("Dasbor", "Dashboard"),
    "audit": ("Log audit", "Audit log"),
    "manual": ("Input laporan manual", "Manual report entry"),
    "notifications": ("Pemberitahuan", "Notifications"),
    "logout": ("Keluar", "Sign out"),
    "login": ("Masuk", "Sign in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "totp_code": ("Kode autentikator (6 digit)", "Authenticator code (6 digits)"),
    "totp_hint": (
        "Kosongkan bila belum mengaktifkan autentikator.",
        "Leave empty if you have not set up an authenticator yet.",
    ),
    "login_failed": (
        "Nama pengguna, kata sandi atau kode salah, atau terlalu banyak percobaan: "
        "coba lagi nanti.",
        "Wrong username, password or code, or too many attempts: try again later.",
    ),
    "enrol": ("Aktifkan autentikasi dua langkah", "Set up two-step sign-in"),
    "enrol_intro": (
        "Pindai kode QR dengan aplikasi autentikator (mis. FreeOTP, Aegis), lalu "
        "masukkan kode 6 digit.",
        "Scan the QR code with an authenticator app "
        "(e.g. FreeOTP, Aegis), then enter the 6-digit code.",
    ),
    "secret_manual": ("Atau masukkan kunci ini secara manual:", "Or enter this key by hand:"),
    "confirm": ("Konfirmasi", "Confirm"),
    "enrol_failed": ("Kode salah. Coba lagi.", "Wrong code. Try again."),
    "search": ("Cari nomor laporan", "Search report number"),
    "filter": ("Saring", "Filter"),
    "all": ("Semua", "All"),
    "status": ("Status", "Status"),
    "category": ("Kategori", "Category"),
    "channel": ("Saluran", "Channel"),
    "unit": ("Unit terlapor", "Reported unit"),
    "assignee": ("Penangan", "Assignee"),
    "unassigned": ("Belum ditugaskan", "Unassigned"),
    "my_cases": ("Kasus saya", "My cases"),
    "overdue_only": ("Hanya yang lewat tenggat", "Overdue only"),
    "from": ("Dari", "From"),
    "to": ("Sampai", "To"),
    "sort": ("Urutan", "Sort"),
    "newest": ("Terbaru", "Newest"),
    "oldest": ("Terlama", "Oldest"),
    "received": ("Diterima", "Received"),
    "number": ("Nomor", "Number"),
    "due": ("Tenggat", "Due"),
    "next_page": ("Halaman berikutnya", "Next page"),
    "no_cases": ("Tidak ada kasus.", "No cases."),
    "overdue": ("Lewat tenggat", "Overdue"),
    "due_soon": ("Segera jatuh tempo", "Due soon"),
    "report": ("Laporan", "Report"),
    "what": ("Apa", "What"),
    "who": ("Terlapor", "Reported people"),
    "where": ("Di mana", "Where"),
    "when": ("Kapan", "When"),
    "how": ("Bagaimana (modus)", "How"),
    "identity": ("Identitas pelapor", "Reporter identity"),
    "anonymous": ("Anonim", "Anonymous"),
    "identity_hidden": (
        "Dirahasiakan. Pembukaan identitas dicatat di log audit.",
        "Confidential. Revealing it is recorded in the audit log.",
    ),
    "reveal": ("Buka identitas", "Reveal identity"),
    "reveal_request": (
        "Minta identitas (perlu persetujuan penjaga identitas)",
        "Request the identity (a custodian must approve)",
    ),
    "enrol_code": ("Kode pendaftaran dari administrator", "Enrolment code from the administrator"),
    "reveal_open": (
        "Buka identitas (permintaan disetujui)",
        "Open the identity (request approved)",
    ),
    "identity_requests": ("Permintaan identitas", "Identity requests"),
    "no_requests": ("Tidak ada permintaan terbuka.", "No open requests."),
    "requester": ("Peminta", "Requested by"),
    "approve": ("Setujui", "Approve"),
    "refuse": ("Tolak", "Refuse"),
    "own_request": (
        "Permintaan Anda sendiri: penjaga lain yang memutuskan",
        "Your own request: another custodian decides",
    ),
    "reason_sealed": (
        "(alasan tidak dapat dibuka dengan kunci Anda)",
        "(the reason does not open with your key)",
    ),
    "grant_access": ("Beri akses kasus", "Grant case access"),
    "grant_access_help": (
        "Bungkus setiap kunci kasus yang Anda pegang untuk koordinator ini.",
        "Wrap every case key you hold to this coordinator.",
    ),
    "granted": ("Akses diberikan untuk {n} kasus.", "Access granted to {n} cases."),
    "reason": ("Alasan", "Reason"),
    "evidence": ("Bukti", "Evidence"),
    "no_evidence": ("Belum ada bukti dari pelapor.", "No evidence from the reporter yet."),
    "ev_file": ("Berkas", "File"),
    "ev_type": ("Jenis", "Type"),
    "ev_size": ("Ukuran (byte)", "Size (bytes)"),
    "ev_meta_removed": ("Metadata dihapus", "Metadata removed"),
    "ev_stored": ("Diterima", "Received"),
    "ev_download": ("Unduh", "Download"),
    "ev_note": (
        "Setiap unduhan dicatat di log audit. Periksa SHA-256 setelah mengunduh.",
        "Every download is recorded in the audit log. Check the SHA-256 after download.",
    ),
    "yes": ("Ya", "Yes"),
    "no": ("Tidak", "No"),
    "history": ("Riwayat", "History"),
    "messages": ("Pesan dengan pelapor", "Messages with the reporter"),
    "no_messages": ("Belum ada pesan.", "No messages yet."),
    "to_reporter": ("Tim → pelapor", "Team → reporter"),
    "from_reporter": ("Pelapor → tim", "Reporter → team"),
    "question": ("Pertanyaan", "Question"),
    "message": ("Pesan", "Message"),
    "answer": ("Jawaban", "Answer"),
    "information": ("Informasi tambahan", "Additional information"),
    "answered": ("terjawab", "answered"),
    "open_question": ("belum dijawab", "not answered yet"),
    "send": ("Kirim", "Send"),
    "ask": ("Tanya / kirim pesan ke pelapor", "Ask / write to the reporter"),
    "no_mailbox": (
        "Pelapor tidak memiliki kotak pesan; gunakan log kontak.",
        "The reporter has no mailbox; use the contact log.",
    ),
    "workflow": ("Alur kerja", "Workflow"),
    "move_to": ("Ubah status ke", "Move to"),
    "note": ("Catatan", "Note"),
    "outcome": ("Hasil", "Outcome"),
    "reason_end": ("Alasan (wajib saat menutup kasus)", "Reason (required to end a case)"),
    "apply": ("Terapkan", "Apply"),
    "no_transitions": (
        "Tidak ada langkah lanjut untuk peran Anda.",
        "No further steps for your role.",
    ),
    "assign": ("Tugaskan", "Assign"),
    "assign_reason": (
        "Alasan pengalihan (wajib bila sudah ditugaskan)",
        "Reassignment reason (required if already assigned)",
    ),
    "conflict": ("Nyatakan benturan kepentingan", "Declare a conflict of interest"),
    "conflicts": ("Benturan kepentingan", "Conflicts of interest"),
    "contacts": ("Log kontak & tindak lanjut", "Contact log & follow-up"),
    "no_contacts": ("Belum ada catatan.", "Nothing recorded yet."),
    "kind": ("Jenis", "Kind"),
    "contact": ("Kontak", "Contact"),
    "followup": ("Tindak lanjut", "Follow-up"),
    "date": ("Tanggal", "Date"),
    "party": ("Dengan siapa", "With whom"),
    "result": ("Hasil", "Result"),
    "record": ("Catat", "Record"),
    "deadline": ("Tenggat tahap", "Stage deadline"),
    "reporter_update_due": (
        "Kabar ke pelapor berikutnya paling lambat",
        "Next update to the reporter due",
    ),
    "reporter_update": ("Kabar ke pelapor", "Update to the reporter"),
    "stage": ("Tahap", "Stage"),
    "verification": ("Verifikasi", "Verification"),
    "reporter_contact": ("Menunggu pelapor", "Waiting for the reporter"),
    "review": ("Penelaahan", "Review"),
    "conclusion": ("Pemeriksaan hingga selesai", "Investigation to conclusion"),
    "done": ("Tersimpan.", "Saved."),
    "error": ("Permintaan ditolak", "Request refused"),
    "back": ("Kembali", "Back"),
    "allowed": ("Langkah yang diizinkan", "Allowed steps"),
    "total": ("Jumlah kasus", "Total cases"),
    "by_status": ("Per status", "By status"),
    "by_category": ("Per kategori", "By category"),
    "by_channel": ("Per saluran", "By channel"),
    "by_month": ("Per bulan", "By month"),
    "by_unit": ("Per unit", "By unit"),
    "compliance": ("Kepatuhan tenggat", "Deadline compliance"),
    "on_time": ("Tepat waktu", "On time"),
    "stage_days": ("Rata-rata hari per tahap", "Average days per stage"),
    "export_csv": ("Unduh register (CSV)", "Download register (CSV)"),
    "export_xlsx": ("Unduh register (XLSX)", "Download register (XLSX)"),
    "actor": ("Pelaku", "Actor"),
    "action": ("Tindakan", "Action"),
    "detail": ("Rincian", "Detail"),
    "time": ("Waktu", "Time"),
    "manual_intro": (
        "Laporan yang diterima melalui surat, telepon, email atau tatap muka "
        "dimasukkan ke alur yang sama dengan laporan portal.",
        "Reports received by letter, phone, email or in person join the same "
        "pipeline as portal reports.",
    ),
    "receipt_once": (
        "Berikan nomor bukti ini kepada pelapor. Nomor ini hanya ditampilkan sekali.",
        "Hand this receipt to the reporter. It is shown only once.",
    ),
    "receipt": ("Nomor bukti", "Receipt"),
    "submit": ("Simpan", "Save"),
    "language": ("English", "Bahasa Indonesia"),
    "account": ("Akun saya", "My account"),
    "account_saved": ("Pengaturan pemberitahuan tersimpan.", "Notification settings saved."),
    "form_errors": (
        "Periksa kembali isian yang ditandai. Isian Anda tidak hilang.",
        "Please check the fields marked. Nothing you entered was lost.",
    ),
    "notifications_settings": ("Pemberitahuan", "Notifications"),
    "account_intro": (
        "Ke mana dan bagaimana Anda diberi tahu tentang laporan baru, penugasan, "
        "jawaban pelapor dan tenggat.",
        "Where and how you are told about new reports, assignments, the reporter's "
        "answers and deadlines.",
    ),
    "account_email": ("Alamat email", "Email address"),
    "account_email_help": (
        "Email pemberitahuan tidak memuat isi laporan. Kosongkan untuk hanya "
        "menerima pemberitahuan di konsol.",
        "Notification emails never contain report content. Leave it empty "
        "to be notified in the console only.",
    ),
    "notification_mode": ("Cara pemberitahuan", "How to be notified"),
    "mode_immediate": ("Langsung", "Immediately"),
    "mode_immediate_help": (
        "Satu pemberitahuan untuk setiap kejadian, segera setelah terjadi.",
        "One notice for each event, as soon as it happens.",
    ),
    "mode_daily_digest": ("Ringkasan harian", "Daily digest"),
    "mode_daily_digest_help": (
        "Satu email sehari yang merangkum semua kejadian. Ringkasan juga "
        "menyamarkan kapan masing-masing laporan masuk, sehingga waktu "
        "email tidak mengungkap waktu pelaporan.",
        "One email a day summing up every event. A digest also hides "
        "when each report arrived, so the timing of an email does not "
        "reveal when someone reported.",
    ),
    "notification_language": ("Bahasa pemberitahuan", "Language of notifications"),
    "notification_email": ("Email untuk pemberitahuan (opsional)", "Email for notices (optional)"),
    "notification_email_help": (
        "Hanya bila pelapor memintanya. Pelapor hanya menerima kabar umum bahwa ada perkembangan "
        "(tanpa isi, nomor laporan atau nama); sarankan alamat yang tidak menunjukkan identitasnya "
        "bila ia anonim.",
        "Only if the reporter asks for it. They only get a generic notice that there is news "
        "(never the content, report number or names); suggest an address that does not identify "
        "them if they are anonymous.",
    ),
    "lang_id": ("Bahasa Indonesia", "Indonesian"),
    "lang_en": ("Bahasa Inggris", "English"),
    "role_admin": ("Administrator", "Administrator"),
    "role_coordinator": ("Koordinator", "Coordinator"),
    "role_handler": ("Penangan", "Handler"),
    "role_viewer": ("Pengamat/Auditor", "Viewer/auditor"),
    "proven": ("Terbukti", "Proven"),
    "not_proven": ("Tidak terbukti", "Not proven"),
    "portal": ("Portal", "Portal"),
    "api": ("API", "API"),
    "letter": ("Surat", "Letter"),
    "phone": ("Telepon", "Phone"),
    "email": ("Email", "Email"),
    "in_person": ("Tatap muka", "In person"),
    "mailbox": ("Kotak pesan", "Mailbox"),
    "other": ("Lainnya", "Other"),
}


def translate(key: str, lang: str) -> str:
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
