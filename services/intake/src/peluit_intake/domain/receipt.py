"""The reporter's secret receipt and the report number.

A receipt is 20 random digits in five groups of four: the first group is a *locator* that picks
the report's row (a few rows at most) without revealing anything, the other 16 digits (about 53
bits, as before) are the secret. The whole receipt goes into one Argon2id run with the report's
own salt; nothing in the database is a fast function of it (see adapters/receipt_crypto.py).
"""

from __future__ import annotations

import re
import secrets

LOCATOR_DIGITS = 4
SECRET_DIGITS = 16
RECEIPT_DIGITS = LOCATOR_DIGITS + SECRET_DIGITS
LOCATORS = 10**LOCATOR_DIGITS
_NON_DIGITS = re.compile(r"[^0-9]")
# Report numbers: WBS-<year>-<8 random digits>. Random, so a number says nothing about how many
# reports came before it or in which order (the year is when it was filed, shown everywhere
# anyway). The shape still matches the frozen event contracts (`^WBS-\d{4}-\d{6,}$`).
NUMBER_DIGITS = 8


def new_locator() -> int:
    return secrets.randbelow(LOCATORS)


def new_receipt(locator: int) -> str:
    """The locator and 16 random digits, grouped in fours for reading aloud and copying."""
    if not 0 <= locator < LOCATORS:
        raise ValueError("locator out of range")
    secret = "".join(secrets.choice("0123456789") for _ in range(SECRET_DIGITS))
    digits = f"{locator:0{LOCATOR_DIGITS}d}{secret}"
    return "-".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalise_receipt(text: str) -> str | None:
    """The receipt's digits, whatever spaces or dashes the reporter typed; None if malformed."""
    digits = _NON_DIGITS.sub("", text)
    return digits if len(digits) == RECEIPT_DIGITS else None


def locator_of(digits: str) -> int:
    """The row selector of normalised receipt digits (not secret to whoever holds the database)."""
    return int(digits[:LOCATOR_DIGITS])


def new_report_number(year: int) -> str:
    return f"WBS-{year}-{secrets.randbelow(10**NUMBER_DIGITS):0{NUMBER_DIGITS}d}"
