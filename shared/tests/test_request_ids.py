"""Every log line of a request carries its random request id and the route template, never the
concrete path; the problem body returns the id (issue 13)."""

from __future__ import annotations

import json
import logging
import uuid

import structlog
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from peluit_shared.http import EXCEPTION_HANDLERS, input_edge, security_headers
from peluit_shared.logging import configure_logging, get_logger

log = get_logger("test.handler")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@get("/cases/{case_id:uuid}/notes/{note_id:int}")
async def note(case_id: uuid.UUID, note_id: int) -> dict[str, str]:
    log.info("reading_note")
    raise KeyError("a bug")


@get("/quiet")
async def quiet() -> dict[str, str]:
    log.info("quiet_request")
    return {"ok": "yes"}


async def test_log_lines_carry_the_request_id_and_route_template_never_the_path() -> None:
    configure_logging("test", "INFO")
    collected = Collect()
    logging.getLogger().addHandler(collected)
    app = Litestar(
        route_handlers=[note, quiet],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers(), input_edge()],
        logging_config=None,  # keep configure_logging's handlers
    )
    case_id = uuid.uuid4()
    try:
        async with AsyncTestClient(app=app) as client:
            collected.records.clear()
            r = await client.get(f"/cases/{case_id}/notes/987654321")
            other = await client.get("/quiet")
            records = [rec.msg for rec in collected.records if isinstance(rec.msg, dict)]
    finally:
        logging.getLogger().removeHandler(collected)
        structlog.reset_defaults()
        structlog.contextvars.clear_contextvars()
    assert r.status_code == 500
    request_id = r.headers["x-request-id"]
    assert r.json()["request_id"] == request_id
    assert other.headers["x-request-id"] != request_id  # random per request
    ours = [line for line in records if line.get("request_id") == request_id]
    events = {line["event"] for line in ours}
    assert {"reading_note", "unhandled_error"} <= events
    for line in ours:
        assert line["route"] == "/cases/{case_id}/notes/{note_id}"
    text = json.dumps(records, default=str)
    assert str(case_id) not in text and "987654321" not in text
    quiet_line = next(line for line in records if line["event"] == "quiet_request")
    assert quiet_line["request_id"] == other.headers["x-request-id"]
