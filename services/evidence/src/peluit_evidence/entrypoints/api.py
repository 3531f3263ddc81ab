"""The evidence API: uploads and ciphertext downloads, each under a signed grant.

Reporters' API clients may upload here directly with the grant intake's mailbox hands out; the
portal (no JavaScript) proxies through intake with a grant intake mints itself; cases uploads
with its own staff grants and downloads ciphertext with a download grant per file.
`Authorization: Grant <token>` (or `Bearer <token>`).
"""

from __future__ import annotations

import functools
import uuid
from typing import Any
from urllib.parse import unquote

from litestar import Controller, Request, Response, get, post
from litestar.response import Stream
from nacl.signing import VerifyKey

from peluit_evidence.adapters.documents import DocumentUnreadable
from peluit_evidence.adapters.object_store import ObjectStore
from peluit_evidence.domain.filenames import BadFilename, check_filename
from peluit_evidence.domain.metadata import MalformedImage
from peluit_evidence.service.access import EvidenceMissing, StoreDown, open_ciphertext
from peluit_evidence.service.upload import (
    DisallowedType,
    EmptyFile,
    FileTooLarge,
    KeyReused,
    ReportPurged,
    StoreUnavailable,
    TooManyFiles,
    Upload,
    UploadLimits,
    retry_key_from,
    store_once,
)
from peluit_evidence.settings import EvidenceSettings
from peluit_shared import grants
from peluit_shared.grants import Grant, GrantForbidden, GrantRefused
from peluit_shared.http import problem
from peluit_shared.person_keys import KeyUnavailable, public_from_b64
from peluit_shared.runtime import ServiceRuntime
from peluit_shared.validation import field_error

TOO_LARGE = ("Berkas terlalu besar (maksimum {mib} MiB).", "File too large (at most {mib} MiB).")
EMPTY = ("Berkas kosong.", "The file is empty.")
MALFORMED = ("Berkas gambar rusak atau tidak lengkap.", "The image file is damaged or incomplete.")
UNREADABLE = ("Dokumen rusak atau tidak dapat dibaca.", "The document is damaged or unreadable.")
DISALLOWED = (
    "Jenis berkas tidak diizinkan (dikenali dari isinya, bukan dari namanya). Yang "
    "diterima: gambar, PDF, dokumen kantor, audio, video, arsip, teks.",
    "File type not allowed (recognised from its content, not its name). Accepted: "
    "images, PDF, office documents, audio, video, archives, plain text.",
)
TOO_MANY = (
    "Laporan ini sudah memiliki jumlah berkas maksimum ({n}).",
    "This report already has the maximum number of files ({n}).",
)
KEY_REUSED = (
    "Idempotency-Key ini sudah dipakai untuk berkas lain; tidak ada yang diubah.",
    "This Idempotency-Key was already used for a different file; nothing was changed.",
)
STORE_DOWN = (
    "Penyimpanan bukti sedang tidak tersedia; berkas tidak disimpan. Laporan Anda "
    "tetap aman. Coba lagi nanti.",
    "Evidence storage is unavailable; the file was not stored. Your report is safe. "
    "Please try again later.",
)
PURGED = (
    "Laporan ini sudah dihapus; bukti tidak diterima lagi.",
    "This report was purged; no more evidence is accepted.",
)

IDEMPOTENCY_KEY_MAX = 100
KEY_TOO_LONG = (
    f"Idempotency-Key terlalu panjang (maks. {IDEMPOTENCY_KEY_MAX}) | "
    f"Idempotency-Key too long (at most {IDEMPOTENCY_KEY_MAX})"
)

NO_CASE_KEY = (
    "Laporan ini belum memiliki kunci kasus; berkas tidak dapat diamankan.",
    "This report has no case key; the file cannot be protected.",
)


def _error(status: int, texts: tuple[str, str], code: str, **fmt: Any) -> Response[Any]:
    message, message_en = texts[0].format(**fmt), texts[1].format(**fmt)
    return problem(status, message_en, message=message, message_en=message_en, code=code)


def _refused(exc: GrantRefused) -> Response[Any]:
    return problem(
        exc.status, exc.message_en, message=exc.message, message_en=exc.message_en, code=exc.code
    )


