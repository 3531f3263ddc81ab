"""PostgreSQL stopped under running services: 503 + Retry-After (never 500), the portal form
keeps every word, readiness turns red, and once it is back submissions succeed without a
restart of any service (issue 13)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import httpx
import pytest

from tests.e2e.test_idempotency import form_of
from tests.support.reports import sample_report
from tests.support.stack import ServiceProcess, infra

pytestmark = pytest.mark.stack


async def until_ready(client: httpx.AsyncClient, timeout: float = 60) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if (await client.get("/health/ready")).status_code == 200:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError("not ready again")


async def test_database_away_is_a_503_the_form_keeps_the_text_and_it_recovers_alone(
    services: dict[str, ServiceProcess],
    intake_client: httpx.AsyncClient,
    staff_client: httpx.AsyncClient,
) -> None:
    marker = uuid.uuid4().hex
    form, cookie = form_of(await intake_client.get("/report"), marker)
    pids = {name: proc.proc.pid for name, proc in services.items() if proc.proc}
    assert (await intake_client.post("/api/v1/reports", json=sample_report())).status_code == 201
    stopped = infra("stop", "pg")
    assert stopped.returncode == 0, stopped.stderr
    try:
        answers = await asyncio.gather(
            *(intake_client.post("/api/v1/reports", json=sample_report()) for _ in range(20))
        )
        statuses = [r.status_code for r in answers]
        assert statuses == [503] * 20, statuses
        for r in answers:
            assert int(r.headers["retry-after"]) > 0
            body = r.json()
            assert body["message_en"].startswith("Your request was not processed yet")
            assert body["message"].startswith("Permintaan Anda belum diproses")
            assert body["request_id"] == r.headers["x-request-id"]
        # The no-JS form: everything typed comes back with a plain message.
        r = await intake_client.post("/report", data=form, headers={"cookie": f"pf={cookie}"})
        assert r.status_code == 503
        assert int(r.headers["retry-after"]) > 0
        assert "Laporan Anda belum terkirim; tidak ada yang hilang" in r.text
        assert marker in r.text and 'value="Pelabuhan Perikanan Nusantara Pengambengan"' in r.text
        # Staff API and console: 503, not 500.
        r = await staff_client.get("/api/v1/cases")
        assert r.status_code == 503 and int(r.headers["retry-after"]) > 0
        # A console form: a plain page with the message and what the staff member typed.
        async with httpx.AsyncClient(base_url=services["cases"].url, timeout=10) as console:
            r = await console.post(
                f"/console/cases/{uuid.uuid4()}/contact",
                data={"csrf": "x", "party": "Pelapor", "result": f"Hasil kontak {marker}"},
                headers={"cookie": "peluit_staff=some-session"},
            )
        assert r.status_code == 503 and int(r.headers["retry-after"]) > 0
        assert f"Hasil kontak {marker}" in r.text and "nothing was lost" in r.text
        for name in ("intake", "cases", "notifications", "evidence"):
            async with httpx.AsyncClient(base_url=services[name].url, timeout=10) as c:
                assert (await c.get("/health/ready")).status_code == 503, name
    finally:
        started = infra("start", "pg")
        assert started.returncode == 0, started.stderr
    await until_ready(intake_client)
    # Same services, same processes: they reconnected by themselves.
    assert {n: p.proc.pid for n, p in services.items() if p.proc} == pids
    r = await intake_client.post("/api/v1/reports", json=sample_report())
    assert r.status_code == 201, r.text
    # The form's token was not used up by the failed attempt: the same page now files it.
    r = await intake_client.post("/report", data=form, headers={"cookie": f"pf={cookie}"})
    assert r.status_code == 303, r.text[:500]
    assert re.search(r"/report/receipt", r.headers["location"])
