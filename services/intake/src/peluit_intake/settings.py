"""Intake settings (environment variables prefixed `PELUIT_INTAKE_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, port_offset, repo_data_dir


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_INTAKE_", extra="ignore")

    service_name: str = "intake"
    http_port: int = Field(default_factory=lambda: 8010 + port_offset())
    kafka_group_id: str = "intake"
    # The cases service's current public key: reports are sealed to it before they are stored.
    cases_public_key_file: Path = repo_data_dir() / "keys" / "cases" / "current.pub"
    # The notifications service's current public key: a reporter's optional address for
    # notices is sealed to it, so only notifications can read it.
    notifications_public_key_file: Path = repo_data_dir() / "keys" / "notifications" / "current.pub"
    # The offline recovery key's public half (`peluit-cases recovery-key init`): every case key
    # and identity key is also wrapped to it. Without it intake accepts no report (503).
    recovery_public_key_file: Path = repo_data_dir() / "keys" / "recovery" / "recovery.pub"
    # Secret pepper for the receipt lookup index; keep it outside the database.
    receipt_pepper: str = "peluit-dev-pepper-change-me"
    max_body_bytes: int = 512 * 1024
    # Argon2id cost of receipts (hash and reporter key): OWASP's minimum profile by default.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19 * 1024
    # Staff's manual-entry tool (cases console) presents this bearer token to set `channel`.
    manual_entry_token: str = "peluit-dev-manual-entry-token"  # noqa: S105 (dev default)
    # In-memory limits (keys: HMAC of the source under an hourly rotating key). Behind Tor every
    # visitor shares one source, so the per-source limits are generous and the global one decides.
    submissions_per_source_per_hour: int = 300
    receipt_failures_per_source: int = 10
    receipt_failures_global: int = 100
    receipt_failure_window_seconds: float = 900.0
    followups_per_report_per_hour: int = 30
    # Mailbox sessions: in memory, ended after this much idle time or on sign-out.
    session_idle_seconds: float = 900.0
    cookie_secure: bool = True
    # The evidence service; files are streamed through, never kept here.
    evidence_url: str = Field(default_factory=lambda: f"http://127.0.0.1:{8030 + port_offset()}")
    # Where API clients upload directly with a grant (the evidence service as they reach it).
    evidence_public_url: str | None = None
    # Ed25519 key intake signs upload grants with (`peluit-intake keys ensure`); the evidence
    # service holds only its public half.
    grant_key_file: Path = repo_data_dir() / "keys" / "intake" / "grant.key"
    evidence_grant_seconds: int = 900
    # Per-file limit (as the evidence service's): a larger declared body is refused at once.
    max_evidence_bytes: int = 200 * 1024 * 1024
    # Files one report may hold (as the evidence service's).
    max_evidence_files: int = 20
    # False for extra processes that serve HTTP only (tests, read replicas of the portal).
    consumers_enabled: bool = True

    @model_validator(mode="after")
    def _dsn(self) -> IntakeSettings:
        if not self.db_dsn:
            self.db_dsn = self.default_dsn("intake")
        return self
