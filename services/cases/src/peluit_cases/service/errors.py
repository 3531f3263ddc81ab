"""The refusals, kept importable from the service layer (they live in `domain.errors`)."""

from __future__ import annotations

from peluit_cases.domain.errors import Forbidden, Invalid, KeyRefused, NotFound, Refused, Stale

__all__ = ["Forbidden", "Invalid", "KeyRefused", "NotFound", "Refused", "Stale"]
