"""Typed settings from environment variables, with defaults that match the local stack."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, SecretStr
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
    migrate_on_start: bool = True

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
