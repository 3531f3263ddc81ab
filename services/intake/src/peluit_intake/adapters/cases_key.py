"""The cases service's public key, to which every report is sealed."""

from __future__ import annotations

from pathlib import Path

from nacl.encoding import Base64Encoder
from nacl.public import PublicKey


class MissingCasesKey(RuntimeError):
    """Intake cannot accept reports it cannot protect."""


def load_public_key(path: Path) -> PublicKey:
    try:
        return PublicKey(path.read_bytes().strip(), encoder=Base64Encoder)
    except FileNotFoundError as exc:
        raise MissingCasesKey(
            f"cases public key not found at {path}; run `peluit-cases keys ensure`"
        ) from exc
