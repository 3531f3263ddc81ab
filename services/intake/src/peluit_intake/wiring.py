"""The intake service's wired parts, shared by HTTP routes and subscribers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import ClassVar

import nacl.encoding
import nacl.hash
from litestar.exceptions import ServiceUnavailableException
from nacl.public import PublicKey
from nacl.signing import SigningKey

from peluit_intake.adapters.cases_key import load_public_key
from peluit_intake.adapters.evidence_client import EvidenceClient
from peluit_intake.adapters.receipt_crypto import ReceiptCrypto
from peluit_intake.adapters.receipt_handoff import ReceiptHandoff
from peluit_intake.adapters.sessions import SessionStore
from peluit_intake.adapters.staff_keys_repo import case_public_key
from peluit_intake.adapters.throttle import Limit, RotatingHasher, Throttle
from peluit_intake.service.case_keys import RecoveryKeyMissing, b64, load_recovery_key
from peluit_intake.settings import IntakeSettings
from peluit_shared import grants
from peluit_shared.runtime import ServiceRuntime


def make_throttle(settings: IntakeSettings, runtime: ServiceRuntime) -> Throttle:
    """Limits in the intake database; their hashing key is derived from the grant signing key,
    which every intake replica holds and the database never does."""

    def grant_seed() -> bytes:
        return bytes(grants.load_signing_key(settings.grant_key_file))

    return Throttle(
        pool=lambda: runtime.pool,
        submissions_per_source=Limit("submit", settings.submissions_per_source_per_hour, 3600.0),
        receipt_failures_per_source=Limit(
            "receipt",
            settings.receipt_failures_per_source,
            settings.receipt_failure_window_seconds,
        ),
        followups_per_report=Limit("followup", settings.followups_per_report_per_hour, 3600.0),
        hasher=RotatingHasher(load_secret=grant_seed),
    )


@dataclass
class Intake:
    settings: IntakeSettings
    runtime: ServiceRuntime
    crypto: ReceiptCrypto
    throttle: Throttle
    sessions: SessionStore
    handoff: ReceiptHandoff
    _cases_key: PublicKey | None = field(default=None)
    _notifications_key: PublicKey | None = field(default=None)
    _evidence: EvidenceClient | None = field(default=None)
    _grant_key: SigningKey | None = field(default=None)
    _request_key: bytes | None = field(default=None)
    _form_key: bytes | None = field(default=None)
    _recovery: tuple[float, PublicKey] | None = field(default=None)

    _current: ClassVar[Intake | None] = None

    @classmethod
    def current(cls) -> Intake:
        assert cls._current is not None, "intake not bootstrapped"
        return cls._current

    def _grant_derived(self, label: bytes, person: bytes) -> bytes:
        """A key derived from the grant signing key, which every replica holds and the database
        never does."""
        seed = bytes(grants.load_signing_key(self.settings.grant_key_file))
        return nacl.hash.blake2b(
            label, digest_size=32, key=seed, person=person, encoder=nacl.encoding.RawEncoder
        )

    @property
    def form_key(self) -> bytes:
        """Key of the portal's form tokens (entrypoints/web/render.py): a token made by one
        replica is accepted by every other."""
        if self._form_key is None:
            self._form_key = self._grant_derived(b"form-token", b"peluit-form-v1")
        return self._form_key

    def request_key(self) -> bytes:
        """Key of the idempotency index: a database copy cannot test guesses of idempotency
        keys."""
        if self._request_key is None:
            self._request_key = self._grant_derived(b"idempotency", b"peluit-idem-v1")
        return self._request_key

    def cases_key(self) -> PublicKey:
        if self._cases_key is None:
            self._cases_key = load_public_key(self.settings.cases_public_key_file)
        return self._cases_key

    def recovery_key(self) -> PublicKey:
        """The offline recovery key's public half (re-read when the file changes); 503 without."""
        path = self.settings.recovery_public_key_file
        try:
            changed = path.stat().st_mtime
        except OSError:
            changed = -1.0
        if self._recovery is None or self._recovery[0] != changed:
            try:
                self._recovery = (changed, load_recovery_key(path))
            except RecoveryKeyMissing as exc:
                raise ServiceUnavailableException(
                    "Layanan belum siap menerima laporan (kunci pemulihan belum dibuat) | "
                    "Not ready to accept reports (no recovery key yet)"
                ) from exc
        return self._recovery[1]

    def notifications_key(self) -> PublicKey:
        if self._notifications_key is None:
            self._notifications_key = load_public_key(
                self.settings.notifications_public_key_file, "notifications"
            )
        return self._notifications_key

    def evidence(self) -> EvidenceClient:
        if self._evidence is None:
            self._evidence = EvidenceClient(self.settings.evidence_url)
        return self._evidence

    async def upload_grant(self, report_id: uuid.UUID) -> tuple[str, int]:
        """A signed upload grant for one report's files, and its expiry (Unix seconds).

        It names the case's public key: evidence seals file keys to it (not to a host key).
        """
        async with self.runtime.pool.acquire() as conn:
            case_key = await case_public_key(conn, report_id)
        if self._grant_key is None:
            self._grant_key = grants.load_signing_key(self.settings.grant_key_file)
        grant = grants.new_grant(
            "intake",
            "upload",
            report_id,
            self.settings.evidence_grant_seconds,
            max_files=self.settings.max_evidence_files,
            case_public_key=b64(case_key),
        )
        return grants.issue(self._grant_key, grant), grant.exp
