"""A reporter adds a photo through the mailbox; the team sees and downloads it, stripped."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest

from tests.support.evidence import GPS_TEXT, evidence_row, jpeg_parts, read_object
from tests.support.kafka import topic_records
from tests.support.portal import api_mailbox, api_sign_in, eventually
from tests.support.reports import sample_report, submit, wait_for_case
from tests.support.stack import ServiceProcess, service_dsn

pytestmark = pytest.mark.stack


async def upload(
    client: httpx.AsyncClient,
    token: str,
    filename: str,
    body: Any,
    content_type: str = "image/jpeg",
) -> httpx.Response:
    return await client.post(
        "/api/v1/mailbox/evidence",
        content=body,
        headers={
            "authorization": f"Bearer {token}",
            "content-type": content_type,
            "x-filename": quote(filename),
        },
    )


async def case_evidence(staff: httpx.AsyncClient, case_id: str) -> list[dict[str, Any]] | None:
    r = await staff.get(f"/api/v1/cases/{case_id}")
    assert r.status_code == 200, r.text
    return list(r.json()["evidence"]) or None


async def test_reporter_photo_reaches_the_team_without_exif_and_encrypted_at_rest(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    marker = uuid.uuid4().hex
    original, stripped = jpeg_parts(marker)
    filename = f"rumah-Budi-{marker}.jpg"
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])

    r = await upload(intake_client, token, filename, original)
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["metadata_removed"] is True
    assert stored["size_bytes"] == len(stripped)
    assert stored["sha256"] == hashlib.sha256(stripped).hexdigest()
    assert "Bukti diterima" in stored["message"]
    # The hash of the unstripped file is nowhere the reporter's port answers.
    assert "original_sha256" not in stored

    # The reporter's mailbox lists it (their own copy of the name, size, hash prefix).
    box = await api_mailbox(intake_client, token)
    assert [(e["filename"], e["size_bytes"]) for e in box["evidence"]] == [
        (filename, len(stripped))
    ]
    assert box["evidence"][0]["sha256_prefix"] == stored["sha256"][:12]

    # The object in the real bucket is ciphertext: no JPEG, no EXIF, no name, no GPS.
    evidence_id = uuid.UUID(stored["evidence_id"])
    row = await evidence_row(evidence_id)
    assert row is not None
    raw = read_object(row["object_key"])
    assert len(raw) > len(stripped)
    for secret in (
        b"\xff\xd8\xff\xe0",
        b"JFIF",
        b"Exif",
        GPS_TEXT,
        marker.encode(),
        filename.encode(),
        stripped[200:264],
    ):
        assert secret not in raw
    assert bytes(row["sha256"]).hex() == stored["sha256"]

    # The event on the real topic carries the name only sealed.
    async def event() -> dict[str, Any] | None:
        for value in await topic_records("evidence.stored"):
            data = json.loads(value)
            if data["payload"]["evidence_id"] == str(evidence_id):
                assert marker.encode() not in value and b"rumah" not in value
                return dict(data)
        return None

    published = await eventually(event)
    assert published["payload"]["sha256"] == stored["sha256"]
    # Version 3: the original's hash only inside the sealed metadata, never in clear.
    assert published["version"] == 3 and "original_sha256" not in published["payload"]

    # The team sees it on the case and downloads the stripped photo byte for byte, audited.
    case, _ = await wait_for_case(staff_client, accepted["report_number"])
    listed = await eventually(lambda: case_evidence(staff_client, case["id"]))
    assert [
        (e["filename"], e["content_type"], e["sha256"], e["metadata_removed"]) for e in listed
    ] == [(filename, "image/jpeg", stored["sha256"], True)]
    # ...and the original's hash, opened from the sealed metadata, not from a clear column.
    assert listed[0]["original_sha256"] == hashlib.sha256(original).hexdigest()
    got = await staff_client.get(f"/api/v1/cases/{case['id']}/evidence/{evidence_id}")
    assert got.status_code == 200, got.text
    assert got.content == stripped
    assert hashlib.sha256(got.content).hexdigest() == stored["sha256"]
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        audited = await conn.fetchval(
            """SELECT count(*) FROM audit.entries WHERE action = 'evidence_downloaded'
               AND case_id = $1 AND detail->>'evidence_id' = $2""",
            uuid.UUID(case["id"]),
            str(evidence_id),
        )
        in_clear = await conn.fetchval(
            "SELECT original_sha256 FROM evidence WHERE evidence_id = $1", evidence_id
        )
    finally:
        await conn.close()
    assert audited == 1
    assert in_clear is None  # the cases database keeps it sealed only


async def test_a_50_mib_video_round_trips_byte_identical_and_its_download_is_in_the_history(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    block = hashlib.sha512(accepted["report_number"].encode()).digest() * 1024  # 64 KiB
    magic = b"\x1a\x45\xdf\xa3"  # Matroska: a video, passed unchanged
    rounds = 820  # ~50 MiB in uneven pieces, never held whole by the client

    async def chunks() -> Any:
        yield magic
        for i in range(rounds):
            yield block[: 65536 - (i % 7) * 1000]
            await asyncio.sleep(0)

    expected = hashlib.sha256(magic)
    size = len(magic)
    for i in range(rounds):
        piece = block[: 65536 - (i % 7) * 1000]
        expected.update(piece)
        size += len(piece)
    assert size >= 50 * 1000 * 1000
    r = await upload(intake_client, token, "rekaman.mkv", chunks(), content_type="video/x-matroska")
    assert r.status_code == 201, r.text
    assert r.json()["size_bytes"] == size
    assert r.json()["sha256"] == expected.hexdigest()
    assert r.json()["metadata_removed"] is False
    assert "original_sha256" not in r.json()

    # The raw object holds none of the plaintext.
    row = await evidence_row(uuid.UUID(r.json()["evidence_id"]))
    assert row is not None
    raw = read_object(row["object_key"])
    assert len(raw) > size and block[:4096] not in raw and block[5000:5512] not in raw
    del raw

    case, _ = await wait_for_case(staff_client, accepted["report_number"])
    await eventually(lambda: case_evidence(staff_client, case["id"]))
    digest = hashlib.sha256()
    async with staff_client.stream(
        "GET", f"/api/v1/cases/{case['id']}/evidence/{r.json()['evidence_id']}"
    ) as got:
        assert got.status_code == 200
        async for piece in got.aiter_bytes():
            digest.update(piece)
    assert digest.hexdigest() == expected.hexdigest()

    # The evidence service published evidence.accessed; the case history shows who downloaded.
    async def accessed() -> list[dict[str, Any]] | None:
        got = await staff_client.get(f"/api/v1/cases/{case['id']}")
        found = [
            h
            for h in got.json()["history"]
            if h["action"] == "evidence_accessed" and r.json()["evidence_id"] in (h["note"] or "")
        ]
        return found or None

    history = await eventually(accessed)
    assert history[0]["actor_name"] == "test-coordinator"


async def test_an_empty_file_is_refused_in_both_languages(
    intake_client: httpx.AsyncClient, services: dict[str, ServiceProcess]
) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    r = await upload(intake_client, token, "kosong.txt", b"", content_type="text/plain")
    assert r.status_code == 422, r.text
    assert r.json()["message"] == "Berkas kosong."
    assert r.json()["message_en"] == "The file is empty."
    assert (await api_mailbox(intake_client, token))["evidence"] == []
