"""Reports as a whistleblower would send them, and waiting for their cases."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx


def sample_report(marker: str | None = None, **overrides: Any) -> dict[str, Any]:
    marker = marker or uuid.uuid4().hex
    report: dict[str, Any] = {
        "category": "suap_gratifikasi",
        "what": f"Kepala seksi meminta uang pelicin untuk menerbitkan izin kapal. {marker}",
        "who": [
            {
                "name": "Budi Santoso",
                "position": "Kepala Seksi Perizinan",
                "unit": "Ditjen Perikanan Tangkap",
            }
        ],
        "where": "Pelabuhan Perikanan Samudera Nizam Zachman, Jakarta",
        "when": "Maret 2026",
        "how": "Meminta transfer ke rekening pribadi sebelum izin ditandatangani",
    }
    report.update(overrides)
    return report


async def submit(client: httpx.AsyncClient, report: dict[str, Any]) -> dict[str, Any]:
    r = await client.post("/api/v1/reports", json=report)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def find_case(staff: httpx.AsyncClient, report_number: str) -> dict[str, Any] | None:
    r = await staff.get("/api/v1/cases", params={"report_number": report_number})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) <= 1
    return dict(items[0]) if items else None


async def wait_for_case(
    staff: httpx.AsyncClient, report_number: str, timeout: float = 10.0
) -> tuple[dict[str, Any], float]:
    """The case for `report_number` and the seconds it took to appear."""
    started = time.monotonic()
    while True:
        case = await find_case(staff, report_number)
        if case is not None:
            return case, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"no case for {report_number} after {timeout}s")
        await asyncio.sleep(0.02)
