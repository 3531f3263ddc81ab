"""Reporters on Tor: the shipped torrc publishes only intake as an onion service and passes
`tor --verify-config`; the portal names its onion address and sends Onion-Location."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.stack import OFFSET, PORTS, ServiceProcess

pytestmark = pytest.mark.stack

TORRC = Path(__file__).resolve().parents[2] / "deploy" / "tor" / "torrc"
ONION = ("peluitkkp" + "abcdefghijklmnopqrstuvwxyz234567" + "abcdefghijklmno")[:56] + ".onion"


def verify(torrc_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`tor --verify-config` on the text with its state folders moved into tmp_path."""
    tor = shutil.which("tor") or "/usr/sbin/tor"
    data = tmp_path / "tor"
    data.mkdir(mode=0o700, parents=True)
    torrc = tmp_path / "torrc"
    torrc.write_text(torrc_text.replace("/var/lib/tor", str(data)))
    return subprocess.run(
        [tor, "--verify-config", "-f", str(torrc)], capture_output=True, text=True, cwd=tmp_path
    )


def test_shipped_torrc_passes_tor_verify_config_and_publishes_only_intake(
    tmp_path: Path,
) -> None:
    text = TORRC.read_text()
    result = verify(text, tmp_path)
    assert result.returncode == 0 and "Configuration was valid" in result.stdout, result.stdout
    ports = re.findall(r"^HiddenServicePort\s+(.+)$", text, flags=re.MULTILINE)
    assert ports == ["80 127.0.0.1:8010"]  # intake only, on loopback
    assert re.search(r"^SocksPort 0$", text, flags=re.MULTILINE)
    # The check is real: a misspelt option is refused.
    broken = verify(text + "\nHiddenServicePortt 81 127.0.0.1:8020\n", tmp_path / "b")
    assert broken.returncode != 0


async def test_portal_names_its_onion_address_and_sends_onion_location() -> None:
    http, ops = PORTS["intake"] + OFFSET + 7, PORTS["intake"] + OFFSET + 1007
    proc = ServiceProcess(
        "intake",
        env={
            "PELUIT_INTAKE_HTTP_PORT": str(http),
            "PELUIT_INTAKE_OPS_PORT": str(ops),
            "PELUIT_INTAKE_CONSUMERS_ENABLED": "false",
            "PELUIT_INTAKE_ONION_ADDRESS": ONION,
        },
    )
    proc.start()
    try:
        proc.wait_ready()
        async with httpx.AsyncClient(base_url=proc.url) as client:
            home = await client.get("/?lang=en")
            assert ONION in home.text and "Tor Browser" in home.text
            assert home.headers["onion-location"] == f"http://{ONION}/?lang=en"
            form = await client.get("/report")
            assert form.headers["onion-location"] == f"http://{ONION}/report"
    finally:
        proc.stop()


def test_a_malformed_onion_address_refuses_to_start() -> None:
    env = {**os.environ, "PELUIT_INTAKE_ONION_ADDRESS": "example.com"}
    venv = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "peluit-intake"
    result = subprocess.run(
        [str(venv), "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "onion_address" in result.stdout + result.stderr
