"""The document spool never puts plaintext on disk.

PDF and office files are spooled whole to remove their metadata. What reaches the disk is read
back through the spool's own file descriptor (the file is unlinked, so the directory shows
nothing) and must contain no piece of the document, before or after cleaning."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pikepdf
import pytest

from peluit_evidence.adapters.spool import BLOCK, EncryptedSpool
from peluit_evidence.domain.filetypes import detect
from peluit_evidence.service import upload
from peluit_evidence.service.upload import UploadLimits, _cleaned_document

MARKER = b"Rahasia-Pelapor-Budi-7731"


def big_pdf() -> bytes:
    """A PDF of several spool blocks whose text and metadata name the marker."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    text = b"".join(
        b"BT /F1 9 Tf 20 %d Td (%s baris %d) Tj ET\n" % (i, MARKER, i) for i in range(4000)
    )
    pdf.pages[0].Contents = pdf.make_stream(text)
    pdf.docinfo["/Author"] = MARKER.decode()
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    data = out.getvalue()
    assert len(data) > 2 * BLOCK
    return data


def on_disk(spool: EncryptedSpool) -> tuple[bytes, int]:
    """The bytes the spool's file holds on disk, and its link count."""
    fd = spool._file.fileno()
    spool._file.flush()
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0), os.fstat(fd).st_nlink


def pieces(plain: bytes, width: int = 24) -> list[bytes]:
    """Windows of the plaintext, every 97 bytes (skipping runs without variety)."""
    found = []
    for start in range(0, max(1, len(plain) - width), 97):
        piece = plain[start : start + width]
        if len(set(piece)) > 6:
            found.append(piece)
    return found


def assert_ciphertext_only(disk: bytes, plain: bytes) -> None:
    assert MARKER not in disk
    leaked = [p for p in pieces(plain) if p in disk]
    assert not leaked, f"{len(leaked)} plaintext pieces on disk, e.g. {leaked[0]!r}"


def test_a_spool_of_many_blocks_holds_only_ciphertext_and_no_name(tmp_path: Path) -> None:
    plain = b"".join(b"%s %08d\n" % (MARKER, i) for i in range(20000))  # ~11 blocks
    spool = EncryptedSpool(tmp_path)
    for start in range(0, len(plain), 5000):
        spool.write(plain[start : start + 5000])
        disk, links = on_disk(spool)
        assert links == 0 and os.listdir(tmp_path) == []
        assert MARKER not in disk
    spool.finish()
    disk, _ = on_disk(spool)
    assert_ciphertext_only(disk, plain)
    assert b"".join(spool.chunks()) == plain
    spool.close()


async def test_a_document_is_spooled_and_cleaned_as_ciphertext_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = big_pdf()
    seen: list[tuple[bytes, int, bytes]] = []
    real_close = EncryptedSpool.close

    def close(self: EncryptedSpool) -> None:
        if self.finished:  # what the disk held, just before the file goes
            disk, links = on_disk(self)
            seen.append((disk, links, b"".join(self.chunks())))
        real_close(self)

    monkeypatch.setattr(EncryptedSpool, "close", close)
    head, rest = document[:4096], document[4096:]
    kind = detect(head)
    assert kind is not None and kind.spooled

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(rest), 7000):
            yield rest[start : start + 7000]

    limits = UploadLimits(
        max_file_bytes=10**8,
        part_bytes=5 * 2**20,
        parallel_parts=1,
        buffer_bytes=2**20,
        spool_dir=tmp_path,
    )
    spool, removed = await _cleaned_document(kind, head, chunks(), limits)
    assert removed
    assert os.listdir(tmp_path) == []
    cleaned = b"".join(await _collect(upload._spool_chunks(spool)))
    assert cleaned.startswith(b"%PDF") and cleaned != document
    spool.close()
    assert len(seen) == 2  # the original and the cleaned copy
    for disk, links, plain in seen:
        assert links == 0
        assert_ciphertext_only(disk, plain)
    assert seen[0][2] == document or seen[1][2] == document


async def _collect(chunks: AsyncIterator[bytes]) -> list[bytes]:
    return [c async for c in chunks]
