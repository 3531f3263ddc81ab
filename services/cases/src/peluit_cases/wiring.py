"""The cases service's wired parts, shared by HTTP routes, subscribers and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from nacl.public import PrivateKey

from peluit_cases.adapters.keyring import load_private_keys
from peluit_cases.settings import CasesSettings
from peluit_shared.runtime import ServiceRuntime


@dataclass
class Cases:
    settings: CasesSettings
    runtime: ServiceRuntime
    _keys: dict[str, PrivateKey] = field(default_factory=dict)

    _current: ClassVar[Cases | None] = None

    @classmethod
    def current(cls) -> Cases:
        assert cls._current is not None, "cases not bootstrapped"
        return cls._current

    def keys(self) -> dict[str, PrivateKey]:
        if not self._keys:
            self._keys = load_private_keys(self.settings.key_dir)
        return self._keys
