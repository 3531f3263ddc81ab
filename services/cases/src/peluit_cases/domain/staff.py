"""Staff members, their roles and how they want to be notified."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal

from nacl.public import PrivateKey
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    StringConstraints,
    ValidationError,
    field_validator,
)

from peluit_shared.validation import bilingual


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
    # The person's private key, unlocked for this request from their session (never stored in
    # clear); None: a session without a key (it opens no case).
    private_key: PrivateKey | None = field(default=None, repr=False, compare=False)
    custodian: bool = False


NotificationMode = Literal["immediate", "daily_digest"]
NoticeLanguage = Literal["id", "en"]
NOTIFICATION_MODES: tuple[NotificationMode, ...] = ("immediate", "daily_digest")
NOTICE_LANGUAGES: tuple[NoticeLanguage, ...] = ("id", "en")
StaffEmail = Annotated[EmailStr, StringConstraints(max_length=254)]


class NotificationPrefs(BaseModel):
    """Where and how a staff member is told (published in staff.changed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: StaffEmail | None = None
    notification_mode: NotificationMode = "immediate"
    language: NoticeLanguage = "id"

    @field_validator("email", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v


def parse_prefs(
    email: str | None, mode: str, language: str
) -> tuple[NotificationPrefs | None, dict[str, tuple[str, str]]]:
    """The preferences, or (Indonesian, English) messages per field."""
    try:
        return NotificationPrefs.model_validate(
            {"email": email, "notification_mode": mode, "language": language}
        ), {}
    except ValidationError as exc:
        errors: dict[str, tuple[str, str]] = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "form"
            errors.setdefault(field, bilingual(str(err["msg"])))
        return None, errors
