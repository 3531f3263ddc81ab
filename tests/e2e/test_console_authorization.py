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
from tests.support.evidence import jpeg_parts
from tests.support.portal import eventually
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


# Every evidence endpoint of the staff side, for every role (the case is the handler's own).
EVIDENCE_MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("GET", "/api/v1/cases/{case}/evidence/{evidence}", codes(403, 200, 200, 403)),
    ("POST", "/api/v1/cases/{case}/evidence-grant", codes(403, 201, 201, 403)),
    ("GET", "/console/cases/{case}/evidence/{evidence}", codes(403, 200, 200, 403)),
]


async def case_with_file(coordinator: httpx.AsyncClient) -> tuple[dict[str, Any], str]:
    """A case with one evidence file, added through the staff upload grant."""
    case = await new_case(coordinator)
    granted = await coordinator.post(f"/api/v1/cases/{case['id']}/evidence-grant")
    assert granted.status_code == 201, granted.text
    jpeg, _ = jpeg_parts()
    async with httpx.AsyncClient(timeout=30) as anyone:
        up = await anyone.post(
            granted.json()["upload_url"],
            content=jpeg,
            headers={
                "authorization": f"Grant {granted.json()['grant']}",
                "content-type": "image/jpeg",
                "x-filename": "foto.jpg",
            },
        )
    assert up.status_code == 201, up.text
    evidence_id = str(up.json()["evidence_id"])

    async def listed() -> bool | None:
        detail = (await coordinator.get(f"/api/v1/cases/{case['id']}")).json()
        return (
            any(str(e.get("evidence_id", e.get("id"))) == evidence_id for e in detail["evidence"])
            or None
        )

    await eventually(listed, timeout=30)
    return case, evidence_id


@pytest.mark.timeout(1200)  # the module's four accounts are made first
async def test_every_role_on_every_evidence_endpoint(
    accounts: dict[str, Account], tokens: dict[str, str]
) -> None:
    async with await client(tokens["coordinator"]) as coordinator:
        hid = await handler_id(coordinator)
        case, evidence_id = await case_with_file(coordinator)
        r = await coordinator.post(
            f"/api/v1/cases/{case['id']}/assignment", json={"assignee_id": hid}
        )
        assert r.status_code == 200, r.text
        other, other_file = await case_with_file(coordinator)  # not the handler's
    failures = []
    for role in ROLES:
        headers = {
            "authorization": f"Bearer {tokens[role]}",
            **(await console_session(accounts[role])),
        }
        async with httpx.AsyncClient(base_url=base_url("cases"), timeout=30, headers=headers) as me:
            for method, path, expected in EVIDENCE_MATRIX:
                tries = [
                    (case, evidence_id, expected[role]),
                    # Another case's file: a handler not on that case sees nothing (404).
                    (other, other_file, 404 if role == "handler" else expected[role]),
                ]
                if "{evidence}" in path:
                    # Another case's file named under this case: never served.
                    tries.append(
                        (case, other_file, 404 if expected[role] == 200 else expected[role])
                    )
                for on, file, want in tries:
                    url = path.format(case=on["id"], evidence=file)
                    got = await me.request(method, url)
                    if got.status_code != want:
                        failures.append(f"{role} {method} {url}: {got.status_code} != {want}")
                    elif want == 200:
                        assert got.headers["content-type"] == "application/octet-stream"
    assert not failures, "\n".join(failures)


def console_forms() -> list[str]:
    """Every POST/PUT/PATCH/DELETE route of the console, read from its controllers (a new
    form is covered without touching this test)."""
    import importlib
    import inspect
    import pkgutil

    from litestar import Controller
    from litestar.handlers import HTTPRouteHandler

    import peluit_cases.console as console

    found = []
    for info in pkgutil.iter_modules(console.__path__):
        module = importlib.import_module(f"{console.__name__}.{info.name}")
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, Controller)):
                continue
            for handler in vars(cls).values():
                if not isinstance(handler, HTTPRouteHandler):
                    continue
                if not handler.http_methods & {"POST", "PUT", "PATCH", "DELETE"}:
                    continue
                for path in handler.paths:
                    full = (cls.path.rstrip("/") + "/" + path.strip("/")).rstrip("/")
                    found += [f"{m} {full}" for m in sorted(handler.http_methods)]
    return sorted(set(found))


# Forms that need no token, and why. Anything else must refuse a post without its token.
NO_TOKEN = {
    # Before signing in there is no session to ride on (and the password + TOTP are the proof).
    "POST /console/login",
    # Ends one's own session only; the cookie is SameSite=Strict, so no other site can send it.
    "POST /console/logout",
}


@pytest.mark.timeout(1200)  # the module's four accounts are made first
async def test_every_console_form_refuses_a_post_without_its_token(
    accounts: dict[str, Account], tokens: dict[str, str]
) -> None:
    forms = console_forms()
    assert "POST /console/cases/{case_id:uuid}/transition" in forms  # the enumeration works
    async with await client(tokens["coordinator"]) as coordinator:
        case = await new_case(coordinator)
    values = {
        "{case_id:uuid}": case["id"],
        "{request_id:uuid}": str(uuid.uuid4()),
        "{notice_id:int}": "1",
    }
    headers = await console_session(accounts["coordinator"])
    failures = []
    async with httpx.AsyncClient(base_url=base_url("cases"), timeout=30, headers=headers) as c:
        for form in forms:
            if form in NO_TOKEN:
                continue
            method, path = form.split(" ", 1)
            for placeholder, value in values.items():
                path = path.replace(placeholder, value)
            assert "{" not in path, f"add a value for the parameter of {form}"
            data = {"to": "verifying", "note": "tanpa token", "text": "tanpa token"}
            r = await c.request(method, path, data=data)
            if r.status_code != 403 or "Token formulir tidak valid" not in r.text:
                failures.append(f"{form}: {r.status_code} {r.text[:100]}")
        # Nothing happened: the case is where it was.
        detail = await coordinator_detail(tokens["coordinator"], case["id"])
        assert detail["status"] == "received"
    assert not failures, "\n".join(failures)


async def coordinator_detail(token: str, case_id: str) -> dict[str, Any]:
    async with await client(token) as coordinator:
        r = await coordinator.get(f"/api/v1/cases/{case_id}")
        assert r.status_code == 200
        return dict(r.json())
