"""Authorization matrix: every role × every staff endpoint, allowed or denied as designed."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.support.console import (
    Account,
    api_login,
    make_account,
    publish_report,
    totp_code,
)
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import ServiceProcess, base_url

pytestmark = pytest.mark.stack

ROLES = ("admin", "coordinator", "handler", "viewer")
IDENTITY = {"name": "Siti Pelapor", "phone": "+62 812 0000 1111"}


def codes(admin: int, coordinator: int, handler: int, viewer: int) -> dict[str, int]:
    return {"admin": admin, "coordinator": coordinator, "handler": handler, "viewer": viewer}


# (method, path, body, expected status per role). {case}: a case of the role's own (for the
# handler: assigned to them). Handlers get 404 for cases not theirs (tested below).
MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/api/v1/cases", None, codes(403, 200, 200, 200)),
    ("GET", "/api/v1/cases/{case}", None, codes(403, 200, 200, 200)),
    ("GET", "/api/v1/workflow", None, codes(403, 200, 200, 200)),
    (
        "POST",
        "/api/v1/cases/{case}/contacts",
        {"on_date": "2026-03-02", "channel": "phone", "party": "Pelapor", "result": "Konfirmasi"},
        codes(403, 201, 201, 403),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/messages",
        {"kind": "message", "text": "Terima kasih"},
        codes(403, 201, 201, 403),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/transitions",
        {"to": "verifying", "note": "Verifikasi"},
        codes(403, 200, 200, 403),
    ),
    # Opening the identity needs a custodian's approval first: without it 409 for the team.
    (
        "POST",
        "/api/v1/cases/{case}/identity",
        {"reason": "Perlu konfirmasi telepon ke pelapor"},
        codes(403, 409, 409, 403),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/identity-requests",
        {"reason": "Perlu konfirmasi telepon ke pelapor"},
        codes(403, 201, 201, 403),
    ),
    ("GET", "/api/v1/identity-requests", None, codes(403, 403, 403, 403)),
    (
        "POST",
        "/api/v1/cases/{case}/assignment",
        {"assignee_id": "{handler_id}", "reason": "Pengalihan karena cuti"},
        codes(403, 200, 403, 403),
    ),
    (
        "POST",
        "/api/v1/cases/{case}/conflicts",
        {"note": "Kerabat terlapor"},
        codes(403, 204, 204, 403),
    ),
    ("GET", "/api/v1/dashboard", None, codes(403, 200, 403, 200)),
    ("GET", "/api/v1/export.csv", None, codes(403, 200, 403, 200)),
    ("GET", "/api/v1/export.xlsx", None, codes(403, 200, 403, 200)),
    ("GET", "/api/v1/audit", None, codes(200, 403, 403, 200)),
    ("GET", "/api/v1/staff", None, codes(200, 200, 403, 403)),
    # Everyone signed in manages their own notification preferences (and only their own).
    ("GET", "/api/v1/account", None, codes(200, 200, 200, 200)),
    (
        "PUT",
        "/api/v1/account",
        {"email": None, "notification_mode": "immediate", "language": "id"},
        codes(200, 200, 200, 200),
    ),
    (
        "POST",
        "/api/v1/manual-reports",
        {"channel": "letter", **sample_report()},
        # Coordinators and handlers reach intake (201, or 422 until intake accepts `channel`).
        codes(403, -1, -1, 403),
    ),
]

CONSOLE_PAGES: list[tuple[str, dict[str, int]]] = [
    ("/console/cases", codes(403, 200, 200, 200)),
    ("/console/cases/{case}", codes(403, 200, 200, 200)),
    ("/console/dashboard", codes(403, 200, 403, 200)),
    ("/console/audit", codes(200, 403, 403, 200)),
    ("/console/manual", codes(403, 200, 200, 403)),
    ("/console/export.csv", codes(403, 200, 403, 200)),
    ("/console/account", codes(200, 200, 200, 200)),
]


@pytest.fixture(scope="module")
def accounts(services: dict[str, ServiceProcess]) -> dict[str, Account]:
    return {role: make_account(f"matrix-{role}", role) for role in ROLES}


@pytest.fixture(scope="module")
def tokens(accounts: dict[str, Account]) -> dict[str, str]:
    return {role: api_login(base_url("cases"), a) for role, a in accounts.items()}


async def client(token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url("cases"), timeout=10, headers={"authorization": f"Bearer {token}"}
    )


async def new_case(staff: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    published = await publish_report(sample_report(**extra))
    case, _ = await wait_for_case(staff, published.report_number)
    return case


async def handler_id(staff: httpx.AsyncClient) -> str:
    users = (await staff.get("/api/v1/staff")).json()
    return str(next(u["id"] for u in users if u["username"] == "matrix-handler"))


async def test_every_role_on_every_api_endpoint(tokens: dict[str, str]) -> None:
    coordinator = await client(tokens["coordinator"])
    hid = await handler_id(coordinator)
    failures = []
    for role in ROLES:
        case = await new_case(coordinator, identity=IDENTITY)
        if role == "handler":
            r = await coordinator.post(
                f"/api/v1/cases/{case['id']}/assignment", json={"assignee_id": hid}
            )
            assert r.status_code == 200, r.text
        async with await client(tokens[role]) as me:
            for method, path, body, expected in MATRIX:
                url = path.format(case=case["id"])
                payload = (
                    {k: (hid if v == "{handler_id}" else v) for k, v in body.items()}
                    if body
                    else None
                )
                r = await me.request(method, url, json=payload)
                want = expected[role]
                ok = r.status_code in (201, 422) if want == -1 else r.status_code == want
                if not ok:
                    failures.append(
                        f"{role} {method} {path}: {r.status_code} != {want} {r.text[:120]}"
                    )
    await coordinator.aclose()
    assert not failures, "\n".join(failures)


async def test_everything_needs_a_session(services: dict[str, ServiceProcess]) -> None:
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as anonymous:
        for method, path, body, _ in MATRIX:
            r = await anonymous.request(method, path.format(case=uuid.uuid4()), json=body)
            assert r.status_code == 401, f"{method} {path}: {r.status_code}"


async def test_handlers_see_only_their_own_cases(tokens: dict[str, str]) -> None:
    async with (
        await client(tokens["coordinator"]) as coordinator,
        await client(tokens["handler"]) as handler,
    ):
        other = await new_case(coordinator)
        r = await handler.get(f"/api/v1/cases/{other['id']}")
        assert r.status_code == 404
        r = await handler.post(
            f"/api/v1/cases/{other['id']}/transitions",
            json={"to": "verifying", "note": "bukan kasus saya"},
        )
        assert r.status_code == 404
        listed = (await handler.get("/api/v1/cases", params={"limit": 200})).json()["items"]
        assert other["id"] not in {c["id"] for c in listed}


async def test_viewers_see_metadata_but_not_the_report(tokens: dict[str, str]) -> None:
    async with (
        await client(tokens["coordinator"]) as coordinator,
        await client(tokens["viewer"]) as viewer,
    ):
        case = await new_case(coordinator)
        detail = (await viewer.get(f"/api/v1/cases/{case['id']}")).json()
        assert detail["report_number"] == case["report_number"]
        assert detail["report"] is None and detail["messages"] == []
        assert "Budi Santoso" not in str(detail)


async def test_a_handler_reveals_only_after_another_person_a_custodian_approves(
    tokens: dict[str, str], accounts: dict[str, Account]
) -> None:
    custodian = make_account("matrix-custodian", "viewer", custodian=True)
    async with (
        await client(tokens["coordinator"]) as coordinator,
        await client(tokens["handler"]) as handler,
        await client(api_login(base_url("cases"), custodian)) as keeper,
    ):
        case = await new_case(coordinator, identity=IDENTITY)
        hid = await handler_id(coordinator)
        r = await coordinator.post(
            f"/api/v1/cases/{case['id']}/assignment", json={"assignee_id": hid}
        )
        assert r.status_code == 200, r.text
        short = await handler.post(
            f"/api/v1/cases/{case['id']}/identity-requests", json={"reason": "singkat"}
        )
        assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"
        asked = await handler.post(
            f"/api/v1/cases/{case['id']}/identity-requests",
            json={"reason": "Konfirmasi kronologi lewat telepon"},
        )
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["id"]
        # Not approved yet: nothing is shown.
        early = await handler.post(f"/api/v1/cases/{case['id']}/identity", json={})
        assert early.status_code == 409 and "Siti" not in early.text
        # The requester's team cannot decide; the custodian reads the reason and approves.
        assert (
            await coordinator.post(
                f"/api/v1/identity-requests/{request_id}/decision", json={"approve": True}
            )
        ).status_code == 403
        listed = (await keeper.get("/api/v1/identity-requests")).json()
        mine = next(x for x in listed if x["id"] == request_id)
        assert mine["reason"] == "Konfirmasi kronologi lewat telepon"
        decided = await keeper.post(
            f"/api/v1/identity-requests/{request_id}/decision", json={"approve": True}
        )
        assert decided.status_code == 200 and decided.json()["status"] == "approved"
        # The custodian holds no case content by being one.
        assert (await keeper.get(f"/api/v1/cases/{case['id']}")).json()["report"] is None
        r = await handler.post(f"/api/v1/cases/{case['id']}/identity", json={})
        assert r.status_code == 200 and r.json()["identity"]["name"] == "Siti Pelapor"
        # The coordinator, who did not ask, still sees nothing.
        other = await coordinator.post(f"/api/v1/cases/{case['id']}/identity", json={})
        assert other.status_code == 409
        audit = (await keeper.get("/api/v1/audit", params={"limit": 50})).json()
        actions = [e["action"] for e in audit if e["case_id"] == case["id"]]
        for action in ("identity_requested", "identity_reveal_approved", "identity_revealed"):
            assert action in actions, actions
        history = (await coordinator.get(f"/api/v1/cases/{case['id']}")).json()["history"]
        assert "identity_revealed" in [h["action"] for h in history]
        for text in ("Siti Pelapor", "Konfirmasi kronologi"):
            assert text not in str(history) and text not in str(audit)


async def console_session(account: Account) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10) as c:
        r = await c.post(
            "/console/login",
            data={
                "username": account.username,
                "password": account.password,
                "totp": totp_code(account.totp_secret),
            },
        )
        assert r.status_code == 303, r.text
        cookie = r.headers["set-cookie"]
        assert {"httponly", "secure", "samesite=strict"} <= {
            p.strip().lower() for p in cookie.split(";")
        }
        token = re.search(r"peluit_staff=([^;]+)", cookie)
        assert token
        return {"cookie": f"peluit_staff={token.group(1)}"}


async def test_every_role_on_every_console_page(
    accounts: dict[str, Account], tokens: dict[str, str]
) -> None:
    async with await client(tokens["coordinator"]) as coordinator:
        case = await new_case(coordinator)
        hid = await handler_id(coordinator)
        await coordinator.post(f"/api/v1/cases/{case['id']}/assignment", json={"assignee_id": hid})
    failures = []
    for role in ROLES:
        headers = await console_session(accounts[role])
        async with httpx.AsyncClient(base_url=base_url("cases"), timeout=10, headers=headers) as c:
            for path, expected in CONSOLE_PAGES:
                r = await c.get(path.format(case=case["id"]))
                if r.status_code != expected[role]:
                    failures.append(f"{role} {path}: {r.status_code} != {expected[role]}")
            # A form without its CSRF token is refused even with the session cookie.
            r = await c.post(
                f"/console/cases/{case['id']}/contact",
                data={"kind": "contact", "channel": "phone", "party": "x", "result": "tanpa token"},
            )
            if r.status_code != 403:
                failures.append(f"{role} POST without CSRF: {r.status_code}")
            r = await c.post(
                "/console/account",
                data={"email": "", "notification_mode": "daily_digest", "language": "en"},
            )
            if r.status_code != 403:
                failures.append(f"{role} POST /console/account without CSRF: {r.status_code}")
            # With its token the account form saves for every role (own account only).
            page = await c.get("/console/account")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            r = await c.post(
                "/console/account",
                data={
                    "csrf": csrf.group(1) if csrf else "",
                    "email": "",
                    "notification_mode": "immediate",
                    "language": "id",
                },
            )
            if r.status_code != 303:
                failures.append(f"{role} POST /console/account: {r.status_code}")
    assert not failures, "\n".join(failures)
