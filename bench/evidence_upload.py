"""Evidence upload throughput against a raw object-store PUT, and memory while uploading.

Usage (after ./peluit up):  .venv/bin/python bench/evidence_upload.py --mib 256 --large-mib 1024
In one run, with the same random bytes: a raw minio PUT to the bucket, an upload through the
evidence service's internal API (strip → SHA-256 → secretstream → multipart PUT), and (within the
50 MiB per-file limit) an upload through intake's mailbox API. Then a large file generated on the
fly is uploaded while /proc/<pid>/status of the evidence process is sampled (VmRSS, VmHWM).
The evidence process is the bench's own (port +90, per-file limit raised), on the real stack.
Every stored file is removed again and the local SeaweedFS is asked to vacuum, so repeated runs
fit its small dev volume budget (64 x 64 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.evidence import bucket_client, grant  # noqa: E402
from tests.support.portal import api_sign_in  # noqa: E402
from tests.support.reports import sample_report, submit  # noqa: E402
from tests.support.stack import (  # noqa: E402
    OFFSET,
    ServiceProcess,
    base_url,
    port,
    service_dsn,
)

MiB = 1024 * 1024
# Random bytes are no allowed type: they start as a Matroska video (passed unchanged, like most
# large evidence: no spooling).
MAGIC = b"\x1a\x45\xdf\xa3"
PIECE = 256 * 1024


async def pieces(data: bytes | None, total: int) -> AsyncIterator[bytes]:
    """`data` in 256 KiB pieces, or `total` bytes made on the fly (never held whole)."""
    if data is not None:
        view = memoryview(data)
        for i in range(0, len(data), PIECE):
            yield bytes(view[i : i + PIECE])
        return
    block = MAGIC + os.urandom(MiB - len(MAGIC))
    sent = 0
    while sent < total:
        n = min(PIECE, total - sent)
        offset = sent % MiB
        yield block[offset : offset + n] if offset + n <= MiB else block[:n]
        sent += n


_RAW = bucket_client()


def raw_put(data: bytes) -> float:
    client, bucket = _RAW
    key = f"bench/{uuid.uuid4()}"
    start = time.perf_counter()
    client.put_object(bucket, key, io.BytesIO(data), length=len(data), part_size=8 * MiB)
    took = time.perf_counter() - start
    client.remove_object(bucket, key)
    return took


async def forget(evidence_id: str) -> None:
    """Remove a file the bench stored (object and row), then let SeaweedFS reclaim the space."""
    conn = await asyncpg.connect(service_dsn("evidence"))
    try:
        key = await conn.fetchval(
            "DELETE FROM evidence_files WHERE id = $1 RETURNING object_key", uuid.UUID(evidence_id)
        )
    finally:
        await conn.close()
    if key:
        client, bucket = _RAW
        client.remove_object(bucket, key)
    master = int(os.environ.get("PELUIT_SEAWEED_MASTER_PORT", 29333 + OFFSET))
    async with httpx.AsyncClient(timeout=60) as http:
        await http.get(f"http://127.0.0.1:{master}/vol/vacuum?garbageThreshold=0.01")


async def evidence_put(url: str, data: bytes | None, total: int) -> float:
    async with httpx.AsyncClient(timeout=600) as client:
        start = time.perf_counter()
        report_id = uuid.uuid4()
        r = await client.post(
            f"{url}/api/v1/reports/{report_id}/evidence",
            content=pieces(data, total),
            headers={
                "authorization": f"Grant {grant(report_id=report_id)}",
                "x-filename": "bench.mkv",
            },
        )
        took = time.perf_counter() - start
    r.raise_for_status()
    await forget(r.json()["evidence_id"])
    return took


async def intake_put(data: bytes) -> float:
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=600) as client:
        accepted = await submit(client, sample_report())
        token = await api_sign_in(client, accepted["receipt"])
        start = time.perf_counter()
        r = await client.post(
            "/api/v1/mailbox/evidence",
            content=pieces(data, len(data)),
            headers={"authorization": f"Bearer {token}", "x-filename": "bench.mkv"},
        )
        took = time.perf_counter() - start
    r.raise_for_status()
    await forget(r.json()["evidence_id"])
    return took


class RssSampler:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kib, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def status(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, self.status("VmRSS"))
            time.sleep(0.02)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def rate(n: int, seconds: float) -> float:
    return n / MiB / seconds


class SideEvidence(ServiceProcess):
    """The bench's own evidence process, next to the running one."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{port('evidence') + 90}"


async def measure(args: argparse.Namespace, proc: SideEvidence) -> None:
    url = proc.url
    data = MAGIC + os.urandom(args.mib * MiB - len(MAGIC))
    raw, evidence = [], []
    raw_put(data[:MiB])  # warm-up both paths (connections, bucket region lookup)
    await evidence_put(url, data[:MiB], MiB)
    for _ in range(args.rounds):  # interleaved, so both see the same machine state
        raw.append(raw_put(data))
        evidence.append(await evidence_put(url, data, len(data)))
    r_raw, r_ev = (
        rate(len(data), statistics.median(raw)),
        rate(len(data), statistics.median(evidence)),
    )
    print(
        f"{args.mib} MiB, median of {args.rounds}: raw minio PUT {r_raw:.1f} MiB/s, "
        f"evidence upload {r_ev:.1f} MiB/s, ratio {r_ev / r_raw:.0%}"
    )

    small = data[: args.intake_mib * MiB]
    t_raw = statistics.median([raw_put(small) for _ in range(args.rounds)])
    t_ev = statistics.median(
        [await evidence_put(url, small, len(small)) for _ in range(args.rounds)]
    )
    t_in = statistics.median([await intake_put(small) for _ in range(args.rounds)])
    print(
        f"{args.intake_mib} MiB: raw {rate(len(small), t_raw):.1f} MiB/s, evidence "
        f"{rate(len(small), t_ev):.1f} MiB/s, through intake "
        f"{rate(len(small), t_in):.1f} MiB/s (intake/raw {t_raw / t_in:.0%})"
    )

    assert proc.proc is not None
    sampler = RssSampler(proc.proc.pid)
    before = sampler.status("VmRSS")
    with sampler:
        took = await evidence_put(url, None, args.large_mib * MiB)
    print(
        f"{args.large_mib} MiB generated on the fly: {rate(args.large_mib * MiB, took):.1f}"
        f" MiB/s; evidence RSS before {before / 1024:.1f} MB, peak "
        f"{sampler.peak_kib / 1024:.1f} MB (growth {(sampler.peak_kib - before) / 1024:.1f}"
        f" MB), VmHWM {sampler.status('VmHWM') / 1024:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--intake-mib", type=int, default=40)
    parser.add_argument("--large-mib", type=int, default=1024)
    args = parser.parse_args()
    proc = SideEvidence(
        "evidence",
        env={
            "PELUIT_EVIDENCE_HTTP_PORT": str(port("evidence") + 90),
            "PELUIT_EVIDENCE_MAX_FILE_BYTES": str(4 * 1024 * MiB),
        },
    )
    proc.start()
    try:
        proc.wait_ready()
        asyncio.run(measure(args, proc))
    finally:
        proc.stop()


if __name__ == "__main__":
    main()
