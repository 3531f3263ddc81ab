"""File names as the client gives them: refused when they could name a path or hide characters.

The name is only stored sealed to the cases key and shown to staff as a download name, but a
name with a path separator, `..`, control characters or nothing in it is refused outright rather
than "repaired" silently: the client learns exactly what was wrong.
"""

from __future__ import annotations

import unicodedata

MAX_NAME = 255


class BadFilename(ValueError):
    """Why a name was refused; `message`/`message_en` for the reporter."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message, self.message_en = code, message, message_en


def check_filename(name: str) -> str:
    """The name unchanged (NFC) if acceptable, else BadFilename."""
    if not name or not name.strip():
        raise BadFilename("filename_empty", "Nama berkas kosong.", "The file name is empty.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise BadFilename(
            "filename_control",
            "Nama berkas berisi karakter kendali.",
            "The file name contains control characters.",
        )
    if "/" in name or "\\" in name or name.strip() in (".", "..") or name.startswith(".."):
        raise BadFilename(
            "filename_path",
            "Nama berkas tidak boleh berisi jalur (/, \\, ..).",
            "The file name must not contain a path (/, \\, ..).",
        )
    name = unicodedata.normalize("NFC", name)
    if len(name) > MAX_NAME:
        raise BadFilename(
            "filename_long",
            f"Nama berkas terlalu panjang (maks. {MAX_NAME}).",
            f"The file name is too long (at most {MAX_NAME}).",
        )
    return name
