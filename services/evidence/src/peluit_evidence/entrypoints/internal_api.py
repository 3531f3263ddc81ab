"""The internal API intake and cases call with the service token: upload and read ciphertext."""

from __future__ import annotations

import asyncio
import hmac
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.response import Stream

from peluit_evidence.adapters.cases_key import load_public_key
from peluit_evidence.adapters.object_store import ObjectStore
from peluit_evidence.domain.metadata import MalformedImage
from peluit_evidence.service.upload import (
    EmptyFile,
    FileTooLarge,
    Upload,
    UploadLimits,
    store_evidence,
)
from peluit_evidence.settings import EvidenceSettings
from peluit_shared.http import problem
from peluit_shared.runtime import ServiceRuntime

TOO_LARGE = ("Berkas terlalu besar (maksimum {mib} MiB).", "File too large (at most {mib} MiB).")
EMPTY = ("Berkas kosong.", "The file is empty.")
MALFORMED = ("Berkas gambar rusak atau tidak lengkap.", "The image file is damaged or incomplete.")


def _error(status: int, texts: tuple[str, str], **fmt: Any) -> Response[dict[str, Any]]:
    message, message_en = texts[0].format(**fmt), texts[1].format(**fmt)
    return problem(status, message_en, message=message, message_en=message_en)


def internal_api(
    settings: EvidenceSettings, runtime: ServiceRuntime, store: ObjectStore
) -> type[Controller]:
    def authorise(request: Request[Any, Any, Any]) -> None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), settings.service_token.encode()):
            raise NotAuthorizedException("Token layanan salah | Wrong service token")

    class InternalApi(Controller):
        path = "/internal/v1"
        include_in_schema = False

        @post("/reports/{report_id:uuid}/evidence", request_max_body_size=None)
        async def upload(
            self, report_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> Response[Any]:
            authorise(request)
            mib = settings.max_file_bytes // (1024 * 1024)
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > settings.max_file_bytes:
                return _error(413, TOO_LARGE, mib=mib)
            upload = Upload(
                report_id=report_id,
                filename=unquote(request.headers.get("x-evidence-filename", ""))[:255],
                content_type=request.headers.get("x-evidence-content-type",
                                                 "application/octet-stream")[:200],
                correlation_id=_uuid(request.headers.get("x-correlation-id")) or report_id,
            )
            try:
                stored = await store_evidence(
                    runtime.pool, store, load_public_key(settings.cases_public_key_file),
                    upload, request.stream(), UploadLimits(
                        settings.max_file_bytes, settings.upload_part_bytes,
                        settings.upload_parallel_parts, settings.upload_buffer_bytes))
            except FileTooLarge:
                return _error(413, TOO_LARGE, mib=mib)
            except EmptyFile:
                return _error(422, EMPTY)
            except MalformedImage:
                return _error(422, MALFORMED)
            return Response({"evidence_id": str(stored.evidence_id),
                             "size_bytes": stored.size_bytes, "sha256": stored.sha256,
                             "metadata_removed": stored.metadata_removed}, status_code=201)

        @get("/evidence/{evidence_id:uuid}/ciphertext")
        async def ciphertext(
            self, evidence_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> Response[Any]:
            authorise(request)
            object_key = await runtime.pool.fetchval(
                "SELECT object_key FROM evidence_files WHERE id = $1", evidence_id)
            if object_key is None:
                return problem(404)
            return Stream(_object_bytes(store, object_key),
                          media_type="application/octet-stream")

    return InternalApi


async def _object_bytes(store: ObjectStore, object_key: str) -> AsyncIterator[bytes]:
    chunks = await asyncio.to_thread(store.read_chunks, object_key)
    sentinel = b""
    while True:
        chunk = await asyncio.to_thread(next, chunks, sentinel)
        if not chunk:
            return
        yield chunk


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
