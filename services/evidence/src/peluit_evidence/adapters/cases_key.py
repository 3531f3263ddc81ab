"""The cases service's public key, to which file keys and file names are sealed."""

from __future__ import annotations

from pathlib import Path

from nacl.encoding import Base64Encoder
from nacl.public import PublicKey


def load_public_key(path: Path) -> PublicKey:
    """Read on each upload so a rotated key is used at once."""
    return PublicKey(path.read_bytes().strip(), encoder=Base64Encoder)
