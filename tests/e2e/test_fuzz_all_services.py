"""Schemathesis over all four services' OpenAPI documents against the real stack (issue 13).

Signed in where the routes need it (a staff bearer token for cases, a reporter's mailbox token
for intake, an upload grant for evidence, the ops and service tokens for notifications), with
hostile values mixed in by tests/e2e/fuzz_hooks.py (NUL and control characters, invalid UTF-8,
2^70, deep JSON). Bounded by example count: PELUIT_FUZZ_EXAMPLES per operation (default 15).
Every answer must be below 500, carry a documented status code and match its documented schema.
The request count per service is printed (run with -s to see it).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.console import api_login, make_account
from tests.support.evidence import grant
from tests.support.keys import wait_for_intake_key
from tests.support.notify import OPS_TOKEN, SERVICE_TOKEN
from tests.support.portal import SideIntake, side_intake
from tests.support.reports import sample_report
from tests.support.stack import ROOT, VENV, ServiceProcess, base_url

pytestmark = pytest.mark.stack

EXAMPLES = os.environ.get("PELUIT_FUZZ_EXAMPLES", "15")
CHECKS = (
    "not_a_server_error,status_code_conformance,response_schema_conformance,negative_data_rejection"
)


@pytest.fixture(scope="module")
def fuzzed_intake(services: object) -> Iterator[SideIntake]:
    # Limits out of the way so generated requests reach the handlers, not the throttle.
    with side_intake(
        slot=91,
        receipt_failures_per_source="1000000",
        receipt_failures_global="1000000",
        submissions_per_source_per_hour="1000000",
    ) as proc:
        yield proc


def fuzz(
    url: str, workdir: Path, tokens: dict[str, str], paths: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess[str], Counter[int]]:
    log = workdir / f"calls-{uuid.uuid4().hex}.log"
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks",
        "PYTHONPATH": str(ROOT),
        "PELUIT_FUZZ_TOKENS": json.dumps(tokens),
        "PELUIT_FUZZ_PATHS": json.dumps(paths),
        "PELUIT_FUZZ_LOG": str(log),
    }
    run = subprocess.run(
        [
            str(VENV / "bin" / "schemathesis"),
            "run",
            f"{url}/schema/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            EXAMPLES,
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
            "--request-timeout",
            "15",
            "--seed",
            os.environ.get("PELUIT_FUZZ_SEED", "1313"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=workdir,
        env=env,
    )
    statuses: Counter[int] = Counter()
    if log.exists():
        for line in log.read_text().splitlines():
            statuses[int(line.split()[0])] += 1
    return run, statuses


def report(service: str, statuses: Counter[int]) -> None:
    total = sum(statuses.values())
    print(f"\n[fuzz] {service}: {total} requests, by status {dict(sorted(statuses.items()))}")


def check(service: str, run: subprocess.CompletedProcess[str], statuses: Counter[int]) -> None:
    report(service, statuses)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert statuses, "no request was made"
    assert not [s for s in statuses if s >= 500], statuses


def test_intake(fuzzed_intake: SideIntake, tmp_path: Path) -> None:
    with httpx.Client(base_url=fuzzed_intake.url, timeout=10) as client:
        receipt = client.post("/api/v1/reports", json=sample_report()).json()["receipt"]
        token = client.post("/api/v1/mailbox/session", json={"receipt": receipt}).json()["token"]
    run, statuses = fuzz(
        fuzzed_intake.url,
        tmp_path,
        {"mailbox": f"Bearer {token}"},
        {},
        # Signing out would end the session the rest of the run uses.
        "--exclude-method",
        "DELETE",
    )
    check("intake", run, statuses)
    assert "unhandled_error" not in fuzzed_intake.log_text()


def test_cases(services: dict[str, ServiceProcess], tmp_path: Path) -> None:
    account = make_account("fuzz-coordinator", "coordinator")
    wait_for_intake_key(account.username)
    token = api_login(base_url("cases"), account)
    run, statuses = fuzz(
        base_url("cases"),
        tmp_path,
        {"staff": f"Bearer {token}"},
        {},
        # Signing out or changing the password would end the session the run uses.
        "--exclude-path",
        "/api/v1/auth/logout",
        "--exclude-path",
        "/api/v1/account/password",
    )
    check("cases", run, statuses)


def test_evidence(services: dict[str, ServiceProcess], tmp_path: Path) -> None:
    report_id = uuid.uuid4()
    upload = grant(iss="intake", kind="upload", report_id=report_id, ttl=1800)
    run, statuses = fuzz(
        base_url("evidence"),
        tmp_path,
        {"grant": f"Grant {upload}"},
        {"report_id": str(report_id)},
    )
    check("evidence", run, statuses)


def test_notifications(services: dict[str, ServiceProcess], tmp_path: Path) -> None:
    tokens: dict[str, Any] = {"ops": f"Bearer {OPS_TOKEN}", "service": f"Bearer {SERVICE_TOKEN}"}
    run, statuses = fuzz(base_url("notifications"), tmp_path, tokens, {})
    check("notifications", run, statuses)
