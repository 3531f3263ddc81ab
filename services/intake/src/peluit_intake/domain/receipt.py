"""The reporter's secret receipt and the report number."""

from __future__ import annotations

import re
import secrets

RECEIPT_DIGITS = 16
_NON_DIGITS = re.compile(r"[^0-9]")


def new_receipt() -> str:
    """16 random digits, grouped in fours for reading aloud and copying from paper."""
    digits = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
    return "-".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalise_receipt(text: str) -> str | None:
    """The receipt's digits, whatever spaces or dashes the reporter typed; None if malformed."""
    digits = _NON_DIGITS.sub("", text)
    return digits if len(digits) == RECEIPT_DIGITS else None


def report_number(year: int, sequence: int) -> str:
    return f"WBS-{year}-{sequence:06d}"
