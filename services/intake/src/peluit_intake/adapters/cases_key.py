"""Public keys intake seals to: the cases service's (every report) and the notifications
service's (the reporter's optional address for notices)."""

from __future__ import annotations

from pathlib import Path

from nacl.encoding import Base64Encoder
from nacl.public import PublicKey


class MissingCasesKey(RuntimeError):
    """Intake cannot accept reports it cannot protect."""


def load_public_key(path: Path, service: str = "cases") -> PublicKey:
    try:
        return PublicKey(path.read_bytes().strip(), encoder=Base64Encoder)
    except FileNotFoundError as exc:
        raise MissingCasesKey(
            f"{service} public key not found at {path}; run `peluit-{service} keys ensure`"
        ) from exc
