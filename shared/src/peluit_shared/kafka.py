"""The Kafka broker every service uses: idempotent producer, acks=all, retries."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaBroker


def make_broker(bootstrap: str, client_id: str) -> KafkaBroker:
    return KafkaBroker(
        bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=15_000,
        retry_backoff_ms=200,
        linger_ms=1,
        logger=logging.getLogger(f"peluit.kafka.{client_id}"),
        graceful_timeout=10.0,
    )
