"""No client address, user agent, report text, receipt or report id in any log line.

A reporter (from a known loopback address, with a known user agent and X-Forwarded-For) files
a report whose every field carries a marker, gets a validation error with markers in it, signs
in, sends a follow-up, uploads a file with a marked name and a refused one, and the team opens
the case. Then the log lines every service wrote during the run are grepped for all of it."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import quote

import httpx
import pytest

from tests.support.evidence import jpeg_parts
from tests.support.portal import submitted_event
from tests.support.reports import sample_report, wait_for_case
from tests.support.stack import ServiceProcess, base_url

pytestmark = pytest.mark.stack

# The reporter connects from this loopback address (Linux routes all of 127/8 locally).
CLIENT_ADDRESS = "127.0.0.77"
FORWARDED = "198.51.100.23"


async def test_no_client_address_agent_or_report_text_reaches_any_log(
    services: dict[str, ServiceProcess], staff_client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:12]
    marks = {
        "what": f"IsiLaporan{tag}",
        "who": f"Terlapor{tag}",
        "where": f"Tempat{tag}",
        "how": f"Cara{tag}",
        "followup": f"Tambahan{tag}",
        "file": f"BerkasRahasia{tag}",
        "invalid": f"Salah{tag}",
        "agent": f"Mozilla/5.0 (LogMarker{tag})",
    }
    sizes = {name: proc.log_path.stat().st_size for name, proc in services.items()}
    transport = httpx.AsyncHTTPTransport(local_address=CLIENT_ADDRESS)
    headers = {"user-agent": marks["agent"], "x-forwarded-for": FORWARDED}
    async with httpx.AsyncClient(
        base_url=base_url("intake"), transport=transport, headers=headers, timeout=30
    ) as client:
        report = sample_report(
            marker=marks["what"],
            who=[{"name": marks["who"], "position": "Kepala", "unit": "PSDKP"}],
            where=marks["where"],
            how=marks["how"],
        )
        r = await client.post("/api/v1/reports", json=report)
        assert r.status_code == 201, r.text
        accepted = r.json()
        bad = await client.post(
            "/api/v1/reports", json={**report, "category": marks["invalid"], "when": "x\x00y"}
        )
        assert 400 <= bad.status_code < 500
        assert (await client.post("/api/v1/reports", content=marks["invalid"])).status_code < 500
        wrong = await client.post("/api/v1/mailbox/session", json={"receipt": marks["invalid"]})
        assert 400 <= wrong.status_code < 500
        signed = await client.post("/api/v1/mailbox/session", json={"receipt": accepted["receipt"]})
        assert signed.status_code == 201, signed.text
        auth = {"authorization": f"Bearer {signed.json()['token']}"}
        posted = await client.post(
            "/api/v1/mailbox/followups",
            json={"kind": "information", "text": marks["followup"]},
            headers=auth,
        )
        assert posted.status_code == 201, posted.text
        jpeg, _ = jpeg_parts(marks["file"])
        for name in (f"{marks['file']}.jpg", f"../{marks['file']}.jpg"):
            up = await client.post(
                "/api/v1/mailbox/evidence",
                content=jpeg,
                headers={**auth, "content-type": "image/jpeg", "x-filename": quote(name)},
            )
            assert up.status_code < 500, up.text
    case, _ = await wait_for_case(staff_client, accepted["report_number"], timeout=30)
    assert (await staff_client.get(f"/api/v1/cases/{case['id']}")).status_code == 200
    report_id = str((await submitted_event(accepted["report_number"])).payload.report_id)
    await asyncio.sleep(2)  # let the consumers and relays write what they write

    secrets = {
        **marks,
        "client address": CLIENT_ADDRESS,
        "forwarded address": FORWARDED,
        "receipt": accepted["receipt"],
        "receipt digits": accepted["receipt"].replace("-", ""),
        "report number": accepted["report_number"],
        "report id": report_id,
    }
    found = []
    lines = 0
    for name, proc in services.items():
        with proc.log_path.open(encoding="utf-8", errors="replace") as log:
            log.seek(sizes[name])
            for line in log:
                lines += 1
                found += [
                    f"{name}: {what}: {line.strip()[:300]}"
                    for what, s in secrets.items()
                    if s in line
                ]
    assert lines > 0  # the services did log something during the run
    assert not found, "\n".join(found)
