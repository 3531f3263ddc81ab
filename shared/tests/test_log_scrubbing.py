"""Log lines never carry IP addresses, user agents or reporter data."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from peluit_shared.logging import REDACTED, configure_logging, get_logger


def test_forbidden_keys_are_redacted_in_json_logs(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("test", "INFO")
    get_logger("t").info(
        "request",
        ip="10.1.2.3",
        user_agent="Mozilla/5.0 marker",
        email="pelapor@example.com",
        report_number="WBS-2026-000001",
    )
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["ip"] == REDACTED and line["user_agent"] == REDACTED
    assert line["email"] == REDACTED
    assert line["report_number"] == "WBS-2026-000001"
    assert line["service"] == "test"
    structlog.reset_defaults()


def test_access_logs_are_disabled() -> None:
    configure_logging("test", "INFO")
    assert logging.getLogger("uvicorn.access").disabled
    structlog.reset_defaults()


def test_ids_in_library_messages_are_redacted_and_httpx_urls_not_logged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("test", "INFO")
    report = "91c3c52d-307a-4460-b0cf-fb886e53c5f1"
    logging.getLogger("httpx").info(f"HTTP Request: POST http://e/api/v1/reports/{report}/evidence")
    logging.getLogger("some.library").warning(f"retrying {report} for WBS-2026-48213907")
    out = capsys.readouterr().out
    assert report not in out and "WBS-2026-48213907" not in out and "HTTP Request" not in out
    line = json.loads(out.strip().splitlines()[-1])
    assert line["event"] == f"retrying {REDACTED} for {REDACTED}"
    structlog.reset_defaults()
