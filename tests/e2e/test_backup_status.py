"""A backup that fails shows in `./peluit status` and in the metric the alert reads."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.stack import ROOT

pytestmark = pytest.mark.stack
BACKUP = ROOT / "deploy" / "local" / "backup.sh"


def metric() -> str:
    data = subprocess.run(
        ["bash", "-c", '. deploy/local/env.sh && printf %s "$PELUIT_DATA"'],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return (Path(data) / "prometheus" / "textfile" / "backup.prom").read_text()


def status() -> str:
    done = subprocess.run(
        [str(BACKUP), "status"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    return done.stdout


def test_a_failed_backup_shows_in_status_and_sets_the_alert_metric() -> None:
    subprocess.run([str(BACKUP), "setup"], cwd=ROOT, check=True, capture_output=True)
    # The repository's bucket is unreachable for this run (pgBackRest reads PGBACKREST_* env).
    env = {**os.environ, "PGBACKREST_REPO1_S3_BUCKET": "peluit-no-such-bucket"}
    failed = subprocess.run(
        [str(BACKUP), "backup", "incr"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert failed.returncode != 0
    assert "peluit_backup_last_run_success 0" in metric()
    assert "backup FAILED" in status()
    # The next good backup clears it.
    subprocess.run([str(BACKUP), "backup", "incr"], cwd=ROOT, check=True, capture_output=True)
    assert "peluit_backup_last_run_success 1" in metric()
    assert "backup up" in status()
