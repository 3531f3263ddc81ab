"""Structured JSON logging that never carries IP addresses, user agents or reporter data."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# Keys that must never reach a log line, whatever a caller passes.
FORBIDDEN_KEYS = frozenset(
    {
        "ip",
        "client",
        "client_ip",
        "remote_addr",
        "remote",
        "peer",
        "host_ip",
        "x_forwarded_for",
        "forwarded",
        "user_agent",
        "headers",
        "cookie",
        "cookies",
        "authorization",
        "identity",
        "reporter",
        "name",
        "email",
        "phone",
        "employee_number",
        "nip",
        "receipt",
        "password",
        "body",
        "content",
        "report",
        "text",
    }
)
REDACTED = "[redacted]"


def scrub(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Drop forbidden keys so a careless call cannot leak identity into logs."""
    for key in list(event_dict):
        if key.lower() in FORBIDDEN_KEYS:
            event_dict[key] = REDACTED
    return event_dict


# Ids and report numbers inside free-text messages (third-party libraries log URLs such as
# /api/v1/reports/<id>/evidence): replaced, so a log line cannot be tied to a report.
_IDS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|WBS-\d{4}-\d+"
)


def redact_ids(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = _IDS.sub(REDACTED, event)
    return event_dict


def configure_logging(service: str, level: str = "INFO") -> None:
    """JSON lines on stdout for structlog and the standard library alike."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        scrub,
        redact_ids,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Access logs name the client's address: they stay off.
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    # httpx logs every request's URL at INFO (intake's forwards name the report): warnings only.
    for chatty in ("aiokafka", "faststream", "kafka", "httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]
