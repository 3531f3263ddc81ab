"""Query parameters of the internal APIs, checked with bilingual field errors."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException


def int_param(
    request: Request[Any, Any, Any], name: str, default: int | None, low: int, high: int
) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise HTTPException(
            status_code=422,
            detail="invalid query parameter",
            extra={
                "errors": [
                    {
                        "field": name,
                        "message": f"Harus bilangan bulat {low}–{high}",
                        "message_en": f"Must be a whole number {low}–{high}",
                    }
                ]
            },
        )
    return int(raw)
