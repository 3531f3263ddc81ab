"""Use cases around evidence files: record what was stored, list it on the case, download.

The file key arrives sealed to the cases key; a download unseals it, streams the ciphertext from
the evidence service and decrypts it chunk by chunk, so no file is held whole in memory. Every
download is audited before the first byte leaves.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from peluit_cases.adapters import audit_repo, cases_repo
from peluit_cases.adapters.case_keys import case_keys, case_public_key
from peluit_cases.adapters.evidence_client import EvidenceUnavailable
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import load_case
from peluit_cases.service.errors import KeyRefused, NotFound, Refused
from peluit_cases.wiring import Cases
from peluit_shared import grants
from peluit_shared.crypto import SealedData, UnknownKey, unseal
from peluit_shared.events import EvidenceAccessed, EvidenceStored
from peluit_shared.person_keys import public_b64
from peluit_shared.stream_crypto import StreamDecryptor


class EvidenceServiceDown(Refused):
    status = 503


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    sha256: str
    body: AsyncIterator[bytes]


async def receive_evidence(conn: asyncpg.Connection, event: EvidenceStored) -> None:
    p = event.payload
    await conn.execute(
        """INSERT INTO evidence (evidence_id, report_id, size_bytes, sha256, metadata_removed,
               sealed_metadata, sealed_file_key, stored_at, original_sha256, media_type,
               uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11)
           ON CONFLICT (evidence_id) DO NOTHING""",
        p.evidence_id,
        p.report_id,
        p.size_bytes,
        p.sha256,
        p.metadata_removed,
        p.sealed_metadata.model_dump_json(),
        p.sealed_file_key.model_dump_json(),
        event.occurred_at,
        # Since evidence.stored v3 the original's hash is only inside the sealed metadata; the
        # column keeps what v2 events delivered before.
        None,
        p.media_type,
        p.uploaded_by,
    )


async def record_access(conn: asyncpg.Connection, event: EvidenceAccessed) -> None:
    """The evidence service served a file under our grant: the case history shows who."""
    p = event.payload
    exists = await conn.fetchval("SELECT 1 FROM cases WHERE id = $1", p.case_id)
    if exists:
        await cases_repo.add_history(
            conn,
            p.case_id,
            str(p.staff_id),
            "evidence_accessed",
            None,
            None,
            f"bukti / evidence {p.evidence_id}",
        )


@dataclass(frozen=True)
class UploadGrant:
    grant: str
    upload_url: str
    expires_at: datetime
    max_files: int


async def upload_grant(cases: Cases, staff: StaffUser, case_id: uuid.UUID) -> UploadGrant:
    """A staff member working the case may add files to its report (case work, manual reports)."""
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        case = await load_case(conn, staff, case_id, Permission.CASE_WORK)
        await audit_repo.append(conn, str(staff.id), "evidence_upload_granted", case_id)
    grant = grants.new_grant(
        "cases",
        "upload",
        case["report_id"],
        cases.settings.evidence_upload_grant_seconds,
        staff_id=staff.id,
        case_public_key=public_b64(case_public_key(case)),
    )
    base = (cases.settings.evidence_public_url or cases.settings.evidence_url).rstrip("/")
    return UploadGrant(
        grants.issue(cases.grant_key(), grant),
        f"{base}/api/v1/reports/{case['report_id']}/evidence",
        datetime.fromtimestamp(grant.exp, UTC),
        grant.max_files or 0,
    )


def _metadata(keys: Mapping[str, PrivateKey], sealed_json: str) -> dict[str, str]:
    try:
        data = json.loads(unseal(keys, SealedData.model_validate_json(sealed_json)))
    except (UnknownKey, CryptoError, ValueError):
        return {"filename": "?", "content_type": "application/octet-stream"}
    original = data.get("original_sha256")
    return {
        "filename": str(data.get("filename") or "?"),
        "content_type": str(data.get("content_type") or "application/octet-stream"),
        **({"original_sha256": str(original)} if original else {}),
    }


async def evidence_of(
    conn: asyncpg.Connection, keys: Mapping[str, PrivateKey], report_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The report's evidence with names and types opened; for readers of case content only."""
    rows = await conn.fetch(
        """SELECT evidence_id, size_bytes, sha256, metadata_removed, sealed_metadata, stored_at,
                  original_sha256, media_type, uploaded_by
           FROM evidence WHERE report_id = $1 ORDER BY stored_at, evidence_id""",
        report_id,
    )
    return [
        {
            "evidence_id": r["evidence_id"],
            "size_bytes": r["size_bytes"],
            "sha256": r["sha256"],
            "metadata_removed": r["metadata_removed"],
            # v2-era rows kept it in a column; since v3 it is opened from the sealed metadata.
            "original_sha256": r["original_sha256"],
            "media_type": r["media_type"],
            "uploaded_by": r["uploaded_by"],
            "stored_at": r["stored_at"],
            **_metadata(keys, r["sealed_metadata"]),
        }
        for r in rows
    ]


async def download(
    cases: Cases, staff: StaffUser, case_id: uuid.UUID, evidence_id: uuid.UUID
) -> Download:
    async with cases.runtime.pool.acquire() as conn, conn.transaction():
        case = await load_case(conn, staff, case_id, Permission.CASE_READ)
        row = await conn.fetchrow(
            """SELECT sha256, sealed_metadata, sealed_file_key FROM evidence
               WHERE evidence_id = $1 AND report_id = $2""",
            evidence_id,
            case["report_id"],
        )
        if row is None:
            raise NotFound("Bukti tidak ditemukan | Evidence not found")
        keys = await case_keys(conn, staff, case)
        try:
            file_key = unseal(keys, SealedData.model_validate_json(row["sealed_file_key"]))
        except (UnknownKey, CryptoError, ValueError) as exc:
            raise KeyRefused(
                "Bukti tidak dapat dibuka (amplop rusak atau kunci lain) | The evidence cannot "
                "be opened (tampered envelope or another key)",
                code="envelope_unopenable",
            ) from exc
        grant = grants.issue(
            cases.grant_key(),
            grants.new_grant(
                "cases",
                "download",
                case["report_id"],
                cases.settings.evidence_download_grant_seconds,
                evidence_id=evidence_id,
                case_id=case_id,
                staff_id=staff.id,
            ),
        )
        try:
            ciphertext = await cases.evidence().ciphertext(evidence_id, grant)
        except EvidenceUnavailable as exc:
            raise EvidenceServiceDown(
                "Layanan bukti tidak tersedia | Evidence service unavailable"
            ) from exc
        await audit_repo.append(
            conn, str(staff.id), "evidence_downloaded", case_id, evidence_id=evidence_id
        )
    meta = _metadata(keys, row["sealed_metadata"])
    return Download(
        meta["filename"], meta["content_type"], row["sha256"], _decrypted(ciphertext, file_key)
    )


def attachment_headers(download: Download) -> dict[str, str]:
    """Always a download, never rendered: an uploaded HTML file must not run in the console."""
    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in download.filename)
    return {
        "content-disposition": f'attachment; filename="{ascii_name or "bukti"}"; '
        f"filename*=UTF-8''{quote(download.filename, safe='')}",
        "x-evidence-sha256": download.sha256,
        "x-evidence-content-type": quote(download.content_type, safe="/;=+ "),
    }


async def _decrypted(ciphertext: AsyncIterator[bytes], key: bytes) -> AsyncIterator[bytes]:
    decryptor = StreamDecryptor(key)
    async for chunk in ciphertext:
        plain = decryptor.update(chunk)
        if plain:
            yield plain
    yield decryptor.finish()
