"""Use case: a report received by letter, phone, email or in person goes through intake.

Intake answers with the report number and the receipt (shown once to the staff member, who hands
it to the reporter); the case then arrives through `report.submitted` like any portal report.
"""

from __future__ import annotations

from typing import Any

import httpx

from peluit_cases.adapters import audit_repo
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import require
from peluit_cases.service.errors import Invalid, Refused
from peluit_cases.wiring import Cases

MANUAL_CHANNELS = ("letter", "phone", "email", "in_person")


async def enter_report(cases: Cases, staff: StaffUser, report: dict[str, Any], channel: str,
                       transport: httpx.AsyncBaseTransport | None = None) -> dict[str, Any]:
    require(staff, Permission.CASE_ENTER)
    if channel not in MANUAL_CHANNELS:
        raise Invalid("channel", f"Saluran: {', '.join(MANUAL_CHANNELS)} | Channel: one of "
                      f"{', '.join(MANUAL_CHANNELS)}")
    headers = {"authorization": f"Bearer {cases.settings.intake_manual_entry_token}"}
    async with httpx.AsyncClient(base_url=cases.settings.intake_url, timeout=10,
                                 transport=transport) as client:
        try:
            r = await client.post("/api/v1/reports", json={**report, "channel": channel},
                                  headers=headers)
        except httpx.HTTPError as exc:
            raise Refused("Layanan intake tidak dapat dihubungi | Intake is unreachable",
                          status_hint=503) from exc
    if r.status_code == 422:
        body = r.json()
        raise Refused("Laporan ditolak intake | Intake refused the report",
                      errors=body.get("errors", []))
    if r.status_code != 201:
        raise Refused(f"Intake menjawab {r.status_code} | Intake answered {r.status_code}")
    accepted = dict(r.json())
    async with cases.runtime.pool.acquire() as conn:
        await audit_repo.append(conn, str(staff.id), "manual_entry", None, channel=channel,
                                report_number=accepted.get("report_number"))
    return accepted
