"""Use case: a report received by letter, phone, email or in person goes through intake.

Intake answers with the report number and the receipt (shown once to the staff member, who hands
it to the reporter); the case then arrives through `report.submitted` like any portal report.
"""

from __future__ import annotations

from typing import Any

import httpx

from peluit_cases.adapters import audit_repo
from peluit_cases.adapters.intake_client import IntakeUnreachable, submit_report
from peluit_cases.domain.permissions import Permission
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import require
from peluit_cases.service.errors import Invalid, Refused
from peluit_cases.wiring import Cases

MANUAL_CHANNELS = ("letter", "phone", "email", "in_person")


class IntakeRefused(Refused):
    status = 422


async def forward(
    url: str,
    token: str,
    report: dict[str, Any],
    channel: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """Send the report to intake; the 201 answer, or a refusal carrying intake's field errors."""
    if channel not in MANUAL_CHANNELS:
        raise Invalid(
            "channel",
            f"Saluran: {', '.join(MANUAL_CHANNELS)} | Channel: one of {', '.join(MANUAL_CHANNELS)}",
        )
    try:
        answer = await submit_report(url, token, report, channel, transport)
    except IntakeUnreachable as exc:
        raise Refused("Layanan intake tidak dapat dihubungi | Intake is unreachable") from exc
    if answer.status == 201:
        return answer.body
    if answer.status == 422:
        raise IntakeRefused(
            "Laporan ditolak intake | Intake refused the report",
            errors=answer.body.get("errors", []),
        )
    raise Refused(f"Intake menjawab {answer.status} | Intake answered {answer.status}")


async def enter_report(
    cases: Cases, staff: StaffUser, report: dict[str, Any], channel: str
) -> dict[str, Any]:
    require(staff, Permission.CASE_ENTER)
    accepted = await forward(
        cases.settings.intake_url, cases.settings.intake_manual_entry_token, report, channel
    )
    async with cases.runtime.pool.acquire() as conn:
        await audit_repo.append(
            conn,
            str(staff.id),
            "manual_entry",
            None,
            channel=channel,
            report_number=accepted.get("report_number"),
        )
    return accepted
