"""Metadata removal on a stream: JPEG and PNG parsed incrementally, other files passed through.

The strippers keep only a few header bytes at a time, so a file of any size streams through.
JPEG: APP1..APP15 (EXIF with GPS, XMP, IPTC, ...) and COM segments before the first scan are
dropped; APP0 (JFIF) and everything else is kept. PNG: tEXt, zTXt, iTXt, eXIf and tIME chunks are
dropped. The file type is recognised from its first bytes, not from what the client claims.
"""

from __future__ import annotations

from typing import Protocol

JPEG_MAGIC = b"\xff\xd8"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_SOS = 0xDA


def _move(buf: bytearray, out: bytearray, remaining: int, keep: bool) -> int:
    """Take up to `remaining` bytes off `buf` (into `out` when kept); return how many are left."""
    take = min(remaining, len(buf))
    if keep:
        out += buf[:take]
    del buf[:take]
    return remaining - take


class MalformedImage(ValueError):
    """The file claims to be a JPEG or PNG but its structure is broken."""


class _Filter(Protocol):
    def feed(self, data: bytes) -> bytes: ...
    def finish(self) -> bytes: ...


class _PassThrough:
    def feed(self, data: bytes) -> bytes:
        return data

    def finish(self) -> bytes:
        return b""


class JpegStripper:
    """Drops APPn (n >= 1) and COM segments that come before the first SOS marker."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._state = "soi"
        self._remaining = 0  # bytes of the current segment body still to copy or skip
        self._keep = True

    def feed(self, data: bytes) -> bytes:
        if self._state == "scan":
            return data
        self._buf += data
        out = bytearray()
        while self._step(out):
            pass
        if self._state == "scan" and self._buf:
            out += self._buf
            self._buf.clear()
        return bytes(out)

    def _step(self, out: bytearray) -> bool:
        buf = self._buf
        if self._state == "sos_header":
            self._remaining = _move(buf, out, self._remaining, keep=True)
            if self._remaining == 0:
                self._state = "scan"
            return False
        if self._state == "body":
            if not buf and self._remaining:
                return False
            self._remaining = _move(buf, out, self._remaining, self._keep)
            if self._remaining == 0:
                self._state = "marker"
            return self._remaining == 0
        if len(buf) < 2:
            return False
        if self._state == "soi":
            if bytes(buf[:2]) != JPEG_MAGIC:
                raise MalformedImage("not a JPEG")
            out += buf[:2]
            del buf[:2]
            self._state = "marker"
            return True
        if buf[0] != 0xFF:
            raise MalformedImage("JPEG marker expected")
        if buf[1] == 0xFF:  # fill byte
            del buf[:1]
            return True
        marker = buf[1]
        if marker in _JPEG_STANDALONE:
            out += buf[:2]
            del buf[:2]
            return True
        if len(buf) < 4:
            return False
        length = int.from_bytes(buf[2:4], "big")
        if length < 2:
            raise MalformedImage("JPEG segment length")
        self._keep = not (0xE1 <= marker <= 0xEF or marker == 0xFE)
        if self._keep:
            out += buf[:4]
        del buf[:4]
        self._remaining = length - 2
        self._state = "body"
        if marker == _SOS:
            # The scan header is kept; from here on entropy-coded data and later markers pass.
            take = min(self._remaining, len(buf))
            out += buf[:take]
            del buf[:take]
            self._remaining -= take
            self._state = "sos_header" if self._remaining else "scan"
            return False
        return True

    def finish(self) -> bytes:
        if self._state == "sos_header":
            raise MalformedImage("JPEG cut short")
        if self._state != "scan":
            raise MalformedImage("JPEG without image data")
        rest = bytes(self._buf)
        self._buf.clear()
        return rest


class PngStripper:
    """Drops textual, EXIF and time chunks; keeps image chunks byte for byte (CRCs included)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._state = "signature"
        self._remaining = 0
        self._keep = True

    def feed(self, data: bytes) -> bytes:
        self._buf += data
        out = bytearray()
        while self._step(out):
            pass
        return bytes(out)

    def _step(self, out: bytearray) -> bool:
        buf = self._buf
        if self._state == "signature":
            if len(buf) < 8:
                return False
            if bytes(buf[:8]) != PNG_MAGIC:
                raise MalformedImage("not a PNG")
            out += buf[:8]
            del buf[:8]
            self._state = "chunk"
            return True
        if self._state == "chunk":
            if len(buf) < 8:
                return False
            length = int.from_bytes(buf[:4], "big")
            kind = bytes(buf[4:8])
            if length > 0x7FFFFFFF or not kind.isalpha():
                raise MalformedImage("PNG chunk header")
            self._keep = kind not in _PNG_DROPPED
            if self._keep:
                out += buf[:8]
            del buf[:8]
            self._remaining = length + 4  # data and CRC
            self._state = "body"
            return True
        if not buf or not self._remaining:
            return False
        self._remaining = _move(buf, out, self._remaining, self._keep)
        if self._remaining == 0:
            self._state = "chunk"
        return True

    def finish(self) -> bytes:
        if self._state != "chunk" or self._buf:
            raise MalformedImage("PNG cut short")
        return b""


class MetadataStripper:
    """Chooses a stripper from the file's first bytes; `removed` says whether one ran."""

    def __init__(self) -> None:
        self._head = bytearray()
        self._filter: _Filter | None = None
        self.removed = False

    def feed(self, data: bytes) -> bytes:
        if self._filter is None:
            self._head += data
            if len(self._head) < len(PNG_MAGIC):
                return b""
            self._choose()
            assert self._filter is not None
            head = bytes(self._head)
            self._head.clear()
            return self._filter.feed(head)
        return self._filter.feed(data)

    def _choose(self) -> None:
        if self._head.startswith(JPEG_MAGIC):
            self._filter, self.removed = JpegStripper(), True
        elif self._head.startswith(PNG_MAGIC):
            self._filter, self.removed = PngStripper(), True
        else:
            self._filter = _PassThrough()

    def finish(self) -> bytes:
        if self._filter is None:  # shorter than any image signature: not an image
            self._filter = _PassThrough()
            head = bytes(self._head)
            self._head.clear()
            return head
        return self._filter.finish()
