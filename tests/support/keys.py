"""Person keys for tests: the offline recovery key (kept, for tests only, outside the cases
host's key folder, as a printed key would be kept in a safe) and intake's staff key projection."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
import uuid
from typing import Any

import asyncpg
import httpx
from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey, PublicKey

from peluit_shared.person_keys import parse_recovery_key
from tests.support.stack import DATA, VENV, base_url, service_dsn

CLI = str(VENV / "bin" / "peluit-cases")
RECOVERY_PUBLIC = DATA / "keys" / "recovery" / "recovery.pub"
# The "safe": where the tests keep the printed recovery key. Not part of any host's files.
OFFLINE = DATA / "test-offline" / "recovery.key"
_lock = threading.Lock()


def _run(coro: Any) -> Any:
    """Run a coroutine from sync code, also while an event loop runs in this thread."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def recovery_public() -> PublicKey | None:
    try:
        return PublicKey(RECOVERY_PUBLIC.read_bytes().strip(), encoder=Base64Encoder)
    except FileNotFoundError:
        return None


def recovery_key() -> PrivateKey:
    """The recovery key the tests hold; made anew (with `init --force`) if they do not hold the
    current one (e.g. `./peluit up` printed it to a terminal)."""
    with _lock:
        public = recovery_public()
        if OFFLINE.exists():
            key = parse_recovery_key(OFFLINE.read_text())
            if public is not None and key.public_key == public:
                return key
        done = subprocess.run(
            [CLI, "recovery-key", "init", "--force"], text=True, check=True, capture_output=True
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("recovery_key="))
        OFFLINE.parent.mkdir(parents=True, exist_ok=True)
        OFFLINE.write_text(line.partition("=")[2].strip())
        os.chmod(OFFLINE, 0o600)
        return parse_recovery_key(OFFLINE.read_text())


def restore_to(username: str) -> str:
    """`peluit-cases recovery-key restore --to username`, the recovery key typed on stdin."""
    from peluit_shared.person_keys import format_recovery_key

    done = subprocess.run(
        [CLI, "recovery-key", "restore", "--to", username],
        input=format_recovery_key(recovery_key()) + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    return str(done.stdout)


async def staff_public_key(username: str) -> bytes | None:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        value = await conn.fetchval(
            "SELECT public_key FROM staff_users WHERE username = $1", username
        )
        return bytes(value) if value is not None else None
    finally:
        await conn.close()


async def staff_id(username: str) -> uuid.UUID:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        return uuid.UUID(
            str(await conn.fetchval("SELECT id FROM staff_users WHERE username = $1", username))
        )
    finally:
        await conn.close()


def intake_running() -> bool:
    try:
        return httpx.get(f"{base_url('intake')}/health/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


async def _projection_has(username: str, timeout: float, custodian: bool = False) -> None:
    key = await staff_public_key(username)
    if key is None:
        return
    sid = await staff_id(username)
    conn = await asyncpg.connect(service_dsn("intake"))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = await conn.fetchrow(
                "SELECT public_key, custodian FROM staff_keys WHERE staff_id = $1", sid
            )
            if (
                found is not None
                and found["public_key"] is not None
                and bytes(found["public_key"]) == key
                and (found["custodian"] or not custodian)
            ):
                return
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    raise TimeoutError(f"intake did not learn {username}'s public key in {timeout}s")


def wait_for_intake_key(username: str, timeout: float = 20.0, custodian: bool = False) -> None:
    """Until intake wraps new case keys to `username`'s current public key."""
    if intake_running():
        _run(_projection_has(username, timeout, custodian))


async def case_key_for_report(report_id: uuid.UUID, kind: str = "case") -> PrivateKey:
    """The case (or identity) private key of a report, opened with the recovery key the tests
    hold: how a test reads what only the team's sessions can read."""
    from peluit_shared.crypto import key_id_of
    from peluit_shared.person_keys import unwrap

    key = recovery_key()
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        deadline = time.monotonic() + 15
        while True:
            wrapped = await conn.fetchval(
                """SELECT w.wrapped FROM case_key_wraps w JOIN cases c ON c.id = w.case_id
                   WHERE c.report_id = $1 AND w.kind = $2 AND w.holder = $3""",
                report_id,
                kind,
                f"recovery:{key_id_of(key.public_key)}",
            )
            if wrapped is not None or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    assert wrapped is not None, "no recovery wrap for the report's case"
    return unwrap(key, bytes(wrapped))


async def case_keys_for_report(report_id: uuid.UUID) -> dict[str, PrivateKey]:
    from peluit_shared.crypto import key_id_of

    key = await case_key_for_report(report_id)
    return {key_id_of(key.public_key): key}


def case_keys_for_report_sync(report_id: uuid.UUID) -> dict[str, PrivateKey]:
    return dict(_run(case_keys_for_report(report_id)))


def cli(
    *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`peluit-cases ARGS` (a short CLI run, from sync or async tests)."""
    return subprocess.run([CLI, *args], input=stdin, text=True, check=check, capture_output=True)
