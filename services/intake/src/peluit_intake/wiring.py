"""The intake service's wired parts, shared by HTTP routes and subscribers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from nacl.public import PublicKey

from peluit_intake.adapters.cases_key import load_public_key
from peluit_intake.adapters.receipt_crypto import ReceiptCrypto
from peluit_intake.settings import IntakeSettings
from peluit_shared.runtime import ServiceRuntime


@dataclass
class Intake:
    settings: IntakeSettings
    runtime: ServiceRuntime
    crypto: ReceiptCrypto
    _cases_key: PublicKey | None = field(default=None)

    _current: ClassVar[Intake | None] = None

    @classmethod
    def current(cls) -> Intake:
        assert cls._current is not None, "intake not bootstrapped"
        return cls._current

    def cases_key(self) -> PublicKey:
        if self._cases_key is None:
            self._cases_key = load_public_key(self.settings.cases_public_key_file)
        return self._cases_key
