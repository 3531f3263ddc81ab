"""Metadata removal: EXIF/XMP/comments leave JPEGs and text/EXIF/time chunks leave PNGs."""

from __future__ import annotations

import struct
import zlib

import pytest

from peluit_evidence.domain.metadata import (
    JpegStripper,
    MalformedImage,
    MetadataStripper,
    PngStripper,
)


def seg(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


APP0 = seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
EXIF = seg(0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08GPSLatitude -6.1 GPSLongitude 106.8")
XMP = seg(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<dc:creator>Budi</dc:creator>")
ICC = seg(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"\x00" * 40)
COM = seg(0xFE, b"Kamera Budi")
DQT = seg(0xDB, b"\x00" + bytes(range(64)))
SOF = seg(0xC0, b"\x08\x00\x10\x00\x10\x01\x01\x11\x00")
SOS = seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
# Entropy-coded data may contain bytes that look like an APP1 marker; they must stay.
SCAN = b"\x12\x34\xff\x00\xff\xe1\x00\x05abc\xff\xd0\x56" * 50 + b"\xff\xd9"
JPEG = b"\xff\xd8" + APP0 + EXIF + XMP + ICC + b"\xff" + COM + DQT + SOF + SOS + SCAN
CLEAN_JPEG = b"\xff\xd8" + APP0 + DQT + SOF + SOS + SCAN


def run(stripper: JpegStripper | PngStripper | MetadataStripper, data: bytes, piece: int) -> bytes:
    out = [stripper.feed(data[i : i + piece]) for i in range(0, len(data), piece)]
    return b"".join(out) + stripper.finish()


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 64, 100_000])
def test_jpeg_loses_exif_xmp_icc_and_comments_but_keeps_jfif_and_the_image(piece: int) -> None:
    assert run(JpegStripper(), JPEG, piece) == CLEAN_JPEG


def test_a_jpeg_without_metadata_is_unchanged() -> None:
    assert run(JpegStripper(), CLEAN_JPEG, 5) == CLEAN_JPEG


def test_a_broken_or_cut_jpeg_is_refused_rather_than_passed_with_its_metadata() -> None:
    with pytest.raises(MalformedImage):
        run(JpegStripper(), b"\xff\xd8" + APP0 + b"\x00garbage" + EXIF, 4)
    with pytest.raises(MalformedImage):
        run(JpegStripper(), b"\xff\xd8" + APP0 + EXIF[:10], 4)


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


SIG = b"\x89PNG\r\n\x1a\n"
IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
IDAT = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
IEND = chunk(b"IEND", b"")
PNG = (
    SIG
    + IHDR
    + chunk(b"tEXt", b"Author\x00Budi")
    + chunk(b"eXIf", b"MM\x00*GPS")
    + chunk(b"tIME", b"\x07\xea\x03\x01\x00\x00\x00")
    + chunk(b"iTXt", b"XML:com\x00\x00\x00")
    + chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"x"))
    + IDAT
    + IEND
)
CLEAN_PNG = SIG + IHDR + IDAT + IEND


@pytest.mark.parametrize("piece", [1, 5, 13, 100_000])
def test_png_loses_text_exif_and_time_chunks(piece: int) -> None:
    assert run(PngStripper(), PNG, piece) == CLEAN_PNG


def test_a_cut_png_is_refused() -> None:
    with pytest.raises(MalformedImage):
        run(PngStripper(), PNG[:-6], 3)


def test_the_type_is_recognised_from_the_bytes_and_others_pass_unchanged() -> None:
    for data, clean, removed in (
        (JPEG, CLEAN_JPEG, True),
        (PNG, CLEAN_PNG, True),
        (b"%PDF-1.7 /Author (Budi)", b"%PDF-1.7 /Author (Budi)", False),
        (b"abc", b"abc", False),
    ):
        stripper = MetadataStripper()
        assert run(stripper, data, 3) == clean
        assert stripper.removed is removed
