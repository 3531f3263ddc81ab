"""With a full copy of intake's database, settings and key files, a receipt guess still costs one
memory-hard hash (Argon2id, >= 64 MiB, t=3) per guess and per report: there is no faster path."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nacl.pwhash
import pytest
from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey

from peluit_intake.settings import IntakeSettings
from tests.support.portal import submitted_event
from tests.support.reports import sample_report, submit
from tests.support.stack import DATA, service_dsn

pytestmark = pytest.mark.stack
MIB = 1024 * 1024


async def dump_intake_database() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the intake database (what pg_dump would carry)."""
    db = await asyncpg.connect(service_dsn("intake"))
    try:
        tables = [
            r["table_name"]
            for r in await db.fetch(
                """SELECT table_name FROM information_schema.tables
                   WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"""
            )
        ]
        return {t: [dict(r) for r in await db.fetch(f'SELECT * FROM "{t}"')] for t in tables}
    finally:
        await db.close()


def as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def every_key_and_setting() -> list[bytes]:
    """All an attacker holding intake's host would try as a key: settings, environment, key
    files (raw and base64-decoded), the old shipped pepper, and no key at all."""
    found: list[bytes] = [b"", b"peluit-dev-pepper-change-me"]
    settings = IntakeSettings()
    paths: list[Path] = []
    for value in settings.model_dump().values():
        if isinstance(value, Path):
            paths.append(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            found.append(str(value).encode())
    found += [v.encode() for k, v in os.environ.items() if k.startswith("PELUIT_")]
    paths += [p for p in (DATA / "keys").rglob("*") if p.is_file()]
    for path in paths:
        if path.is_file():
            raw = path.read_bytes()
            found += [raw, raw.strip()]
            with contextlib.suppress(ValueError):
                found.append(base64.b64decode(raw.strip(), validate=True))
    return [k for k in dict.fromkeys(found)]


def fast_functions(text: bytes, keys: list[bytes]) -> list[bytes]:
    """Digests an index of the receipt could be (keyed and unkeyed, both orders)."""
    out = []
    for algo in ("sha256", "sha512", "sha1", "md5", "blake2b", "sha3_256"):
        out.append(hashlib.new(algo, text).digest())
    for key in keys:
        out.append(hmac.new(key, text, hashlib.sha256).digest())
        out.append(hmac.new(key, text, hashlib.sha512).digest())
        out.append(hashlib.sha256(key + text).digest())
        out.append(hashlib.sha256(text + key).digest())
        out.append(hashlib.blake2b(text, key=key[:64]).digest())
        out.append(hashlib.blake2b(text, key=key[:64], digest_size=32).digest())
    return out


async def test_a_dump_settings_and_keys_give_no_cheaper_test_of_a_receipt_than_argon2id(
    intake_client: httpx.AsyncClient,
) -> None:
    accepted = await submit(intake_client, sample_report())
    receipt = accepted["receipt"]
    digits = receipt.replace("-", "")
    submitted = await submitted_event(accepted["report_number"])
    report_id = submitted.payload.report_id
    dump = await dump_intake_database()
    keys = every_key_and_setting()
    assert len(keys) > 10  # settings, environment and key files were really read

    # 1. Nothing in the dump is a fast function of the receipt, under any key found.
    blob = b"\x00".join(as_bytes(v) for rows in dump.values() for r in rows for v in r.values())
    forms = {receipt, digits, digits[4:], digits[:4] + digits[4:]}
    for form in forms:
        assert form.encode() not in blob
        for digest in fast_functions(form.encode(), keys):
            for shape in (digest, digest.hex().encode(), base64.b64encode(digest)):
                assert shape[:16] not in blob, "a fast function of the receipt is stored"

    # 2. The report's row: what is derived from the receipt is the Argon2id verifier, its own
    # salt and its parameters (>= RFC 9106's second recommendation); the old index is gone.
    (row,) = [r for r in dump["reports"] if r["id"] == report_id]
    assert row["receipt_lookup"] is None and row["receipt_hash"] is None
    assert row["key_scheme"] == 3
    assert row["kdf_memlimit"] >= 64 * MIB and row["kdf_opslimit"] >= 3
    assert row["receipt_locator"] == int(digits[:4])
    salt, verifier = bytes(row["reporter_salt"]), bytes(row["receipt_verifier"])
    assert len(salt) == nacl.pwhash.argon2id.SALTBYTES and len(verifier) == 32
    salts = [bytes(r["reporter_salt"]) for r in dump["reports"] if r["receipt_verifier"]]
    assert salts.count(salt) == 1  # a salt of its own: one guess tests one report
    sharing = [r for r in dump["reports"] if r["receipt_locator"] == row["receipt_locator"]]
    assert len(sharing) <= 3  # the locator narrows to (about) one report

    # 3. The real receipt verifies with exactly that memory-hard computation; wrong guesses,
    # and the same computation with less memory or fewer passes, do not.
    def argon2id(guess: str, opslimit: int, memlimit: int) -> bytes:
        return nacl.pwhash.argon2id.kdf(96, guess.encode(), salt, opslimit, memlimit)

    material = argon2id(digits, row["kdf_opslimit"], row["kdf_memlimit"])
    assert material[64:] == verifier
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert argon2id(wrong, row["kdf_opslimit"], row["kdf_memlimit"])[64:] != verifier
    assert argon2id(digits, row["kdf_opslimit"], 8 * MIB)[64:] != verifier
    assert argon2id(digits, 1, row["kdf_memlimit"])[64:] != verifier
    # The same run also gives the reporter's keys: the published mailbox key is its second part.
    public = PrivateKey(material[32:64]).public_key.encode(Base64Encoder).decode()
    assert public == submitted.payload.reporter_public_key


async def test_a_receipt_with_the_right_locator_but_a_wrong_secret_is_refused(
    intake_client: httpx.AsyncClient,
) -> None:
    """The locator only selects the row: the Argon2id verifier still decides (fails if the check
    were skipped for a row the locator found)."""
    accepted = await submit(intake_client, sample_report())
    digits = accepted["receipt"].replace("-", "")
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    r = await intake_client.post("/api/v1/mailbox/session", json={"receipt": wrong})
    assert r.status_code == 401, r.text
    db = await asyncpg.connect(service_dsn("intake"))
    try:
        number = accepted["report_number"]
        stored = await db.fetchval(
            "SELECT receipt_verifier FROM reports WHERE report_number = $1", number
        )
        # With its verifier replaced, even the right receipt no longer opens the report.
        await db.execute(
            "UPDATE reports SET receipt_verifier = $2 WHERE report_number = $1",
            number,
            os.urandom(32),
        )
        r = await intake_client.post("/api/v1/mailbox/session", json={"receipt": digits})
        assert r.status_code == 401, r.text
        await db.execute(
            "UPDATE reports SET receipt_verifier = $2 WHERE report_number = $1", number, stored
        )
    finally:
        await db.close()
    r = await intake_client.post("/api/v1/mailbox/session", json={"receipt": accepted["receipt"]})
    assert r.status_code == 201 and r.json()["report_number"] == accepted["report_number"]
