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


class FormBroken(Exception):
    """Not a multipart form, or one that ended or misbehaved mid-way."""


class FormTooLarge(FormBroken):
    """More bytes than the form may carry."""


@dataclass(frozen=True)
class FilePart:
    field: str
    filename: str
    content_type: str


class StreamedForm:
    def __init__(
        self,
        request: Req,
        max_total_bytes: int,
        max_fields_bytes: int = 8 * 1024,
        max_parts: int = 16,
    ) -> None:
        content_type, options = parse_options_header(request.headers.get("content-type", ""))
        if content_type != "multipart/form-data" or not options.get("boundary"):
            raise FormBroken("not multipart/form-data")
        self._parser = PushMultipartParser(
            options["boundary"], max_header_count=8, max_segment_count=max_parts
        )
        self._body = request.stream().__aiter__()
        self._events: deque[MultipartSegment | bytes | None] = deque()
        self._finished = False
        self._in_file = False
        self._fields_left = max_fields_bytes
        self._total_left = max_total_bytes
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
            self._total_left -= len(chunk)
            if self._total_left < 0:
                raise FormTooLarge("request too large")
            try:
                self._events.extend(self._parser.parse(chunk))
            except MultipartError as exc:
                raise FormBroken(str(exc)) from exc
        return self._events.popleft()

    async def next_file(self) -> FilePart | None:
        """Read small fields into `fields` until a file part starts; None if none comes."""
        await self.skip_file()
        while True:
            event = await self._next_event()
            if event is False:
                return None
            if not isinstance(event, MultipartSegment):
                raise FormBroken("data outside a part")
            if event.filename is not None:
                self._in_file = True
                return FilePart(
                    event.name, event.filename, event.content_type or "application/octet-stream"
                )
            value = bytearray()
            while (data := await self._next_event()) is not None:
                if not isinstance(data, bytes):
                    raise FormBroken("field cut short")
                if len(data) > self._fields_left:
                    raise FormTooLarge("fields too long")
                self._fields_left -= len(data)
                value += data
            self.fields[event.name] = value.decode("utf-8", "replace")

    async def file_bytes(self) -> AsyncIterator[bytes]:
        """The current file part's bytes, until the part ends."""
        while self._in_file:
            data = await self._next_event()
            if data is None:
                self._in_file = False
                return
            if not isinstance(data, bytes):
                raise FormBroken("file part cut short")
            if data:
                yield data

    async def skip_file(self) -> None:
        """Read past what is left of the current file part (after a refused upload)."""
        async for _ in self.file_bytes():
            pass

    async def discard_rest(self) -> None:
        """Read the rest of the body, so the browser gets the page instead of a reset."""
        if self._finished:
            return
        async for chunk in self._body:
            self._total_left -= len(chunk)
            if self._total_left < 0:
                return  # not worth reading: the connection will be closed instead
        self._finished = True
