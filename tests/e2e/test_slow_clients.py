"""A slow-loris client is cut off within the configured time while others are served (issue
13): headers that never finish, a body that trickles, a connection that sends nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.support.portal import side_intake
from tests.support.stack import ServiceProcess, port

pytestmark = pytest.mark.stack


async def held_for(
    host_port: int, script: Callable[[asyncio.StreamWriter], Awaitable[None]]
) -> float:
    """Seconds until the server closes a connection driven by `script` (capped at 120 s)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", host_port)
    started = time.monotonic()
    trickle = asyncio.create_task(script(writer))
    try:
        while time.monotonic() - started < 120:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), timeout=1)
            except TimeoutError:
                continue
            except ConnectionError:
                break
            if not chunk:
                break
        return time.monotonic() - started
    finally:
        trickle.cancel()
        writer.close()


async def half_request_line(writer: asyncio.StreamWriter) -> None:
    writer.write(b"POST /api/v1/reports HTTP/1.1\r\nHost: peluit\r\n")
    for i in range(1000):
        await asyncio.sleep(0.5)
        writer.write(f"X-Slow-{i}: a\r\n".encode())
        await writer.drain()


async def nothing(writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)


async def trickled_body(writer: asyncio.StreamWriter) -> None:
    writer.write(
        b"POST /api/v1/reports HTTP/1.1\r\nHost: peluit\r\ncontent-type: application/json\r\n"
        b"content-length: 100000\r\n\r\n{"
    )
    for _ in range(10000):
        await asyncio.sleep(0.5)
        writer.write(b"          ")
        await writer.drain()


async def served_meanwhile(url: str, seconds: float) -> list[float]:
    """Latencies of a normal client asking every half second."""
    latencies = []
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            t = time.monotonic()
            assert (await client.get("/health/live")).status_code == 200
            latencies.append(time.monotonic() - t)
            await asyncio.sleep(0.5)
    return latencies


async def test_intake_cuts_slow_headers_trickled_bodies_and_silent_connections(
    services: dict[str, ServiceProcess],
) -> None:
    with side_intake(
        slot=92, http_header_timeout_seconds="2", http_body_window_seconds="2"
    ) as proc:
        attackers = [
            held_for(proc.side_port, script)
            for script in (half_request_line, nothing, trickled_body)
            for _ in range(5)
        ]
        *held, latencies = await asyncio.gather(*attackers, served_meanwhile(proc.url, 5))
        assert all(h < 6 for h in held), held
        assert len(latencies) >= 5 and max(latencies) < 1, latencies
        # A normal (fast) report still goes through the same process.
        async with httpx.AsyncClient(base_url=proc.url, timeout=10) as client:
            assert (await client.get("/health/ready")).status_code == 200


async def test_evidence_cuts_a_slow_loris_with_its_default_header_timeout(
    services: dict[str, ServiceProcess],
) -> None:
    evidence = port("evidence")
    held, latencies = await asyncio.gather(
        held_for(evidence, half_request_line), served_meanwhile(services["evidence"].url, 10)
    )
    assert 15 < held < 26, held  # PELUIT_EVIDENCE_HTTP_HEADER_TIMEOUT_SECONDS defaults to 20
    assert max(latencies) < 1, latencies
