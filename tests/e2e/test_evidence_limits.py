"""What the evidence service refuses: oversize files, wrong tokens; and what retention destroys."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import httpx
import pytest

from peluit_shared.events import CasePurged
from peluit_shared.events.cases import CasePurgedPayload
from tests.support.evidence import jpeg_parts, objects_under, rows_for_report
from tests.support.kafka import publish
from tests.support.portal import api_mailbox, api_sign_in, eventually
from tests.support.reports import sample_report, submit
from tests.support.stack import ServiceProcess

pytestmark = pytest.mark.stack
TOKEN = "peluit-dev-evidence-token"  # the dev default the test services use
LIMIT = 50 * 1024 * 1024


def internal(services: dict[str, ServiceProcess], report_id: uuid.UUID) -> str:
    return f"{services['evidence'].url}/internal/v1/reports/{report_id}/evidence"


async def test_an_oversize_file_is_refused_with_413_and_nothing_is_stored(
    intake_client: httpx.AsyncClient, services: dict[str, ServiceProcess]
) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    too_big = b"\x00" * (LIMIT + 1)
    r = await intake_client.post("/api/v1/mailbox/evidence", content=too_big, headers={
        "authorization": f"Bearer {token}", "x-filename": "besar.bin"})
    assert r.status_code == 413, r.text
    assert "terlalu besar" in r.json()["message"] and "too large" in r.json()["message_en"]
    assert (await api_mailbox(intake_client, token))["evidence"] == []

    # Straight to the evidence service, chunked (no length up front): counted and refused.
    report_id = uuid.uuid4()

    async def chunks():  # type: ignore[no-untyped-def]
        piece = b"\x01" * (1024 * 1024)
        for _ in range(50):
            yield piece
        yield b"\x01\x02"

    async with httpx.AsyncClient(timeout=60) as client:
        r = await client.post(internal(services, report_id), content=chunks(), headers={
            "authorization": f"Bearer {TOKEN}", "x-evidence-filename": "besar.bin"})
    assert r.status_code == 413, r.text
    assert await rows_for_report(report_id) == 0
    assert objects_under(f"{report_id}/") == []


async def test_a_wrong_or_missing_service_token_is_refused(
    services: dict[str, ServiceProcess]
) -> None:
    report_id = uuid.uuid4()
    async with httpx.AsyncClient(timeout=10) as client:
        for headers in ({"authorization": "Bearer peluit-dev-evidence-tokeX"}, {}):
            r = await client.post(internal(services, report_id), content=b"bukti",
                                  headers=headers)
            assert r.status_code == 401, r.text
            r = await client.get(
                f"{services['evidence'].url}/internal/v1/evidence/{uuid.uuid4()}/ciphertext",
                headers=headers)
            assert r.status_code == 401, r.text
    assert await rows_for_report(report_id) == 0


async def test_a_purged_case_loses_its_evidence_objects_and_rows(
    services: dict[str, ServiceProcess]
) -> None:
    report_id = uuid.uuid4()
    original, _ = jpeg_parts()
    async with httpx.AsyncClient(timeout=10) as client:
        for name in ("satu.jpg", "dua.jpg"):
            r = await client.post(internal(services, report_id), content=original, headers={
                "authorization": f"Bearer {TOKEN}", "x-evidence-filename": quote(name)})
            assert r.status_code == 201, r.text
    assert len(objects_under(f"{report_id}/")) == 2
    await publish(CasePurged(correlation_id=report_id, payload=CasePurgedPayload(
        case_id=uuid.uuid4(), report_id=report_id)))

    async def gone() -> bool | None:
        return True if not objects_under(f"{report_id}/") and not await rows_for_report(
            report_id) else None

    assert await eventually(gone)
