"""Staff accounts for tests (made with the real CLI, TOTP included) and TOTP codes."""

from __future__ import annotations

import subprocess
import time
import uuid
from typing import NamedTuple

import httpx
import pyotp

from tests.support.stack import VENV

CLI = str(VENV / "bin" / "peluit-cases")
_last_step: dict[str, int] = {}


class Account(NamedTuple):
    username: str
    password: str
    totp_secret: str


def _cli(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([CLI, *args], input=stdin, text=True, check=True,
                          capture_output=True)
    return done.stdout


def _secret(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("totp_secret="):
            return line.partition("=")[2].strip()
    raise AssertionError(f"no TOTP secret in CLI output: {output!r}")


def make_account(username: str, role: str) -> Account:
    """Create (or reset) `username` with `role`, a fresh password and a fresh TOTP secret."""
    password = "test-staff-" + uuid.uuid4().hex
    _cli("migrate")
    if role == "admin":
        _cli("create-admin", "--username", username, "--if-missing", "--password-stdin",
             stdin=password + "\n")
    else:
        _cli("create-user", "--username", username, "--role", role, "--if-missing",
             "--password-stdin", stdin=password + "\n")
    _cli("reset-password", "--username", username, "--password-stdin", stdin=password + "\n")
    secret = _secret(_cli("reset-totp", "--username", username, "--totp-secret-stdout"))
    return Account(username, password, secret)


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
    r = httpx.post(f"{base_url}/api/v1/auth/login", json={
        "username": account.username, "password": account.password,
        "totp": totp_code(account.totp_secret)}, timeout=10)
    assert r.status_code == 200, r.text
    return str(r.json()["token"])
