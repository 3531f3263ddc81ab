"""Cases settings (environment variables prefixed `PELUIT_CASES_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, port_offset, repo_data_dir


class CasesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_CASES_", extra="ignore")

    service_name: str = "cases"
    SECRET_FIELDS = ("intake_manual_entry_token", "notifications_service_token")
    http_port: int = Field(default_factory=lambda: 8020 + port_offset())
    kafka_group_id: str = "cases"
    # Private keys (one file per key id, mode 0600) and `current.pub`, the key intake seals to.
    key_dir: Path = repo_data_dir() / "keys" / "cases"
    # The offline recovery key's public half (`peluit-cases recovery-key init` writes it; intake
    # reads the same file). The private half is printed once and never stored.
    recovery_public_key_file: Path = repo_data_dir() / "keys" / "recovery" / "recovery.pub"
    session_idle_minutes: int = 15
    session_max_hours: int = 10
    max_body_bytes: int = 512 * 1024
    # Lockout: this many wrong passwords or codes within the window lock the account for it.
    lockout_attempts: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    # Per source (the client address, kept only as an HMAC under a key that rotates with the
    # window): this many failed sign-ins within the lockout window refuse that source.
    login_source_attempts: int = Field(default=20, ge=1)
    # Reverse proxies in front of cases that append the client to X-Forwarded-For (0: none, the
    # socket peer is the source). Set it only when every request passes those proxies.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    # The audit chain's HMAC key (`keys ensure` makes it) and how often its head is anchored
    # to the `audit.anchors` topic (also at once after every identity reveal).
    audit_key_file: Path | None = None  # `<key_dir>/audit/chain.key` when unset
    audit_anchor_seconds: float = Field(default=60.0, gt=0)
    # The console cookie is Secure by default; turn off only behind plain-HTTP test setups.
    cookie_secure: bool = True
    totp_issuer: str = "Peluit Itjen KKP"
    workflow_file: Path | None = None  # JSON transition table; the built-in one when unset
    holidays_file: Path | None = None  # JSON list of holidays; Indonesian 2026 when unset
    reveal_min_reason: int = 20
    deadline_check_seconds: float = 300.0
    # Tell the reporter something at least every this many calendar days (ARCHITECTURE §3).
    reporter_update_days: int = Field(default=30, ge=1)
    intake_url: str = Field(default_factory=lambda: f"http://127.0.0.1:{8010 + port_offset()}")
    intake_manual_entry_token: str = "peluit-dev-manual-entry-token"  # noqa: S105 - dev default
    evidence_url: str = Field(default_factory=lambda: f"http://127.0.0.1:{8030 + port_offset()}")
    # Ed25519 key cases signs evidence grants with (upload for staff, download per file);
    # `peluit-cases keys ensure` creates it. The evidence service holds only its public half.
    grant_key_file: Path = repo_data_dir() / "keys" / "cases" / "grants" / "grant.key"
    evidence_download_grant_seconds: int = 60
    evidence_upload_grant_seconds: int = 900
    # Where staff clients upload with a grant (the evidence service as they reach it).
    evidence_public_url: str | None = None
    # The console's "Notifications" page reads the inbox API of the notifications service.
    notifications_url: str = Field(
        default_factory=lambda: f"http://127.0.0.1:{8040 + port_offset()}"
    )
    notifications_service_token: str = "peluit-dev-notifications-service-token"  # noqa: S105

    @model_validator(mode="after")
    def _dsn(self) -> CasesSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("cases")
        if self.audit_key_file is None:
            self.audit_key_file = self.key_dir / "audit" / "chain.key"
        return self

    @property
    def audit_key(self) -> Path:
        assert self.audit_key_file is not None
        return self.audit_key_file
