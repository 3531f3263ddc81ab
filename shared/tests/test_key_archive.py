"""The offline key archive: restores every key exactly, opens only with its passphrase, and shows
no key byte to whoever holds the file alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peluit_shared.key_archive import ArchiveRefused, open_archive, seal

PASSPHRASE = "kapal-nelayan-muara-baru-2026"


def key_folders(tmp_path: Path) -> dict[str, Path]:
    keys = tmp_path / "keys"
    (keys / "cases").mkdir(parents=True)
    (keys / "backup").mkdir()
    (keys / "cases" / "abc.key").write_bytes(os.urandom(32))
    (keys / "backup" / "passphrase").write_text("PASSPHRASE-MARKER-" + os.urandom(8).hex())
    tls = tmp_path / "tls"
    tls.mkdir()
    (tls / "ca.key").write_text("-----BEGIN PRIVATE KEY-----\nCA-KEY-MARKER\n")
    return {"keys": keys, "tls": tls}


def test_keys_come_back_byte_for_byte_and_private(tmp_path: Path) -> None:
    folders = key_folders(tmp_path / "src")
    blob = seal(folders, PASSPHRASE)
    written = open_archive(blob, PASSPHRASE, tmp_path / "dst")
    assert written == ["keys/backup/passphrase", "keys/cases/abc.key", "tls/ca.key"]
    for name in written:
        top, rest = name.split("/", 1)
        restored = tmp_path / "dst" / name
        assert restored.read_bytes() == (folders[top] / rest).read_bytes()
        assert restored.stat().st_mode & 0o077 == 0


def test_the_archive_alone_reveals_no_key(tmp_path: Path) -> None:
    folders = key_folders(tmp_path)
    blob = seal(folders, PASSPHRASE)
    for secret in (
        (folders["keys"] / "cases" / "abc.key").read_bytes(),
        b"PASSPHRASE-MARKER",
        b"CA-KEY-MARKER",
        PASSPHRASE.encode(),
    ):
        assert secret not in blob


def test_wrong_passphrase_damage_and_short_passphrases_are_refused(tmp_path: Path) -> None:
    blob = seal(key_folders(tmp_path), PASSPHRASE)
    target = tmp_path / "dst"
    with pytest.raises(ArchiveRefused, match="wrong passphrase"):
        open_archive(blob, PASSPHRASE + "x", target)
    damaged = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(ArchiveRefused, match="damaged"):
        open_archive(damaged, PASSPHRASE, target)
    with pytest.raises(ArchiveRefused, match="not a Peluit key archive"):
        open_archive(b"hello", PASSPHRASE, target)
    with pytest.raises(ArchiveRefused, match="at least"):
        seal(key_folders(tmp_path / "again"), "short")
    assert not target.exists()  # nothing written on a refusal
