"""Key wraps: which person holds which case key, and opening a case with a session's key.

A case key (and an identity key) exists here only wrapped to holders: staff members (by id) and
the offline recovery key. `held_key` unwraps with the private key of the caller's session; it
is the only way content is opened, so a handler whose session key holds no wrap for a case
cannot open it whatever the HTTP layer allows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal

import asyncpg
from nacl.public import PrivateKey, PublicKey

from peluit_cases.domain.errors import KeyRefused
from peluit_cases.domain.staff import StaffUser
from peluit_shared.crypto import key_id_of
from peluit_shared.events.reports import KeyWrap
from peluit_shared.person_keys import KeyUnavailable, unwrap, wrap

KeyKind = Literal["case", "identity"]
LEGACY = (
    "Kasus lama tersegel ke kunci host; jalankan `peluit-cases keys migrate-legacy` | A legacy "
    "case sealed to the host key; run `peluit-cases keys migrate-legacy`"
)
NO_SESSION_KEY = (
    "Sesi ini tidak memegang kunci pribadi; masuk ulang dengan kata sandi | This session holds "
    "no private key; sign in again with your password"
)
NO_IDENTITY_KEY = (
    "Anda tidak memegang kunci identitas kasus ini | You hold no identity key for this case"
)


def recovery_holder(key_id: str) -> str:
    return f"recovery:{key_id}"


async def store_wraps(
    conn: asyncpg.Connection, case_id: uuid.UUID, kind: KeyKind, wraps: Iterable[KeyWrap], via: str
) -> None:
    for w in wraps:
        holder = str(w.staff_id) if w.staff_id else recovery_holder(w.holder_key_id)
        await conn.execute(
            """INSERT INTO case_key_wraps (case_id, kind, holder, staff_id, holder_key_id,
                                           wrapped, via)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (case_id, kind, holder) DO UPDATE
                   SET staff_id = $4, holder_key_id = $5, wrapped = $6, via = $7, at = now()""",
            case_id,
            kind,
            holder,
            w.staff_id,
            w.holder_key_id,
            w.wrapped,
            via,
        )


async def wrapped_for(
    conn: asyncpg.Connection, case_id: uuid.UUID, kind: KeyKind, holder: str
) -> bytes | None:
    value = await conn.fetchval(
        "SELECT wrapped FROM case_key_wraps WHERE case_id = $1 AND kind = $2 AND holder = $3",
        case_id,
        kind,
        holder,
    )
    return bytes(value) if value is not None else None


def unwrap_case_key(holder_key: PrivateKey, wrapped: bytes, expected_public: bytes) -> PrivateKey:
    """Unwrap and check it is the case's key pair (a swapped or tampered wrap is refused)."""
    try:
        key = unwrap(holder_key, wrapped)
    except KeyUnavailable as exc:
        raise KeyRefused(
            "Kunci kasus tidak dapat dibuka dengan kunci Anda (rusak atau bukan milik Anda) | "
            "The case key does not open with your key (tampered or not yours)",
            code="key_unopenable",
        ) from exc
    if bytes(key.public_key) != expected_public:
        raise KeyRefused(
            "Kunci kasus tidak cocok dengan kasus ini | The case key does not match this case",
            code="key_mismatch",
        )
    return key


async def held_key(
    conn: asyncpg.Connection, staff: StaffUser, row: dict[str, Any], kind: KeyKind = "case"
) -> PrivateKey:
    """The case's (or identity's) private key, unwrapped with the caller's session key.

    Raises KeyRefused (409) when the case is legacy, the session holds no key, the caller holds
    no wrap, or the wrap does not open / does not match.
    """
    public = row["case_public_key"] if kind == "case" else row["identity_public_key"]
    if public is None:
        raise KeyRefused(LEGACY if kind == "case" else NO_IDENTITY_KEY, code="key_legacy")
    if staff.private_key is None:
        raise KeyRefused(NO_SESSION_KEY, code="session_without_key")
    wrapped = await wrapped_for(conn, row["id"], kind, str(staff.id))
    if wrapped is None:
        raise KeyRefused(None if kind == "case" else NO_IDENTITY_KEY)
    return unwrap_case_key(staff.private_key, wrapped, bytes(public))


async def case_keys(
    conn: asyncpg.Connection, staff: StaffUser, row: dict[str, Any]
) -> dict[str, PrivateKey]:
    """{key id: case private key}, the mapping `peluit_shared.crypto.unseal` takes."""
    key = await held_key(conn, staff, row)
    return {key_id_of(key.public_key): key}


def case_public_key(row: dict[str, Any]) -> PublicKey:
    if row["case_public_key"] is None:
        raise KeyRefused(LEGACY, code="key_legacy")
    return PublicKey(bytes(row["case_public_key"]))


async def staff_public_key(conn: asyncpg.Connection, staff_id: uuid.UUID) -> PublicKey | None:
    value = await conn.fetchval(
        "SELECT public_key FROM staff_users WHERE id = $1 AND NOT disabled", staff_id
    )
    return PublicKey(bytes(value)) if value is not None else None


async def wrap_to(
    conn: asyncpg.Connection,
    case_id: uuid.UUID,
    kind: KeyKind,
    key: PrivateKey,
    recipient_id: uuid.UUID,
    recipient: PublicKey,
    via: str,
) -> None:
    await store_wraps(
        conn,
        case_id,
        kind,
        [
            KeyWrap(
                staff_id=recipient_id,
                holder_key_id=key_id_of(recipient),
                wrapped=wrap(recipient, key),
            )
        ],
        via,
    )


async def drop_wrap(
    conn: asyncpg.Connection, case_id: uuid.UUID, kind: KeyKind, staff_id: uuid.UUID, via: str
) -> None:
    await conn.execute(
        "DELETE FROM case_key_wraps WHERE case_id = $1 AND kind = $2 AND holder = $3 AND via = $4",
        case_id,
        kind,
        str(staff_id),
        via,
    )


async def grant_all(
    conn: asyncpg.Connection, granter: StaffUser, recipient_id: uuid.UUID, kind: KeyKind = "case"
) -> int:
    """Wrap every `kind` key the granter's session holds to the recipient; the number wrapped."""
    if granter.private_key is None:
        raise KeyRefused(NO_SESSION_KEY, code="session_without_key")
    recipient = await staff_public_key(conn, recipient_id)
    if recipient is None:
        raise KeyRefused(
            "Akun tujuan belum memiliki pasangan kunci (belum pernah masuk?) | The account has "
            "no key pair yet (never signed in?)",
            code="recipient_without_key",
        )
    column = "case_public_key" if kind == "case" else "identity_public_key"
    rows = await conn.fetch(
        f"""SELECT w.case_id, w.wrapped, c.{column} AS public FROM case_key_wraps w
            JOIN cases c ON c.id = w.case_id
            WHERE w.kind = $1 AND w.holder = $2 AND c.{column} IS NOT NULL""",  # noqa: S608
        kind,
        str(granter.id),
    )
    count = 0
    for r in rows:
        key = unwrap_case_key(granter.private_key, bytes(r["wrapped"]), bytes(r["public"]))
        await wrap_to(conn, r["case_id"], kind, key, recipient_id, recipient, "grant")
        count += 1
    return count
