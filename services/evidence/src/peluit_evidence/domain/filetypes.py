"""The file's type, decided from its first bytes (magic numbers), and the allow-list.

Signatures are data: a table of prefixes (or bytes at an offset) per allowed type. Whatever the
client claims — the name's extension, the Content-Type — is ignored. What matches nothing here
(executables, HTML, scripts, unknown binaries) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# How many leading bytes decide the type (tar's "ustar" sits at 257; OOXML part names follow
# the first local file headers).
HEAD_BYTES = 8192


class Cleaner(Enum):
    """How identifying metadata is removed, if at all."""

    NONE = "none"
    JPEG = "jpeg"  # streamed
    PNG = "png"  # streamed
    PDF = "pdf"  # needs the whole file (spooled, encrypted)
    OOXML = "ooxml"  # needs the whole file
    ODF = "odf"  # needs the whole file


@dataclass(frozen=True)
class FileType:
    media_type: str
    family: str  # image, document, audio, video, archive, text
    cleaner: Cleaner = Cleaner.NONE

    @property
    def spooled(self) -> bool:
        return self.cleaner in (Cleaner.PDF, Cleaner.OOXML, Cleaner.ODF)


# (prefix, type) checked in order; the first match wins.
_PREFIXES: tuple[tuple[bytes, FileType], ...] = (
    (b"\xff\xd8\xff", FileType("image/jpeg", "image", Cleaner.JPEG)),
    (b"\x89PNG\r\n\x1a\n", FileType("image/png", "image", Cleaner.PNG)),
    (b"GIF87a", FileType("image/gif", "image")),
    (b"GIF89a", FileType("image/gif", "image")),
    (b"II*\x00", FileType("image/tiff", "image")),
    (b"MM\x00*", FileType("image/tiff", "image")),
    (b"%PDF-", FileType("application/pdf", "document", Cleaner.PDF)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", FileType("application/x-ole-storage", "document")),
    (b"{\\rtf", FileType("application/rtf", "document")),
    (b"7z\xbc\xaf\x27\x1c", FileType("application/x-7z-compressed", "archive")),
    (b"Rar!\x1a\x07", FileType("application/vnd.rar", "archive")),
    (b"\x1f\x8b", FileType("application/gzip", "archive")),
    (b"ID3", FileType("audio/mpeg", "audio")),
    (b"OggS", FileType("audio/ogg", "audio")),
    (b"fLaC", FileType("audio/flac", "audio")),
    (b"#!AMR", FileType("audio/amr", "audio")),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", FileType("video/x-ms-asf", "video")),
    (b"\x1a\x45\xdf\xa3", FileType("video/x-matroska", "video")),
    (b"\x00\x00\x01\xba", FileType("video/mpeg", "video")),
    (b"FLV\x01", FileType("video/x-flv", "video")),
)
_RIFF = {
    b"WEBP": FileType("image/webp", "image"),
    b"WAVE": FileType("audio/wav", "audio"),
    b"AVI ": FileType("video/x-msvideo", "video"),
}
_FTYP_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
    b"avif": "image/avif",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3g2a": "video/3gpp2",
}
_ZIP = FileType("application/zip", "archive")
_OOXML = {
    b"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    b"xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_TAR = FileType("application/x-tar", "archive")
_TEXT = FileType("text/plain", "text")
# Text that a browser or shell would run: refused even though it is "text".
_ACTIVE_TEXT = (b"<", b"#!")
_ACTIVE_ANYWHERE = (b"<script", b"<html", b"<?php", b"<svg", b"javascript:")


def detect(head: bytes) -> FileType | None:
    """The allowed type of a file starting with `head` (up to HEAD_BYTES), or None."""
    for prefix, kind in _PREFIXES:
        if head.startswith(prefix):
            return kind
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        media = _FTYP_BRANDS.get(brand, "video/mp4")
        return FileType(media, media.split("/")[0] if media != "video/mp4" else "video")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(head)
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00" and len(head) > 26:
        return FileType("image/bmp", "image")
    if head[257:262] == b"ustar":
        return _TAR
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return FileType("audio/mpeg", "audio")  # an MPEG audio frame (MP3 without ID3)
    if len(head) >= 2 and head[0] == 0xFF and head[1] in (0xF1, 0xF9):
        return FileType("audio/aac", "audio")
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return FileType("video/mp2t", "video")
    return _TEXT if _is_plain_text(head) else None


def _zip_kind(head: bytes) -> FileType:
    # ODF: the first entry is an uncompressed "mimetype" naming the document type.
    if head[30:38] == b"mimetype" and b"application/vnd.oasis.opendocument." in head[38:120]:
        end = head.find(b"PK", 38)
        media = head[38 : end if end > 0 else 120].decode("ascii", "replace")
        return FileType(media, "document", Cleaner.ODF)
    # OOXML: the package's parts ([Content_Types].xml, word/, xl/, ppt/) come first.
    if b"[Content_Types].xml" in head or b"docProps/" in head:
        for marker, media in _OOXML.items():
            if marker in head:
                return FileType(media, "document", Cleaner.OOXML)
        return FileType("application/vnd.openxmlformats-officedocument", "document", Cleaner.OOXML)
    return _ZIP


def _is_plain_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    body = head.removeprefix(b"\xef\xbb\xbf")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the head is fine; anything else is binary.
        if exc.start < len(body) - 3:
            return False
    if any(ch < 0x20 and ch not in (0x09, 0x0A, 0x0C, 0x0D) for ch in body):
        return False
    lowered = body.lstrip().lower()
    return not lowered.startswith(_ACTIVE_TEXT) and not any(
        marker in lowered for marker in _ACTIVE_ANYWHERE
    )