def api(
    settings: EvidenceSettings, runtime: ServiceRuntime, store: ObjectStore
) -> type[Controller]:
    @functools.cache
    def retry_key() -> bytes:
        return retry_key_from(settings.event_key_file())

    def verify_keys() -> dict[str, VerifyKey]:
        # Read on each request so a rotated issuer key is used at once.
        keys: dict[str, VerifyKey] = {}
        for issuer, path in (
            ("intake", settings.intake_grant_key_file),
            ("cases", settings.cases_grant_key_file),
        ):
            if path.exists():
                keys[issuer] = grants.load_verify_key(path)
        return keys

    def grant_of(request: Request[Any, Any, Any]) -> Grant:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("grant", "bearer"):
            token = ""
        return grants.verify(token.strip(), verify_keys())

    class EvidenceApi(Controller):
        path = "/api/v1"
        security = [{"grant": []}]

        @post(
            "/reports/{report_id:uuid}/evidence",
            request_max_body_size=None,
            opt={"raw_body": True},
        )
        async def upload(
            self, report_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> Response[Any]:
            mib = settings.max_file_bytes // (1024 * 1024)
            try:
                grant = grant_of(request)
                if grant.kind != "upload":
                    raise GrantForbidden(
                        "grant_wrong_kind",
                        "Izin ini bukan izin unggah.",
                        "This grant does not allow uploads.",
                    )
                if grant.report_id != report_id:
                    raise GrantForbidden(
                        "grant_other_report",
                        "Izin ini untuk laporan lain.",
                        "This grant is for another report.",
                    )
            except GrantRefused as exc:
                return _refused(exc)
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > settings.max_file_bytes:
                return _error(413, TOO_LARGE, "file_too_large", mib=mib)
            try:
                filename = check_filename(
                    unquote(request.headers.get("x-filename", ""), errors="strict")
                )
            except UnicodeDecodeError:
                return problem(
                    422,
                    "Bad file name",
                    code="filename_encoding",
                    errors=[
                        field_error(
                            "filename", "Nama berkas bukan UTF-8 | The file name is not UTF-8"
                        )
                    ],
                )
            except BadFilename as exc:
                return problem(
                    422,
                    exc.message_en,
                    code=exc.code,
                    message=exc.message,
                    message_en=exc.message_en,
                    errors=[field_error("filename", f"{exc.message} | {exc.message_en}")],
                )
            if grant.case_public_key is None:
                return _error(409, NO_CASE_KEY, "case_key_missing")
            try:
                case_key = public_from_b64(grant.case_public_key)
            except KeyUnavailable:
                return _error(409, NO_CASE_KEY, "case_key_missing")
            key = request.headers.get("idempotency-key", "").strip() or None
            if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
                # Never truncated: two keys sharing a prefix would meet as one.
                return problem(
                    422,
                    "Idempotency-Key too long",
                    errors=[field_error("Idempotency-Key", KEY_TOO_LONG)],
                )
            max_files = min(
                settings.max_files_per_report, grant.max_files or settings.max_files_per_report
            )
            upload = Upload(
                report_id=report_id,
                filename=filename,
                content_type=request.headers.get("content-type", "application/octet-stream")[:200],
                correlation_id=_uuid(request.headers.get("x-correlation-id")) or report_id,
                max_files=max_files,
                idempotency_key=key,
                uploaded_by="reporter" if grant.iss == "intake" else "staff",
            )
            try:
                stored, new = await store_once(
                    runtime.pool,
                    store,
                    case_key,
                    upload,
                    request.stream(),
                    UploadLimits(
                        settings.max_file_bytes,
                        settings.upload_part_bytes,
                        settings.upload_parallel_parts,
                        settings.upload_buffer_bytes,
                        settings.remove_metadata,
                        settings.spool_dir,
                        settings.max_expanded_bytes,
                        retry_key(),
                    ),
                )
            except FileTooLarge:
                return _error(413, TOO_LARGE, "file_too_large", mib=mib)
            except EmptyFile:
                return _error(422, EMPTY, "file_empty")
            except MalformedImage:
                return _error(422, MALFORMED, "image_malformed")
            except DocumentUnreadable:
                return _error(422, UNREADABLE, "document_unreadable")
            except DisallowedType:
                return _error(415, DISALLOWED, "type_not_allowed")
            except TooManyFiles:
                return _error(409, TOO_MANY, "too_many_files", n=max_files)
            except KeyReused:
                return _error(409, KEY_REUSED, "idempotency_key_reused")
            except ReportPurged:
                return _error(410, PURGED, "report_purged")
            except StoreUnavailable:
                return _error(503, STORE_DOWN, "store_unavailable")
            return Response(stored.as_json(), status_code=201 if new else 200)

        @get("/evidence/{evidence_id:uuid}/ciphertext")
        async def ciphertext(
            self, evidence_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> Response[Any]:
            try:
                body = await open_ciphertext(runtime.pool, store, grant_of(request), evidence_id)
            except GrantRefused as exc:
                return _refused(exc)
            except EvidenceMissing:
                return problem(404)
            except StoreDown:
                return _error(503, STORE_DOWN, "store_unavailable")
            return Stream(body, media_type="application/octet-stream")

    return EvidenceApi


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
