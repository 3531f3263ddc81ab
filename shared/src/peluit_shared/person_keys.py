"""Keys that belong to people: wrapping case keys, password-protected staff keys, recovery key.

Everything here is libsodium through PyNaCl; nothing home-made:
- a case (or identity) private key is *wrapped* to a person by sealing its 32 bytes to that
  person's X25519 public key (SealedBox);
- a staff member's private key rests encrypted (SecretBox, XSalsa20-Poly1305) under a key derived
  from their password with Argon2id (crypto_pwhash, RFC 9106's second recommendation: 64 MiB,
  t=3) and a per-user salt;
- during a session the private key rests encrypted under a key derived from the session token,
  which only the client holds (the database keeps only the token's SHA-256);
- the recovery private key is printed once as base32 groups with a short checksum and kept
  offline; only its public half is stored.
"""

from __future__ import annotations

import base64
import binascii

from nacl import pwhash
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random

KDF_OPSLIMIT = 3
KDF_MEMLIMIT = 64 * 1024 * 1024
SALT_BYTES = pwhash.argon2id.SALTBYTES


class KeyUnavailable(Exception):
    """A key that should open something does not (missing, wrong or tampered)."""


def wrap(recipient: PublicKey, key: PrivateKey) -> bytes:
    """`key` sealed to `recipient`: only the recipient's private key unwraps it."""
    return bytes(SealedBox(recipient).encrypt(bytes(key)))


def unwrap(holder: PrivateKey, wrapped: bytes) -> PrivateKey:
    try:
        return PrivateKey(SealedBox(holder).decrypt(bytes(wrapped)))
    except (CryptoError, ValueError, TypeError) as exc:
        raise KeyUnavailable("the wrapped key does not open with this key") from exc


def new_salt() -> bytes:
    return random(SALT_BYTES)


def password_key(
    password: str, salt: bytes, opslimit: int = KDF_OPSLIMIT, memlimit: int = KDF_MEMLIMIT
) -> bytes:
    """Argon2id (libsodium crypto_pwhash) of the password: the key the private key rests under."""
    return bytes(
        pwhash.argon2id.kdf(
            SecretBox.KEY_SIZE, password.encode(), salt, opslimit=opslimit, memlimit=memlimit
        )
    )


def lock(key: bytes, secret: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(secret))


def unlock(key: bytes, locked: bytes) -> bytes:
    try:
        return bytes(SecretBox(key).decrypt(bytes(locked)))
    except (CryptoError, ValueError, TypeError) as exc:
        raise KeyUnavailable("the locked key does not open with this key") from exc


def session_key(token: str) -> bytes:
    """The key a session's copy of the private key rests under (not the stored token hash)."""
    return bytes(
        blake2b(
            token.encode(),
            digest_size=SecretBox.KEY_SIZE,
            person=b"peluit-session",
            encoder=RawEncoder,
        )
    )


# --- the recovery key: printed once, typed back in ------------------------------------------


def _checksum(raw: bytes) -> bytes:
    return bytes(blake2b(raw, digest_size=2, person=b"peluit-recovery", encoder=RawEncoder))


def format_recovery_key(key: PrivateKey) -> str:
    """Base32 in groups of four (A–Z, 2–7: no 0/1/8 to confuse), with a 2-byte checksum."""
    raw = bytes(key)
    text = base64.b32encode(raw + _checksum(raw)).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> PrivateKey:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        data = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as exc:
        raise KeyUnavailable("the recovery key is not valid base32") from exc
    if len(data) != 34 or _checksum(data[:32]) != data[32:]:
        raise KeyUnavailable("the recovery key is mistyped (checksum)")
    return PrivateKey(data[:32])


def public_b64(key: PublicKey) -> str:
    return base64.b64encode(bytes(key)).decode()


def public_from_b64(text: str) -> PublicKey:
    try:
        return PublicKey(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise KeyUnavailable("not a public key") from exc
