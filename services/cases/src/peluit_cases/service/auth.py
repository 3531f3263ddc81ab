"""Staff sign-in: Argon2id password + TOTP, lockout, short idle sessions, TOTP enrolment."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from peluit_cases.adapters import audit_repo, staff_repo
from peluit_cases.adapters.source_limit import SourceLimit
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.service import staff_keys
from peluit_cases.settings import CasesSettings
from peluit_shared.person_keys import new_salt, password_key

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12
# Checked against when a TOTP secret does not open (wrong password): no code matches it.
_NO_SECRET = pyotp.random_base32()
_DUMMY_SALT = new_salt()
ENROL_CODE_HOURS = 72


class WeakPassword(ValueError):
    pass


class LoginRefused(Exception):
    """Any refused sign-in: unknown user, wrong password or code, locked account or source.
    Deliberately one reason, so no caller can tell them apart."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def csrf_token(session_token: str) -> str:
    """The console form token: bound to the session, useless without the HttpOnly cookie."""
    return hmac.new(session_token.encode(), b"peluit-csrf", hashlib.sha256).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    return _verify(stored, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except VerificationError:
        return False


def totp_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step `code` is valid for (±1 step of clock drift), or None."""
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        at = now + drift * totp.interval
        if hmac.compare_digest(totp.at(at), code.strip()):
            return int(at // totp.interval)
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    user: StaffUser
    scope: str  # 'full', or 'enrol' until TOTP is set up


async def login(
    pool: asyncpg.Pool,
    settings: CasesSettings,
    username: str,
    password: str,
    code: str | None,
    source: str | None = None,
    sources: SourceLimit | None = None,
) -> Session:
    """Sign in. An unknown user, a wrong password or code, a locked account and a source that
    has used its attempts all raise the same LoginRefused, after the same Argon2id work.
    The attempt is counted against the account and the source before the password is checked."""
    source_key = sources.reserve(source or "") if sources is not None else b""
    async with pool.acquire() as conn:
        row = (
            await staff_repo.reserve_attempt(
                conn, username, settings.lockout_attempts, settings.lockout_minutes
            )
            if source_key is not None
            else None
        )
    stored = row["password_hash"] if row else _DUMMY_HASH
    ok = await asyncio.to_thread(_verify, stored, password)
    if row is None:
        # The same key-unlocking work as a known account, so timing tells no username.
        await asyncio.to_thread(password_key, password, _DUMMY_SALT)
        raise LoginRefused("credentials")
    step: int | None = None
    async with pool.acquire() as conn, conn.transaction():
        # Always unlocked (a wrong password opens nothing, at the same cost): the time of an
        # answer must not tell a right password from a wrong one.
        secret = await staff_keys.totp_secret_at_login(
            pool, row["id"], row["totp_secret"], password
        )
        if ok and row["totp_confirmed"]:
            step = totp_step(secret or _NO_SECRET, code or "")
            if step is not None and not await staff_repo.use_totp_step(conn, row["id"], step):
                step = None  # a replayed code
        elif ok:
            step = 0  # TOTP not enrolled yet: the session may only enrol
        if step is None:
            locked = await staff_repo.lock_if_spent(
                conn, row["id"], settings.lockout_attempts, settings.lockout_minutes
            )
            await audit_repo.append(conn, str(row["id"]), "login_failed", locked=locked)
    if step is None:  # raised after the commit, so the failure stays counted
        raise LoginRefused("credentials")
    if sources is not None and source_key:
        sources.release(source_key)
    async with pool.acquire() as conn, conn.transaction():
        await staff_repo.clear_failures(conn, row["id"])
        scope = "full" if row["totp_confirmed"] else "enrol"
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=settings.session_max_hours)
        await staff_repo.add_session(conn, hash_token(token), row["id"], expires, scope)
        await audit_repo.append(conn, str(row["id"]), "login", scope=scope)
    await staff_keys.open_for_session(pool, row["id"], password, token, hash_token(token))
    user = StaffUser(
        id=row["id"], username=row["username"], role=Role(row["role"]), can_reveal=row["can_reveal"]
    )
    return Session(token=token, expires_at=expires, user=user, scope=scope)


async def authenticate(
    pool: asyncpg.Pool, token: str, idle_minutes: int
) -> tuple[StaffUser, str] | None:
    async with pool.acquire() as conn:
        found = await staff_repo.touch_session(conn, hash_token(token), idle_minutes)
        if found is None:
            return None
        return await staff_keys.with_session_key(conn, found[0], token), found[1]


async def start_enrolment(pool: asyncpg.Pool, user: StaffUser) -> str:
    """The pending TOTP secret for `user` (created once, until confirmed), sealed at rest to
    the account's public key and opened with the private key the session holds."""
    async with pool.acquire() as conn:
        row = await staff_repo.get_user(conn, user.id)
        assert row is not None
        if row["totp_confirmed"]:
            raise ValueError("TOTP already set up")
        opened = staff_keys.open_totp(user.private_key, row["totp_secret"])
        if opened:
            return opened
        public = await conn.fetchval("SELECT public_key FROM staff_users WHERE id = $1", user.id)
        secret = new_totp_secret()
        stored = staff_keys.seal_totp(bytes(public), secret) if public is not None else secret
        await staff_repo.set_totp(conn, user.id, stored, confirmed=False)
        return secret


def hash_enrol_code(code: str) -> str:
    return _hasher.hash(code.strip().upper())


async def confirm_enrolment(
    pool: asyncpg.Pool, user: StaffUser, token: str, code: str, enrol_code: str = ""
) -> bool:
    """Confirm the authenticator with a current code AND the one-time enrolment code an
    administrator gave (`peluit-cases enrolment-code`): the password alone does not enrol."""
    async with pool.acquire() as conn, conn.transaction():
        row = await staff_repo.get_user(conn, user.id)
        if row is None or row["totp_confirmed"] or not row["totp_secret"]:
            return False
        given = await conn.fetchrow(
            "SELECT enrol_code_hash, enrol_code_expires FROM staff_users WHERE id = $1", user.id
        )
        if (
            given is None
            or given["enrol_code_hash"] is None
            or given["enrol_code_expires"] < datetime.now(UTC)
            or not await asyncio.to_thread(_verify, given["enrol_code_hash"], enrol_code.upper())
        ):
            await audit_repo.append(conn, str(user.id), "totp_enrol_code_refused")
            return False
        secret = staff_keys.open_totp(user.private_key, row["totp_secret"])
        step = totp_step(secret, code) if secret else None
        if step is None:
            return False
        await conn.execute(
            "UPDATE staff_users SET enrol_code_hash = NULL, enrol_code_expires = NULL "
            "WHERE id = $1",
            user.id,
        )
        await staff_repo.set_totp(conn, user.id, row["totp_secret"], confirmed=True)
        await staff_repo.use_totp_step(conn, user.id, step)
        await staff_repo.upgrade_session(conn, hash_token(token))
        await audit_repo.append(conn, str(user.id), "totp_enrolled")
        return True


async def logout(pool: asyncpg.Pool, token: str) -> None:
    async with pool.acquire() as conn:
        await staff_repo.drop_session(conn, hash_token(token))
