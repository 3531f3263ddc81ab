"""README's "Try it" block, run as it stands against the real stack (issue 13).

Only what differs on a test run is changed: the ports (the suite may run at a port offset) and
the coordinator's name (each run creates a new one, as a fresh machine would have none).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from typing import Any

import pytest

from tests.support.stack import PORTS, ROOT, ServiceProcess, port

pytestmark = pytest.mark.stack


def try_it_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("Try it (")
    match = re.search(r"```sh\n(.*?)```", readme[start:], re.S)
    assert match, "no sh block after 'Try it'"
    return match.group(1)


def answers(stdout: str) -> list[Any]:
    decoder, out, at = json.JSONDecoder(), [], 0
    while at < len(stdout):
        if stdout[at].isspace():
            at += 1
            continue
        value, at = decoder.raw_decode(stdout, at)
        out.append(value)
    return out


def test_the_readme_try_it_block_runs(services: dict[str, ServiceProcess]) -> None:
    script = try_it_block()
    for name, default in PORTS.items():
        script = script.replace(f"127.0.0.1:{default}/", f"127.0.0.1:{port(name)}/")
    user = f"coord-{uuid.uuid4().hex[:8]}"
    assert "--username coord " in script and '\\"username\\":\\"coord\\"' in script
    script = script.replace("--username coord ", f"--username {user} ")
    script = script.replace('\\"username\\":\\"coord\\"', f'\\"username\\":\\"{user}\\"')
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    mailbox, cases, deliveries = answers(run.stdout)
    # The reporter's status word, as the README's table says.
    assert mailbox["status"]["status"] == "received", mailbox
    assert mailbox["status"]["label_en"] == "Received"
    # The coordinator's list and the ops API answered, not a problem document.
    for answer in (cases, deliveries):
        assert not (isinstance(answer, dict) and isinstance(answer.get("status"), int)), answer
