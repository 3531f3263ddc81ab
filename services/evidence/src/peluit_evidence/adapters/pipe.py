"""A bounded byte pipe from the event loop to a blocking reader thread (minio's upload).

The loop side `put`s ciphertext chunks; the thread side is a file-like `read(n)` that blocks
until n bytes (or the end) are there. At most `max_chunks` chunks wait, so memory stays bounded
however large the file is.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue

_END = object()


class PipeAborted(Exception):
    """The producer gave up; the upload must fail rather than store a partial object."""


class BytePipe:
    def __init__(self, max_chunks: int = 16) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_chunks)
        self._leftover = b""
        self._ended = False
        # Set when the reader failed (store down): the producer must not wait for it forever.
        self.broken = False

    async def put(self, data: bytes) -> None:
        if data:
            await self._put(data)

    async def close(self) -> None:
        await self._put(_END)

    async def _put(self, item: object) -> None:
        try:
            self._queue.put_nowait(item)
            return
        except queue.Full:
            pass
        while True:
            if self.broken:
                raise PipeAborted("the reader stopped")
            try:
                await asyncio.to_thread(self._queue.put, item, True, 0.5)
                return
            except queue.Full:
                continue

    def abort(self) -> None:
        """Wake the reader with a failure; never blocks the loop."""
        while True:
            try:
                self._queue.put_nowait(PipeAborted())
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def read(self, size: int = -1) -> bytes:
        """Blocking read for the upload thread: exactly `size` bytes unless the pipe ended."""
        parts = [self._leftover] if self._leftover else []
        have = len(self._leftover)
        self._leftover = b""
        while (size < 0 or have < size) and not self._ended:
            item = self._queue.get()
            if item is _END:
                self._ended = True
            elif isinstance(item, PipeAborted):
                self._ended = True
                raise item
            else:
                assert isinstance(item, bytes)
                parts.append(item)
                have += len(item)
        if 0 <= size < have:
            # Split only the last chunk, so a part is assembled with a single copy.
            last = parts[-1]
            keep = len(last) - (have - size)
            parts[-1], self._leftover = last[:keep], last[keep:]
        return b"".join(parts)
