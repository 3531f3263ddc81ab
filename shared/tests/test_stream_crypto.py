"""Files encrypted as a secretstream: round trips at every size, and any tampering is caught."""

from __future__ import annotations

import os

import pytest

from peluit_shared.stream_crypto import (
    ABYTES,
    CHUNK,
    HEADER_BYTES,
    StreamCorrupted,
    StreamDecryptor,
    StreamEncryptor,
    new_file_key,
)


def encrypt(key: bytes, data: bytes, piece: int = 10_000) -> bytes:
    encryptor = StreamEncryptor(key)
    out = [encryptor.update(data[i : i + piece]) for i in range(0, len(data), piece)]
    return b"".join(out) + encryptor.finish()


def decrypt(key: bytes, data: bytes, piece: int = 7_777) -> bytes:
    decryptor = StreamDecryptor(key)
    out = [decryptor.update(data[i : i + piece]) for i in range(0, len(data), piece)]
    return b"".join(out) + decryptor.finish()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_any_size_round_trips_whatever_the_chunking(size: int) -> None:
    key, data = new_file_key(), os.urandom(size)
    sealed = encrypt(key, data)
    chunks = max(1, -(-size // CHUNK))
    assert len(sealed) == HEADER_BYTES + size + chunks * ABYTES
    assert decrypt(key, sealed) == data
    assert decrypt(key, sealed, piece=1) == data


def test_the_same_file_never_encrypts_the_same_way() -> None:
    key, data = new_file_key(), b"bukti" * 100
    assert encrypt(key, data) != encrypt(key, data)


def test_a_flipped_byte_anywhere_is_caught() -> None:
    key, data = new_file_key(), os.urandom(2 * CHUNK + 5)
    sealed = bytearray(encrypt(key, data))
    for where in (HEADER_BYTES + 3, HEADER_BYTES + CHUNK + ABYTES + 9, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[where] ^= 0x01
        with pytest.raises(StreamCorrupted):
            decrypt(key, bytes(tampered))


def test_a_truncated_or_reordered_stream_and_a_wrong_key_are_caught() -> None:
    key, data = new_file_key(), os.urandom(3 * CHUNK)
    sealed = encrypt(key, data)
    message = CHUNK + ABYTES
    with pytest.raises(StreamCorrupted):  # the final chunk dropped
        decrypt(key, sealed[: HEADER_BYTES + 2 * message])
    with pytest.raises(StreamCorrupted):
        decrypt(key, sealed[: HEADER_BYTES + 1])
    body = sealed[HEADER_BYTES:]
    swapped = (
        sealed[:HEADER_BYTES] + body[message : 2 * message] + body[:message] + body[2 * message :]
    )
    with pytest.raises(StreamCorrupted):
        decrypt(key, swapped)
    with pytest.raises(StreamCorrupted):
        decrypt(new_file_key(), sealed)
    with pytest.raises(StreamCorrupted):  # bytes appended after the final chunk
        decrypt(key, sealed + sealed[-ABYTES - 1 :])
