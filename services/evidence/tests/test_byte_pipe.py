"""The bounded pipe between the upload request and minio's reader thread."""

from __future__ import annotations

import asyncio

import pytest

from peluit_evidence.adapters.pipe import BytePipe, PipeAborted


async def test_the_reader_gets_exact_sizes_and_the_end() -> None:
    pipe = BytePipe(max_chunks=2)
    reader = asyncio.create_task(
        asyncio.to_thread(lambda: [pipe.read(5), pipe.read(5), pipe.read(5), pipe.read(5)])
    )
    for piece in (b"abc", b"defgh", b"ij", b"klm"):
        await pipe.put(piece)
    await pipe.close()
    assert await reader == [b"abcde", b"fghij", b"klm", b""]


async def test_an_abort_fails_the_reader_and_a_dead_reader_does_not_hang_the_writer() -> None:
    pipe = BytePipe(max_chunks=1)
    await pipe.put(b"x")
    pipe.abort()
    with pytest.raises(PipeAborted):
        await asyncio.to_thread(pipe.read, 10)
    stuck = BytePipe(max_chunks=1)
    await stuck.put(b"a")
    stuck.broken = True
    with pytest.raises(PipeAborted):
        await asyncio.wait_for(stuck.put(b"b"), timeout=5)
