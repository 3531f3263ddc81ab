"""Cases settings (environment variables prefixed `PELUIT_CASES_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, port_offset, repo_data_dir


class CasesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_CASES_", extra="ignore")

    service_name: str = "cases"
    http_port: int = Field(default_factory=lambda: 8020 + port_offset())
    kafka_group_id: str = "cases"
    # Private keys (one file per key id, mode 0600) and `current.pub`, the key intake seals to.
    key_dir: Path = repo_data_dir() / "keys" / "cases"
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    max_body_bytes: int = 512 * 1024

    @model_validator(mode="after")
    def _dsn(self) -> CasesSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("cases")
        return self
