"""The offline copy of the key folders: one file, sealed under a passphrase, kept apart.

Backups are useless without the keys that open them (the backup passphrase, the grant and
event-signing keys, the services' key pairs, the local TLS CA), and those keys must never sit
beside the data they open. `export` packs the key folders into one archive sealed with
XSalsa20-Poly1305 (libsodium's secretbox) under a key derived from the passphrase with Argon2id
(256 MiB, t=4); `import` checks and unpacks it. Print it or put it on removable media, stored
apart from the backup bucket.

    python -m peluit_shared.key_archive export FILE [--from DIR ...]  (passphrase on stdin)
    python -m peluit_shared.key_archive import FILE --to DIR          (passphrase on stdin)
"""

from __future__ import annotations

import argparse
import io
import sys
import tarfile
from pathlib import Path

from nacl import pwhash, secret, utils
from nacl.exceptions import CryptoError

from peluit_shared.settings import repo_data_dir

MAGIC = b"PELUIT-KEYS-1\n"
OPS = pwhash.argon2id.OPSLIMIT_MODERATE
MEM = pwhash.argon2id.MEMLIMIT_MODERATE
MIN_PASSPHRASE = 16


class ArchiveRefused(Exception):
    """Wrong passphrase, a damaged or foreign file, or an unsafe member: nothing is written."""


def _key(passphrase: str, salt: bytes) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ArchiveRefused(f"the passphrase needs at least {MIN_PASSPHRASE} characters")
    return pwhash.argon2id.kdf(secret.SecretBox.KEY_SIZE, passphrase.encode(), salt, OPS, MEM)


def seal(folders: dict[str, Path], passphrase: str) -> bytes:
    """The folders (name -> path) as one sealed archive."""
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        for name, folder in sorted(folders.items()):
            if folder.is_dir():
                tar.add(folder, arcname=name)
    salt = utils.random(pwhash.argon2id.SALTBYTES)
    box = secret.SecretBox(_key(passphrase, salt))
    return MAGIC + salt + bytes(box.encrypt(packed.getvalue()))


def open_archive(blob: bytes, passphrase: str, into: Path) -> list[str]:
    """Unpack into `into`; returns the files written. Refuses before writing anything."""
    if not blob.startswith(MAGIC):
        raise ArchiveRefused("not a Peluit key archive")
    body = blob[len(MAGIC) :]
    salt, sealed = body[: pwhash.argon2id.SALTBYTES], body[pwhash.argon2id.SALTBYTES :]
    try:
        packed = secret.SecretBox(_key(passphrase, salt)).decrypt(sealed)
    except CryptoError as exc:
        raise ArchiveRefused("wrong passphrase, or the file is damaged") from exc
    with tarfile.open(fileobj=io.BytesIO(packed), mode="r:gz") as tar:
        members = tar.getmembers()
        for member in members:
            if not (member.isfile() or member.isdir()) or member.name.startswith(("/", "..")):
                raise ArchiveRefused(f"unsafe member {member.name!r}")
        into.mkdir(parents=True, exist_ok=True, mode=0o700)
        tar.extractall(into, filter="data")
    for path in into.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return sorted(m.name for m in members if m.isfile())


def default_folders() -> dict[str, Path]:
    data = repo_data_dir()
    return {"keys": data / "keys", "tls": data / "tls"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="key_archive", description=__doc__)
    parser.add_argument("action", choices=["export", "import"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--to", type=Path, default=repo_data_dir(), help="import: target folder")
    args = parser.parse_args()
    passphrase = sys.stdin.readline().rstrip("\n")
    try:
        if args.action == "export":
            args.file.write_bytes(seal(default_folders(), passphrase))
            args.file.chmod(0o600)
            print(f"[peluit] keys sealed into {args.file}; keep it offline, apart from backups")
        else:
            written = open_archive(args.file.read_bytes(), passphrase, args.to)
            print(f"[peluit] {len(written)} key files restored into {args.to}")
    except ArchiveRefused as exc:
        print(f"[peluit] ERROR: refused: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
