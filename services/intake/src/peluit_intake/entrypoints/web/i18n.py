"""Every string of the portal in Indonesian (default) and English; home copy from the seed text."""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("id", "en")
DEFAULT_LANG = "id"

# key: (Indonesian, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "site.title": ("Whistleblowing System KKP", "KKP Whistleblowing System"),
    "site.by": ("Inspektorat V, Inspektorat Jenderal Kementerian Kelautan dan Perikanan",
                "Inspectorate V, Inspectorate General of the Ministry of Marine Affairs and "
                "Fisheries"),
    "nav.home": ("Beranda", "Home"),
    "nav.report": ("Memulai Laporan", "Start a report"),
    "nav.mailbox": ("Pantau Laporan", "Follow my report"),
    "lang.switch": ("English", "Bahasa Indonesia"),
    "home.about.title": ("Tentang Layanan Whistleblowing System KKP",
                         "About the KKP Whistleblowing System"),
    "home.about": (
        "Whistleblowing System adalah media untuk menampung segala bentuk pengaduan atas "
        "pelanggaran yang dilakukan oleh Aparatur Sipil Negara di lingkup KKP.",
        "The Whistleblowing System receives every kind of complaint about violations committed "
        "by civil servants (ASN) within KKP."),
    "home.unit.title": ("Unit Pengelola/Penyelenggara WBS", "Who runs the WBS"),
    "home.unit": (
        "Pengelolaan aplikasi WBS ini dikelola pada Unit Organisasi Inspektorat V Inspektorat "
        "Jenderal KKP yang merupakan pelaksanaan tugas dan fungsi sesuai ketentuan "
        "perundang-undangan yang berlaku.",
        "This WBS is managed by Inspectorate V of the KKP Inspectorate General, as part of its "
        "duties and functions under the applicable laws and regulations."),
    "home.promise.title": ("Kerahasiaan identitas Anda", "Your identity stays confidential"),
    "home.promise": (
        "Kementerian Kelautan dan Perikanan akan menjamin KERAHASIAAN IDENTITAS Pelapor. Laporan "
        "dan identitas Anda dienkripsi sebelum disimpan. Anda boleh melapor tanpa nama; kami "
        "tidak mencatat alamat IP maupun perangkat Anda.",
        "The Ministry of Marine Affairs and Fisheries guarantees the CONFIDENTIALITY OF THE "
        "REPORTER'S IDENTITY. Your report and identity are encrypted before they are stored. You "
        "may report without giving your name; we do not record your IP address or device."),
    "home.obligations.title": ("Informasi Umum Layanan: kewajiban Whistleblower",
                               "General information: the whistleblower's obligations"),
    "home.obligations.intro": (
        "Setiap Whistleblower harus memperhatikan dan mematuhi beberapa kebijakan yang berlaku "
        "terkait penggunaan aplikasi ini, yaitu:",
        "Every whistleblower must observe the following policies on the use of this "
        "application:"),
    "obligation.1": (
        "Semua berkas elektronik, file dan data pengaduan yang telah di input ke dalam aplikasi "
        "WBS KKP menjadi milik Kementerian Kelautan dan Perikanan c.q Inspektorat Jenderal KKP.",
        "All electronic records, files and complaint data entered into the KKP WBS become the "
        "property of the Ministry of Marine Affairs and Fisheries, through its Inspectorate "
        "General."),
    "obligation.2": (
        "Whistleblower harus bersedia berkomunikasi dan memberikan konfirmasi kepada Tim "
        "Penanganan Pengaduan apabila dihubungi melalui sambungan telepon.",
        "The whistleblower must be willing to communicate with and confirm details to the "
        "Complaints-Handling Team when contacted by telephone."),
    "obligation.3": (
        "Whistleblower harus bersedia melengkapi data dan informasi yang diminta Tim Penanganan "
        "Pengaduan untuk memenuhi unsur kriteria pengaduan yang ditetapkan.",
        "The whistleblower must be willing to complete the data and information the "
        "Complaints-Handling Team requests to meet the complaint criteria."),
    "home.team.title": ("Komitmen Tim Penanganan Pengaduan",
                        "Commitments of the Complaints-Handling Team"),
    "team.1": ("Seluruh pengaduan yang diterima secara manual harus di input ke dalam aplikasi "
               "WBS.", "Every complaint received manually is entered into the WBS."),
    "team.2": ("Tim Penanganan Pengaduan wajib mendokumentasikan hasil konfirmasi dan tindak "
               "lanjut pengaduan ke dalam aplikasi WBS.",
               "The team documents every confirmation and follow-up in the WBS."),
    "team.3": ("Menindaklanjuti pengaduan secara tuntas sesuai jadwal yang ditetapkan.",
               "Complaints are followed up to completion on schedule."),
    "home.policy.title": ("Kebijakan Umum Layanan", "General service policies"),
    "policy.1": ("Penanganan Pengaduan wajib mematuhi kode etik penanganan pengaduan yang telah "
                 "ditetapkan dan menjaga kerahasiaan data pengaduan.",
                 "Complaint handling follows the established code of ethics and keeps "
                 "complaint data confidential."),
    "policy.2": ("Semua berkas elektronik, file dan data pengaduan yang telah di input ke dalam "
                 "aplikasi WBS KKP bersifat rahasia sehingga dilarang untuk disebarluaskan "
                 "secara umum.", "All records, files and complaint data in the KKP WBS are "
                 "confidential and may not be disclosed publicly."),
    "policy.3": ("Tim Penanganan Pengaduan wajib mengelola data informasi pada aplikasi secara "
                 "tertib dan akuntabel.", "The team manages the data in the application in an "
                 "orderly and accountable way."),
    "policy.4": ("Wajib menjaga kerahasiaan akses login aplikasi yang dimiliki untuk menghindari "
                 "penyalahgunaan oleh pihak yang tidak bertanggung jawab.",
                 "Logins to the application are kept secret to prevent misuse."),
    "policy.5": ("Memantau perkembangan proses tindak lanjut penanganan pengaduan oleh Tim "
                 "Penanganan Pengaduan sampai selesai melalui aplikasi WBS.",
                 "You can follow the progress of your complaint until it is closed, through "
                 "the WBS."),
    "policy.6": ("Setiap whistleblower dapat melakukan pengaduan lebih dari satu kali dan tidak "
                 "memiliki batasan.", "Every whistleblower may report more than once, without "
                 "limit."),
    "home.why.title": ("Apa tujuan dan manfaat Whistleblowing System",
                       "What the Whistleblowing System is for"),
    "home.why": (
        "Mewujudkan penyelenggaraan pemerintahan yang baik (Good Governance) dan bebas KKN, "
        "mendorong pengungkapan penyalahgunaan wewenang serta meningkatkan pengawasan.",
        "Good governance free of corruption, collusion and nepotism; encouraging the disclosure "
        "of abuse of authority; stronger oversight."),
    "home.meet.title": ("Bertemu langsung", "Meet the team in person"),
    "home.meet": (
        "Dalam kasus tertentu, whistleblower yang ingin berkomunikasi dengan Tim Penanganan "
        "Pengaduan Kementerian Kelautan dan Perikanan bisa bertatap muka langsung di Kantor "
        "Sekretariat Penanganan Pengaduan Inspektorat V, Gedung Mina Bahari II Lantai 5.",
        "In some cases, a whistleblower who wishes to speak to the KKP Complaints-Handling Team "
        "can meet them in person at the Complaints Secretariat of Inspectorate V, Gedung Mina "
        "Bahari II, 5th floor."),
    "home.start": ("Memulai Laporan", "Start a report"),
    "home.return": ("Sudah melapor? Pantau laporan dengan kode rahasia",
                    "Already reported? Follow it with your secret receipt"),
    # report form
    "form.title": ("Memulai Laporan", "Start a report"),
    "form.intro": (
        "Isi sebanyak yang Anda ketahui. Kolom bertanda * wajib diisi. Anda tidak perlu "
        "menyebutkan nama.",
        "Fill in as much as you know. Fields marked * are required. You do not have to give "
        "your name."),
    "form.errors": ("Periksa kembali isian yang ditandai di bawah. Isian Anda tidak hilang.",
                    "Please check the fields marked below. Nothing you entered was lost."),
    "form.expired": ("Formulir kedaluwarsa. Isian Anda masih ada; kirim sekali lagi.",
                     "The form expired. Your entries are still here; please send again."),
    "form.what_section": ("Apa yang terjadi", "What happened"),
    "field.category": ("Kategori pelanggaran *", "Kind of violation *"),
    "help.category": ("Pilih yang paling mendekati; tim dapat mengubahnya.",
                      "Choose the closest; the team can change it."),
    "choose": ("— pilih —", "— choose —"),
    "field.what": ("Apa yang terjadi? *", "What happened? *"),
    "help.what": ("Ceritakan kejadiannya dengan kata-kata Anda sendiri (minimal 10 karakter).",
                  "Describe what happened in your own words (at least 10 characters)."),
    "form.who_section": ("Siapa yang terlibat", "Who is involved"),
    "help.who": ("Isi nama, jabatan atau unit kerja setidaknya satu orang terlapor.",
                 "Give at least one reported person's name, position or unit."),
    "field.person": ("Terlapor", "Reported person"),
    "field.person_name": ("Nama", "Name"),
    "field.position": ("Jabatan", "Position"),
    "field.unit": ("Unit kerja KKP", "KKP unit"),
    "add_person": ("Tambah orang lain", "Add another person"),
    "field.where": ("Di mana? *", "Where? *"),
    "help.where": ("Kantor, pelabuhan, kota atau alamat tempat kejadian.",
                   "Office, port, city or address where it happened."),
    "field.when": ("Kapan? *", "When? *"),
    "help.when": ("Tanggal atau periode, misalnya \"Maret 2026\" atau \"setiap bulan sejak "
                  "2025\". Boleh juga mengisi tanggal di bawah.",
                  "A date or period, e.g. \"March 2026\" or \"monthly since 2025\". You may also "
                  "give dates below."),
    "field.date_from": ("Tanggal (awal)", "Date (from)"),
    "field.date_to": ("Sampai tanggal", "Until"),
    "field.how": ("Bagaimana caranya? *", "How was it done? *"),
    "help.how": ("Modus: bagaimana pelanggaran dilakukan (minimal 5 karakter).",
                 "The method: how the violation was carried out (at least 5 characters)."),
    "form.more_section": ("Keterangan tambahan (tidak wajib)", "More details (optional)"),
    "field.estimated_loss": ("Perkiraan kerugian negara (Rupiah)",
                             "Estimated loss to the state (Rupiah)"),
    "help.estimated_loss": ("Angka saja, misalnya 150000000.", "Digits only, e.g. 150000000."),
    "field.witnesses": ("Saksi", "Witnesses"),
    "help.witnesses": ("Siapa lagi yang mengetahui kejadian ini?",
                       "Who else knows about it?"),
    "field.other_parties": ("Pihak lain yang terkait", "Other parties involved"),
    "help.other_parties": ("Misalnya perusahaan atau pihak di luar KKP.",
                           "For example companies or people outside KKP."),
    "form.evidence_section": ("Bukti", "Evidence"),
    "evidence.soon": ("Unggah bukti akan tersedia segera. Anda dapat mengirim bukti nanti "
                      "melalui kotak surat laporan Anda.",
                      "Evidence upload is coming soon. You can add evidence later through your "
                      "report's mailbox."),
    "form.identity_section": ("Identitas Anda", "Your identity"),
    "identity.anonymous": ("Anonim — tanpa identitas (Anda tetap bisa dihubungi lewat kotak "
                           "surat dengan kode rahasia)",
                           "Anonymous — no identity (the team can still reach you through the "
                           "mailbox with your receipt)"),
    "identity.identified": ("Beridentitas, dirahasiakan", "Identified, kept confidential"),
    "help.identity": ("Jika beridentitas, semua kolom boleh kosong kecuali satu kontak (telepon "
                      "atau email). Identitas hanya dapat dibuka oleh petugas berwenang.",
                      "If identified, every field is optional except one contact (phone or "
                      "email). Only authorised staff can open your identity."),
    "field.id_name": ("Nama", "Name"),
    "field.id_phone": ("Nomor telepon", "Phone number"),
    "field.id_email": ("Email", "Email"),
    "field.id_employee_number": ("NIP (nomor induk pegawai)", "Employee number (NIP)"),
    "form.obligations_section": ("Persetujuan", "Agreement"),
    "field.obligations": (
        "Saya memahami dan menyetujui: data laporan menjadi milik KKP c.q. Inspektorat "
        "Jenderal; saya bersedia dihubungi untuk konfirmasi dan bersedia melengkapi data "
        "yang diminta. *",
        "I understand and accept: the report's data become the property of KKP (Inspectorate "
        "General); I am willing to be contacted for confirmation and to complete the data "
        "requested. *"),
    "obligations.required": ("Centang persetujuan ini untuk mengirim laporan.",
                             "Tick this agreement to send the report."),
    "identity.required": ("Pilih anonim atau beridentitas.", "Choose anonymous or identified."),
    "submit": ("Kirim Laporan", "Send report"),
    # receipt page
    "receipt.title": ("Laporan Anda telah diterima", "Your report has been received"),
    "receipt.number": ("Nomor laporan", "Report number"),
    "receipt.code": ("Kode rahasia", "Secret receipt"),
    "receipt.keep": (
        "Simpan nomor laporan dan kode rahasia ini sekarang: tulis di kertas, cetak, atau simpan "
        "halaman ini. Kode rahasia hanya ditampilkan sekali dan tidak dapat dipulihkan. "
        "Jangan berikan kepada siapa pun.",
        "Keep this report number and secret receipt now: write them down, print or save this "
        "page. The receipt is shown only once and cannot be recovered. Do not share it."),
    "receipt.use": ("Dengan kode rahasia ini Anda dapat memantau status, membaca pertanyaan tim "
                    "dan menjawabnya di halaman \"Pantau Laporan\".",
                    "With this receipt you can follow the status, read the team's questions and "
                    "answer them under \"Follow my report\"."),
    "receipt.print": ("Cetak / simpan halaman ini", "Print / save this page"),
    "receipt.gone": ("Kode rahasia sudah ditampilkan dan tidak disimpan oleh sistem. Jika Anda "
                     "belum mencatatnya, kirim laporan baru.",
                     "The receipt was already shown and is not kept by the system. If you did "
                     "not note it, please send a new report."),
    # mailbox
    "signin.title": ("Pantau Laporan", "Follow my report"),
    "signin.intro": ("Masukkan kode rahasia 16 angka yang Anda terima saat melapor.",
                     "Enter the 16-digit secret receipt you received when you reported."),
    "field.receipt": ("Kode rahasia", "Secret receipt"),
    "signin.submit": ("Masuk", "Open"),
    "signin.wrong": ("Kode rahasia tidak dikenali. Periksa kembali 16 angka kode Anda.",
                     "The receipt was not recognised. Check the 16 digits of your receipt."),
    "signin.throttled": ("Terlalu banyak percobaan. Coba lagi nanti.",
                         "Too many attempts. Try again later."),
    "signin.expired": ("Sesi Anda berakhir. Masukkan kode rahasia lagi.",
                       "Your session ended. Enter your receipt again."),
    "mailbox.title": ("Laporan", "Report"),
    "mailbox.status": ("Status saat ini", "Current status"),
    "mailbox.history": ("Riwayat status", "Status history"),
    "mailbox.messages": ("Pesan dari Tim Penanganan Pengaduan",
                         "Messages from the Complaints-Handling Team"),
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
    "mailbox.text_required": ("Tulis teks terlebih dahulu (maks. 20.000 karakter).",
                              "Write some text first (at most 20,000 characters)."),
    "mailbox.report": ("Isi laporan Anda", "Your report"),
    "mailbox.signout": ("Keluar", "Sign out"),
    "mailbox.idle": ("Demi keamanan, sesi berakhir setelah 15 menit tanpa aktivitas.",
                     "For your safety the session ends after 15 minutes without activity."),
    "signedout": ("Anda telah keluar.", "You have signed out."),
    "anonymous": ("Anonim", "Anonymous"),
    "identified": ("Beridentitas (dirahasiakan)", "Identified (confidential)"),
}


def translator(lang: str) -> Callable[[str], str]:
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = MESSAGES.get(key)
        return pair[index] if pair else key

    return t


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]
