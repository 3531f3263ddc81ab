"""Evidence settings (environment variables prefixed `PELUIT_EVIDENCE_`)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, env_port, port_offset, repo_data_dir


class EvidenceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_EVIDENCE_", extra="ignore")

    service_name: str = "evidence"
    http_port: int = Field(default_factory=lambda: 8030 + port_offset())
    kafka_group_id: str = "evidence"
    s3_endpoint: str = Field(
        default_factory=lambda: f"127.0.0.1:{env_port('PELUIT_S3_PORT', 28333)}"
    )
    s3_secure: bool = False
    s3_access_key: str = Field(
        default_factory=lambda: os.environ.get("PELUIT_S3_ACCESS_KEY", "peluit")
    )
    SECRET_FIELDS = ("s3_secret_key",)
    s3_secret_key: str = Field(
        default_factory=lambda: os.environ.get("PELUIT_S3_SECRET_KEY", "peluit-dev-secret")
    )
    s3_bucket: str = "peluit-evidence"
    # Keep older versions of objects, so a mistaken delete can be undone (`restore-deleted`).
    s3_versioning: bool = True
    # How long a deleted or overwritten object stays recoverable: `expire-versions` (daily job)
    # removes versions that have been noncurrent longer. A purge removes every version at once.
    deleted_recovery_days: float = Field(default=30.0, gt=0)
    # The cases service's current public key: file keys and file names are sealed to it.
    cases_public_key_file: Path = repo_data_dir() / "keys" / "cases" / "current.pub"
    # Verify keys of the grant issuers (Ed25519): evidence checks grants, it cannot mint them.
    intake_grant_key_file: Path = repo_data_dir() / "keys" / "intake" / "grant.pub"
    cases_grant_key_file: Path = repo_data_dir() / "keys" / "cases" / "grants" / "grant.pub"
    max_file_bytes: int = 200 * 1024 * 1024
    # Files one report may hold in all (a grant may allow fewer).
    max_files_per_report: int = 20
    # Remove identifying metadata (EXIF/GPS, document authors) from the types that allow it.
    remove_metadata: bool = True
    # Encrypted temporary files for documents being cleaned (None: the system's temp folder).
    spool_dir: Path | None = None
    # A document (ZIP) that would expand beyond this while being cleaned is refused.
    max_expanded_bytes: int = 1024 * 1024 * 1024
    # `peluit-evidence orphans`: incomplete multipart uploads older than this are stale.
    stale_upload_minutes: int = 60
    # Multipart uploads: part size (minimum 5 MiB) and parts in flight at once. One upload holds
    # about (parallel + 1) parts plus the buffer, whatever the file size.
    upload_part_bytes: int = 5 * 1024 * 1024
    upload_parallel_parts: int = 3
    # Ciphertext waiting for the uploader while it assembles a part.
    upload_buffer_bytes: int = 1024 * 1024

    @model_validator(mode="after")
    def _dsn(self) -> EvidenceSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("evidence")
        return self
