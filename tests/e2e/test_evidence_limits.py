"""What the evidence service refuses: oversize files; and what retention destroys."""

from __future__ import annotations

import asyncio
import socket
import uuid
from urllib.parse import quote

import httpx
import pytest

from peluit_shared.events import CasePurged
from peluit_shared.events.cases import CasePurgedPayload
from tests.support.evidence import grant, jpeg_parts, objects_under, rows_for_report
from tests.support.kafka import publish
from tests.support.portal import api_mailbox, api_sign_in, eventually
from tests.support.reports import sample_report, submit
from tests.support.stack import ServiceProcess

pytestmark = pytest.mark.stack
LIMIT = 200 * 1024 * 1024


def read_response(sock: socket.socket) -> bytes:
    """One whole HTTP response: the head, then as many body bytes as its Content-Length says."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def internal(services: dict[str, ServiceProcess], report_id: uuid.UUID) -> str:
    return f"{services['evidence'].url}/api/v1/reports/{report_id}/evidence"


async def test_an_oversize_file_is_refused_with_413_and_nothing_is_stored(
    intake_client: httpx.AsyncClient, services: dict[str, ServiceProcess]
) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    # Refused from the declared length alone, before any byte is forwarded.
    host, port = str(intake_client.base_url.host), int(intake_client.base_url.port or 80)

    def declared_too_big() -> bytes:
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(
                (
                    f"POST /api/v1/mailbox/evidence HTTP/1.1\r\nHost: {host}\r\n"
                    f"Authorization: Bearer {token}\r\nX-Filename: besar.mkv\r\n"
                    f"Content-Length: {LIMIT + 1}\r\n\r\n"
                ).encode()
                + b"\x1a" * 1024
            )
            return read_response(sock)

    answer = await asyncio.to_thread(declared_too_big)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"terlalu besar" in answer and b"too large" in answer
    assert (await api_mailbox(intake_client, token))["evidence"] == []

    # Straight to the evidence service, chunked (no length up front): counted and refused.
    report_id = uuid.uuid4()

    async def chunks():  # type: ignore[no-untyped-def]
        yield b"\x1a\x45\xdf\xa3"  # a Matroska video, so the type is allowed
        piece = b"\x01" * (1024 * 1024)
        for _ in range(200):
            yield piece
        yield b"\x01\x02"

    async with httpx.AsyncClient(timeout=120) as client:
        r = await client.post(
            internal(services, report_id),
            content=chunks(),
            headers={
                "authorization": f"Grant {grant(report_id=report_id)}",
                "x-filename": "besar.mkv",
            },
        )
    assert r.status_code == 413, r.text
    assert await rows_for_report(report_id) == 0
    assert objects_under(f"{report_id}/") == []


async def test_a_purged_case_loses_its_evidence_objects_and_rows(
    services: dict[str, ServiceProcess],
) -> None:
    report_id = uuid.uuid4()
    original, _ = jpeg_parts()
    async with httpx.AsyncClient(timeout=10) as client:
        for name in ("satu.jpg", "dua.jpg"):
            r = await client.post(
                internal(services, report_id),
                content=original,
                headers={
                    "authorization": f"Grant {grant(report_id=report_id)}",
                    "x-filename": quote(name),
                },
            )
            assert r.status_code == 201, r.text
    assert len(objects_under(f"{report_id}/")) == 2
    await publish(
        CasePurged(
            correlation_id=report_id,
            payload=CasePurgedPayload(case_id=uuid.uuid4(), report_id=report_id),
        )
    )

    async def gone() -> bool | None:
        return (
            True
            if not objects_under(f"{report_id}/") and not await rows_for_report(report_id)
            else None
        )

    assert await eventually(gone)


async def test_a_purge_during_an_upload_leaves_neither_row_nor_object(
    services: dict[str, ServiceProcess],
) -> None:
    report_id = uuid.uuid4()
    started = asyncio.Event()

    async def slow():  # type: ignore[no-untyped-def]
        yield b"\x1a\x45\xdf\xa3"
        for i in range(40):
            if i == 5:
                started.set()
                await asyncio.sleep(2)  # the purge lands while the file is uploading
            yield b"\x02" * (256 * 1024)

    async def purge() -> None:
        await started.wait()
        await publish(
            CasePurged(
                correlation_id=report_id,
                payload=CasePurgedPayload(case_id=uuid.uuid4(), report_id=report_id),
            )
        )

    async with httpx.AsyncClient(timeout=60) as client:
        r, _ = await asyncio.gather(
            client.post(
                internal(services, report_id),
                content=slow(),
                headers={
                    "authorization": "Grant " + grant(report_id=report_id),
                    "x-filename": "rekaman.mkv",
                },
            ),
            purge(),
        )
    # Either the purge came first (410, the upload removed its object) or the upload committed
    # first and the purge removed both.
    assert r.status_code in (201, 410), r.text

    async def gone() -> bool | None:
        return (
            True
            if not objects_under(f"{report_id}/") and not await rows_for_report(report_id)
            else None
        )

    assert await eventually(gone)
