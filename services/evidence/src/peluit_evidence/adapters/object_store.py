"""The S3-compatible object store (SeaweedFS locally; MinIO, Ceph or AWS in production)."""

from __future__ import annotations

import asyncio

from minio import Minio
from minio.error import S3Error
from urllib3.exceptions import HTTPError

from peluit_evidence.settings import EvidenceSettings


class ObjectStore:
    def __init__(self, settings: EvidenceSettings) -> None:
        self.bucket = settings.s3_bucket
        self.client = Minio(
            settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            secure=settings.s3_secure,
        )

    async def ensure_bucket(self) -> None:
        def ensure() -> None:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

        await asyncio.to_thread(ensure)

    async def ready(self) -> bool:
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self.client.bucket_exists, self.bucket), timeout=3
            )
        except (S3Error, HTTPError, OSError, TimeoutError):
            return False
