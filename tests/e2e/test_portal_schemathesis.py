"""Schemathesis drives every operation of intake's OpenAPI document: no input makes a 5xx."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.portal import SideIntake, side_intake
from tests.support.reports import sample_report
from tests.support.stack import VENV

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def fuzzed_intake(services: object) -> Iterator[SideIntake]:
    # Limits out of the way so every generated request reaches the handlers.
    with side_intake(
        receipt_failures_per_source="1000000",
        receipt_failures_global="1000000",
        submissions_per_source_per_hour="1000000",
    ) as proc:
        yield proc


def schemathesis(url: str, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(VENV / "bin" / "schemathesis"),
            "run",
            f"{url}/schema/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--no-color",
            "--request-timeout",
            "10",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=workdir,
    )


def test_no_generated_request_makes_a_server_error(
    fuzzed_intake: SideIntake, tmp_path: Path
) -> None:
    started = time.monotonic()
    log_before = len(fuzzed_intake.log_text())
    base = fuzzed_intake.url
    with httpx.Client(base_url=base, timeout=10) as client:
        receipt = client.post("/api/v1/reports", json=sample_report()).json()["receipt"]
        token = client.post("/api/v1/mailbox/session", json={"receipt": receipt}).json()["token"]
    anonymous = schemathesis(base, tmp_path)
    # Signed in (sign-out left out so the session lives through the run).
    signed_in = schemathesis(
        base, tmp_path, "--header", f"Authorization: Bearer {token}", "--exclude-method", "DELETE"
    )
    for run in (anonymous, signed_in):
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
        assert "generated" in run.stdout and " 0 generated" not in run.stdout
    assert "unhandled_error" not in fuzzed_intake.log_text()[log_before:]
    assert time.monotonic() - started < 60
