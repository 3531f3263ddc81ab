"""No dev secret in production: outside PELUIT_ENV=dev every service refuses to start when
any secret is a default shipped with Peluit or too short, and says which setting (never the
value)."""

from __future__ import annotations

import os
import subprocess
from importlib import import_module

import pytest

from tests.support.stack import VENV

pytestmark = pytest.mark.stack

STRONG = "s3cret-for-this-deployment-only-0123456789"
SECRETS = {
    "intake": ["PELUIT_INTAKE_MANUAL_ENTRY_TOKEN"],
    "cases": ["PELUIT_CASES_INTAKE_MANUAL_ENTRY_TOKEN", "PELUIT_CASES_NOTIFICATIONS_SERVICE_TOKEN"],
    "evidence": ["PELUIT_EVIDENCE_S3_SECRET_KEY"],
    "notifications": [
        "PELUIT_NOTIFICATIONS_WEBHOOK_SECRET",
        "PELUIT_NOTIFICATIONS_OPS_TOKEN",
        "PELUIT_NOTIFICATIONS_SERVICE_TOKEN",
    ],
}
SETTINGS = {
    "intake": "peluit_intake.settings:IntakeSettings",
    "cases": "peluit_cases.settings:CasesSettings",
    "evidence": "peluit_evidence.settings:EvidenceSettings",
    "notifications": "peluit_notifications.settings:NotificationsSettings",
}


def production_env(service: str) -> dict[str, str]:
    """Every secret of `service` set to a strong value, and no dev mode."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PELUIT_ENV" and not k.startswith("PELUIT_PG_PASSWORD") and "SECRET" not in k
    }
    env.update(dict.fromkeys(SECRETS[service], STRONG))
    env[f"PELUIT_{service.upper()}_DB_DSN"] = (
        f"postgresql://peluit_{service}:{STRONG}@127.0.0.1:1/peluit_{service}"
    )
    return env


def start(service: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV / "bin" / f"peluit-{service}"), "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def refused(service: str, env: dict[str, str], setting: str, value: str) -> None:
    done = start(service, env)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "refusing to start" in out and setting in out, out
    assert value not in out


CASES = [
    (service, setting, "default")
    for service, settings in SECRETS.items()
    for setting in [*settings, f"PELUIT_{service.upper()}_DB_DSN"]
] + [(service, settings[0], "short") for service, settings in SECRETS.items()]


@pytest.mark.parametrize(("service", "setting", "how"), CASES)
def test_a_service_refuses_a_default_or_short_secret_outside_dev(
    service: str, setting: str, how: str
) -> None:
    env = production_env(service)
    if setting.endswith("_DB_DSN"):
        password = f"peluit-{service}-dev" if how == "default" else "short-pw"
        if how == "default":
            del env[setting]  # the DSN built from the shipped default password
        else:
            env[setting] = f"postgresql://peluit_{service}:{password}@127.0.0.1:1/x"
        refused(service, env, setting, password)
    elif how == "default":
        del env[setting]  # the shipped default applies
        refused(service, env, setting, "peluit-dev-")
    else:
        env[setting] = "too-short-9"
        refused(service, env, setting, "too-short-9")


@pytest.mark.parametrize("service", list(SECRETS))
def test_strong_secrets_pass_and_dev_mode_allows_the_defaults(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, name = SETTINGS[service].split(":")
    settings_class = getattr(import_module(module), name)
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in production_env(service).items():
        monkeypatch.setenv(key, value)
    settings_class().check_secrets()  # no exit: every secret is strong
    for key in [*SECRETS[service], f"PELUIT_{service.upper()}_DB_DSN"]:
        monkeypatch.delenv(key)
    with pytest.raises(SystemExit):
        settings_class().check_secrets()
    monkeypatch.setenv("PELUIT_ENV", "dev")
    settings_class().check_secrets()
