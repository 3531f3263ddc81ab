"""Intake settings (environment variables prefixed `PELUIT_INTAKE_`)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from peluit_shared.settings import ServiceSettings, port_offset, repo_data_dir

ONION_V3 = re.compile(r"[a-z2-7]{56}\.onion")


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PELUIT_INTAKE_", extra="ignore")

    @field_validator("onion_address")
    @classmethod
    def _onion_v3(cls, value: str) -> str:
        value = value.strip().lower().removeprefix("http://").rstrip("/")
        if value and not ONION_V3.fullmatch(value):
            raise ValueError("must be a v3 onion address: 56 base32 characters + .onion")
        return value

    service_name: str = "intake"
    http_port: int = Field(default_factory=lambda: 8010 + port_offset())
    kafka_group_id: str = "intake"
    # The cases service's current public key: reports are sealed to it before they are stored.
    cases_public_key_file: Path = repo_data_dir() / "keys" / "cases" / "current.pub"
    # The notifications service's current public key: a reporter's optional address for
    # notices is sealed to it, so only notifications can read it.
    notifications_public_key_file: Path = repo_data_dir() / "keys" / "notifications" / "current.pub"
    SECRET_FIELDS = ("manual_entry_token",)
    # The offline recovery key's public half (`peluit-cases recovery-key init`): every case key
    # and identity key is also wrapped to it. Without it intake accepts no report (503).
    recovery_public_key_file: Path = repo_data_dir() / "keys" / "recovery" / "recovery.pub"
    max_body_bytes: int = 512 * 1024
    # Argon2id cost of receipts (one run: verifier and reporter keys). At least RFC 9106's
    # second recommendation (64 MiB, t=3); lower values are refused at start.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    # Argon2id runs at once (each holds argon2_memory_kib); more wait their turn. 0: the cores.
    receipt_kdf_concurrency: int = 0
    # Staff's manual-entry tool (cases console) presents this bearer token to set `channel`.
    manual_entry_token: str = "peluit-dev-manual-entry-token"  # noqa: S105 (dev default)
    # Limits in PostgreSQL, shared by replicas (keys: HMAC of the source under an hourly key).
    # Behind Tor every visitor shares one source, so the per-source limits are generous; there is
    # no global limit (each wrong receipt costs an Argon2id run, on one report only).
    submissions_per_source_per_hour: int = 300
    receipt_failures_per_source: int = 10
    receipt_failure_window_seconds: float = 900.0
    # Reverse proxies in front of intake that append the client to X-Forwarded-For (0: none,
    # the socket peer is the source). Set it only when every request passes those proxies.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    followups_per_report_per_hour: int = 30
    # Mailbox sessions (shared by the replicas, sealed to the browser): ended after this much
    # idle time or on sign-out.
    session_idle_seconds: float = 900.0
    cookie_secure: bool = True
    # The evidence service; files are streamed through, never kept here.
    evidence_url: str = Field(default_factory=lambda: f"http://127.0.0.1:{8030 + port_offset()}")
    # Where API clients upload directly with a grant (the evidence service as they reach it).
    evidence_public_url: str | None = None
    # The portal's Tor onion address (deploy/tor/torrc), e.g. "<56 characters>.onion": shown on
    # the portal and sent as `Onion-Location`, so Tor Browser offers the onion. Empty = none.
    onion_address: str = ""
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
