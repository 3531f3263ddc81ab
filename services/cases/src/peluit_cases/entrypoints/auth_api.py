"""Staff sign-in over the API, and the dependency that guards every staff route."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, post
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from pydantic import BaseModel, ConfigDict, Field

from peluit_cases.domain.staff import StaffUser
from peluit_cases.service import auth
from peluit_cases.wiring import Cases


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=500)


class LoginOut(BaseModel):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme's name
    expires_at: datetime
    role: str


def _bearer(request: Request[Any, Any, Any]) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorizedException("Perlu masuk / sign in first")
    return token.strip()


async def current_staff(request: Request[Any, Any, Any], cases: Cases) -> StaffUser:
    user = await auth.authenticate(cases.runtime.pool, _bearer(request),
                                   cases.settings.session_idle_minutes)
    if user is None:
        raise NotAuthorizedException(
            "Sesi tidak valid atau kedaluwarsa / session invalid or expired"
        )
    return user


CASES_DEP = {"cases": Provide(Cases.current, sync_to_thread=False)}
STAFF_DEP = {**CASES_DEP, "staff": Provide(current_staff)}


class AuthApi(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]
    dependencies = CASES_DEP

    @post("/login", status_code=200, summary="Sign in; returns a bearer token")
    async def login(self, data: LoginIn, cases: Cases) -> LoginOut:
        session = await auth.login(cases.runtime.pool, data.username, data.password,
                                   cases.settings.session_max_hours)
        if session is None:
            raise NotAuthorizedException("Nama pengguna atau kata sandi salah / wrong credentials")
        return LoginOut(token=session.token, expires_at=session.expires_at,
                        role=session.user.role.value)

    @post("/logout", status_code=204, summary="End the current session")
    async def logout(self, request: Request[Any, Any, Any], cases: Cases) -> None:
        await auth.logout(cases.runtime.pool, _bearer(request))
