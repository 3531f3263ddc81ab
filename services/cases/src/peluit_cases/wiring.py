"""The cases service's wired parts, shared by HTTP routes, subscribers and the CLI."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey

from peluit_cases.adapters.evidence_client import EvidenceClient
from peluit_cases.adapters.source_limit import SourceLimit
from peluit_cases.adapters.unit_of_work import PgUnitOfWork
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.workflow import TransitionTable
from peluit_cases.service.unit_of_work import CaseRules, UnitOfWork
from peluit_cases.settings import CasesSettings
from peluit_shared import grants
from peluit_shared.keyring import current_public_key, load_private_keys
from peluit_shared.runtime import ServiceRuntime


@dataclass
class Cases:
    settings: CasesSettings
    runtime: ServiceRuntime
    table: TransitionTable = field(init=False)
    calendar: WorkingCalendar = field(init=False)
    login_sources: SourceLimit = field(init=False)
    _keys: dict[str, PrivateKey] = field(default_factory=dict)
    _keys_seen: float = -1.0
    _evidence: EvidenceClient | None = None
    _grant_key: SigningKey | None = None
    # Set to anchor the audit chain's head now (after an identity reveal).
    anchor_wanted: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.table = TransitionTable.load(self.settings.workflow_file)
        self.calendar = WorkingCalendar.load(self.settings.holidays_file)
        self.login_sources = SourceLimit(
            self.settings.login_source_attempts, self.settings.lockout_minutes * 60.0
        )

    def rules(self) -> CaseRules:
        return CaseRules(self.table, self.calendar, self.settings.reporter_update_days)

    def unit_of_work(self, conn: asyncpg.Connection | None = None) -> UnitOfWork:
        """A fresh unit of work for one use case: its own connection and transaction, or a
        savepoint on `conn` (a subscriber's batch transaction)."""
        return PgUnitOfWork(None if conn else self.runtime.pool, self.rules(), conn)

    def evidence(self) -> EvidenceClient:
        if self._evidence is None:
            self._evidence = EvidenceClient(self.settings.evidence_url)
        return self._evidence

    def grant_key(self) -> SigningKey:
        if self._grant_key is None:
            self._grant_key = grants.load_signing_key(self.settings.grant_key_file)
        return self._grant_key

    def keys(self) -> dict[str, PrivateKey]:
        """The private keys; reloaded when the key folder changes (a rotation while running)."""
        try:
            changed = self.settings.key_dir.stat().st_mtime
        except OSError:
            changed = 0.0
        if not self._keys or changed != self._keys_seen:
            self._keys = load_private_keys(self.settings.key_dir)
            self._keys_seen = changed
        return self._keys

    def public_key(self) -> PublicKey:
        """The current key: staff copies of messages are sealed to it like the reports."""
        return current_public_key(self.settings.key_dir)
