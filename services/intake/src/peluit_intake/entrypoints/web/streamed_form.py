"""A multipart/form-data request read as a stream: small fields first, then one file's bytes.

Litestar's form parser would hold the whole upload; this one hands the file on chunk by chunk.
Browsers send fields in page order, so the CSRF field (placed before the file input) is known
before any file byte is forwarded.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from peluit_intake.entrypoints.web.page_common import Req

_MAX_FIELD = 8 * 1024


class FormBroken(Exception):
    """Not a multipart form, or one that ended or misbehaved mid-way."""


@dataclass(frozen=True)
class FilePart:
    field: str
    filename: str
    content_type: str


class StreamedForm:
    def __init__(self, request: Req) -> None:
        content_type, options = parse_options_header(request.headers.get("content-type", ""))
        if content_type != "multipart/form-data" or not options.get("boundary"):
            raise FormBroken("not multipart/form-data")
        self._parser = PushMultipartParser(options["boundary"], max_header_count=8,
                                           max_segment_count=16)
        self._body = request.stream().__aiter__()
        self._events: deque[MultipartSegment | bytes | None] = deque()
        self._finished = False
        self.fields: dict[str, str] = {}

    async def _next_event(self) -> MultipartSegment | bytes | bool | None:
        """The next parser event; False once the body is exhausted."""
        while not self._events:
            if self._finished:
                return False
            try:
                chunk = await self._body.__anext__()
            except StopAsyncIteration:
                self._finished = True
                chunk = b""
            try:
                self._events.extend(self._parser.parse(chunk))
            except MultipartError as exc:
                raise FormBroken(str(exc)) from exc
        return self._events.popleft()

    async def next_file(self) -> FilePart | None:
        """Read small fields into `fields` until a file part starts; None if none comes."""
        while True:
            event = await self._next_event()
            if event is False:
                return None
            if not isinstance(event, MultipartSegment):
                raise FormBroken("data outside a part")
            if event.filename is not None:
                return FilePart(event.name, event.filename,
                                event.content_type or "application/octet-stream")
            value = bytearray()
            while (data := await self._next_event()) is not None:
                if not isinstance(data, bytes) or len(value) + len(data) > _MAX_FIELD:
                    raise FormBroken("field too long")
                value += data
            self.fields[event.name] = value.decode("utf-8", "replace")

    async def file_bytes(self) -> AsyncIterator[bytes]:
        """The current file part's bytes, until the part ends."""
        while (data := await self._next_event()) is not None:
            if not isinstance(data, bytes):
                raise FormBroken("file part cut short")
            if data:
                yield data
