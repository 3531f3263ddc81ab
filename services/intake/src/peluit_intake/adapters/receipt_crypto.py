"""What the receipt protects: one memory-hard run gives the verifier and the reporter's keys.

Key scheme 3. One Argon2id run (libsodium `crypto_pwhash`, at least RFC 9106's second
recommendation: 64 MiB, t=3, p=1) over the 20 receipt digits, with a random salt of the report's
own, gives 96 bytes:

- bytes 0-31:  the SecretBox key of the reporter's own copy (never stored),
- bytes 32-63: the X25519 seed of the reporter's mailbox key pair (public half published),
- bytes 64-95: the verifier, stored with the salt and the parameters.

The three parts are independent outputs of the hash, so the stored verifier tells nothing about
the keys, and checking one guess of a receipt against one report costs one full Argon2id run:
no pepper, no HMAC index, no site-wide salt. Runs go through a small thread pool (one per core by
default) so a burst of sign-ins or submissions queues instead of holding 64 MiB per request.
"""

from __future__ import annotations

import asyncio
import hmac
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey

KEY_SCHEME = 3
MIN_MEMLIMIT = 64 * 1024 * 1024  # RFC 9106 §4, second recommended option
MIN_OPSLIMIT = 3
OUTPUT_BYTES = 96
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES


@dataclass(frozen=True)
class KdfParams:
    opslimit: int = MIN_OPSLIMIT
    memlimit: int = MIN_MEMLIMIT

    def check(self) -> KdfParams:
        if self.opslimit < MIN_OPSLIMIT or self.memlimit < MIN_MEMLIMIT:
            raise ValueError("receipt Argon2id parameters below 64 MiB / t=3")
        return self


@dataclass(frozen=True)
class ReporterKeys:
    """What the receipt unlocks; held in memory during a mailbox session, never stored."""

    box_key: bytes
    private_key: PrivateKey | None  # None for key scheme 1 (reports from before the mailbox)


@dataclass(frozen=True)
class Derived:
    keys: ReporterKeys
    verifier: bytes


@dataclass(frozen=True)
class Candidate:
    """A stored report the receipt's locator selects: what a guess is checked against."""

    salt: bytes
    params: KdfParams
    verifier: bytes


def derive(digits: str, salt: bytes, params: KdfParams) -> Derived:
    """The one memory-hard run (CPU-bound: call it through `ReceiptCrypto`, off the loop)."""
    material = nacl.pwhash.argon2id.kdf(
        OUTPUT_BYTES,
        digits.encode(),
        salt,
        opslimit=params.opslimit,
        memlimit=params.memlimit,
    )
    return Derived(
        keys=ReporterKeys(box_key=material[:32], private_key=PrivateKey(material[32:64])),
        verifier=material[64:],
    )


def _first_match(
    digits: str, candidates: list[Candidate], params: KdfParams
) -> tuple[int, Derived] | None:
    if not candidates:
        # Nothing to check against: one run anyway, so the answer takes as long as a real one.
        derive(digits, nacl.utils.random(SALT_BYTES), params)
        return None
    for index, candidate in enumerate(candidates):
        derived = derive(digits, candidate.salt, candidate.params)
        if hmac.compare_digest(derived.verifier, candidate.verifier):
            return index, derived
    return None


def default_concurrency() -> int:
    """One run per core but one, at most 4: a memory-hard run owns its core for ~0.1 s, and the
    host's other work (the request itself, PostgreSQL, Kafka) needs a core meanwhile. On two
    cores, two runs at once doubled the submit → case p99 at 5/s (bench/README.md)."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


@dataclass
class ReceiptCrypto:
    """Argon2id runs for receipts, in a bounded pool: at most `concurrency` × memlimit in use."""

    params: KdfParams = field(default_factory=KdfParams)
    concurrency: int = field(default_factory=default_concurrency)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.params.check()

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self.concurrency, thread_name_prefix="receipt-kdf"
            )
        return self._pool

    async def protect(self, digits: str) -> tuple[bytes, Derived]:
        """A new salt and what the receipt derives under it with the configured parameters."""
        salt = nacl.utils.random(SALT_BYTES)
        loop = asyncio.get_running_loop()
        derived = await loop.run_in_executor(self._executor(), derive, digits, salt, self.params)
        return salt, derived

    async def check(self, digits: str, candidates: list[Candidate]) -> tuple[int, Derived] | None:
        """The candidate the receipt opens (its index and keys), or None; always ≥ one run."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor(), _first_match, digits, candidates, self.params
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    @staticmethod
    def encrypt(key: bytes, plaintext: bytes) -> bytes:
        return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))

    @staticmethod
    def decrypt(key: bytes, ciphertext: bytes) -> bytes:
        return nacl.secret.SecretBox(key).decrypt(ciphertext)
