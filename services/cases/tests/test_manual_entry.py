"""Manual entry speaks intake's contract: token, channel, 201 with the receipt, field errors."""

from __future__ import annotations

import json

import httpx
import pytest

from peluit_cases.service.errors import Invalid, Refused
from peluit_cases.service.manual_entry import IntakeRefused, forward

REPORT = {
    "category": "korupsi",
    "what": "Uang pelicin izin kapal",
    "who": [{"name": "Budi"}],
    "where": "Muara Baru",
    "when": "Maret 2026",
    "how": "Transfer",
}


def fake_intake(
    seen: list[httpx.Request], status: int, body: dict[str, object]
) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handle)


async def test_a_letter_goes_to_intake_with_the_token_and_channel() -> None:
    seen: list[httpx.Request] = []
    answer = {"report_number": "WBS-2026-48213907", "receipt": "0042-1234-5678-9012-3456"}
    accepted = await forward(
        "http://intake", "tok", REPORT, "letter", fake_intake(seen, 201, answer)
    )
    assert accepted == answer
    sent = seen[0]
    assert sent.url.path == "/api/v1/reports"
    assert sent.headers["authorization"] == "Bearer tok"
    assert json.loads(sent.content) == {**REPORT, "channel": "letter"}


async def test_intake_field_errors_come_back_as_a_422() -> None:
    errors = [{"field": "what", "message": "Minimal 10 karakter"}]
    with pytest.raises(IntakeRefused) as refused:
        await forward(
            "http://intake", "tok", REPORT, "phone", fake_intake([], 422, {"errors": errors})
        )
    assert refused.value.status == 422 and refused.value.extra["errors"] == errors


async def test_unknown_channels_never_reach_intake() -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(Invalid):
        await forward("http://intake", "tok", REPORT, "portal", fake_intake(seen, 201, {}))
    assert seen == []


async def test_a_wrong_token_is_a_refusal() -> None:
    with pytest.raises(Refused):
        await forward("http://intake", "bad", REPORT, "email", fake_intake([], 401, {}))
