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


# --- The input edge's rules (applied by `peluit_shared.http.input_edge`, never by handlers) ---

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_JSON_DEPTH = 32
# Text may hold tabs and line breaks; no other C0 control, DEL, C1 control or lone surrogate.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# One-line values (query and path parameters) may not hold even those.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

CONTROL_CHARACTER = (
    "Karakter kendali (mis. NUL) tidak diizinkan | Control characters (e.g. NUL) are not allowed"
)
INVALID_UTF8 = "Bukan teks UTF-8 yang valid | Not valid UTF-8 text"
OUT_OF_RANGE = (
    f"Bilangan di luar jangkauan ({INT64_MIN} sampai {INT64_MAX}) | "
    f"Number out of range ({INT64_MIN} to {INT64_MAX})"
)


def has_control(value: str, *, one_line: bool = False) -> bool:
    """Whether `value` holds a character no field of ours accepts (NUL and other controls)."""
    return (_CONTROL_IN_LINE if one_line else _CONTROL_IN_TEXT).search(value) is not None


def int_out_of_range(value: int) -> bool:
    return not INT64_MIN <= value <= INT64_MAX


def text_field_errors(
    fields: Any, *, one_line: bool = False, prefix: str = ""
) -> list[dict[str, Any]]:
    """Field errors for every name or text value of a mapping or list of pairs that breaks the
    text rules; non-text values (uploaded files) are skipped."""
    pairs = fields.items() if hasattr(fields, "items") else fields
    if hasattr(fields, "multi_items"):
        pairs = fields.multi_items()
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name, value in pairs:
        key = f"{prefix}{name}"
        bad = has_control(str(name), one_line=True) or (
            isinstance(value, str) and has_control(value, one_line=one_line)
        )
        if bad and key not in seen:
            seen.add(key)
            errors.append(field_error(_printable(key), CONTROL_CHARACTER))
    return errors


def json_value_errors(value: Any, path: str = "") -> list[dict[str, Any]]:
    """Field errors for control characters in strings (keys too) and integers outside 64 bits,
    anywhere in a decoded JSON document; the field is named by its dotted path."""
    errors: list[dict[str, Any]] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack and len(errors) < 50:
        where, item = stack.pop()
        if isinstance(item, str):
            if has_control(item):
                errors.append(field_error(_printable(where) or "body", CONTROL_CHARACTER))
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if int_out_of_range(item):
                errors.append(field_error(_printable(where) or "body", OUT_OF_RANGE))
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if has_control(str(key), one_line=True):
                    errors.append(field_error(_printable(name), CONTROL_CHARACTER))
                    continue
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{where}.{i}" if where else str(i), c) for i, c in enumerate(item))
    errors.reverse()
    return errors


def _printable(name: str) -> str:
    """A field name safe to echo back (its controls shown as escapes)."""
    return _CONTROL_IN_LINE.sub(lambda m: m.group().encode("unicode_escape").decode(), name)[:200]
