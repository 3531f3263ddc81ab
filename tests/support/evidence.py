"""Evidence files for tests: a JPEG carrying EXIF GPS, and raw access to the real bucket."""

from __future__ import annotations

import struct
import uuid

import asyncpg
from minio import Minio

from peluit_evidence.settings import EvidenceSettings
from tests.support.stack import service_dsn

GPS_TEXT = b"GPSLatitude -6.1009 GPSLongitude 106.8040"


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg_parts(marker: str = "") -> tuple[bytes, bytes]:
    """(a JPEG with APP1 EXIF GPS and a COM comment, the same JPEG as it must be stored)."""
    app0 = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    exif = _segment(0xE1, b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" + GPS_TEXT + marker.encode())
    comment = _segment(0xFE, b"Kamera milik Budi " + marker.encode())
    dqt = _segment(0xDB, b"\x00" + bytes(range(1, 65)))
    sof = _segment(0xC0, b"\x08\x00\x10\x00\x10\x01\x01\x11\x00")
    sos = _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    scan = bytes(range(256)).replace(b"\xff", b"\xfe") * 40 + b"\xff\xd9"
    original = b"\xff\xd8" + app0 + exif + comment + dqt + sof + sos + scan
    stripped = b"\xff\xd8" + app0 + dqt + sof + sos + scan
    return original, stripped


def bucket_client() -> tuple[Minio, str]:
    s = EvidenceSettings()
    return Minio(s.s3_endpoint, access_key=s.s3_access_key, secret_key=s.s3_secret_key,
                 secure=s.s3_secure), s.s3_bucket


def read_object(object_key: str) -> bytes:
    client, bucket = bucket_client()
    response = client.get_object(bucket, object_key)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


def objects_under(prefix: str) -> list[str]:
    client, bucket = bucket_client()
    return [o.object_name or "" for o in client.list_objects(bucket, prefix=prefix,
                                                              recursive=True)]


async def evidence_row(evidence_id: uuid.UUID) -> asyncpg.Record | None:
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        return await conn.fetchrow("SELECT * FROM evidence_files WHERE id = $1", evidence_id)
    finally:
        await conn.close()


async def rows_for_report(report_id: uuid.UUID) -> int:
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM evidence_files WHERE report_id = $1", report_id))
    finally:
        await conn.close()
