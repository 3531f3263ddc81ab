"""A staff member's own key pair: locked under their password, unlocked for a session only.

At rest the private key is SecretBox-encrypted under Argon2id(password, per-user salt) (libsodium
crypto_pwhash, 64 MiB, t=3). At sign-in it is unlocked in memory and stored in the session row
encrypted under BLAKE2b(session token): the token is held only by the client (the database keeps
its SHA-256), so a copy of the database opens neither copy, and any replica serving the session
can unlock it for one request.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from peluit_cases.adapters import audit_repo
from peluit_cases.domain.staff import StaffUser
from peluit_shared.person_keys import (
    KDF_MEMLIMIT,
    KDF_OPSLIMIT,
    KeyUnavailable,
    lock,
    new_salt,
    password_key,
    session_key,
    unlock,
)

SEALED_TOTP = "sealed:"
# Keys a sign-in just unlocked for the TOTP check, picked up by open_for_session (one Argon2id
# per sign-in, not two); entries live for seconds.
_just_unlocked: dict[uuid.UUID, tuple[float, PrivateKey]] = {}


def seal_totp(public_key: bytes, secret: str) -> str:
    """A TOTP secret sealed to the account's public key (only its private key opens it)."""
    sealed = SealedBox(PublicKey(public_key)).encrypt(secret.encode())
    return SEALED_TOTP + base64.b64encode(bytes(sealed)).decode()


def open_totp(key: PrivateKey | None, stored: str | None) -> str | None:
    """The secret; a legacy plaintext one as it is; None when it does not open."""
    if not stored:
        return None
    if not stored.startswith(SEALED_TOTP):
        return stored
    if key is None:
        return None
    try:
        raw = SealedBox(key).decrypt(base64.b64decode(stored[len(SEALED_TOTP) :]))
    except (CryptoError, ValueError):
        return None
    return bytes(raw).decode()


async def totp_secret_at_login(
    pool: asyncpg.Pool, user_id: uuid.UUID, stored: str | None, password: str
) -> str | None:
    """At sign-in: unlock the private key with the password (a wrong password opens nothing,
    at the same cost) and open the TOTP secret with it."""
    async with pool.acquire() as conn:
        try:
            key = await unlock_with_password(conn, user_id, password)
        except KeyUnavailable:
            key = None
    now = time.monotonic()
    for stale in [k for k, (t, _) in _just_unlocked.items() if now - t > 30]:
        _just_unlocked.pop(stale, None)
    if key is not None:
        _just_unlocked[user_id] = (now, key)
        if stored and not stored.startswith(SEALED_TOTP):  # seal a secret from before
            async with pool.acquire() as conn:
                await conn.execute(
                    "UPDATE staff_users SET totp_secret = $2 WHERE id = $1 AND totp_secret = $3",
                    user_id,
                    seal_totp(bytes(key.public_key), stored),
                    stored,
                )
    return open_totp(key, stored)


@dataclass(frozen=True)
class LockedKey:
    public_key: bytes
    locked_key: bytes
    salt: bytes
    opslimit: int
    memlimit: int


def _lock_with_password(password: str, key: PrivateKey) -> LockedKey:
    salt = new_salt()
    return LockedKey(
        public_key=bytes(key.public_key),
        locked_key=lock(password_key(password, salt), bytes(key)),
        salt=salt,
        opslimit=KDF_OPSLIMIT,
        memlimit=KDF_MEMLIMIT,
    )


async def lock_with_password(password: str, key: PrivateKey | None = None) -> LockedKey:
    """A (new, when `key` is None) key pair locked under `password`; Argon2id off the loop."""
    return await asyncio.to_thread(_lock_with_password, password, key or PrivateKey.generate())


async def store_locked(conn: asyncpg.Connection, user_id: uuid.UUID, locked: LockedKey) -> None:
    await conn.execute(
        """UPDATE staff_users SET public_key = $2, locked_key = $3, key_salt = $4,
               key_opslimit = $5, key_memlimit = $6 WHERE id = $1""",
        user_id,
        locked.public_key,
        locked.locked_key,
        locked.salt,
        locked.opslimit,
        locked.memlimit,
    )


def _unlock_with_password(row: dict[str, Any], password: str) -> PrivateKey:
    key = password_key(password, bytes(row["key_salt"]), row["key_opslimit"], row["key_memlimit"])
    return PrivateKey(unlock(key, bytes(row["locked_key"])))


