"""Refusals the domain and use cases raise; the HTTP edge turns them into problem responses."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A request that cannot be done: HTTP `status`, a bilingual message and extra fields."""

    status = 409

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotFound(Refused):
    status = 404


class Forbidden(Refused):
    status = 403


class Invalid(Refused):
    """A field is wrong: `field` names it."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field


class Stale(Refused):
    """The case changed since the client read it (optimistic concurrency)."""

    def __init__(self, current: int) -> None:
        super().__init__(
            "Kasus telah diubah orang lain; muat ulang | The case changed; reload",
            current_version=current,
        )


class KeyRefused(Refused):
    """The session holds no key that opens this (not granted, wrong key, tampered envelope)."""

    def __init__(self, message: str | None = None, code: str = "key_not_held") -> None:
        super().__init__(
            message
            or "Sesi Anda tidak memegang kunci untuk kasus ini; minta koordinator memberi akses "
            "| Your session holds no key for this case; ask a coordinator to grant access",
            code=code,
        )
