"""The portal's message catalog: every text translated, none fuzzy, each language pure."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from peluit_intake.i18n import LOCALE, catalog_file, gettext_for, pair

SOURCES = LOCALE.parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# Function words only one of the two languages uses: one of them in the other language's text
# means a sentence was left half translated (or two languages were spliced together).
ENGLISH = set(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "your",
        "you",
        "we",
        "our",
        "with",
        "for",
        "this",
        "that",
        "these",
        "not",
        "can",
        "will",
        "from",
        "if",
        "have",
        "has",
        "on",
        "by",
        "it",
        "its",
        "at",
        "an",
        "please",
        "when",
        "where",
        "what",
        "which",
        "who",
        "how",
        "after",
        "before",
        "than",
        "then",
        "there",
        "their",
        "only",
        "also",
        "more",
    ]
)
INDONESIAN = set(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "untuk",
        "dengan",
        "tidak",
        "ini",
        "itu",
        "atau",
        "anda",
        "kami",
        "akan",
        "dapat",
        "sudah",
        "belum",
        "jika",
        "pada",
        "oleh",
        "bisa",
        "harus",
        "dalam",
        "kepada",
        "tentang",
        "agar",
        "bila",
        "sebelum",
        "sesudah",
        "setelah",
        "saja",
        "juga",
        "lagi",
        "laporan",
        "bukti",
        "kode",
        "rahasia",
        "tanggal",
        "isi",
        "silakan",
    ]
)
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def extracted() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        SOURCES, METHODS, OPTIONS
    ):
        if isinstance(message, str):
            found.setdefault(message, []).append((filename, lineno))
    return found


def catalog() -> dict[str, tuple[str, bool]]:
    with catalog_file("en").open("rb") as po:
        return {str(m.id): (str(m.string), m.fuzzy) for m in read_po(po, locale="en") if m.id}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", PLACEHOLDER.sub(" ", text))}


def test_every_text_of_the_portal_is_in_the_catalog_translated_and_not_fuzzy() -> None:
    used, english = extracted(), catalog()
    assert len(used) > 150
    missing = sorted(m for m in used if m not in english)
    untranslated = sorted(m for m, (s, _) in english.items() if not s.strip())
    fuzzy = sorted(m for m, (_, f) in english.items() if f)
    unused = sorted(m for m in english if m not in used)
    assert missing == [], f"not in the catalog (run pybabel extract/update): {missing}"
    assert untranslated == [] and fuzzy == [], (untranslated, fuzzy)
    assert unused == [], f"obsolete entries: {unused}"


def test_each_language_is_pure_and_keeps_its_placeholders() -> None:
    for indonesian, (english, _) in catalog().items():
        assert " | " not in indonesian and " | " not in english, indonesian
        assert not words(indonesian) & ENGLISH, (indonesian, words(indonesian) & ENGLISH)
        assert not words(english) & INDONESIAN, (english, words(english) & INDONESIAN)
        assert sorted(PLACEHOLDER.findall(indonesian)) == sorted(PLACEHOLDER.findall(english))


def test_the_heuristic_catches_a_half_translated_message() -> None:
    assert words("Minimal 1 isian after validation, not 0") & ENGLISH
    assert words("Harus berupa bilangan bulat, unable to parse string as an integer") & ENGLISH
    assert words("Unknown category (one of: korupsi)") & ENGLISH
    assert words("Your report has been received dan disimpan") & INDONESIAN


def test_the_compiled_catalog_serves_english_and_indonesian_is_the_source() -> None:
    assert gettext_for("en", "Memulai Laporan") == "Start a report"
    assert gettext_for("id", "Memulai Laporan") == "Memulai Laporan"
    assert pair("Beranda") == ("Beranda", "Home")
