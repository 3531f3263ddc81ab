"""The home page and the frame of every page (seed text, Indonesian first)."""

from __future__ import annotations

# key: (Indonesian, English)
HOME: dict[str, tuple[str, str]] = {
    "site.title": ("Whistleblowing System KKP", "KKP Whistleblowing System"),
    "site.by": (
        "Inspektorat V, Inspektorat Jenderal Kementerian Kelautan dan Perikanan",
        "Inspectorate V, Inspectorate General of the Ministry of Marine Affairs and Fisheries",
    ),
    "nav.home": ("Beranda", "Home"),
    "nav.report": ("Memulai Laporan", "Start a report"),
    "nav.mailbox": ("Pantau Laporan", "Follow my report"),
    "lang.switch": ("English", "Bahasa Indonesia"),
    "home.about.title": (
        "Tentang Layanan Whistleblowing System KKP",
        "About the KKP Whistleblowing System",
    ),
    "home.about": (
        "Whistleblowing System adalah media untuk menampung segala bentuk pengaduan atas "
        "pelanggaran yang dilakukan oleh Aparatur Sipil Negara di lingkup KKP.",
        "The Whistleblowing System receives every kind of complaint about violations committed "
        "by civil servants (ASN) within KKP.",
    ),
    "home.unit.title": ("Unit Pengelola/Penyelenggara WBS", "Who runs the WBS"),
    "home.unit": (
        "Pengelolaan aplikasi WBS ini dikelola pada Unit Organisasi Inspektorat V Inspektorat "
        "Jenderal KKP yang merupakan pelaksanaan tugas dan fungsi sesuai ketentuan "
        "perundang-undangan yang berlaku.",
        "This WBS is managed by Inspectorate V of the KKP Inspectorate General, as part of its "
        "duties and functions under the applicable laws and regulations.",
    ),
    "home.promise.title": ("Kerahasiaan identitas Anda", "Your identity stays confidential"),
    "home.promise": (
        "Kementerian Kelautan dan Perikanan akan menjamin KERAHASIAAN IDENTITAS Pelapor. Laporan "
        "dan identitas Anda dienkripsi sebelum disimpan. Anda boleh melapor tanpa nama; kami "
        "tidak mencatat alamat IP maupun perangkat Anda.",
        "The Ministry of Marine Affairs and Fisheries guarantees the CONFIDENTIALITY OF THE "
        "REPORTER'S IDENTITY. Your report and identity are encrypted before they are stored. You "
        "may report without giving your name; we do not record your IP address or device.",
    ),
    "home.obligations.title": (
        "Informasi Umum Layanan: kewajiban Whistleblower",
        "General information: the whistleblower's obligations",
    ),
    "home.obligations.intro": (
        "Setiap Whistleblower harus memperhatikan dan mematuhi beberapa kebijakan yang berlaku "
        "terkait penggunaan aplikasi ini, yaitu:",
        "Every whistleblower must observe the following policies on the use of this application:",
    ),
    "obligation.1": (
        "Semua berkas elektronik, file dan data pengaduan yang telah di input ke dalam aplikasi "
        "WBS KKP menjadi milik Kementerian Kelautan dan Perikanan c.q Inspektorat Jenderal KKP.",
        "All electronic records, files and complaint data entered into the KKP WBS become the "
        "property of the Ministry of Marine Affairs and Fisheries, through its Inspectorate "
        "General.",
    ),
    "obligation.2": (
        "Whistleblower harus bersedia berkomunikasi dan memberikan konfirmasi kepada Tim "
        "Penanganan Pengaduan apabila dihubungi melalui sambungan telepon.",
        "The whistleblower must be willing to communicate with and confirm details to the "
        "Complaints-Handling Team when contacted by telephone.",
    ),
    "obligation.3": (
        "Whistleblower harus bersedia melengkapi data dan informasi yang diminta Tim Penanganan "
        "Pengaduan untuk memenuhi unsur kriteria pengaduan yang ditetapkan.",
        "The whistleblower must be willing to complete the data and information the "
        "Complaints-Handling Team requests to meet the complaint criteria.",
    ),
    "home.team.title": (
        "Komitmen Tim Penanganan Pengaduan",
        "Commitments of the Complaints-Handling Team",
    ),
    "team.1": (
        "Seluruh pengaduan yang diterima secara manual harus di input ke dalam aplikasi WBS.",
        "Every complaint received manually is entered into the WBS.",
    ),
    "team.2": (
        "Tim Penanganan Pengaduan wajib mendokumentasikan hasil konfirmasi dan tindak "
        "lanjut pengaduan ke dalam aplikasi WBS.",
        "The team documents every confirmation and follow-up in the WBS.",
    ),
    "team.3": (
        "Menindaklanjuti pengaduan secara tuntas sesuai jadwal yang ditetapkan.",
        "Complaints are followed up to completion on schedule.",
    ),
    "home.policy.title": ("Kebijakan Umum Layanan", "General service policies"),
    "policy.1": (
        "Penanganan Pengaduan wajib mematuhi kode etik penanganan pengaduan yang telah "
        "ditetapkan dan menjaga kerahasiaan data pengaduan.",
        "Complaint handling follows the established code of ethics and keeps "
        "complaint data confidential.",
    ),
    "policy.2": (
        "Semua berkas elektronik, file dan data pengaduan yang telah di input ke dalam "
        "aplikasi WBS KKP bersifat rahasia sehingga dilarang untuk disebarluaskan "
        "secara umum.",
        "All records, files and complaint data in the KKP WBS are "
        "confidential and may not be disclosed publicly.",
    ),
    "policy.3": (
        "Tim Penanganan Pengaduan wajib mengelola data informasi pada aplikasi secara "
        "tertib dan akuntabel.",
        "The team manages the data in the application in an orderly and accountable way.",
    ),
    "policy.4": (
        "Wajib menjaga kerahasiaan akses login aplikasi yang dimiliki untuk menghindari "
        "penyalahgunaan oleh pihak yang tidak bertanggung jawab.",
        "Logins to the application are kept secret to prevent misuse.",
    ),
    "policy.5": (
        "Memantau perkembangan proses tindak lanjut penanganan pengaduan oleh Tim "
        "Penanganan Pengaduan sampai selesai melalui aplikasi WBS.",
        "You can follow the progress of your complaint until it is closed, through the WBS.",
    ),
    "policy.6": (
        "Setiap whistleblower dapat melakukan pengaduan lebih dari satu kali dan tidak "
        "memiliki batasan.",
        "Every whistleblower may report more than once, without limit.",
    ),
    "home.why.title": (
        "Apa tujuan dan manfaat Whistleblowing System",
        "What the Whistleblowing System is for",
    ),
    "home.why": (
        "Mewujudkan penyelenggaraan pemerintahan yang baik (Good Governance) dan bebas KKN, "
        "mendorong pengungkapan penyalahgunaan wewenang serta meningkatkan pengawasan.",
        "Good governance free of corruption, collusion and nepotism; encouraging the disclosure "
        "of abuse of authority; stronger oversight.",
    ),
    "home.meet.title": ("Bertemu langsung", "Meet the team in person"),
    "home.meet": (
        "Dalam kasus tertentu, whistleblower yang ingin berkomunikasi dengan Tim Penanganan "
        "Pengaduan Kementerian Kelautan dan Perikanan bisa bertatap muka langsung di Kantor "
        "Sekretariat Penanganan Pengaduan Inspektorat V, Gedung Mina Bahari II Lantai 5.",
        "In some cases, a whistleblower who wishes to speak to the KKP Complaints-Handling Team "
        "can meet them in person at the Complaints Secretariat of Inspectorate V, Gedung Mina "
        "Bahari II, 5th floor.",
    ),
    "home.start": ("Memulai Laporan", "Start a report"),
    "home.onion.title": ("Melapor lewat Tor", "Reporting through Tor"),
    "home.onion": (
        "Portal ini juga dapat dibuka dengan Tor Browser di alamat berikut. Dengan Tor, jaringan "
        "yang Anda pakai dan server kami tidak mengetahui dari mana Anda membuka portal.",
        "This portal can also be opened with Tor Browser at the address below. With Tor, "
        "neither your network nor our server learns where you are opening the portal from.",
    ),
    "home.return": (
        "Sudah melapor? Pantau laporan dengan kode rahasia",
        "Already reported? Follow it with your secret receipt",
    ),
}
