"""The offline recovery key: made once, printed once, only its public half stored.

Every case key and identity key is also wrapped to it (by intake). When every password is lost
(or a person must be given access and no coordinator can sign in), `restore` unwraps with the
typed-in recovery key and wraps to one account. `rotate` moves every wrap to a new recovery key.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey, PublicKey

from peluit_cases.adapters import audit_repo
from peluit_cases.adapters.case_keys import recovery_holder, unwrap_case_key, wrap_to
from peluit_shared.crypto import key_id_of
from peluit_shared.events.reports import KeyWrap
from peluit_shared.person_keys import wrap


def write_public(path: Path, key: PublicKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp"
    tmp.write_bytes(key.encode(encoder=Base64Encoder))
    tmp.replace(path)
    os.chmod(path, 0o644)


def read_public(path: Path) -> PublicKey | None:
    try:
        return PublicKey(path.read_bytes().strip(), encoder=Base64Encoder)
    except (FileNotFoundError, ValueError):
        return None


async def _recovery_rows(conn: asyncpg.Connection, key: PrivateKey) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            """SELECT w.case_id, w.kind, w.wrapped,
                      CASE w.kind WHEN 'case' THEN c.case_public_key
                                  ELSE c.identity_public_key END AS public
               FROM case_key_wraps w JOIN cases c ON c.id = w.case_id
               WHERE w.holder = $1 ORDER BY w.case_id, w.kind""",
            recovery_holder(key_id_of(key.public_key)),
        )
    )


async def restore(conn: asyncpg.Connection, key: PrivateKey, username: str) -> tuple[int, int, int]:
    """Wrap every case key (and, to a custodian, every identity key) held by the recovery key
    to `username`. (case keys, identity keys, recovery wraps that did not open)."""
    user = await conn.fetchrow(
        "SELECT id, public_key, custodian FROM staff_users WHERE username = $1 AND NOT disabled",
        username,
    )
    if user is None:
        raise LookupError(username)
    if user["public_key"] is None:
        raise ValueError(f"{username} has no key pair yet: they must sign in once first")
    recipient = PublicKey(bytes(user["public_key"]))
    counts = {"case": 0, "identity": 0, "failed": 0}
    async with conn.transaction():
        for r in await _recovery_rows(conn, key):
            if r["kind"] == "identity" and not user["custodian"]:
                continue  # identities only to a custodian: restoring access is not a reveal
            try:
                opened = unwrap_case_key(key, bytes(r["wrapped"]), bytes(r["public"]))
            except Exception:
                counts["failed"] += 1
                continue
            await wrap_to(conn, r["case_id"], r["kind"], opened, user["id"], recipient, "recovery")
            counts[r["kind"]] += 1
        await audit_repo.append(
            conn,
            "cli",
            "recovery_restore",
            None,
            staff=str(user["id"]),
            cases=counts["case"],
            identities=counts["identity"],
            failed=counts["failed"],
        )
    return counts["case"], counts["identity"], counts["failed"]


async def rotate(conn: asyncpg.Connection, old: PrivateKey, new: PublicKey) -> tuple[int, int]:
    """Move every wrap of the old recovery key to the new one. (moved, did not open)."""
    moved = failed = 0
    new_holder = recovery_holder(key_id_of(new))
    old_holder = recovery_holder(key_id_of(old.public_key))
    async with conn.transaction():
        for r in await _recovery_rows(conn, old):
            try:
                opened = unwrap_case_key(old, bytes(r["wrapped"]), bytes(r["public"]))
            except Exception:
                failed += 1
                continue
            w = KeyWrap(staff_id=None, holder_key_id=key_id_of(new), wrapped=wrap(new, opened))
            await conn.execute(
                """INSERT INTO case_key_wraps (case_id, kind, holder, staff_id, holder_key_id,
                                               wrapped, via)
                   VALUES ($1, $2, $3, NULL, $4, $5, 'recovery')
                   ON CONFLICT (case_id, kind, holder) DO UPDATE SET wrapped = $5""",
                r["case_id"],
                r["kind"],
                new_holder,
                w.holder_key_id,
                w.wrapped,
            )
            await conn.execute(
                "DELETE FROM case_key_wraps WHERE case_id = $1 AND kind = $2 AND holder = $3",
                r["case_id"],
                r["kind"],
                old_holder,
            )
            moved += 1
        await audit_repo.append(conn, "cli", "recovery_rotated", None, moved=moved, failed=failed)
    return moved, failed
