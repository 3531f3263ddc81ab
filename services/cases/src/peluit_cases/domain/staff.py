"""Staff members and their roles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    HANDLER = "handler"
    VIEWER = "viewer"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("Administrator", "Administrator"),
    Role.COORDINATOR: ("Koordinator", "Coordinator"),
    Role.HANDLER: ("Penangan", "Handler"),
    Role.VIEWER: ("Pengamat/Auditor", "Viewer/auditor"),
}


@dataclass(frozen=True)
class StaffUser:
    id: uuid.UUID
    username: str
    role: Role
    can_reveal: bool = False
