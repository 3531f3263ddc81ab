"""The signed-in staff member's own account: notification email, mode and language."""

from __future__ import annotations

import uuid

from litestar import Controller, get, put
from pydantic import BaseModel, ConfigDict, Field

from peluit_cases.adapters import staff_repo
from peluit_cases.domain.staff import (
    NoticeLanguage,
    NotificationMode,
    NotificationPrefs,
    StaffEmail,
    StaffUser,
)
from peluit_cases.entrypoints.auth_api import STAFF_AUTH, STAFF_DEP
from peluit_cases.service import staff_admin
from peluit_cases.wiring import Cases


class AccountOut(BaseModel):
    id: uuid.UUID
    username: str
    role: str
    email: str | None
    notification_mode: NotificationMode
    language: NoticeLanguage


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: StaffEmail | None = Field(description="null: notices in the console only")
    notification_mode: NotificationMode = Field(
        description="immediate, or daily_digest (one email a day; also hides when reports arrive)"
    )
    language: NoticeLanguage = Field(description="language of the notices: id | en")


async def _read(cases: Cases, staff: StaffUser) -> AccountOut:
    async with cases.runtime.pool.acquire() as conn:
        row = await staff_repo.get_user(conn, staff.id)
    assert row is not None, "a session always names an existing account"
    return AccountOut(
        id=row["id"],
        username=row["username"],
        role=row["role"],
        email=row["email"],
        notification_mode=row["notification_mode"],
        language=row["language"],
    )


class AccountApi(Controller):
    path = "/api/v1/account"
    security = STAFF_AUTH
    tags = ["account"]
    dependencies = STAFF_DEP

    @get("/", summary="My account and notification preferences")
    async def read(self, cases: Cases, staff: StaffUser) -> AccountOut:
        return await _read(cases, staff)

    @put("/", summary="Set my notification email, mode and language (publishes staff.changed)")
    async def update(self, data: AccountIn, cases: Cases, staff: StaffUser) -> AccountOut:
        prefs = NotificationPrefs(
            email=data.email, notification_mode=data.notification_mode, language=data.language
        )
        async with cases.runtime.pool.acquire() as conn:
            await staff_admin.set_notifications(conn, staff.id, str(staff.id), prefs)
        return await _read(cases, staff)
