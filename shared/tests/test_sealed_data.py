"""Sealed data opens only with the matching private key, and survives JSON."""

from __future__ import annotations

import pytest
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from peluit_shared.crypto import SealedData, UnknownKey, key_id_of, seal, unseal


def test_sealed_data_round_trips_through_json_and_opens_with_its_key() -> None:
    key = PrivateKey.generate()
    sealed = seal(key.public_key, b"laporan rahasia")
    again = SealedData.model_validate_json(sealed.model_dump_json())
    assert b"laporan rahasia" not in sealed.model_dump_json().encode()
    assert unseal({key_id_of(key.public_key): key}, again) == b"laporan rahasia"


def test_a_rotated_keyring_still_opens_old_data() -> None:
    old, new = PrivateKey.generate(), PrivateKey.generate()
    sealed_old = seal(old.public_key, b"old")
    ring = {key_id_of(k.public_key): k for k in (old, new)}
    assert unseal(ring, sealed_old) == b"old"


def test_unknown_or_wrong_keys_refuse_to_open() -> None:
    key, other = PrivateKey.generate(), PrivateKey.generate()
    sealed = seal(key.public_key, b"x")
    with pytest.raises(UnknownKey):
        unseal({key_id_of(other.public_key): other}, sealed)
    with pytest.raises(CryptoError):
        unseal({sealed.key_id: other}, sealed)
