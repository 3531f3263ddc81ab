"""Files encrypted as a stream: libsodium secretstream XChaCha20-Poly1305 via PyNaCl.

The format evidence writes and cases reads: a 24-byte header, then one secretstream message per
plaintext chunk of at most `CHUNK` bytes (each `CHUNK + ABYTES` long except the last), the last
one tagged FINAL. Truncation, reordering or any changed byte fails to decrypt.
"""

from __future__ import annotations

from nacl import bindings as sodium
from nacl.exceptions import CryptoError

CHUNK = 64 * 1024
ABYTES: int = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
HEADER_BYTES: int = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_FINAL: int = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_MESSAGE: int = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE


class StreamCorrupted(Exception):
    """The ciphertext was changed, cut short or encrypted under another key."""


def new_file_key() -> bytes:
    return bytes(sodium.crypto_secretstream_xchacha20poly1305_keygen())


class StreamEncryptor:
    """Feed plaintext of any chunking; get ciphertext out; `finish()` seals the last chunk."""

    def __init__(self, key: bytes) -> None:
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self.header: bytes = sodium.crypto_secretstream_xchacha20poly1305_init_push(
            self._state, key
        )
        self._pending = bytearray()
        self._started = False

    def _prefix(self) -> bytes:
        if self._started:
            return b""
        self._started = True
        return self.header

    def update(self, data: bytes) -> bytes:
        self._pending += data
        out = [self._prefix()]
        # Keep at least one byte back so the FINAL tag always lands on a non-empty-able chunk.
        while len(self._pending) > CHUNK:
            chunk = bytes(self._pending[:CHUNK])
            del self._pending[:CHUNK]
            out.append(
                sodium.crypto_secretstream_xchacha20poly1305_push(
                    self._state, chunk, None, _MESSAGE
                )
            )
        return b"".join(out)

    def finish(self) -> bytes:
        last = sodium.crypto_secretstream_xchacha20poly1305_push(
            self._state, bytes(self._pending), None, _FINAL
        )
        self._pending.clear()
        return self._prefix() + last


class StreamDecryptor:
    """Feed ciphertext of any chunking; get plaintext out; `finish()` checks the FINAL tag."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self._buffer = bytearray()
        self._initialised = False
        self._done = False

    def update(self, data: bytes) -> bytes:
        self._buffer += data
        if not self._initialised:
            if len(self._buffer) < HEADER_BYTES:
                return b""
            header = bytes(self._buffer[:HEADER_BYTES])
            del self._buffer[:HEADER_BYTES]
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(self._state, header, self._key)
            self._initialised = True
        out = []
        # A full-size message may still be the final one: keep it until more bytes arrive.
        while len(self._buffer) > CHUNK + ABYTES:
            out.append(self._pull(bytes(self._buffer[: CHUNK + ABYTES])))
            del self._buffer[: CHUNK + ABYTES]
        return b"".join(out)

    def _pull(self, message: bytes) -> bytes:
        if self._done:
            raise StreamCorrupted("data after the final chunk")
        try:
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                self._state, message, None
            )
        except CryptoError as exc:
            raise StreamCorrupted("chunk failed authentication") from exc
        if tag == _FINAL:
            self._done = True
        return bytes(plain)

    def finish(self) -> bytes:
        if not self._initialised or not self._buffer:
            raise StreamCorrupted("stream cut short")
        last = self._pull(bytes(self._buffer))
        self._buffer.clear()
        if not self._done:
            raise StreamCorrupted("stream cut short")
        return last
