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


@dataclass(frozen=True)
class StaffUser:
    id: uuid.UUID
    username: str
    role: Role
