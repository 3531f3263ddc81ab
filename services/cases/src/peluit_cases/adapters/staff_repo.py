"""asyncpg storage of staff accounts and sessions (tokens only as SHA-256 hashes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from peluit_cases.domain.staff import Role, StaffUser

_USER = "u.id, u.username, u.role, u.can_reveal"


def _user(row: asyncpg.Record) -> StaffUser:
    return StaffUser(
        id=row["id"], username=row["username"], role=Role(row["role"]), can_reveal=row["can_reveal"]
    )


async def create_user(
    conn: asyncpg.Connection,
    username: str,
    password_hash: str,
    role: Role,
    email: str | None = None,
) -> uuid.UUID:
    user_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO staff_users (id, username, password_hash, role, email) "
        "VALUES ($1, $2, $3, $4, $5)",
        user_id,
        username,
        password_hash,
        role.value,
        email,
    )
    return user_id


async def set_password(conn: asyncpg.Connection, username: str, password_hash: str) -> bool:
    done = await conn.execute(
        "UPDATE staff_users SET password_hash = $2, failed_logins = 0, locked_until = NULL "
        "WHERE username = $1",
        username,
        password_hash,
    )
    return bool(done.endswith(" 1"))


async def set_totp(
    conn: asyncpg.Connection, user_id: uuid.UUID, secret: str | None, confirmed: bool
) -> None:
    await conn.execute(
        "UPDATE staff_users SET totp_secret = $2, totp_confirmed = $3, totp_last_step = 0 "
        "WHERE id = $1",
        user_id,
        secret,
        confirmed,
    )


async def use_totp_step(conn: asyncpg.Connection, user_id: uuid.UUID, step: int) -> bool:
    """Record the accepted code's time step; False if it (or a later one) was used: no replay."""
    done = await conn.execute(
        "UPDATE staff_users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
        user_id,
        step,
    )
    return bool(done.endswith(" 1"))


async def find_login(conn: asyncpg.Connection, username: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, username, password_hash, role, can_reveal, totp_secret, totp_confirmed, "
        "failed_logins, first_failed_at, locked_until, email, disabled "
        "FROM staff_users WHERE username = $1 AND NOT disabled",
        username,
    )
    return dict(row) if row else None


_ACCOUNT = (
    "id, username, role, can_reveal, totp_secret, totp_confirmed, email, disabled, "
    "notification_mode, language"
)


async def get_user(
    conn: asyncpg.Connection, user_id: uuid.UUID, for_update: bool = False
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {_ACCOUNT} FROM staff_users WHERE id = $1"  # noqa: S608 - constant columns
        + (" FOR UPDATE" if for_update else ""),
        user_id,
    )
    return dict(row) if row else None


async def find_by_username(
    conn: asyncpg.Connection, username: str, for_update: bool = False
) -> dict[str, Any] | None:
    """Any account, disabled ones included (administration)."""
    row = await conn.fetchrow(
        f"SELECT {_ACCOUNT} FROM staff_users WHERE username = $1"  # noqa: S608 - constant
        + (" FOR UPDATE" if for_update else ""),
        username,
    )
    return dict(row) if row else None


async def set_notifications(
    conn: asyncpg.Connection, user_id: uuid.UUID, email: str | None, mode: str, language: str
) -> None:
    await conn.execute(
        "UPDATE staff_users SET email = $2, notification_mode = $3, language = $4 WHERE id = $1",
        user_id,
        email,
        mode,
        language,
    )


async def set_role(conn: asyncpg.Connection, user_id: uuid.UUID, role: Role) -> None:
    await conn.execute("UPDATE staff_users SET role = $2 WHERE id = $1", user_id, role.value)


async def set_disabled(conn: asyncpg.Connection, user_id: uuid.UUID, disabled: bool) -> None:
    await conn.execute("UPDATE staff_users SET disabled = $2 WHERE id = $1", user_id, disabled)


_IN_WINDOW = "first_failed_at >= now() - make_interval(mins => $3)"


async def reserve_attempt(
    conn: asyncpg.Connection, username: str, attempts: int, window_minutes: int
) -> dict[str, Any] | None:
    """Count one sign-in attempt against the account *before* its password is checked, in the
    statement that checks the limit (the row lock serialises concurrent attempts, and each
    re-checks the limit on the row as the previous one left it). None when the account is
    unknown, disabled, locked, or has used its `attempts` in the window. A successful sign-in
    clears the count (`clear_failures`); a failed one leaves it counted."""
    row = await conn.fetchrow(
        f"""UPDATE staff_users SET
             failed_logins = CASE WHEN {_IN_WINDOW} THEN failed_logins + 1 ELSE 1 END,
             first_failed_at = CASE WHEN {_IN_WINDOW} THEN first_failed_at ELSE now() END
           WHERE username = $1 AND NOT disabled
             AND (locked_until IS NULL OR locked_until <= now())
             AND (first_failed_at IS NULL OR NOT {_IN_WINDOW} OR failed_logins < $2)
           RETURNING id, username, password_hash, role, can_reveal, totp_secret,
             totp_confirmed, failed_logins""",  # noqa: S608 - constant fragment
        username,
        attempts,
        window_minutes,
    )
    return dict(row) if row else None


async def lock_if_spent(
    conn: asyncpg.Connection, user_id: uuid.UUID, attempts: int, lock_minutes: int
) -> bool:
    """After a failed attempt: lock the account when its attempts are used up. True if locked."""
    locked = await conn.fetchval(
        """UPDATE staff_users SET locked_until = now() + make_interval(mins => $3),
             failed_logins = 0, first_failed_at = NULL
           WHERE id = $1 AND failed_logins >= $2 RETURNING true""",
        user_id,
        attempts,
        lock_minutes,
    )
    return bool(locked)


async def clear_failures(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE staff_users SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL "
        "WHERE id = $1",
        user_id,
    )


async def list_users(conn: asyncpg.Connection, role: Role | None = None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, username, role, email, disabled, totp_confirmed, can_reveal, locked_until "
        "FROM staff_users WHERE ($1::text IS NULL OR role = $1) ORDER BY username",
        role.value if role else None,
    )
    return [dict(r) for r in rows]


async def add_session(
    conn: asyncpg.Connection,
    token_hash: bytes,
    user_id: uuid.UUID,
    expires_at: datetime,
    scope: str = "full",
) -> None:
    await conn.execute(
        "INSERT INTO staff_sessions (token_hash, user_id, expires_at, scope) "
        "VALUES ($1, $2, $3, $4)",
        token_hash,
        user_id,
        expires_at,
        scope,
    )


async def touch_session(
    conn: asyncpg.Connection, token_hash: bytes, idle_minutes: int
) -> tuple[StaffUser, str] | None:
    """(user, scope) if the session is neither expired nor idle too long; refreshes last_seen."""
    row = await conn.fetchrow(
        f"""UPDATE staff_sessions s SET last_seen = now()
           FROM staff_users u
           WHERE s.token_hash = $1 AND u.id = s.user_id AND NOT u.disabled
             AND s.expires_at > now() AND s.last_seen > now() - make_interval(mins => $2)
           RETURNING {_USER}, s.scope""",  # noqa: S608 - constant columns
        token_hash,
        idle_minutes,
    )
    if row is None:
        return None
    return _user(row), row["scope"]


async def upgrade_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    await conn.execute("UPDATE staff_sessions SET scope = 'full' WHERE token_hash = $1", token_hash)


async def drop_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    await conn.execute("DELETE FROM staff_sessions WHERE token_hash = $1", token_hash)


async def drop_user_sessions(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM staff_sessions WHERE user_id = $1", user_id)
