"""Notifications settings (environment variables prefixed `PELUIT_NOTIFICATIONS_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, env_port, port_offset, repo_data_dir


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_NOTIFICATIONS_", extra="ignore")

    service_name: str = "notifications"
    http_port: int = Field(default_factory=lambda: 8040 + port_offset())
    kafka_group_id: str = "notifications"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default_factory=lambda: env_port("PELUIT_SMTP_PORT", 51025))
    mail_from: str = "wbs-noreply@kkp.go.id"
    # Private keys (one file per key id, mode 0600) and `current.pub`: intake seals the
    # reporter's optional notification address to it, so only this service can read it.
    key_dir: Path = repo_data_dir() / "keys" / "notifications"

    @model_validator(mode="after")
    def _dsn(self) -> NotificationsSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("notifications")
        return self
