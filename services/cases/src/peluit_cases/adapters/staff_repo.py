"""asyncpg storage of staff accounts and sessions (tokens only as SHA-256 hashes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from peluit_cases.domain.staff import Role, StaffUser


async def create_user(conn: asyncpg.Connection, username: str, password_hash: str,
                      role: Role) -> uuid.UUID:
    user_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO staff_users (id, username, password_hash, role) VALUES ($1, $2, $3, $4)",
        user_id, username, password_hash, role.value,
    )
    return user_id


async def set_password(conn: asyncpg.Connection, username: str, password_hash: str) -> bool:
    done = await conn.execute(
        "UPDATE staff_users SET password_hash = $2 WHERE username = $1", username, password_hash
    )
    return bool(done.endswith(" 1"))


async def find_login(conn: asyncpg.Connection, username: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, username, password_hash, role FROM staff_users "
        "WHERE username = $1 AND NOT disabled",
        username,
    )
    return dict(row) if row else None


async def add_session(conn: asyncpg.Connection, token_hash: bytes, user_id: uuid.UUID,
                      expires_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO staff_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        token_hash, user_id, expires_at,
    )


async def touch_session(conn: asyncpg.Connection, token_hash: bytes,
                        idle_minutes: int) -> StaffUser | None:
    """The session's user if it is neither expired nor idle too long; refreshes last_seen."""
    row = await conn.fetchrow(
        """UPDATE staff_sessions s SET last_seen = now()
           FROM staff_users u
           WHERE s.token_hash = $1 AND u.id = s.user_id AND NOT u.disabled
             AND s.expires_at > now() AND s.last_seen > now() - make_interval(mins => $2)
           RETURNING u.id, u.username, u.role""",
        token_hash, idle_minutes,
    )
    if row is None:
        return None
    return StaffUser(id=row["id"], username=row["username"], role=Role(row["role"]))


async def drop_session(conn: asyncpg.Connection, token_hash: bytes) -> None:
    await conn.execute("DELETE FROM staff_sessions WHERE token_hash = $1", token_hash)
