"""The S3-compatible object store (SeaweedFS locally; MinIO, Ceph or AWS in production)."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, Protocol, cast

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.error import S3Error
from minio.versioningconfig import VersioningConfig
from urllib3.exceptions import HTTPError

from peluit_evidence.settings import EvidenceSettings
from peluit_shared.logging import get_logger

log = get_logger(__name__)
STORE_ERRORS: tuple[type[Exception], ...] = (S3Error, HTTPError, OSError, TimeoutError)
_ERRORS = STORE_ERRORS


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class IncompleteUpload:
    object_key: str
    upload_id: str
    initiated: datetime | None


class ObjectStore:
    def __init__(self, settings: EvidenceSettings) -> None:
        self.bucket = settings.s3_bucket
        self.versioning = settings.s3_versioning
        self._bucket_ready = False
        self.client = Minio(
            settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            secure=settings.s3_secure,
            http_client=urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=3, read=60),
                retries=urllib3.Retry(total=2, backoff_factor=0.2),
                maxsize=16,
            ),
        )

    def _ensure(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)
        if self.versioning:
            # An object deleted by mistake (or by someone with the store's keys) stays
            # recoverable as an older version; Peluit's own deletions remove every version.
            self.client.set_bucket_versioning(self.bucket, VersioningConfig(ENABLED))
        self._bucket_ready = True

    async def keep_ensuring_bucket(self) -> None:
        """Create the bucket when the store answers; retried so a late store is not fatal."""
        delay = 0.5
        while not self._bucket_ready:
            try:
                await asyncio.to_thread(self._ensure)
                log.info("bucket_ready", bucket=self.bucket)
            except _ERRORS as exc:
                log.warning("object_store_unavailable", error=type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def ready(self) -> bool:
        if not self._bucket_ready:
            return False
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self.client.bucket_exists, self.bucket), timeout=3
            )
        except _ERRORS:
            return False

    def put_stream(
        self, object_key: str, data: Readable, part_size: int, parallel_parts: int
    ) -> None:
        """Blocking: upload a stream of unknown length as a multipart object.

        Memory is bounded: minio blocks reading the next part while `parallel_parts` parts are
        in flight, so at most (parallel_parts + 1) parts are held whatever the file size.
        """
        self.client.put_object(
            self.bucket,
            object_key,
            cast(BinaryIO, data),
            length=-1,
            part_size=part_size,
            num_parallel_uploads=parallel_parts,
            content_type="application/octet-stream",
        )

    def read_chunks(self, object_key: str, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        """Blocking iterator over an object's bytes."""
        response = self.client.get_object(self.bucket, object_key)
        try:
            yield from response.stream(chunk_size)
        finally:
            response.close()
            response.release_conn()

    def remove(self, object_key: str) -> None:
        """Delete the object with every version of it (a purge must leave nothing behind)."""
        self.remove_prefix(object_key, exact=True)

    def purge_report(self, report_id: uuid.UUID) -> int:
        """Retention: every object of the report with every version and delete marker."""
        return self.remove_prefix(f"{report_id}/")

    def remove_prefix(self, prefix: str, exact: bool = False) -> int:
        """Delete every version (and delete marker) of the objects under `prefix`."""
        removed: set[str] = set()
        for obj in self.client.list_objects(
            self.bucket, prefix=prefix, recursive=True, include_version=True
        ):
            if not obj.object_name or (exact and obj.object_name != prefix):
                continue
            self.client.remove_object(self.bucket, obj.object_name, version_id=obj.version_id)
            removed.add(obj.object_name)
        return len(removed)

    def restore_deleted(self) -> list[str]:
        """Undo deletions that did not come from Peluit: drop the newest delete markers."""
        restored: list[str] = []
        for obj in self.client.list_objects(self.bucket, recursive=True, include_version=True):
            if obj.object_name and obj.is_delete_marker and obj.is_latest == "true":
                self.client.remove_object(self.bucket, obj.object_name, version_id=obj.version_id)
                restored.append(obj.object_name)
        return restored

    def restore_deleted_object(self, object_key: str) -> bool:
        """Undo the deletion of one object (its newest delete marker); False when not deleted."""
        for obj in self.client.list_objects(self.bucket, prefix=object_key, include_version=True):
            if obj.object_name == object_key and obj.is_delete_marker and obj.is_latest == "true":
                self.client.remove_object(self.bucket, object_key, version_id=obj.version_id)
                return True
        return False

    def versions(self, prefix: str = "") -> list[tuple[str, str | None, bool]]:
        """(key, version id, is a delete marker) of every version under `prefix`."""
        return [
            (obj.object_name, obj.version_id, bool(obj.is_delete_marker))
            for obj in self.client.list_objects(
                self.bucket, prefix=prefix, recursive=True, include_version=True
            )
            if obj.object_name
        ]

    def expire_noncurrent(
        self, window: timedelta, now: datetime | None = None, prefix: str = ""
    ) -> int:
        """Remove the versions that stopped being current more than `window` ago.

        A deleted or overwritten object stays recoverable for `window`; after that its older
        versions go (SeaweedFS's own lifecycle rules for noncurrent versions cannot be relied
        on), and a delete marker left with nothing behind it goes too. Returns versions removed.
        """
        now = now or datetime.now(UTC)
        by_key: dict[str, list[Any]] = {}
        for obj in self.client.list_objects(
            self.bucket, prefix=prefix, recursive=True, include_version=True
        ):
            if obj.object_name:
                by_key.setdefault(obj.object_name, []).append(obj)
        removed = 0
        for key, entries in by_key.items():
            # Newest first (the current one, then by time: stores do not all list in that
            # order); a version became noncurrent when the next newer one was written.
            entries.sort(
                key=lambda o: (o.is_latest == "true", o.last_modified or now), reverse=True
            )
            kept = [entries[0]]
            for newer, obj in itertools.pairwise(entries):
                since = newer.last_modified or now
                if now - since > window:
                    self.client.remove_object(self.bucket, key, version_id=obj.version_id)
                    removed += 1
                else:
                    kept.append(obj)
            latest = entries[0]
            if (
                len(kept) == 1
                and latest.is_delete_marker
                and now - (latest.last_modified or now) > window
            ):
                self.client.remove_object(self.bucket, key, version_id=latest.version_id)
                removed += 1
        return removed

    def object_keys(self, prefix: str = "") -> Iterator[str]:
        for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True):
            if obj.object_name and not obj.is_dir:
                yield obj.object_name

    def incomplete_uploads(self, prefix: str = "") -> list[IncompleteUpload]:
        """Multipart uploads begun and neither completed nor aborted."""
        found: list[IncompleteUpload] = []
        key_marker: str | None = None
        upload_marker: str | None = None
        while True:
            result = self.client._list_multipart_uploads(  # minio has no public API for it
                self.bucket,
                prefix=prefix or None,
                key_marker=key_marker,
                upload_id_marker=upload_marker,
            )
            for upload in result.uploads:
                if upload.object_name and upload.upload_id:
                    found.append(
                        IncompleteUpload(
                            upload.object_name, upload.upload_id, upload.initiated_time
                        )
                    )
            if not result.is_truncated:
                return found
            key_marker, upload_marker = result.next_key_marker, result.next_upload_id_marker

    def abort_upload(self, upload: IncompleteUpload) -> None:
        self.client._abort_multipart_upload(  # minio has no public API for it
            self.bucket, upload.object_key, upload.upload_id
        )
