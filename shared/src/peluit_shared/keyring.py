"""A service's X25519 key pairs: data is sealed to the current one; older ones stay readable.

Private keys live in files (or a mounted secret), never in the database or the logs. A new key
pair becomes current; older private keys are kept so older cases remain readable.
"""

from __future__ import annotations

import os
from pathlib import Path

from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey, PublicKey

from peluit_shared.crypto import key_id_of

CURRENT_PUBLIC = "current.pub"


def load_private_keys(key_dir: Path) -> dict[str, PrivateKey]:
    keys: dict[str, PrivateKey] = {}
    for path in sorted(key_dir.glob("*.key")) if key_dir.is_dir() else []:
        key = PrivateKey(path.read_bytes().strip(), encoder=Base64Encoder)
        keys[key_id_of(key.public_key)] = key
    return keys


def generate(key_dir: Path) -> str:
    """Create a key pair, make it current, return its id."""
    key_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(key_dir, 0o700)
    key = PrivateKey.generate()
    key_id = key_id_of(key.public_key)
    private_path = key_dir / f"{key_id}.key"
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.encode(encoder=Base64Encoder))
    tmp = key_dir / f".{CURRENT_PUBLIC}.tmp"
    tmp.write_bytes(key.public_key.encode(encoder=Base64Encoder))
    tmp.replace(key_dir / CURRENT_PUBLIC)
    return key_id


def ensure(key_dir: Path) -> str | None:
    """Generate a key pair only when none exists; return the new id or None."""
    if load_private_keys(key_dir) and (key_dir / CURRENT_PUBLIC).exists():
        return None
    return generate(key_dir)


def current_public_key(key_dir: Path) -> PublicKey:
    return PublicKey((key_dir / CURRENT_PUBLIC).read_bytes().strip(), encoder=Base64Encoder)


def keys_command(action: str, key_dir: Path, prog: str) -> None:
    """The `keys ensure | generate | list` command every key-holding service offers."""
    if action == "list":
        for key_id in load_private_keys(key_dir):
            print(key_id)
    elif action == "generate":
        print(f"[{prog}] new key {generate(key_dir)} is current")
    else:
        made = ensure(key_dir)
        print(f"[{prog}] key {'created: ' + made if made else 'present'}")