async def unlock_with_password(
    conn: asyncpg.Connection, user_id: uuid.UUID, password: str
) -> PrivateKey | None:
    """The account's private key, or None when it has no key pair yet. KeyUnavailable if the
    password does not open it (tampered row)."""
    row = await conn.fetchrow(
        "SELECT locked_key, key_salt, key_opslimit, key_memlimit FROM staff_users WHERE id = $1",
        user_id,
    )
    if row is None or row["locked_key"] is None:
        return None
    return await asyncio.to_thread(_unlock_with_password, dict(row), password)


async def open_for_session(
    pool: asyncpg.Pool, user_id: uuid.UUID, password: str, token: str, token_hash: bytes
) -> None:
    """At sign-in (password verified): unlock the private key and keep it with the session.

    An account from before person keys gets its key pair now (the password is at hand); it
    then holds no case key until a coordinator grants access. A key the password does not
    open is left out (and audited): the session then opens nothing.
    """
    from peluit_cases.service.staff_admin import publish_staff  # avoid an import cycle

    async with pool.acquire() as conn:
        recent = _just_unlocked.pop(user_id, None)
        try:
            key = recent[1] if recent else await unlock_with_password(conn, user_id, password)
        except KeyUnavailable:
            await audit_repo.append(conn, str(user_id), "staff_key_unopenable")
            return
        if key is None:
            key = PrivateKey.generate()
            locked = await lock_with_password(password, key)
            async with conn.transaction():
                await store_locked(conn, user_id, locked)
                stored = await conn.fetchval(
                    "SELECT totp_secret FROM staff_users WHERE id = $1", user_id
                )
                if stored and not stored.startswith(SEALED_TOTP):  # seal a legacy secret
                    await conn.execute(
                        "UPDATE staff_users SET totp_secret = $2 WHERE id = $1",
                        user_id,
                        seal_totp(locked.public_key, stored),
                    )
                await audit_repo.append(conn, str(user_id), "staff_key_created")
                await publish_staff(conn, user_id)
        await conn.execute(
            "UPDATE staff_sessions SET locked_key = $2 WHERE token_hash = $1",
            token_hash,
            lock(session_key(token), bytes(key)),
        )


async def with_session_key(conn: asyncpg.Connection, user: StaffUser, token: str) -> StaffUser:
    """`user` with the private key their session holds (None if it holds none or it does not
    open: such a session opens no case) and their custodian flag."""
    row = await conn.fetchrow(
        "SELECT s.locked_key, u.custodian FROM staff_sessions s JOIN staff_users u "
        "ON u.id = s.user_id WHERE s.token_hash = $1",
        hashlib.sha256(token.encode()).digest(),
    )
    key = None
    if row is not None and row["locked_key"] is not None:
        try:
            key = PrivateKey(unlock(session_key(token), bytes(row["locked_key"])))
        except KeyUnavailable:
            key = None
    custodian = bool(row["custodian"]) if row is not None else False
    return dataclasses.replace(user, private_key=key, custodian=custodian)


async def change_password(
    pool: asyncpg.Pool, user: StaffUser, current: str, new: str, verify: Any, hasher: Any
) -> bool:
    """The user changes their own password: the same key pair, locked under the new password
    (every case key they hold stays theirs). False: the current password is wrong."""
    async with pool.acquire() as conn:
        stored = await conn.fetchval("SELECT password_hash FROM staff_users WHERE id = $1", user.id)
        if stored is None or not await asyncio.to_thread(verify, stored, current):
            return False
        try:
            key = await unlock_with_password(conn, user.id, current)
        except KeyUnavailable:
            key = None
        if key is None and user.private_key is not None:
            key = user.private_key
        password_hash = hasher(new)
        locked = await lock_with_password(new, key)
        async with conn.transaction():
            await conn.execute(
                "UPDATE staff_users SET password_hash = $2 WHERE id = $1", user.id, password_hash
            )
            await store_locked(conn, user.id, locked)
            await audit_repo.append(conn, str(user.id), "password_changed", staff=str(user.id))
            if key is None or bytes(key.public_key) != locked.public_key:
                from peluit_cases.service.staff_admin import publish_staff

                await publish_staff(conn, user.id)
    return True
