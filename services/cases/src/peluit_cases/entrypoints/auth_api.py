"""Staff sign-in over the API (password + TOTP), and the dependency that guards staff routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, post
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from pydantic import BaseModel, ConfigDict, Field

from peluit_cases.domain.staff import StaffUser
from peluit_cases.service import auth
from peluit_cases.service.unit_of_work import UnitOfWork
from peluit_cases.wiring import Cases
from peluit_shared.http import client_address


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=500)
    totp: str | None = Field(default=None, max_length=10, description="6-digit TOTP code")


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
    found = await auth.authenticate(
        cases.runtime.pool, _bearer(request), cases.settings.session_idle_minutes
    )
    if found is None or found[1] != "full":
        raise NotAuthorizedException(
            "Sesi tidak valid atau kedaluwarsa / session invalid or expired"
        )
    return found[0]


# OpenAPI: the staff routes take `Authorization: Bearer <token from /api/v1/auth/login>`.
STAFF_AUTH: list[dict[str, list[str]]] = [{"staff": []}]
LOGIN_REFUSED = (
    "Nama pengguna, kata sandi atau kode salah, atau terlalu banyak percobaan (coba lagi "
    "nanti) / wrong credentials or code, or too many attempts (try again later)"
)


def unit_of_work(cases: Cases) -> UnitOfWork:
    return cases.unit_of_work()


# `cases` itself is provided once, by the application (bootstrap).
CASES_DEP = {"uow": Provide(unit_of_work, sync_to_thread=False)}
STAFF_DEP = {**CASES_DEP, "staff": Provide(current_staff)}


def client_source(cases: Cases, request: Request[Any, Any, Any]) -> str:
    """The client address (behind the configured proxies), only ever used as an HMAC key of the
    per-source limit."""
    return client_address(request, cases.settings.trusted_proxy_hops)


async def sign_in(
    cases: Cases, request: Request[Any, Any, Any], username: str, password: str, code: str | None
) -> auth.Session:
    try:
        return await auth.login(
            cases.runtime.pool,
            cases.settings,
            username,
            password,
            code,
            client_source(cases, request),
            cases.login_sources,
        )
    except auth.LoginRefused as exc:
        # One answer for an unknown user, a wrong password or code and a locked account.
        raise NotAuthorizedException(LOGIN_REFUSED) from exc


class AuthApi(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]
    dependencies = CASES_DEP

    @post("/login", status_code=200, summary="Sign in with password and TOTP; returns a token")
    async def login(self, request: Request[Any, Any, Any], data: LoginIn, cases: Cases) -> LoginOut:
        session = await sign_in(cases, request, data.username, data.password, data.totp)
        if session.scope != "full":
            await auth.logout(cases.runtime.pool, session.token)
            raise PermissionDeniedException(
                "Aktifkan TOTP dulu lewat konsol (/console/login) | Set up TOTP in the console "
                "first (/console/login)"
            )
        return LoginOut(
            token=session.token, expires_at=session.expires_at, role=session.user.role.value
        )

    @post("/logout", status_code=204, summary="End the current session", security=STAFF_AUTH)
    async def logout(self, request: Request[Any, Any, Any], cases: Cases) -> None:
        await auth.logout(cases.runtime.pool, _bearer(request))
