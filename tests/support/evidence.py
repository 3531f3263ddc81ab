"""Evidence files for tests: a JPEG carrying EXIF GPS, and raw access to the real bucket."""

from __future__ import annotations

import io
import struct
import time
import uuid
import zipfile

import asyncpg
import pikepdf
from minio import Minio
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from peluit_evidence.settings import EvidenceSettings
from peluit_shared import grants
from peluit_shared.crypto import SealedData, key_id_of, unseal
from peluit_shared.person_keys import public_b64
from peluit_shared.stream_crypto import StreamDecryptor
from tests.support.keys import case_keys_for_report
from tests.support.stack import DATA, service_dsn

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
    return Minio(
        s.s3_endpoint, access_key=s.s3_access_key, secret_key=s.s3_secret_key, secure=s.s3_secure
    ), s.s3_bucket


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
    return [o.object_name or "" for o in client.list_objects(bucket, prefix=prefix, recursive=True)]


async def evidence_row(evidence_id: uuid.UUID) -> asyncpg.Record | None:
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        return await conn.fetchrow("SELECT * FROM evidence_files WHERE id = $1", evidence_id)
    finally:
        await conn.close()


async def rows_for_report(report_id: uuid.UUID) -> int:
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM evidence_files WHERE report_id = $1", report_id
            )
        )
    finally:
        await conn.close()


# --- grants, documents and decryption, for the issue-5 tests ---------------------------------


# Case keys of reports the tests grant uploads for without a case (by report id).
TEST_CASE_KEYS: dict[uuid.UUID, PrivateKey] = {}


def grant(
    iss: str = "intake",
    kind: str = "upload",
    report_id: uuid.UUID | None = None,
    ttl: int = 300,
    key: SigningKey | None = None,
    **claims: object,
) -> str:
    """A grant signed with the real issuer key the services use (or `key`)."""
    from peluit_shared.grants import Grant

    path = DATA / "keys" / ("intake" if iss == "intake" else "cases/grants") / "grant.key"
    signing = key or grants.load_signing_key(path)
    report_id = report_id or uuid.uuid4()
    if kind == "upload" and "case_public_key" not in claims:
        # As intake and cases do: the case's public key (here one the test keeps).
        case_key = TEST_CASE_KEYS.setdefault(report_id, PrivateKey.generate())
        claims["case_public_key"] = public_b64(case_key.public_key)
    claim = Grant.model_validate(
        {
            "iss": iss,
            "kind": kind,
            "report_id": report_id,
            "exp": int(time.time()) + ttl,
            **claims,
        }
    )
    return grants.issue(signing, claim)


def docx_with_author(author: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document>Isi laporan pungli</w:document>")
        z.writestr(
            "docProps/core.xml",
            f"<cp:coreProperties><dc:creator>{author}</dc:creator>"
            f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>",
        )
        z.writestr(
            "docProps/app.xml",
            f"<Properties><Company>{author} Corp</Company><Manager>{author}</Manager></Properties>",
        )
        z.writestr("docProps/custom.xml", f"<Properties><p>{author}</p></Properties>")
    return buf.getvalue()


def pdf_with_author(author: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = author
    pdf.docinfo["/Creator"] = f"{author} Writer"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [author]
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


async def stored_plaintext(evidence_id: uuid.UUID) -> bytes:
    """Decrypt a stored object as a team member would: the file key unsealed with the case key
    (here opened with the recovery key the tests hold)."""
    row = await evidence_row(evidence_id)
    assert row is not None
    own = TEST_CASE_KEYS.get(row["report_id"])
    file_key = unseal(
        {key_id_of(own.public_key): own} if own else await case_keys_for_report(row["report_id"]),
        SealedData.model_validate_json(row["sealed_file_key"]),
    )
    decryptor = StreamDecryptor(file_key)
    return decryptor.update(read_object(row["object_key"])) + decryptor.finish()


def incomplete_uploads(prefix: str) -> list[str]:
    client, bucket = bucket_client()
    result = client._list_multipart_uploads(bucket, prefix=prefix)
    return [u.object_name or "" for u in result.uploads]
