"""Issue 5 against the real stack: grants, bad input, documents, retries, failures, orphans."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import subprocess
import uuid
from typing import Any
from urllib.parse import quote, urlparse

import asyncpg
import httpx
import pytest
from nacl.signing import SigningKey

from tests.support.evidence import (
    bucket_client,
    docx_with_author,
    grant,
    incomplete_uploads,
    jpeg_parts,
    objects_under,
    pdf_with_author,
    rows_for_report,
    stored_plaintext,
)
from tests.support.portal import api_mailbox, api_sign_in, eventually
from tests.support.reports import sample_report, submit
from tests.support.stack import VENV, ServiceProcess, infra, service_dsn

pytestmark = pytest.mark.stack


def upload_url(services: dict[str, ServiceProcess], report_id: uuid.UUID) -> str:
    return f"{services['evidence'].url}/api/v1/reports/{report_id}/evidence"


async def post(
    services: dict[str, ServiceProcess],
    report_id: uuid.UUID,
    body: Any,
    name: str = "bukti.jpg",
    token: str | None = None,
    **headers: str,
) -> httpx.Response:
    token = grant(report_id=report_id) if token is None else token
    async with httpx.AsyncClient(timeout=120) as client:
        auth = {"authorization": f"Grant {token}"} if token else {}
        return await client.post(
            upload_url(services, report_id),
            content=body,
            headers={**auth, "x-filename": quote(name, safe=""), **headers},
        )


async def nothing_stored(report_id: uuid.UUID) -> None:
    assert await rows_for_report(report_id) == 0
    assert objects_under(f"{report_id}/") == []
    assert incomplete_uploads(f"{report_id}/") == []


async def test_wrong_expired_tampered_and_other_report_grants_are_refused(
    services: dict[str, ServiceProcess],
) -> None:
    report_id = uuid.uuid4()
    photo, _ = jpeg_parts()
    good = grant(report_id=report_id)
    raw = bytearray(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    raw[10] ^= 0x01  # one bit of the signature
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    cases: list[tuple[str, int, str]] = [
        ("", 401, "grant_missing"),
        ("bukan-grant", 401, "grant_malformed"),
        (tampered, 401, "grant_bad_signature"),
        (grant(report_id=report_id, key=SigningKey.generate()), 401, "grant_bad_signature"),
        (grant(report_id=report_id, ttl=-5), 401, "grant_expired"),
        (grant(report_id=uuid.uuid4()), 403, "grant_other_report"),
        (grant(iss="cases", kind="download", report_id=report_id), 403, "grant_wrong_kind"),
    ]
    for token, status, code in cases:
        r = await post(services, report_id, photo, token=token)
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert r.json()["message"] and r.json()["message_en"]
    await nothing_stored(report_id)
    # A download needs a cases download grant for that very file.
    async with httpx.AsyncClient(timeout=10) as client:
        r = await client.get(
            f"{services['evidence'].url}/api/v1/evidence/{uuid.uuid4()}/ciphertext",
            headers={"authorization": f"Grant {good}"},
        )
    assert r.status_code == 403 and r.json()["code"] == "grant_wrong_file", r.text


@pytest.mark.parametrize(
    ("name", "body", "status", "code"),
    [
        ("foto.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 4000, 415, "type_not_allowed"),
        ("foto.jpg", b"MZ\x90\x00\x03" + b"\x00" * 4000, 415, "type_not_allowed"),
        (
            "foto.jpg",
            b"<!doctype html><html><script>alert(1)</script></html>",
            415,
            "type_not_allowed",
        ),
        ("catatan.txt", b"#!/bin/sh\nrm -rf /\n", 415, "type_not_allowed"),
        ("../../etc/passwd.jpg", None, 422, "filename_path"),
        ("folder/foto.jpg", None, 422, "filename_path"),
        ("folder\\foto.jpg", None, 422, "filename_path"),
        ("foto\x07.jpg", None, 422, "filename_control"),
        ("foto\u202egpj.exe", None, 422, "filename_control"),
        ("", None, 422, "filename_empty"),
        ("kosong.jpg", b"", 422, "file_empty"),
    ],
)
async def test_bad_input_is_refused_specifically_and_nothing_is_stored(
    services: dict[str, ServiceProcess], name: str, body: bytes | None, status: int, code: str
) -> None:
    report_id = uuid.uuid4()
    r = await post(services, report_id, jpeg_parts()[0] if body is None else body, name)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.json()["message"] != r.json()["message_en"]  # Indonesian and English
    if status == 422 and code.startswith("filename"):
        assert r.json()["errors"][0]["field"] == "filename"
    await nothing_stored(report_id)


async def test_the_count_limit_and_an_idempotent_retry(services: dict[str, ServiceProcess]) -> None:
    report_id = uuid.uuid4()
    token = grant(report_id=report_id, max_files=2)
    photo, stripped = jpeg_parts()
    first = await post(services, report_id, photo, token=token, **{"idempotency-key": "a1"})
    assert first.status_code == 201, first.text
    retry = await post(services, report_id, photo, token=token, **{"idempotency-key": "a1"})
    assert retry.status_code == 200, retry.text
    assert retry.json()["evidence_id"] == first.json()["evidence_id"]
    assert await rows_for_report(report_id) == 1
    assert len(objects_under(f"{report_id}/")) == 1
    assert first.json()["original_sha256"] == hashlib.sha256(photo).hexdigest()
    assert retry.json()["original_sha256"] == first.json()["original_sha256"]
    assert first.json()["sha256"] == hashlib.sha256(stripped).hexdigest()
    assert first.json()["media_type"] == "image/jpeg"
    # The evidence database cannot prove the original was sent: no column holds its hash, in
    # any form a copy could compare with a file it has (the retry check is keyed).
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        row = await conn.fetchrow("SELECT * FROM evidence_files WHERE report_id = $1", report_id)
    finally:
        await conn.close()
    original = hashlib.sha256(photo)
    for value in dict(row).values():
        held = value if isinstance(value, bytes) else str(value).encode()
        assert original.digest() not in held and original.hexdigest().encode() not in held
    other = await post(services, report_id, photo + b"x", token=token, **{"idempotency-key": "a1"})
    assert other.status_code == 409, other.text
    second = await post(services, report_id, b"catatan saksi\n", "saksi.txt", token=token)
    assert second.status_code == 201 and second.json()["media_type"] == "text/plain"
    third = await post(services, report_id, photo, token=token)
    assert (third.status_code, third.json()["code"]) == (409, "too_many_files"), third.text
    assert await rows_for_report(report_id) == 2
    assert len(objects_under(f"{report_id}/")) == 2


@pytest.mark.parametrize("kind", ["docx", "pdf"])
async def test_document_authors_are_removed_and_both_hashes_recorded(
    services: dict[str, ServiceProcess], kind: str
) -> None:
    report_id = uuid.uuid4()
    author = f"Budi Santoso {uuid.uuid4().hex[:8]}"
    original = docx_with_author(author) if kind == "docx" else pdf_with_author(author)
    if kind == "pdf":
        assert author.encode() in original
    r = await post(services, report_id, original, f"laporan.{kind}")
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["metadata_removed"] is True
    assert stored["original_sha256"] == hashlib.sha256(original).hexdigest()
    plain = await stored_plaintext(uuid.UUID(stored["evidence_id"]))
    assert hashlib.sha256(plain).hexdigest() == stored["sha256"] != stored["original_sha256"]
    assert author.encode() not in plain
    if kind == "docx":
        assert b"Isi laporan pungli" in __import__("zipfile").ZipFile(
            __import__("io").BytesIO(plain)
        ).read("word/document.xml")
        assert stored["media_type"].endswith("wordprocessingml.document")
    else:
        assert plain.startswith(b"%PDF-") and b"/Author" not in plain
        assert b"/Metadata" not in plain
    # The raw object is ciphertext: neither the author nor the text.
    client, bucket = bucket_client()
    raw = client.get_object(bucket, f"{report_id}/{stored['evidence_id']}").read()
    assert author.encode() not in raw and b"Isi laporan" not in raw


async def test_object_store_down_gives_503_and_leaves_nothing_and_the_report_is_safe(
    intake_client: httpx.AsyncClient, services: dict[str, ServiceProcess]
) -> None:
    accepted = await submit(intake_client, sample_report())
    token = await api_sign_in(intake_client, accepted["receipt"])
    photo, _ = jpeg_parts()
    stopped = infra("stop", "s3")
    assert stopped.returncode == 0, stopped.stderr
    try:
        r = await intake_client.post(
            "/api/v1/mailbox/evidence",
            content=photo * 200,
            headers={
                "authorization": f"Bearer {token}",
                "x-filename": "foto.jpg",
                "content-type": "image/jpeg",
            },
            timeout=60,
        )
        assert r.status_code == 503, r.text
        assert "tidak tersedia" in r.json()["message"]
        assert "unavailable" in r.json()["message_en"]
        # The report and the mailbox are unaffected.
        assert (await api_mailbox(intake_client, token))["evidence"] == []
    finally:
        started = infra("start", "s3")
        assert started.returncode == 0, started.stderr
    conn = await asyncpg.connect(service_dsn("intake"))
    try:
        report_id = await conn.fetchval(
            "SELECT id FROM reports WHERE report_number = $1", accepted["report_number"]
        )
    finally:
        await conn.close()
    await nothing_stored(report_id)


async def test_an_upload_cut_off_halfway_leaves_nothing_behind(
    services: dict[str, ServiceProcess],
) -> None:
    report_id = uuid.uuid4()
    url = urlparse(upload_url(services, report_id))
    total = 24 * 1024 * 1024
    head = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Grant {grant(report_id=report_id)}\r\nX-Filename: video.mkv\r\n"
        f"Content-Type: video/x-matroska\r\nContent-Length: {total}\r\n\r\n"
    ).encode()
    body = b"\x1a\x45\xdf\xa3" + hashlib.sha512(b"x").digest() * (total // 128)

    def send_half() -> None:
        with socket.create_connection((url.hostname, url.port)) as sock:
            sock.sendall(head)
            sock.sendall(body[: total // 2])  # 12 MiB: past the first multipart parts

    await asyncio.to_thread(send_half)

    async def clean() -> bool | None:
        empty = (
            not objects_under(f"{report_id}/")
            and not incomplete_uploads(f"{report_id}/")
            and await rows_for_report(report_id) == 0
        )
        return True if empty else None

    await asyncio.sleep(1)
    assert await eventually(clean)


async def test_orphans_are_listed_and_removed(services: dict[str, ServiceProcess]) -> None:
    client, bucket = bucket_client()
    stray = f"{uuid.uuid4()}/{uuid.uuid4()}"
    client.put_object(bucket, stray, __import__("io").BytesIO(b"ciphertext?"), 11)
    missing = f"{uuid.uuid4()}/{uuid.uuid4()}"
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        await conn.execute(
            """INSERT INTO evidence_files (id, report_id, object_key, size_bytes, sha256)
               VALUES ($1, $2, $3, 1, '\\x00')""",
            uuid.UUID(missing.split("/")[1]),
            uuid.UUID(missing.split("/")[0]),
            missing,
        )
    finally:
        await conn.close()
    cut = f"{uuid.uuid4()}/{uuid.uuid4()}"
    client._create_multipart_upload(bucket, cut, {})

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(VENV / "bin" / "peluit-evidence"), "orphans", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout

    listed = run("--stale-minutes", "0")
    assert f"object-without-row {stray}" in listed
    assert f"row-without-object {missing}" in listed
    assert f"incomplete-upload {cut}" in listed
    assert objects_under(stray) == [stray]  # listing alone removes nothing
    run("--stale-minutes", "0", "--delete")
    assert objects_under(stray) == []
    assert incomplete_uploads(cut) == []
    again = run("--stale-minutes", "0")
    assert stray not in again and missing not in again and cut not in again
