"""Use case: a submitted report becomes exactly one case (status Diterima)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey
from pydantic import BaseModel, ConfigDict, ValidationError

from peluit_cases.adapters.cases_repo import insert_case
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import NewCase, Status
from peluit_cases.domain.deadlines import REPORTER_UPDATE_DAYS, deadline_for, reporter_update_due
from peluit_shared.consumer import PoisonEvent
from peluit_shared.crypto import UnknownKey, unseal
from peluit_shared.events import CaseCreated, ReportSubmitted
from peluit_shared.events.cases import CaseCreatedPayload
from peluit_shared.outbox import add_to_outbox


class _Unit(BaseModel):
    model_config = ConfigDict(extra="ignore")

    unit: str | None = None


class _Triage(BaseModel):
    """The few fields the case list needs in clear; the rest stays sealed."""

    model_config = ConfigDict(extra="ignore")

    category: str
    identity: dict[str, object] | None = None
    who: list[_Unit] = []

    def units(self) -> tuple[str, ...]:
        seen = {" ".join(w.unit.split())[:200] for w in self.who if w.unit and w.unit.strip()}
        return tuple(sorted(seen))


def open_report(keys: Mapping[str, PrivateKey], event: ReportSubmitted) -> bytes:
    try:
        return unseal(keys, event.payload.sealed_report)
    except UnknownKey as exc:
        raise PoisonEvent(f"sealed to unknown key {exc}") from exc
    except CryptoError as exc:
        raise PoisonEvent("sealed report cannot be opened") from exc


async def open_case(
    conn: asyncpg.Connection,
    keys: Mapping[str, PrivateKey],
    event: ReportSubmitted,
    calendar: WorkingCalendar | None = None,
    reporter_update_days: int = REPORTER_UPDATE_DAYS,
) -> None:
    plaintext = open_report(keys, event)
    try:
        triage = _Triage.model_validate_json(plaintext)
    except ValidationError as exc:
        raise PoisonEvent("sealed report is not a report") from exc
    p = event.payload
    case = NewCase(
        id=uuid.uuid4(),
        report_id=p.report_id,
        report_number=p.report_number,
        channel=p.channel,
        category=triage.category,
        anonymous=triage.identity is None,
        sealed_key_id=p.sealed_report.key_id,
        sealed_report=p.sealed_report.ciphertext,
        received_at=event.occurred_at,
        reporter_public_key=p.reporter_public_key,
        units=triage.units(),
    )
    deadline = deadline_for(
        calendar or WorkingCalendar(), Status.RECEIVED, event.occurred_at.date()
    )
    if await insert_case(
        conn,
        case,
        deadline.stage if deadline else None,
        deadline.due_on if deadline else None,
        reporter_update_due(event.occurred_at.date(), reporter_update_days),
    ):
        await add_to_outbox(
            conn,
            CaseCreated(
                correlation_id=event.correlation_id,
                payload=CaseCreatedPayload(
                    case_id=case.id,
                    report_id=case.report_id,
                    report_number=case.report_number,
                    status="received",
                    category=case.category,
                    channel=case.channel,
                ),
            ),
        )
