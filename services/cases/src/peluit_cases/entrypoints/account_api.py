"""The signed-in staff member's own account: notification email, mode and language."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post, put
from pydantic import BaseModel, ConfigDict, Field

from peluit_cases.adapters import audit_repo, case_keys, staff_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import (
    NoticeLanguage,
    NotificationMode,
    NotificationPrefs,
    Role,
    StaffEmail,
    StaffUser,
)
from peluit_cases.entrypoints.auth_api import STAFF_AUTH, STAFF_DEP
from peluit_cases.service import auth, staff_admin, staff_keys
from peluit_cases.service.access import require
from peluit_cases.service.errors import Invalid
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


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=500)
    new_password: str = Field(min_length=1, max_length=500)


class GrantOut(BaseModel):
    staff_id: uuid.UUID
    cases_granted: int


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

    @put(
        "/password",
        status_code=204,
        summary="Change my password; my key pair is re-locked under it (no case is lost)",
    )
    async def password(self, data: PasswordIn, cases: Cases, staff: StaffUser) -> None:
        await change_own_password(cases, staff, data.current_password, data.new_password)


async def change_own_password(cases: Cases, staff: StaffUser, current: str, new: str) -> None:
    try:
        ok = await staff_keys.change_password(
            cases.runtime.pool, staff, current, new, auth.verify_password, auth.hash_password
        )
    except auth.WeakPassword as exc:
        raise Invalid(
            "new_password",
            f"Kata sandi minimal {auth.MIN_PASSWORD_LENGTH} karakter | The password needs at "
            f"least {auth.MIN_PASSWORD_LENGTH} characters",
        ) from exc
    if not ok:
        raise Invalid("current_password", "Kata sandi salah | Wrong password")


class KeyGrantApi(Controller):
    path = "/api/v1/staff"
    security = STAFF_AUTH
    tags = ["account"]
    dependencies = STAFF_DEP

    @post(
        "/{staff_id:uuid}/case-keys",
        status_code=200,
        summary="Grant a coordinator access: wrap every case key my session holds to them",
    )
    async def grant(self, staff_id: uuid.UUID, cases: Cases, staff: StaffUser) -> GrantOut:
        return GrantOut(staff_id=staff_id, cases_granted=await grant_access(cases, staff, staff_id))


async def grant_access(cases: Cases, staff: StaffUser, staff_id: uuid.UUID) -> int:
    """A signed-in coordinator gives a new (or reset) coordinator the cases they hold."""
    require(staff, Permission.ALL_CASES)
    require(staff, Permission.CASE_ASSIGN)
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        target = await staff_repo.get_user(conn, staff_id)
        if target is None or target["disabled"] or target["role"] != Role.COORDINATOR.value:
            raise Invalid("staff_id", "Bukan koordinator aktif | Not an active coordinator")
        count = await case_keys.grant_all(conn, staff, staff_id)
        await audit_repo.append(
            conn, str(staff.id), "case_keys_granted", None, staff=str(staff_id), cases=count
        )
    return count
