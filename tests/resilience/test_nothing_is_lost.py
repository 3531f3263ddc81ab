"""Accepted reports survive a stopped cases service and a stopped Kafka broker."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest

from tests.support.reports import sample_report, submit
from tests.support.stack import ServiceProcess, infra, service_dsn

pytestmark = pytest.mark.stack


async def case_counts(numbers: list[str]) -> dict[str, int]:
    conn = await asyncpg.connect(service_dsn("cases"))
    try:
        rows = await conn.fetch(
            "SELECT report_number, count(*) AS n FROM cases WHERE report_number = ANY($1) "
            "GROUP BY report_number",
            numbers,
        )
    finally:
        await conn.close()
    return {r["report_number"]: r["n"] for r in rows}


async def wait_for_all_cases(numbers: list[str], timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        counts = await case_counts(numbers)
        if len(counts) == len(numbers) or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.25)


async def test_reports_sent_while_cases_is_down_each_become_one_case_after_restart(
    services: dict[str, ServiceProcess], intake_client: httpx.AsyncClient
) -> None:
    cases = services["cases"]
    cases.stop()
    try:
        numbers = [
            (await submit(intake_client, sample_report()))["report_number"] for _ in range(100)
        ]
        assert len(set(numbers)) == 100
        await asyncio.sleep(1)
        assert await case_counts(numbers) == {}
    finally:
        cases.start()
        cases.wait_ready()
    counts = await wait_for_all_cases(numbers, timeout=60)
    assert counts == dict.fromkeys(numbers, 1)


async def test_reports_sent_while_kafka_is_down_are_all_delivered_once_it_is_back(
    services: dict[str, ServiceProcess], intake_client: httpx.AsyncClient
) -> None:
    stopped = infra("stop", "kafka")
    assert stopped.returncode == 0, stopped.stderr
    try:
        numbers = []
        for _ in range(20):
            numbers.append((await submit(intake_client, sample_report()))["report_number"])
        ready = await intake_client.get("/health/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["kafka"] is False
    finally:
        started = infra("start", "kafka")
        assert started.returncode == 0, started.stdout + started.stderr
    counts = await wait_for_all_cases(numbers, timeout=120)
    assert counts == dict.fromkeys(numbers, 1)
    for proc in services.values():
        proc.wait_ready(timeout=60)
