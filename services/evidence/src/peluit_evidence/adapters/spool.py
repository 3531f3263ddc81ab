"""A temporary file that never holds plaintext: blocks sealed with a throwaway key.

Documents must be read whole (and out of order) to remove their metadata, so they are spooled
to disk — but only as ciphertext. Each 64 KiB block is sealed on its own with libsodium's
XChaCha20-Poly1305 AEAD (PyNaCl) under a random key that lives only in this object; the nonce is
a random prefix plus the block number, and the block number and a "last" flag are bound as
associated data, so blocks can be read in any order (what a PDF or ZIP reader needs) and none
can be moved, cut or changed unnoticed. The file is unlinked at creation (`TemporaryFile`), so a
crash leaves nothing readable behind: the key is gone with the process.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from nacl import bindings as sodium
from nacl.exceptions import CryptoError
from nacl.utils import random

BLOCK = 64 * 1024
_TAG = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
_NONCE_PREFIX = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES - 8


class SpoolCorrupted(Exception):
    """A spooled block failed authentication (the temporary file was changed)."""


class EncryptedSpool:
    """Write sequentially, then `finish()`; afterwards read sequentially or at random."""

    def __init__(self, directory: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed in close())
        self._key = random(sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
        self._prefix = random(_NONCE_PREFIX)
        self._pending = bytearray()
        self._blocks = 0
        self.size = 0
        self.finished = False

    def _seal(self, index: int, plain: bytes, last: bool) -> bytes:
        nonce = self._prefix + index.to_bytes(8, "big")
        aad = index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, aad, nonce, self._key)
        )

    def write(self, data: bytes | bytearray | memoryview) -> int:
        assert not self.finished, "spool already finished"
        self._pending += data
        self.size += len(data)
        while len(self._pending) > BLOCK:
            self._file.write(self._seal(self._blocks, bytes(self._pending[:BLOCK]), False))
            del self._pending[:BLOCK]
            self._blocks += 1
        return len(data)

    def finish(self) -> None:
        if not self.finished:
            self._file.write(self._seal(self._blocks, bytes(self._pending), True))
            self._pending.clear()
            self._blocks += 1
            self._file.flush()
            self.finished = True

    def block(self, index: int) -> bytes:
        """Plaintext of block `index` (0-based)."""
        assert self.finished, "finish() the spool before reading it"
        last = index == self._blocks - 1
        self._file.seek(index * (BLOCK + _TAG))
        sealed = self._file.read(BLOCK + _TAG)
        nonce = self._prefix + index.to_bytes(8, "big")
        aad = index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")
        try:
            return bytes(
                sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, aad, nonce, self._key)
            )
        except CryptoError as exc:
            raise SpoolCorrupted(f"block {index}") from exc

    def chunks(self) -> Iterator[bytes]:
        for index in range(self._blocks):
            yield self.block(index)

    def reader(self) -> io.BufferedReader:
        """A seekable, read-only file object over the plaintext (for pikepdf, zipfile)."""
        return io.BufferedReader(_SpoolReader(self), buffer_size=BLOCK)

    def close(self) -> None:
        self._file.close()
        self._key = b""


class _SpoolReader(io.RawIOBase):
    def __init__(self, spool: EncryptedSpool) -> None:
        self._spool = spool
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._spool.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._spool.size:
            return 0
        index, within = divmod(self._pos, BLOCK)
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, self._spool.block(index))
        data = self._cached[1][within : within + len(buffer)]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


class SpoolWriter(io.RawIOBase):
    """A write-only, non-seekable file object into a spool (for pikepdf.save, zipfile)."""

    def __init__(self, spool: EncryptedSpool) -> None:
        self._spool = spool

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._spool.size

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        return self._spool.write(data)
