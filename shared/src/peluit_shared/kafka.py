"""The Kafka broker every service uses: SCRAM identity, idempotent producer, acks=all, retries."""

from __future__ import annotations

import logging
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.security import SASLScram256, SASLScram512

from peluit_shared.settings import InfraSettings, KafkaCredentials


class KafkaConfigError(RuntimeError):
    """The Kafka settings cannot work (no password for a SASL listener, unknown mechanism)."""


def _check(credentials: KafkaCredentials | None, infra: InfraSettings) -> bool:
    """True when SASL is used; raises when it is used without a user or password."""
    if not infra.kafka_security_protocol.startswith("SASL_"):
        return False
    if credentials is None or not credentials.username or not credentials.password:
        user = credentials.username if credentials else "?"
        raise KafkaConfigError(
            f"Kafka user {user!r} has no password: set PELUIT_KAFKA_PASSWORD_{user.upper()} "
            "(the local stack sets it in deploy/local/env.sh)"
        )
    if infra.kafka_sasl_mechanism not in ("SCRAM-SHA-512", "SCRAM-SHA-256"):
        raise KafkaConfigError(f"unsupported SASL mechanism {infra.kafka_sasl_mechanism!r}")
    return True


def bootstrap_servers(bootstrap: str) -> list[str]:
    """`host:port,host:port,...` (PELUIT_KAFKA_BOOTSTRAP of a cluster) as a list.

    faststream hands a plain string to aiokafka as ONE host, so a cluster's list must be split
    here, or every client would try to resolve "h1:p1,h2:p2" as a host name.
    """
    servers = [s.strip() for s in bootstrap.split(",") if s.strip()]
    if not servers:
        raise ValueError("PELUIT_KAFKA_BOOTSTRAP is empty")
    return servers


def client_options(
    credentials: KafkaCredentials | None, infra: InfraSettings | None = None
) -> dict[str, Any]:
    """aiokafka keyword arguments (bootstrap and SASL) for `credentials`."""
    infra = infra or InfraSettings()
    options: dict[str, Any] = {"bootstrap_servers": bootstrap_servers(infra.kafka_bootstrap)}
    if _check(credentials, infra):
        assert credentials is not None
        options.update(
            security_protocol=infra.kafka_security_protocol,
            sasl_mechanism=infra.kafka_sasl_mechanism,
            sasl_plain_username=credentials.username,
            sasl_plain_password=credentials.password,
        )
        if infra.kafka_security_protocol == "SASL_SSL":
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context()
    return options


def admin_credentials(infra: InfraSettings | None = None) -> KafkaCredentials:
    """The super user of scripts and tests (`PELUIT_KAFKA_ADMIN_USER` / `_PASSWORD`)."""
    infra = infra or InfraSettings()
    return KafkaCredentials(infra.kafka_admin_user, infra.kafka_admin_password.get_secret_value())


def make_broker(
    bootstrap: str,
    client_id: str,
    credentials: KafkaCredentials | None,
    infra: InfraSettings | None = None,
) -> KafkaBroker:
    infra = infra or InfraSettings()
    security: SASLScram512 | SASLScram256 | None = None
    if _check(credentials, infra):
        assert credentials is not None
        use_ssl = infra.kafka_security_protocol == "SASL_SSL"
        scram = SASLScram512 if infra.kafka_sasl_mechanism == "SCRAM-SHA-512" else SASLScram256
        security = scram(credentials.username, credentials.password, use_ssl=use_ssl)
    return KafkaBroker(
        bootstrap_servers(bootstrap),
        client_id=client_id,
        security=security,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=15_000,
        retry_backoff_ms=200,
        linger_ms=1,
        logger=logging.getLogger(f"peluit.kafka.{client_id}"),
        graceful_timeout=10.0,
    )
