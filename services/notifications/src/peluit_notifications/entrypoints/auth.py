"""Bearer tokens of the internal APIs (constant-time comparison)."""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException


def require_token(request: Request[Any, Any, Any], expected: str) -> None:
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotAuthorizedException("Token salah | Wrong token")
