"""What the receipt protects: an Argon2id verifier, a peppered lookup index and the reporter's key.

The receipt itself is never stored. Its Argon2id hash verifies it; an HMAC under a server-side
pepper finds the report without scanning; and Argon2id also derives the key of the reporter's own
encrypted copy, so the intake database alone reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import nacl.pwhash
import nacl.secret
import nacl.utils
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from nacl.public import PrivateKey


@dataclass(frozen=True)
class ReporterKeys:
    """What the receipt unlocks; held in memory during a mailbox session, never stored."""

    box_key: bytes
    private_key: PrivateKey | None  # None for key scheme 1 (reports from before the mailbox)


@dataclass(frozen=True)
class ReceiptCrypto:
    pepper: bytes
    time_cost: int = 2
    memory_kib: int = 19 * 1024

    @property
    def _hasher(self) -> PasswordHasher:
        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=1)

    def lookup(self, receipt_digits: str) -> bytes:
        return hmac.new(self.pepper, receipt_digits.encode(), hashlib.sha256).digest()

    def hash(self, receipt_digits: str) -> str:
        return self._hasher.hash(receipt_digits)

    def verify(self, stored_hash: str, receipt_digits: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, receipt_digits)
        except VerificationError:
            return False

    def reporter_key(self, receipt_digits: str, salt: bytes) -> bytes:
        return nacl.pwhash.argon2id.kdf(
            nacl.secret.SecretBox.KEY_SIZE,
            receipt_digits.encode(),
            salt,
            opslimit=self.time_cost,
            memlimit=self.memory_kib * 1024,
        )

    def reporter_keys(self, receipt_digits: str, salt: bytes) -> ReporterKeys:
        """Key scheme 2: one Argon2id run gives the copy's SecretBox key and an X25519 key pair."""
        material = nacl.pwhash.argon2id.kdf(
            64,
            receipt_digits.encode(),
            salt,
            opslimit=self.time_cost,
            memlimit=self.memory_kib * 1024,
        )
        return ReporterKeys(box_key=material[:32], private_key=PrivateKey(material[32:]))

    @staticmethod
    def new_salt() -> bytes:
        return nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)

    @staticmethod
    def encrypt(key: bytes, plaintext: bytes) -> bytes:
        return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))

    @staticmethod
    def decrypt(key: bytes, ciphertext: bytes) -> bytes:
        return nacl.secret.SecretBox(key).decrypt(ciphertext)
