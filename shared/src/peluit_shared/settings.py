"""Typed settings from environment variables, with defaults that match the local stack."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def port_offset() -> int:
    """`PELUIT_PORT_OFFSET` shifts every default port, so two checkouts can run side by side."""
    return int(os.environ.get("PELUIT_PORT_OFFSET", "0"))


def env_port(name: str, default: int) -> int:
    return int(os.environ.get(name, default + port_offset()))


def repo_data_dir() -> Path:
    """Where the local stack keeps its data (`.local` at the repository root by default)."""
    env = os.environ.get("PELUIT_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / ".local"


# Every secret value the repository ships for the local stack. Outside `PELUIT_ENV=dev` a
# service refuses to start with any of them, or with a secret shorter than MIN_SECRET_LENGTH.
SHIPPED_SECRETS = frozenset(
    {
        "peluit-dev-pepper-change-me",
        "peluit-dev-manual-entry-token",
        "peluit-dev-notifications-service-token",
        "peluit-dev-notifications-ops-token",
        "peluit-dev-webhook-secret",
        "peluit-dev-secret",
        "peluit-admin-dev",
        "peluit-intake-dev",
        "peluit-cases-dev",
        "peluit-evidence-dev",
        "peluit-notifications-dev",
    }
)
MIN_SECRET_LENGTH = 16


def is_dev() -> bool:
    """`PELUIT_ENV=dev` (set by `./peluit`, deploy/local and the tests) allows the dev secrets."""
    return os.environ.get("PELUIT_ENV", "").strip().lower() == "dev"


def secret_problem(value: str | None, default: object = None) -> str | None:
    """Why `value` may not be used as a production secret, or None."""
    if not value:
        return "is not set"
    if value in SHIPPED_SECRETS or value == default:
        return "is a default shipped with Peluit"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def require_secret(name: str, value: str) -> str:
    """`value`, unless outside dev mode it is a shipped default or too short (then exit)."""
    problem = None if is_dev() else secret_problem(value)
    if problem:
        raise SystemExit(
            f"refusing to start: {name} {problem}; set it (PELUIT_ENV=dev allows dev values)"
        )
    return value


def event_key_file(service: str) -> Path:
    """`PELUIT_<SERVICE>_EVENT_KEY_FILE`, by default `.local/keys/<service>/events/event.key`."""
    override = os.environ.get(f"PELUIT_{service.upper()}_EVENT_KEY_FILE")
    if override:
        return Path(override)
    return repo_data_dir() / "keys" / service / "events" / "event.key"


@dataclass(frozen=True)
class KafkaCredentials:
    """A SCRAM user of the Kafka cluster."""

    username: str
    password: str = field(repr=False)


class InfraSettings(BaseSettings):
    """Where the shared infrastructure is; one set of variables for every service."""

    model_config = SettingsConfigDict(env_prefix="PELUIT_", extra="ignore")

    kafka_bootstrap: str = Field(
        default_factory=lambda: f"127.0.0.1:{env_port('PELUIT_KAFKA_PORT', 29092)}"
    )
    # SASL_PLAINTEXT on loopback (local stack); SASL_SSL between hosts; PLAINTEXT only for a
    # broker without authentication (never in production).
    kafka_security_protocol: str = "SASL_PLAINTEXT"
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    # The super user of scripts and tests (topics, ACLs, SCRAM users); services never use it.
    kafka_admin_user: str = "admin"
    kafka_admin_password: SecretStr = SecretStr("")
    # Public halves of every producer's event-signing keys (`<service>.<key id>.pub`).
    event_verify_key_dir: Path = Field(
        default_factory=lambda: repo_data_dir() / "keys" / "event-verify"
    )
    pg_host: str = "127.0.0.1"
    pg_port: int = Field(default_factory=lambda: env_port("PELUIT_PG_PORT", 25432))


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `env_prefix`, e.g. `PELUIT_INTAKE_`."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "peluit"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    db_dsn: str = ""
    db_pool_min: int = 1
    db_pool_max: int = 10
    log_level: str = "INFO"
    kafka_group_id: str = ""
    # Bounded retries before a message goes to its dead-letter topic.
    consumer_max_attempts: int = 3
    outbox_batch_size: int = 200
    outbox_poll_seconds: float = 1.0
    consumer_lag_seconds: float = 15.0  # how often each consumer group's lag is measured
    migrate_on_start: bool = True
    # `/metrics` lives on this internal port, never on the public one (default: HTTP port + 1000).
    ops_host: str = "127.0.0.1"
    ops_port: int = -1

    @model_validator(mode="after")
    def _default_ops_port(self) -> ServiceSettings:
        if self.ops_port < 0:
            self.ops_port = self.http_port + 1000
        return self

    # Slow clients (peluit_shared.slow_clients): request line + headers within this many
    # seconds; a body at least `_body_min_bytes` per `_body_window_seconds`; idle keep-alive.
    http_header_timeout_seconds: float = 20.0
    http_body_window_seconds: float = 30.0
    http_body_min_bytes: int = 4096
    http_keep_alive_seconds: float = 5.0
    http_max_header_bytes: int = 32 * 1024

    # Names of this service's secret settings; checked by `check_secrets` (with the DSN password).
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Secrets that may be empty (a feature switched off), e.g. an SMTP password.
    OPTIONAL_SECRETS: ClassVar[tuple[str, ...]] = ()

    def secret_problems(self) -> list[str]:
        """One line per unusable secret, naming its variable (never its value)."""
        prefix = str(self.model_config.get("env_prefix", "PELUIT_"))
        problems = []
        password = urlsplit(self.db_dsn).password if self.db_dsn else None
        problem = secret_problem(password)
        if problem:
            problems.append(
                f"{prefix}DB_DSN (or PELUIT_PG_PASSWORD_{self.service_name.upper()}): "
                f"the database password {problem}"
            )
        for name in self.SECRET_FIELDS:
            value = getattr(self, name)
            if not value and name in self.OPTIONAL_SECRETS:
                continue
            problem = secret_problem(value, type(self).model_fields[name].default)
            if problem:
                problems.append(f"{prefix}{name.upper()} {problem}")
        return problems

    def check_secrets(self) -> None:
        """Exit with a clear message when a secret is unusable, unless PELUIT_ENV=dev."""
        if is_dev():
            return
        problems = self.secret_problems()
        if problems:
            raise SystemExit(
                f"[peluit-{self.service_name}] refusing to start outside PELUIT_ENV=dev: "
                + "; ".join(problems)
            )

    def infra(self) -> InfraSettings:
        return InfraSettings()

    def kafka_credentials(self) -> KafkaCredentials:
        """This service's own Kafka user (named like the service) and its password.

        The password comes from `PELUIT_KAFKA_PASSWORD_<SERVICE>`; there is no default here
        (deploy/local/env.sh sets the local stack's dev passwords).
        """
        return KafkaCredentials(
            username=self.service_name,
            password=os.environ.get(f"PELUIT_KAFKA_PASSWORD_{self.service_name.upper()}", ""),
        )

    def event_key_file(self) -> Path:
        """This service's event-signing key (`peluit-<svc> event-keys ensure` makes it)."""
        return event_key_file(self.service_name)

    def default_dsn(self, service: str) -> str:
        infra = self.infra()
        password = os.environ.get(f"PELUIT_PG_PASSWORD_{service.upper()}", f"peluit-{service}-dev")
        return (
            f"postgresql://peluit_{service}:{password}@{infra.pg_host}:{infra.pg_port}"
            f"/peluit_{service}"
        )
