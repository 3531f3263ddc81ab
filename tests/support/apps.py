"""Each service's litestar app and runtime, built in process (no stack needed to build)."""

from __future__ import annotations

from typing import Any

from litestar import Litestar


def build(service: str) -> tuple[Litestar, Any]:
    if service == "intake":
        from peluit_intake.bootstrap import build as b_intake

        return b_intake()
    if service == "cases":
        from peluit_cases.bootstrap import build as b_cases

        return b_cases()
    if service == "evidence":
        from peluit_evidence.bootstrap import build as b_evidence

        return b_evidence()
    from peluit_notifications.bootstrap import build as b_notifications

    return b_notifications()
