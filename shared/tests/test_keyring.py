"""The cases key pair: created by a command, rotated without losing older cases."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from nacl.encoding import Base64Encoder
from nacl.public import PublicKey

from peluit_shared.crypto import seal, unseal
from peluit_shared.keyring import CURRENT_PUBLIC, ensure, generate, load_private_keys


def current_public(key_dir: Path) -> PublicKey:
    return PublicKey((key_dir / CURRENT_PUBLIC).read_bytes(), encoder=Base64Encoder)


def test_ensure_creates_one_key_pair_with_a_private_file_only_root_reads(tmp_path: Path) -> None:
    first = ensure(tmp_path)
    assert first is not None
    assert ensure(tmp_path) is None
    private = tmp_path / f"{first}.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert list(load_private_keys(tmp_path)) == [first]


def test_rotation_makes_a_new_current_key_and_keeps_old_reports_readable(tmp_path: Path) -> None:
    ensure(tmp_path)
    old_sealed = seal(current_public(tmp_path), b"laporan lama")
    new_id = generate(tmp_path)
    new_sealed = seal(current_public(tmp_path), b"laporan baru")
    assert new_sealed.key_id == new_id != old_sealed.key_id
    keys = load_private_keys(tmp_path)
    assert unseal(keys, old_sealed) == b"laporan lama"
    assert unseal(keys, new_sealed) == b"laporan baru"


def test_the_keys_command_ensures_once_generates_and_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from peluit_shared.keyring import keys_command

    keys_command("ensure", tmp_path, "svc")
    keys_command("ensure", tmp_path, "svc")
    keys_command("generate", tmp_path, "svc")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[svc] key created: ") and out[1] == "[svc] key present"
    assert out[2].startswith("[svc] new key ") and out[2].endswith(" is current")
    keys_command("list", tmp_path, "svc")
    assert sorted(capsys.readouterr().out.split()) == sorted(load_private_keys(tmp_path))
    assert len(load_private_keys(tmp_path)) == 2
