"""Field-level validation messages in Indonesian and English.

Pydantic speaks English; people filing reports mostly read Indonesian. Messages are translated
by pattern; a message we have no pattern for is kept in English in both slots rather than lost.
"""

from __future__ import annotations

import re
from typing import Any

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Field required"), "Wajib diisi"),
    (re.compile(r"^Extra inputs are not permitted"), "Kolom ini tidak dikenal"),
    (re.compile(r"^String should have at least (\d+) characters?"), r"Minimal \1 karakter"),
    (re.compile(r"^String should have at most (\d+) characters?"), r"Maksimal \1 karakter"),
    (re.compile(r"^List should have at least (\d+) items?"), r"Minimal \1 isian"),
    (re.compile(r"^List should have at most (\d+) items?"), r"Maksimal \1 isian"),
    (re.compile(r"^Input should be a valid string"), "Harus berupa teks"),
    (re.compile(r"^Input should be a valid integer"), "Harus berupa bilangan bulat"),
    (re.compile(r"^Input should be a valid number"), "Harus berupa angka"),
    (re.compile(r"^Input should be a valid boolean"), "Harus berupa ya/tidak (boolean)"),
    (re.compile(r"^Input should be a valid list"), "Harus berupa daftar"),
    (re.compile(r"^Input should be a valid date"), "Harus berupa tanggal (YYYY-MM-DD)"),
    (re.compile(r"^Input should be a valid dictionary"), "Harus berupa objek"),
    (re.compile(r"^Input should be a valid UUID"), "Harus berupa UUID"),
    (re.compile(r"^Input should be greater than or equal to (\S+)"), r"Minimal \1"),
    (re.compile(r"^Input should be less than or equal to (\S+)"), r"Maksimal \1"),
    (re.compile(r"^Input should be (.+)"), r"Pilihan yang valid: \1"),
    (re.compile(r"^String should match pattern"), "Format tidak sesuai"),
    # email-validator explains why in English; the Indonesian message says it plainly.
    (re.compile(r"^value is not a valid email address.*", re.S), "Alamat email tidak valid"),
]
_BILINGUAL = re.compile(r"^(?:Value error, )?(?P<id>[^|]+?) \| (?P<en>.+)$")


def bilingual(message: str) -> tuple[str, str]:
    """(Indonesian, English) for a validation message.

    Our own validators raise `ValueError("Indonesian | English")`; pydantic's built-in messages
    are translated by pattern.
    """
    message = message.strip()
    own = _BILINGUAL.match(message)
    if own:
        return own["id"].strip(), own["en"].strip()
    for pattern, indonesian in _PATTERNS:
        if pattern.match(message):
            return pattern.sub(indonesian, message, count=1).split(" [")[0], message
    return message, message


def field_error(field: str, message: str) -> dict[str, Any]:
    message_id, message_en = bilingual(message)
    return {"field": field or "body", "message": message_id, "message_en": message_en}
