"""Staff sign-in: an attempt is counted before its password is checked, so concurrent guesses
cannot outrun the lockout, and an unknown user, a wrong password and a locked account get the
same answer."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.console import Account, make_account, totp_code
from tests.support.stack import ServiceProcess, base_url, port, service_dsn

pytestmark = pytest.mark.stack

LIMIT = 5  # PELUIT_CASES_LOCKOUT_ATTEMPTS of the test service (the default)


def body(account: Account, password: str, code: str = "000000") -> dict[str, Any]:
    return {"username": account.username, "password": password, "totp": code}


async def audited(username: str) -> list[tuple[int, str]]:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        rows = await conn.fetch(
            """SELECT e.id, e.action FROM audit.entries e
               JOIN staff_users u ON e.actor = u.id::text
               WHERE u.username = $1 AND e.action IN ('login', 'login_failed') ORDER BY e.id""",
            username,
        )
    finally:
        await conn.close()
    return [(r["id"], r["action"]) for r in rows]


@pytest.mark.parametrize("right_at", [0, 29])
async def test_thirty_concurrent_attempts_never_admit_after_the_fifth_failure(
    services: dict[str, ServiceProcess], right_at: int
) -> None:
    account = await asyncio.to_thread(make_account, f"race-{uuid.uuid4().hex[:6]}", "handler")
    attempts = [body(account, f"wrong-password-{i}") for i in range(29)]
    attempts.insert(right_at, body(account, account.password, totp_code(account.totp_secret)))
    async with httpx.AsyncClient(base_url=services["cases"].url, timeout=60) as c:
        answers = await asyncio.gather(*(c.post("/api/v1/auth/login", json=a) for a in attempts))
        refused = [a for a in answers if a.status_code != 200]
        admitted = [a for a in answers if a.status_code == 200]
        assert len(admitted) <= 1
        entries = await audited(account.username)
        failures = [i for i, action in entries if action == "login_failed"]
        if admitted:
            login_id = next(i for i, action in entries if action == "login")
            assert len([i for i in failures if i < login_id]) < LIMIT, entries
        else:
            assert len(failures) == LIMIT, entries  # the rest never reached the password check
        assert {(a.status_code, same(a)) for a in refused} == {(401, same(refused[0]))}
        if not admitted:
            # Locked now: even the right password and a fresh code are refused, the same way.
            late = await c.post(
                "/api/v1/auth/login",
                json=body(account, account.password, totp_code(account.totp_secret)),
            )
            assert (late.status_code, same(late)) == (401, same(refused[0]))


def same(r: httpx.Response) -> str:
    """The answer as a client compares it: everything but the per-request id."""
    body = r.json()
    body.pop("request_id", None)
    return json.dumps(body, sort_keys=True)


async def test_unknown_user_wrong_password_and_locked_account_answer_alike(
    services: dict[str, ServiceProcess],
) -> None:
    guessed = await asyncio.to_thread(make_account, f"guess-{uuid.uuid4().hex[:6]}", "viewer")
    locked = await asyncio.to_thread(make_account, f"locked-{uuid.uuid4().hex[:6]}", "viewer")
    unknown = Account(f"nobody-{uuid.uuid4().hex[:6]}", "x" * 20, "")
    async with httpx.AsyncClient(base_url=services["cases"].url, timeout=30) as c:
        for _ in range(LIMIT):
            await c.post("/api/v1/auth/login", json=body(locked, "wrong-password"))
        right = await c.post(  # locked: even the right password and code are refused
            "/api/v1/auth/login",
            json=body(locked, locked.password, totp_code(locked.totp_secret)),
        )
        assert right.status_code == 401

        async def answer(payload: dict[str, Any]) -> tuple[int, str, float]:
            started = time.perf_counter()
            r = await c.post("/api/v1/auth/login", json=payload)
            return r.status_code, same(r), time.perf_counter() - started

        samples: dict[str, list[tuple[int, str, float]]] = {"unknown": [], "wrong": [], "lock": []}
        for _ in range(3):  # fewer than LIMIT wrong passwords: `guessed` stays unlocked
            samples["unknown"].append(await answer(body(unknown, "some-password")))
            samples["wrong"].append(await answer(body(guessed, "wrong-password")))
            samples["lock"].append(await answer(body(locked, locked.password)))
    seen = {(status, text) for runs in samples.values() for status, text, _ in runs}
    assert len(seen) == 1 and next(iter(seen))[0] == 401, seen
    medians = [statistics.median(t for _, _, t in runs) for runs in samples.values()]
    # The Argon2id verification runs for all three: no answer is markedly faster.
    assert max(medians) < 3 * min(medians), medians


async def test_a_source_that_used_its_attempts_is_refused_on_every_account_alike() -> None:
    """Per source, not only per account: guesses spread over many usernames (unknown ones too)
    use up the source's attempts, after which even a right password and code from it get the
    same 401. The source is kept only as an HMAC under a key replaced every window."""
    limit = 4
    side = port("cases") + 91
    proc = ServiceProcess(
        "cases",
        env={
            "PELUIT_CASES_HTTP_PORT": str(side),
            "PELUIT_CASES_OPS_PORT": str(side + 1000),
            "PELUIT_CASES_LOGIN_SOURCE_ATTEMPTS": str(limit),
        },
    )
    account = await asyncio.to_thread(make_account, f"source-{uuid.uuid4().hex[:6]}", "viewer")
    spread = [Account(f"spread-{uuid.uuid4().hex[:6]}", "x" * 20, "") for _ in range(limit - 1)]
    proc.start()
    try:
        await asyncio.to_thread(proc.wait_ready, 90)
        async with httpx.AsyncClient(base_url=proc.url, timeout=60) as c:
            # Under the limit a right sign-in works, and is not counted as a failure.
            ok = await c.post(
                "/api/v1/auth/login",
                json=body(account, account.password, totp_code(account.totp_secret)),
            )
            assert ok.status_code == 200, ok.text
            wrong = [await c.post("/api/v1/auth/login", json=body(a, "guess")) for a in spread]
            wrong.append(await c.post("/api/v1/auth/login", json=body(account, "guess")))
            assert {r.status_code for r in wrong} == {401}
            # One wrong password on `account` (its own limit is 5): the source's are used up.
            code = await asyncio.to_thread(totp_code, account.totp_secret)
            refused = await c.post("/api/v1/auth/login", json=body(account, account.password, code))
            assert (refused.status_code, same(refused)) == (401, same(wrong[0]))
    finally:
        proc.stop()
    # The account itself is not locked: from the main replica (another count) it signs in.
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=60) as c:
        again = await c.post("/api/v1/auth/login", json=body(account, account.password, code))
        assert again.status_code == 200, again.text
