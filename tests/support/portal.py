"""The whistleblower portal under test: the team's side through the real topics, side processes.

The cases service's mailbox is being built elsewhere, so the tests play the team: they publish
`case.message_to_reporter` / `case.status_changed` to the real Kafka topics and read
`report.followup_posted` back, opening it with the real cases private keys.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from nacl.encoding import Base64Encoder
from nacl.public import PublicKey

from peluit_shared.crypto import seal, unseal
from peluit_shared.events import (
    CaseMessageToReporter,
    CaseStatusChanged,
    ReportFollowupPosted,
    ReportSubmitted,
)
from peluit_shared.events.cases import CaseMessageToReporterPayload, CaseStatusChangedPayload
from tests.support.kafka import publish, topic_records
from tests.support.keys import case_keys_for_report_sync
from tests.support.stack import DATA, ServiceProcess, port

T = TypeVar("T")
CASES_KEYS = DATA / "keys" / "cases"


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 15.0) -> T:
    started = time.monotonic()
    while True:
        found = await probe()
        if found is not None:
            return found
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"nothing after {timeout}s")
        await asyncio.sleep(0.2)


async def submitted_event(report_number: str) -> ReportSubmitted:
    """The real `report.submitted` event of a report, as the cases service receives it."""

    async def probe() -> ReportSubmitted | None:
        for raw in await topic_records("report.submitted"):
            if report_number.encode() in raw:
                event = ReportSubmitted.model_validate_json(raw)
                if event.payload.report_number == report_number:
                    return event
        return None

    return await eventually(probe)


async def followup_events(report_number: str) -> list[ReportFollowupPosted]:
    return [
        event
        for raw in await topic_records("report.followup_posted")
        if report_number.encode() in raw
        and (event := ReportFollowupPosted.model_validate_json(raw)).payload.report_number
        == report_number
    ]


def open_as_cases(event: ReportFollowupPosted) -> str:
    """The reporter's text, opened with the case key (as a team member's session would)."""
    plain = unseal(
        case_keys_for_report_sync(event.payload.report_id), event.payload.sealed_followup
    )
    return str(json.loads(plain)["text"])


async def send_staff_message(
    submitted: ReportSubmitted, text: str, kind: str = "question"
) -> CaseMessageToReporter:
    """What the team's console will do: seal a message to the reporter and publish it."""
    event = staff_message(submitted, text, kind)
    await publish(event)
    return event


def staff_message(
    submitted: ReportSubmitted, text: str, kind: str = "question"
) -> CaseMessageToReporter:
    """A message to the reporter as the cases service makes it (sealed to the reporter)."""
    p = submitted.payload
    assert p.reporter_public_key, "every report with a receipt names the reporter's key"
    reporter = PublicKey(p.reporter_public_key.encode(), encoder=Base64Encoder)
    event = CaseMessageToReporter(
        correlation_id=p.report_id,
        payload=CaseMessageToReporterPayload(
            message_id=uuid.uuid4(),
            case_id=uuid.uuid4(),
            report_id=p.report_id,
            report_number=p.report_number,
            kind=kind,  # type: ignore[arg-type]
            sealed_message=seal(reporter, json.dumps({"text": text}).encode()),
        ),
    )
    return event


async def send_status(
    submitted: ReportSubmitted, to_status: str, public_status: str | None
) -> CaseStatusChanged:
    p = submitted.payload
    event = CaseStatusChanged(
        correlation_id=p.report_id,
        payload=CaseStatusChangedPayload(
            case_id=uuid.uuid4(),
            report_id=p.report_id,
            report_number=p.report_number,
            from_status="received",
            to_status=to_status,  # type: ignore[arg-type]
            public_status=public_status,  # type: ignore[arg-type]
        ),
    )
    await publish(event)
    return event


@dataclass
class SideIntake(ServiceProcess):
    """A second intake process on its own port, HTTP only (no consumers), own settings."""

    side_port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.side_port}"


@contextmanager
def side_intake(slot: int = 90, **settings: str) -> Iterator[SideIntake]:
    side_port = port("intake") + slot
    env = {
        "PELUIT_INTAKE_HTTP_PORT": str(side_port),
        "PELUIT_INTAKE_CONSUMERS_ENABLED": "false",
        **{f"PELUIT_INTAKE_{k.upper()}": v for k, v in settings.items()},
    }
    proc = SideIntake("intake", env=env, side_port=side_port)
    proc.start()
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()


async def api_sign_in(client: httpx.AsyncClient, receipt: str) -> str:
    r = await client.post("/api/v1/mailbox/session", json={"receipt": receipt})
    assert r.status_code == 201, r.text
    return str(r.json()["token"])


async def api_mailbox(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    r = await client.get("/api/v1/mailbox", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def fill_report(
    page: Any, marker: str, *, identity: dict[str, str] | None = None, people: int = 1
) -> None:
    """Fill the report form as a reporter would (a Playwright page on /report)."""
    await page.select_option("#category", "pungutan_liar")
    await page.fill("#what", f"Petugas meminta pungutan liar saat pemeriksaan kapal. {marker}")
    for i in range(people):
        await page.fill(f"#who-{i}-name", f"Terlapor {i} {marker}")
        await page.fill(f"#who-{i}-position", "Pengawas Perikanan")
        await page.select_option(f"#who-{i}-unit", "Ditjen PSDKP")
    await page.fill("#where", "Pelabuhan Perikanan Nusantara Pengambengan")
    await page.fill("#when", "Januari 2026")
    await page.fill("#date_from", "2026-01-05")
    await page.fill("#date_to", "2026-01-20")
    await page.fill("#how", "Uang tunai diminta sebelum surat laik operasi diterbitkan")
    await page.fill("#estimated_loss", "25.000.000")
    await page.fill("#witnesses", "Dua nakhoda kapal")
    if identity is None:
        await page.check("#identity-anonymous")
    else:
        await page.check("#identity-identified")
        for field, value in identity.items():
            await page.fill(f"#id_{field}", value)
    await page.check("#obligations")
