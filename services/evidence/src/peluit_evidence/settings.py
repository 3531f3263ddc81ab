"""Evidence settings (environment variables prefixed `PELUIT_EVIDENCE_`)."""

from __future__ import annotations

import os

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, env_port, port_offset


class EvidenceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_EVIDENCE_", extra="ignore")

    service_name: str = "evidence"
    http_port: int = Field(default_factory=lambda: 8030 + port_offset())
    kafka_group_id: str = "evidence"
    s3_endpoint: str = Field(
        default_factory=lambda: f"127.0.0.1:{env_port('PELUIT_S3_PORT', 58333)}"
    )
    s3_secure: bool = False
    s3_access_key: str = Field(
        default_factory=lambda: os.environ.get("PELUIT_S3_ACCESS_KEY", "peluit")
    )
    s3_secret_key: str = Field(
        default_factory=lambda: os.environ.get("PELUIT_S3_SECRET_KEY", "peluit-dev-secret")
    )
    s3_bucket: str = "peluit-evidence"

    @model_validator(mode="after")
    def _dsn(self) -> EvidenceSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("evidence")
        return self
