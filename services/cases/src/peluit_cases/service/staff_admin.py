"""Use cases of account administration (CLI): create users, reset passwords and TOTP, roles,
disabling; and each staff member's own notification preferences (console, API, CLI).

Every change of what notifications needs (email, role, active, mode, language) is published as
staff.changed in the same transaction (outbox) and written to the audit log.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import asyncpg
from nacl.public import PublicKey

from peluit_cases.adapters import audit_repo, staff_repo
from peluit_cases.domain.staff import NotificationPrefs, Role
from peluit_cases.service import staff_keys
from peluit_cases.service.auth import (
    ENROL_CODE_HOURS,
    hash_enrol_code,
    hash_password,
    new_totp_secret,
)
from peluit_shared.events import StaffChanged
from peluit_shared.events.staff import StaffChangedPayload
from peluit_shared.outbox import add_to_outbox
from peluit_shared.person_keys import public_b64


async def publish_staff(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    await _publish(conn, user_id)


async def republish_all(conn: asyncpg.Connection) -> int:
    """Every account's current state, again, in one transaction (consumers upsert it)."""
    async with conn.transaction():
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM staff_users ORDER BY id")]
        for user_id in ids:
            await _publish(conn, user_id)
    return len(ids)


async def _publish(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    row = await staff_repo.get_user(conn, user_id)
    assert row is not None
    keys = await conn.fetchrow(
        "SELECT public_key, custodian FROM staff_users WHERE id = $1", user_id
    )
    await add_to_outbox(
        conn,
        StaffChanged(
            correlation_id=user_id,
            payload=StaffChangedPayload(
                staff_id=user_id,
                username=row["username"],
                role=row["role"],
                email=row["email"],
                active=not row["disabled"],
                notification_mode=row["notification_mode"],
                language=row["language"],
                public_key=(
                    public_b64(PublicKey(bytes(keys["public_key"])))
                    if keys["public_key"] is not None
                    else None
                ),
                custodian=bool(keys["custodian"]),
            ),
        ),
    )


async def create_user(
    conn: asyncpg.Connection,
    username: str,
    password: str,
    role: Role,
    email: str | None,
    with_totp: bool,
) -> str | None:
    """Create the account; with_totp: set up TOTP now and return its secret (for tests/ops)."""
    password_hash = hash_password(password)
    locked = await staff_keys.lock_with_password(password)
    async with conn.transaction():
        user_id = await staff_repo.create_user(conn, username, password_hash, role, email)
        await staff_keys.store_locked(conn, user_id, locked)
        secret = new_totp_secret() if with_totp else None
        if secret:
            await staff_repo.set_totp(
                conn, user_id, staff_keys.seal_totp(locked.public_key, secret), confirmed=True
            )
        await audit_repo.append(
            conn, "cli", "staff_created", None, staff=str(user_id), role=role.value
        )
        await _publish(conn, user_id)
    return secret


async def reset_password(conn: asyncpg.Connection, username: str, password: str) -> bool:
    """An administrator's reset: nobody knows the old password, so the old private key is lost.

    The account gets a new key pair and loses every case key it held: a signed-in coordinator
    (or the recovery key) must grant access again. Its TOTP must be enrolled again.
    """
    password_hash = hash_password(password)
    locked = await staff_keys.lock_with_password(password)
    async with conn.transaction():
        row = await staff_repo.find_login(conn, username)
        if row is None:
            return False
        await staff_repo.set_password(conn, username, password_hash)
        await staff_keys.store_locked(conn, row["id"], locked)
        # The TOTP secret was sealed to the old key pair: it is gone with it; the user enrols
        # again (with an enrolment code).
        await staff_repo.set_totp(conn, row["id"], None, confirmed=False)
        dropped = await conn.fetchval(
            "WITH d AS (DELETE FROM case_key_wraps WHERE staff_id = $1 RETURNING 1) "
            "SELECT count(*) FROM d",
            row["id"],
        )
        await staff_repo.drop_user_sessions(conn, row["id"])
        await audit_repo.append(
            conn, "cli", "password_reset", None, staff=str(row["id"]), keys_dropped=int(dropped)
        )
        await _publish(conn, row["id"])
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
        public = await conn.fetchval("SELECT public_key FROM staff_users WHERE id = $1", row["id"])
        stored = (
            staff_keys.seal_totp(bytes(public), secret)
            if secret is not None and public is not None
            else secret
        )
        await staff_repo.set_totp(conn, row["id"], stored, confirmed=secret is not None)
        await staff_repo.clear_failures(conn, row["id"])
        await staff_repo.drop_user_sessions(conn, row["id"])
        await audit_repo.append(conn, "cli", "totp_reset", None, staff=str(row["id"]))
    return secret


async def set_reveal(conn: asyncpg.Connection, username: str, allowed: bool) -> bool:
    async with conn.transaction():
        done = await conn.execute(
            "UPDATE staff_users SET can_reveal = $2 WHERE username = $1", username, allowed
        )
        if done.endswith(" 1"):
            await audit_repo.append(
                conn, "cli", "reveal_grant", None, username=username, allowed=allowed
            )
            return True
    return False


async def new_enrol_code(conn: asyncpg.Connection, username: str) -> str:
    """A one-time code the user needs (with the password) to enrol an authenticator."""
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    async with conn.transaction():
        row = await staff_repo.find_by_username(conn, username, for_update=True)
        if row is None:
            raise LookupError(username)
        await conn.execute(
            "UPDATE staff_users SET enrol_code_hash = $2, "
            "enrol_code_expires = now() + make_interval(hours => $3) WHERE id = $1",
            row["id"],
            hash_enrol_code(code),
            ENROL_CODE_HOURS,
        )
        await audit_repo.append(conn, "cli", "enrol_code_issued", None, staff=str(row["id"]))
    return code


async def set_custodian(conn: asyncpg.Connection, username: str, allowed: bool) -> bool:
    """Identity custodian: new cases' identity keys are wrapped to them (intake reads it from
    staff.changed); they approve reveals and hold no case content access by this flag."""
    async with conn.transaction():
        row = await staff_repo.find_by_username(conn, username, for_update=True)
        if row is None:
            return False
        await conn.execute(
            "UPDATE staff_users SET custodian = $2 WHERE id = $1", row["id"], allowed
        )
        await audit_repo.append(
            conn, "cli", "custodian_grant", None, staff=str(row["id"]), allowed=allowed
        )
        await _publish(conn, row["id"])
    return True


async def set_notifications(
    conn: asyncpg.Connection, user_id: uuid.UUID, actor: str, prefs: NotificationPrefs
) -> bool:
    """Store the preferences, audit and publish staff.changed; False if nothing changed."""
    async with conn.transaction():
        row = await staff_repo.get_user(conn, user_id, for_update=True)
        if row is None:
            raise LookupError(str(user_id))
        email = str(prefs.email) if prefs.email else None
        before = (row["email"], row["notification_mode"], row["language"])
        if before == (email, prefs.notification_mode, prefs.language):
            return False
        await staff_repo.set_notifications(
            conn, user_id, email, prefs.notification_mode, prefs.language
        )
        # The address itself stays out of the audit log; that it changed is recorded.
        await audit_repo.append(
            conn,
            actor,
            "notifications_changed",
            None,
            staff=str(user_id),
            mode=prefs.notification_mode,
            language=prefs.language,
            email_changed=before[0] != email,
            email_set=email is not None,
        )
        await _publish(conn, user_id)
    return True


async def find(conn: asyncpg.Connection, username: str) -> dict[str, Any]:
    """The account named `username` (disabled ones too); LookupError if there is none."""
    row = await staff_repo.find_by_username(conn, username)
    if row is None:
        raise LookupError(username)
    return row


async def set_role(conn: asyncpg.Connection, username: str, role: Role) -> bool:
    """Change the role (sessions read it on every request, so it applies at once)."""
    async with conn.transaction():
        row = await staff_repo.find_by_username(conn, username, for_update=True)
        if row is None:
            raise LookupError(username)
        if row["role"] == role.value:
            return False
        await staff_repo.set_role(conn, row["id"], role)
        await audit_repo.append(
            conn,
            "cli",
            "role_changed",
            None,
            staff=str(row["id"]),
            role=role.value,
            previous=row["role"],
        )
        await _publish(conn, row["id"])
    return True


async def set_active(conn: asyncpg.Connection, username: str, active: bool) -> bool:
    """Enable or disable an account; disabling ends its sessions at once."""
    async with conn.transaction():
        row = await staff_repo.find_by_username(conn, username, for_update=True)
        if row is None:
            raise LookupError(username)
        if row["disabled"] != active:
            return False
        await staff_repo.set_disabled(conn, row["id"], not active)
        if not active:
            await staff_repo.drop_user_sessions(conn, row["id"])
        await audit_repo.append(
            conn, "cli", "staff_enabled" if active else "staff_disabled", None, staff=str(row["id"])
        )
        await _publish(conn, row["id"])
    return True
