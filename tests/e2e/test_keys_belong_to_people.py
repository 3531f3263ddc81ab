"""Keys belong to people: the cases host opens nothing at rest; a handler's key opens only the
cases assigned to them; the recovery key restores access after every password is reset; a
password change or a recovery key rotation loses no report."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox

from peluit_cases.adapters.case_keys import held_key
from peluit_cases.adapters.cases_repo import get_case
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.service.errors import KeyRefused
from peluit_shared.crypto import SealedData, key_id_of, unseal
from peluit_shared.person_keys import (
    KeyUnavailable,
    format_recovery_key,
    parse_recovery_key,
    session_key,
    unlock,
    unwrap,
)
from tests.support.console import Account, api_login, make_account
from tests.support.keys import OFFLINE, cli, recovery_key, restore_to
from tests.support.portal import api_sign_in
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import DATA, ServiceProcess, base_url, service_dsn

pytestmark = pytest.mark.stack

IDENTITY = {"name": "Siti Pelapor", "email": "siti.pelapor@example.org"}


async def _db(service: str) -> asyncpg.Connection:
    return await asyncpg.connect(service_dsn(service))


async def session_user(token: str) -> StaffUser:
    """The staff member of an API session with the private key the session holds, unlocked the
    way the service does it: only with the token, which the client (this test) holds."""
    conn = await _db("cases")
    try:
        row = await conn.fetchrow(
            "SELECT u.id, u.username, u.role, s.locked_key FROM staff_sessions s "
            "JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = $1",
            hashlib.sha256(token.encode()).digest(),
        )
    finally:
        await conn.close()
    assert row is not None and row["locked_key"] is not None
    key = PrivateKey(unlock(session_key(token), bytes(row["locked_key"])))
    return StaffUser(
        id=row["id"], username=row["username"], role=Role(row["role"]), private_key=key
    )


async def case_row(case_id: uuid.UUID) -> dict[str, Any]:
    conn = await _db("cases")
    try:
        row = await get_case(conn, case_id)
    finally:
        await conn.close()
    assert row is not None
    return row


async def opens_at_key_layer(user: StaffUser, case_id: uuid.UUID) -> dict[str, Any]:
    """Unwrap the case key with the session key (the service's key layer) and open the report."""
    row = await case_row(case_id)
    conn = await _db("cases")
    try:
        key = await held_key(conn, user, row)
    finally:
        await conn.close()
    sealed = SealedData(key_id=row["sealed_key_id"], ciphertext=bytes(row["sealed_report"]))
    return dict(json.loads(unseal({key_id_of(key.public_key): key}, sealed)))


async def new_case(
    intake: httpx.AsyncClient, staff: httpx.AsyncClient, **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    accepted = await submit(intake, sample_report(**extra))
    case, _ = await wait_for_case(staff, accepted["report_number"])
    return accepted, case


# --- at rest: everything on the cases host opens nothing -----------------------------------


def _key_candidates(files: list[Path], db_values: list[bytes]) -> list[bytes]:
    """Every 32-byte secret we can find: key files (raw or base64) and database values."""
    import base64

    found: set[bytes] = set()
    for path in files:
        data = path.read_bytes().strip()
        for candidate in (data, _b64(data, base64)):
            if candidate and len(candidate) in (32, 64):
                found.add(candidate[:32])
    for value in db_values:
        if len(value) >= 32:
            found.add(value[:32])
            found.add(hashlib.sha256(value).digest())
    return sorted(found)


def _b64(data: bytes, base64: Any) -> bytes:
    try:
        return bytes(base64.b64decode(data, validate=True))
    except ValueError:
        return b""


def _opens(secret: bytes, ciphertext: bytes) -> bool:
    """Does `secret`, as an X25519 private key or as a symmetric key, open `ciphertext`?"""
    try:
        SealedBox(PrivateKey(secret)).decrypt(ciphertext)
        return True
    except (CryptoError, ValueError):
        pass
    try:
        SecretBox(secret).decrypt(ciphertext)
        return True
    except (CryptoError, ValueError):
        return False


async def test_the_cases_host_files_and_database_open_no_report_identity_note_or_evidence_key(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    secret_what = f"Rahasia isi laporan {uuid.uuid4().hex}"
    accepted, case = await new_case(
        intake_client, staff_client, identity=IDENTITY, what=secret_what
    )
    token = await api_sign_in(intake_client, accepted["receipt"])
    r = await intake_client.post(
        "/api/v1/mailbox/evidence",
        content=b"bukti rahasia " + uuid.uuid4().hex.encode(),
        headers={
            "authorization": f"Bearer {token}",
            "x-filename": "bukti.txt",
            "content-type": "text/plain",
        },
    )
    assert r.status_code == 201, r.text
    sent = await staff_client.post(
        f"/api/v1/cases/{case['id']}/messages",
        json={"kind": "question", "text": "Mohon jelaskan kronologinya secara rinci"},
    )
    assert sent.status_code in (200, 201), sent.text
    note = f"Catatan rahasia {uuid.uuid4().hex}"
    logged = await staff_client.post(
        f"/api/v1/cases/{case['id']}/contacts",
        json={"on_date": "2026-03-02", "channel": "phone", "party": note, "result": note},
    )
    assert logged.status_code == 201, logged.text
    moved = await staff_client.post(
        f"/api/v1/cases/{case['id']}/transitions", json={"to": "verifying", "note": note}
    )
    assert moved.status_code == 200, moved.text
    # The team (a session) can open all of it ...
    detail = (await staff_client.get(f"/api/v1/cases/{case['id']}")).json()
    assert secret_what in json.dumps(detail["report"])
    assert note in json.dumps(detail["contacts"]) and note in json.dumps(detail["history"])

    # ... but the host cannot: every file under the cases key folder and every value of the
    # cases database (sessions' token hashes, locked keys, salts, public keys) as a key.
    files = [p for p in (DATA / "keys" / "cases").rglob("*") if p.is_file()]
    assert any(p.suffix == ".key" for p in files)
    cases_db = await _db("cases")
    evidence_db = await _db("evidence")
    try:
        row = await cases_db.fetchrow("SELECT * FROM cases WHERE id = $1", uuid.UUID(case["id"]))
        assert row["case_public_key"] is not None and row["sealed_identity"] is not None
        wraps = await cases_db.fetch(
            "SELECT wrapped FROM case_key_wraps WHERE case_id = $1", row["id"]
        )
        messages = await cases_db.fetch(
            "SELECT sealed_text FROM case_messages WHERE case_id = $1", row["id"]
        )
        notes = [
            bytes(r_[0])
            for r_ in await cases_db.fetch(
                "SELECT sealed_note FROM case_history WHERE case_id = $1 AND sealed_note "
                "IS NOT NULL UNION ALL SELECT sealed FROM case_contacts WHERE case_id = $1",
                row["id"],
            )
        ]
        # No free text in the clear anywhere in the case's rows.
        for table in ("case_history", "case_contacts", "cases"):
            dumped = await cases_db.fetch(
                f"SELECT t::text FROM {table} t WHERE "
                + ("id" if table == "cases" else "case_id")
                + " = $1",
                row["id"],
            )
            assert note not in str(dumped) and secret_what not in str(dumped), table
        db_values: list[bytes] = []
        for table, columns in {
            "staff_users": "public_key, locked_key, key_salt",
            "staff_sessions": "token_hash, locked_key",
        }.items():
            for r_ in await cases_db.fetch(f"SELECT {columns} FROM {table}"):
                db_values += [bytes(v) for v in r_.values() if v is not None]
        # TOTP secrets rest sealed to each account's key (opened only with the password).
        secrets_at_rest = await cases_db.fetch(
            "SELECT totp_secret FROM staff_users WHERE username = 'test-coordinator'"
        )
        assert secrets_at_rest
        assert all(r_[0].startswith("sealed:") for r_ in secrets_at_rest)
        files_db = await evidence_db.fetch(
            "SELECT sealed_file_key, sealed_metadata FROM evidence_files WHERE report_id = $1",
            row["report_id"],
        )
    finally:
        await cases_db.close()
        await evidence_db.close()
    assert files_db, "the evidence file is stored"
    envelopes: dict[str, bytes] = {
        "report": bytes(row["sealed_report"]),
        "identity": bytes(row["sealed_identity"]),
        **{f"wrap{i}": bytes(w["wrapped"]) for i, w in enumerate(wraps)},
        **{f"message{i}": bytes(m["sealed_text"]) for i, m in enumerate(messages)},
        **{f"note{i}": n for i, n in enumerate(notes)},
    }
    for i, f in enumerate(files_db):
        for column in ("sealed_file_key", "sealed_metadata"):
            envelopes[f"evidence{i}.{column}"] = SealedData.model_validate_json(
                f[column]
            ).ciphertext
    assert len(wraps) >= 2 and messages and len(notes) >= 2
    candidates = _key_candidates(files, db_values)
    assert len(candidates) > 10
    for name, ciphertext in envelopes.items():
        for secret in candidates:
            assert not _opens(secret, ciphertext), f"{name} opened with a key from the host"


# --- handler scope, at the key layer ----------------------------------------------------------


async def test_a_handlers_session_key_opens_only_the_cases_assigned_to_them(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    handler = make_account(f"keys-handler-{uuid.uuid4().hex[:6]}", "handler")
    handler_token = api_login(base_url("cases"), handler)  # the first sign-in
    user = await session_user(handler_token)
    _, mine = await new_case(intake_client, staff_client)
    _, other = await new_case(intake_client, staff_client)
    r = await staff_client.post(
        f"/api/v1/cases/{mine['id']}/assignment",
        json={"assignee_id": str(user.id), "version": mine["version"]},
    )
    assert r.status_code == 200, r.text

    # The key layer: the handler's session key unwraps the assigned case's key ...
    assert "Kepala seksi" in (await opens_at_key_layer(user, uuid.UUID(mine["id"])))["what"]
    # ... and not the other case's, not even by trying every wrap of it directly.
    with pytest.raises(KeyRefused):
        await opens_at_key_layer(user, uuid.UUID(other["id"]))
    conn = await _db("cases")
    try:
        others = await conn.fetch(
            "SELECT wrapped FROM case_key_wraps WHERE case_id = $1", uuid.UUID(other["id"])
        )
    finally:
        await conn.close()
    assert others
    assert user.private_key is not None
    for w in others:
        with pytest.raises(KeyUnavailable):
            unwrap(user.private_key, bytes(w["wrapped"]))
    # And over HTTP the other case does not exist for the handler.
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as h:
        h.headers["authorization"] = f"Bearer {handler_token}"
        assert (await h.get(f"/api/v1/cases/{other['id']}")).status_code == 404
        assert (await h.get(f"/api/v1/cases/{mine['id']}")).status_code == 200

    # Reassigned to someone else, the handler's wrap is gone: the key no longer opens it.
    second = make_account(f"keys-handler-{uuid.uuid4().hex[:6]}", "handler")
    second_user = await session_user(api_login(base_url("cases"), second))
    current = (await staff_client.get(f"/api/v1/cases/{mine['id']}")).json()
    r = await staff_client.post(
        f"/api/v1/cases/{mine['id']}/assignment",
        json={
            "assignee_id": str(second_user.id),
            "version": current["version"],
            "reason": "Beban kerja dipindahkan ke penangan lain",
        },
    )
    assert r.status_code == 200, r.text
    with pytest.raises(KeyRefused):
        await opens_at_key_layer(user, uuid.UUID(mine["id"]))
    await opens_at_key_layer(second_user, uuid.UUID(mine["id"]))


# --- a new account gets cases only when a signed-in coordinator grants them ---------------


async def test_a_new_coordinator_sees_old_cases_only_after_a_coordinator_grants_them(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    _, old = await new_case(intake_client, staff_client)
    newcomer = Account(f"keys-new-{uuid.uuid4().hex[:6]}", "", "")
    password = "newcomer-" + uuid.uuid4().hex
    out = cli(
        *("create-user", "--username", newcomer.username, "--role", "coordinator"),
        *("--password-stdin", "--totp-secret-stdout"),
        stdin=password + "\n",
    ).stdout
    secret = next(x for x in out.splitlines() if x.startswith("totp_secret=")).split("=")[1]
    newcomer = Account(newcomer.username, password, secret)
    token = api_login(base_url("cases"), newcomer)
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        c.headers["authorization"] = f"Bearer {token}"
        refused = await c.get(f"/api/v1/cases/{old['id']}")
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "key_not_held"
        user = await session_user(token)
        granted = await staff_client.post(f"/api/v1/staff/{user.id}/case-keys")
        assert granted.status_code == 200, granted.text
        assert granted.json()["cases_granted"] >= 1
        r = await c.get(f"/api/v1/cases/{old['id']}")
        assert r.status_code == 200, r.text
        assert "Kepala seksi" in r.json()["report"]["what"]
    # A handler cannot be granted every case, and a handler cannot grant.
    handler = make_account(f"keys-handler-{uuid.uuid4().hex[:6]}", "handler")
    h_user = await session_user(api_login(base_url("cases"), handler))
    r = await staff_client.post(f"/api/v1/staff/{h_user.id}/case-keys")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "staff_id", r.text


# --- passwords and the recovery key --------------------------------------------------------


async def test_a_password_change_loses_no_report(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    account = make_account(f"keys-rotate-{uuid.uuid4().hex[:6]}", "coordinator")
    _, case = await new_case(intake_client, staff_client)
    token = api_login(base_url("cases"), account)
    new_password = "rotated-" + uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        c.headers["authorization"] = f"Bearer {token}"
        wrong = await c.put(
            "/api/v1/account/password",
            json={"current_password": "not-my-password", "new_password": new_password},
        )
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["field"] == "current_password"
        r = await c.put(
            "/api/v1/account/password",
            json={"current_password": account.password, "new_password": new_password},
        )
        assert r.status_code == 204, r.text
    rotated = Account(account.username, new_password, account.totp_secret)
    with pytest.raises(AssertionError):
        api_login(base_url("cases"), account)  # the old password is gone
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        c.headers["authorization"] = f"Bearer {api_login(base_url('cases'), rotated)}"
        r = await c.get(f"/api/v1/cases/{case['id']}")
        assert r.status_code == 200, r.text
        assert "Kepala seksi" in r.json()["report"]["what"]


@pytest.mark.timeout(900)
async def test_every_password_reset_then_the_recovery_key_restores_every_old_case(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
    staff_credentials: Account,
) -> None:
    from peluit_cases.service import staff_admin

    _, first = await new_case(intake_client, staff_client)
    _, second = await new_case(intake_client, staff_client, identity=IDENTITY)
    try:
        conn = await _db("cases")
        try:
            old_cases = [
                r["id"]
                for r in await conn.fetch("SELECT id FROM cases WHERE case_public_key IS NOT NULL")
            ]
            # Every password is reset by an administrator (the CLI's use case, run here for
            # every account at once): every staff key pair is replaced, every case key a
            # person held is gone.
            for r in await conn.fetch("SELECT username FROM staff_users"):
                assert await staff_admin.reset_password(
                    conn, r["username"], "reset-" + uuid.uuid4().hex
                )
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM case_key_wraps WHERE staff_id IS NOT NULL"
                )
                == 0
            )
        finally:
            await conn.close()
        survivor = make_account(f"keys-survivor-{uuid.uuid4().hex[:6]}", "handler")
        cli("set-role", "--username", survivor.username, "--role", "coordinator")
        token = api_login(base_url("cases"), survivor)
        async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
            c.headers["authorization"] = f"Bearer {token}"
            assert (await c.get(f"/api/v1/cases/{first['id']}")).status_code == 409
            # A mistyped recovery key is refused, the right one restores.
            typo = cli(
                "recovery-key",
                "restore",
                "--to",
                survivor.username,
                stdin="AAAA-BBBB\n",
                check=False,
            )
            assert typo.returncode != 0 and "recovery key" in typo.stderr + typo.stdout
            restore_to(survivor.username)
            user = await session_user(token)
            for case_id in old_cases:
                await opens_at_key_layer(user, case_id)  # every old case opens again
            for case in (first, second):
                r = await c.get(f"/api/v1/cases/{case['id']}")
                assert r.status_code == 200 and "Kepala seksi" in r.json()["report"]["what"]
    finally:
        # The suite's coordinator is set up again (new password and TOTP) and gets its cases
        # back the same way (make_account restores coordinators through the recovery key).
        make_account(staff_credentials.username, "coordinator")


async def test_rotating_the_recovery_key_loses_no_report(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    _, case = await new_case(intake_client, staff_client)
    old = recovery_key()
    done = cli("recovery-key", "rotate", stdin=format_recovery_key(old) + "\n")
    line = next(x for x in done.stdout.splitlines() if x.startswith("recovery_key="))
    new = parse_recovery_key(line.split("=", 1)[1])
    OFFLINE.write_text(format_recovery_key(new))
    assert recovery_key().public_key == new.public_key
    conn = await _db("cases")
    try:
        holders = {
            r["holder"]
            for r in await conn.fetch(
                "SELECT DISTINCT holder FROM case_key_wraps WHERE staff_id IS NULL"
            )
        }
    finally:
        await conn.close()
    assert holders == {f"recovery:{key_id_of(new.public_key)}"}
    account = make_account(f"keys-after-rotation-{uuid.uuid4().hex[:6]}", "coordinator")
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        c.headers["authorization"] = f"Bearer {api_login(base_url('cases'), account)}"
        r = await c.get(f"/api/v1/cases/{case['id']}")
        assert r.status_code == 200, r.text


async def test_a_tampered_envelope_or_wrap_is_a_clear_409_never_a_500(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
    staff_credentials: Account,
) -> None:
    _, envelope_case = await new_case(intake_client, staff_client)
    _, wrap_case = await new_case(intake_client, staff_client)
    user = await session_user(staff_client.headers["authorization"].split(" ", 1)[1])
    conn = await _db("cases")
    try:
        await conn.execute(
            "UPDATE cases SET sealed_report = overlay(sealed_report placing '\\x00'::bytea "
            "from 60 for 1) WHERE id = $1",
            uuid.UUID(envelope_case["id"]),
        )
        await conn.execute(
            "UPDATE case_key_wraps SET wrapped = overlay(wrapped placing '\\x00'::bytea "
            "from 40 for 1) WHERE case_id = $1 AND holder = $2",
            uuid.UUID(wrap_case["id"]),
            str(user.id),
        )
    finally:
        await conn.close()
    r = await staff_client.get(f"/api/v1/cases/{envelope_case['id']}")
    assert r.status_code == 409 and r.json()["code"] == "envelope_unopenable", r.text
    r = await staff_client.get(f"/api/v1/cases/{wrap_case['id']}")
    assert r.status_code == 409 and r.json()["code"] == "key_unopenable", r.text
