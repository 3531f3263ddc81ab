"""Use cases of account administration (CLI): create users, reset passwords and TOTP."""

from __future__ import annotations

import uuid

import asyncpg

from peluit_cases.adapters import audit_repo, staff_repo
from peluit_cases.domain.staff import Role
from peluit_cases.service.auth import hash_password, new_totp_secret
from peluit_shared.events import StaffChanged
from peluit_shared.events.staff import StaffChangedPayload
from peluit_shared.outbox import add_to_outbox


async def _publish(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    row = await staff_repo.get_user(conn, user_id)
    assert row is not None
    await add_to_outbox(conn, StaffChanged(
        correlation_id=user_id,
        payload=StaffChangedPayload(staff_id=user_id, username=row["username"],
                                    role=row["role"], email=row["email"],
                                    active=not row["disabled"]),
    ))


async def create_user(conn: asyncpg.Connection, username: str, password: str, role: Role,
                      email: str | None, with_totp: bool) -> str | None:
    """Create the account; with_totp: set up TOTP now and return its secret (for tests/ops)."""
    password_hash = hash_password(password)
    async with conn.transaction():
        user_id = await staff_repo.create_user(conn, username, password_hash, role, email)
        secret = new_totp_secret() if with_totp else None
        if secret:
            await staff_repo.set_totp(conn, user_id, secret, confirmed=True)
        await audit_repo.append(conn, "cli", "staff_created", None, staff=str(user_id),
                                role=role.value)
        await _publish(conn, user_id)
    return secret


async def reset_password(conn: asyncpg.Connection, username: str, password: str) -> bool:
    password_hash = hash_password(password)
    async with conn.transaction():
        row = await staff_repo.find_login(conn, username)
        if row is None:
            return False
        await staff_repo.set_password(conn, username, password_hash)
        await staff_repo.drop_user_sessions(conn, row["id"])
        await audit_repo.append(conn, "cli", "password_reset", None, staff=str(row["id"]))
    return True


async def reset_totp(conn: asyncpg.Connection, username: str, with_totp: bool) -> str | None:
    """Forget the user's TOTP (they enrol again at next sign-in) or set a new one and return it.

    Raises LookupError for an unknown user.
    """
    async with conn.transaction():
        row = await staff_repo.find_login(conn, username)
        if row is None:
            raise LookupError(username)
        secret = new_totp_secret() if with_totp else None
        await staff_repo.set_totp(conn, row["id"], secret, confirmed=secret is not None)
        await staff_repo.clear_failures(conn, row["id"])
        await staff_repo.drop_user_sessions(conn, row["id"])
        await audit_repo.append(conn, "cli", "totp_reset", None, staff=str(row["id"]))
    return secret


async def set_reveal(conn: asyncpg.Connection, username: str, allowed: bool) -> bool:
    async with conn.transaction():
        done = await conn.execute("UPDATE staff_users SET can_reveal = $2 WHERE username = $1",
                                  username, allowed)
        if done.endswith(" 1"):
            await audit_repo.append(conn, "cli", "reveal_grant", None, username=username,
                                    allowed=allowed)
            return True
    return False
