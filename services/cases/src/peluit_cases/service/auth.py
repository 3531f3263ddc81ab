"""Staff sign-in: Argon2id passwords and short-lived bearer sessions."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from peluit_cases.adapters import staff_repo
from peluit_cases.domain.staff import Role, StaffUser

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12


class WeakPassword(ValueError):
    pass


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except VerificationError:
        return False


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    user: StaffUser


async def login(pool: asyncpg.Pool, username: str, password: str,
                max_hours: int) -> Session | None:
    async with pool.acquire() as conn:
        row = await staff_repo.find_login(conn, username)
    stored = row["password_hash"] if row else _DUMMY_HASH
    ok = await asyncio.to_thread(_verify, stored, password)
    if not (ok and row):
        return None
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=max_hours)
    async with pool.acquire() as conn:
        await staff_repo.add_session(conn, hash_token(token), row["id"], expires)
    user = StaffUser(id=row["id"], username=row["username"], role=Role(row["role"]))
    return Session(token=token, expires_at=expires, user=user)


async def authenticate(pool: asyncpg.Pool, token: str, idle_minutes: int) -> StaffUser | None:
    async with pool.acquire() as conn:
        return await staff_repo.touch_session(conn, hash_token(token), idle_minutes)


async def logout(pool: asyncpg.Pool, token: str) -> None:
    async with pool.acquire() as conn:
        await staff_repo.drop_session(conn, hash_token(token))
