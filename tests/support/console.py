"""Staff accounts for tests (made with the real CLI, TOTP included) and TOTP codes."""

from __future__ import annotations

import json
import secrets
import subprocess
import time
import uuid
from typing import Any, NamedTuple

import asyncpg
import httpx
import pyotp
from aiokafka import AIOKafkaConsumer
from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey, PublicKey

from peluit_shared.crypto import key_id_of, seal
from peluit_shared.events import ReportSubmitted
from peluit_shared.events.reports import KeyWrap, ReportSubmittedPayload
from peluit_shared.person_keys import public_b64, wrap
from tests.support.kafka import kafka_options, publish
from tests.support.keys import recovery_key, restore_to, wait_for_intake_key
from tests.support.stack import DATA, VENV, service_dsn

CLI = str(VENV / "bin" / "peluit-cases")
# The newest credentials make_account gave each user (a test that resets an account updates it).
LATEST: dict[str, Account] = {}
_last_step: dict[str, int] = {}


class Account(NamedTuple):
    username: str
    password: str
    totp_secret: str


def _cli(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([CLI, *args], input=stdin, text=True, check=True, capture_output=True)
    return done.stdout


def _secret(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("totp_secret="):
            return line.partition("=")[2].strip()
    raise AssertionError(f"no TOTP secret in CLI output: {output!r}")


def make_account(username: str, role: str, custodian: bool = False) -> Account:
    """Create (or reset) `username` with `role`, a fresh password and a fresh TOTP secret.

    A reset gives the account a new key pair and takes every case key it held, so a coordinator
    is given every case again through the recovery key (as the real recovery CLI would), and
    intake's projection is awaited so new reports are wrapped to the new key.
    """
    password = "test-staff-" + uuid.uuid4().hex
    _cli("migrate")
    if role == "admin":
        _cli(
            "create-admin",
            "--username",
            username,
            "--if-missing",
            "--password-stdin",
            stdin=password + "\n",
        )
    else:
        _cli(
            "create-user",
            "--username",
            username,
            "--role",
            role,
            "--if-missing",
            "--password-stdin",
            stdin=password + "\n",
        )
    _cli("reset-password", "--username", username, "--password-stdin", stdin=password + "\n")
    secret = _secret(_cli("reset-totp", "--username", username, "--totp-secret-stdout"))
    if custodian:
        _cli("grant-custodian", "--username", username)
    wait_for_intake_key(username, custodian=custodian)
    if role == "coordinator":
        restore_to(username)
    LATEST[username] = Account(username, password, secret)
    return LATEST[username]


def totp_code(secret: str) -> str:
    """A code not used before in this process: each time step is accepted only once."""
    totp = pyotp.TOTP(secret)
    step = int(time.time() // totp.interval)
    if _last_step.get(secret, -1) >= step:
        time.sleep((step + 1) * totp.interval - time.time() + 0.05)
        step = int(time.time() // totp.interval)
    _last_step[secret] = step
    return totp.at(step * totp.interval)


def api_login(base_url: str, account: Account) -> str:
    r = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={
            "username": account.username,
            "password": account.password,
            "totp": totp_code(account.totp_secret),
        },
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


# --- Simulating intake on the real Kafka topics (the reporter's side of the mailbox) ---------


def cases_public_key() -> PublicKey:
    """The cases host key: only the triage is sealed to it."""
    return PublicKey(
        (DATA / "keys" / "cases" / "current.pub").read_bytes().strip(), encoder=Base64Encoder
    )


class SealedCase(NamedTuple):
    case_key: PrivateKey
    identity_key: PrivateKey | None
    fields: dict[str, Any]


async def seal_like_intake(report: dict[str, Any]) -> SealedCase:
    """What intake does at submission: a case key wrapped to the active coordinators (read from
    the cases database, as intake's projection has them) and the recovery key; the identity in
    its own envelope for the custodians; the triage to the host key."""
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        rows = await conn.fetch(
            "SELECT id, role, custodian, public_key FROM staff_users "
            "WHERE NOT disabled AND public_key IS NOT NULL"
        )
    finally:
        await conn.close()
    recovery = recovery_key().public_key

    def wraps(key: PrivateKey, people: list[Any]) -> list[KeyWrap]:
        out = [
            KeyWrap(staff_id=None, holder_key_id=key_id_of(recovery), wrapped=wrap(recovery, key))
        ]
        for r in people:
            public = PublicKey(bytes(r["public_key"]))
            out.append(
                KeyWrap(
                    staff_id=r["id"], holder_key_id=key_id_of(public), wrapped=wrap(public, key)
                )
            )
        return out

    body = dict(report)
    identity = body.pop("identity", None)
    case_key = PrivateKey.generate()
    identity_key = PrivateKey.generate() if identity else None
    units = sorted({str(w.get("unit")) for w in report.get("who", []) if w.get("unit")})
    triage = {"category": report["category"], "units": units, "anonymous": identity is None}
    fields: dict[str, Any] = {
        "sealed_report": seal(case_key.public_key, json.dumps(body).encode()),
        "case_public_key": public_b64(case_key.public_key),
        "case_key_wraps": wraps(case_key, [r for r in rows if r["role"] == "coordinator"]),
        "sealed_triage": seal(cases_public_key(), json.dumps(triage).encode()),
    }
    if identity_key is not None:
        fields["sealed_identity"] = seal(identity_key.public_key, json.dumps(identity).encode())
        fields["identity_public_key"] = public_b64(identity_key.public_key)
        fields["identity_key_wraps"] = wraps(identity_key, [r for r in rows if r["custodian"]])
    return SealedCase(case_key, identity_key, fields)


class PublishedReport(NamedTuple):
    report_id: uuid.UUID
    report_number: str
    reporter_key: PrivateKey
    case_key: PrivateKey | None = None


def new_report_number() -> str:
    return f"WBS-2026-{secrets.randbelow(10**8):08d}"


async def publish_report(
    report: dict[str, Any], channel: str = "portal", with_reporter_key: bool = True
) -> PublishedReport:
    """What intake publishes for a portal report: sealed to cases, with the reporter's key."""
    reporter = PrivateKey.generate()
    report_id = uuid.uuid4()
    number = new_report_number()
    sealed = await seal_like_intake(report)
    await publish(
        ReportSubmitted(
            correlation_id=report_id,
            payload=ReportSubmittedPayload(
                report_id=report_id,
                report_number=number,
                channel=channel,  # type: ignore[arg-type]
                reporter_public_key=(
                    reporter.public_key.encode(Base64Encoder).decode()
                    if with_reporter_key
                    else None
                ),
                **sealed.fields,
            ),
        )
    )
    return PublishedReport(report_id, number, reporter, sealed.case_key)


async def events_about(
    topic: str, report_id: uuid.UUID, count: int, timeout: float = 15.0
) -> list[dict[str, Any]]:
    """The first `count` events on `topic` about `report_id` (read from the beginning)."""
    consumer = AIOKafkaConsumer(
        topic,
        **kafka_options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    if event["payload"].get("report_id") == str(report_id):
                        found.append(event)
    finally:
        await consumer.stop()
    return found


def make_account_without_totp(username: str, role: str) -> tuple[str, str]:
    """A new account as an admin creates it: TOTP is enrolled at first sign-in with the one-time
    enrolment code the admin was given. (password, enrolment code)"""
    password = "first-password-" + uuid.uuid4().hex
    out = _cli(
        "create-user",
        "--username",
        username,
        "--role",
        role,
        "--password-stdin",
        stdin=password + "\n",
    )
    code = next(x for x in out.splitlines() if x.startswith("enrolment_code="))
    return password, code.partition("=")[2].strip()
