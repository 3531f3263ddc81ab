"""Sealed data, the format intake and cases agree on: libsodium sealed boxes via PyNaCl.

A sealed box is encrypted to a recipient's public key; only the matching private key opens it.
`key_id` names the key pair so rotated keys keep older data readable.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

from nacl.public import PrivateKey, PublicKey, SealedBox
from pydantic import BaseModel, ConfigDict, field_serializer, field_validator


class SealedData(BaseModel):
    """Ciphertext sealed to the key pair `key_id`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: str
    ciphertext: bytes

    @field_serializer("ciphertext")
    def _encode(self, value: bytes) -> str:
        return base64.b64encode(value).decode()

    @field_validator("ciphertext", mode="before")
    @classmethod
    def _decode(cls, value: object) -> object:
        if isinstance(value, str):
            return base64.b64decode(value, validate=True)
        return value


class UnknownKey(Exception):
    """Sealed to a key this service does not hold."""


def key_id_of(public_key: PublicKey) -> str:
    """A short, stable name for a public key."""
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]


def seal(public_key: PublicKey, plaintext: bytes) -> SealedData:
    ciphertext = SealedBox(public_key).encrypt(plaintext)
    return SealedData(key_id=key_id_of(public_key), ciphertext=ciphertext)


def unseal(private_keys: Mapping[str, PrivateKey], sealed: SealedData) -> bytes:
    """Open with whichever held key matches; raises UnknownKey or nacl CryptoError."""
    key = private_keys.get(sealed.key_id)
    if key is None:
        raise UnknownKey(sealed.key_id)
    return SealedBox(key).decrypt(sealed.ciphertext)
