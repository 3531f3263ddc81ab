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
    # Which channels are on (the registry in bootstrap): email, inapp, webhook.
    channels: list[str] = ["email", "inapp", "webhook"]
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default_factory=lambda: env_port("PELUIT_SMTP_PORT", 21025))
    smtp_starttls: bool = False
    smtp_username: str = ""
    SECRET_FIELDS = ("smtp_password", "webhook_secret", "ops_token", "service_token")
    OPTIONAL_SECRETS = ("smtp_password",)
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "wbs-noreply@kkp.go.id"
    # Links in emails: staff go to the console, reporters to the portal's mailbox sign-in.
    console_base_url: str = Field(
        default_factory=lambda: f"http://127.0.0.1:{8020 + port_offset()}"
    )
    portal_base_url: str = Field(default_factory=lambda: f"http://127.0.0.1:{8010 + port_offset()}")
    # Signed webhooks: every staff notice is POSTed to each URL (no content in the payload).
    webhook_urls: list[str] = []
    webhook_secret: str = "peluit-dev-webhook-secret"  # noqa: S105 - dev default
    webhook_timeout_seconds: float = 5.0
    # Bearer tokens: operators (ops API) and the cases console (inbox API).
    ops_token: str = "peluit-dev-notifications-ops-token"  # noqa: S105 - dev default
    service_token: str = "peluit-dev-notifications-service-token"  # noqa: S105 - dev default
    # Sending: attempts per delivery, exponential backoff (with jitter) between them.
    retry_max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=2.0, gt=0)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    # A claimed delivery whose sender died is retried after this lease.
    send_lease_seconds: float = 60.0
    sender_batch: int = 20
    sender_poll_seconds: float = 2.0
    # The daily digest: local time of day in `digest_timezone`.
    digest_time: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    digest_timezone: str = "Asia/Jakarta"
    digest_check_seconds: float = 60.0
    # Private keys (one file per key id, mode 0600) and `current.pub`: intake seals the
    # reporter's optional notification address to it, so only this service can read it.
    key_dir: Path = repo_data_dir() / "keys" / "notifications"

    @model_validator(mode="after")
    def _dsn(self) -> NotificationsSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("notifications")
        return self
