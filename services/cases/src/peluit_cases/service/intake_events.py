"""Use case: a submitted report becomes exactly one case (status Diterima).

The report arrives sealed to its own case key, which cases cannot open: only the triage (category,
unit codes, anonymous), sealed to the cases host key, is opened here. The case key's wraps (to
coordinators and the recovery key) and the identity envelope are stored as they came.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from peluit_cases.adapters.case_keys import store_wraps
from peluit_cases.adapters.cases_repo import insert_case
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import NewCase, Status
from peluit_cases.domain.deadlines import REPORTER_UPDATE_DAYS, deadline_for, reporter_update_due
from peluit_shared.consumer import PoisonEvent
from peluit_shared.crypto import SealedData, UnknownKey, key_id_of, unseal
from peluit_shared.events import CaseCreated, ReportSubmitted
from peluit_shared.events.cases import CaseCreatedPayload
from peluit_shared.events.reports import KeyWrap
from peluit_shared.outbox import add_to_outbox


class _Unit(BaseModel):
    model_config = ConfigDict(extra="ignore")

    unit: str | None = None


class _LegacyTriage(BaseModel):
    """A legacy report (v1/v2, sealed whole to the host key): the fields the list needs."""

    model_config = ConfigDict(extra="ignore")

    category: str
    identity: dict[str, object] | None = None
    who: list[_Unit] = []

    def units(self) -> tuple[str, ...]:
        seen = {" ".join(w.unit.split())[:200] for w in self.who if w.unit and w.unit.strip()}
        return tuple(sorted(seen))


class Triage(BaseModel):
    """What lists, deadlines and statistics need: codes only, no content."""

    model_config = ConfigDict(extra="forbid")

    category: str
    units: list[str] = []
    anonymous: bool


def _open(keys: Mapping[str, PrivateKey], sealed: SealedData, what: str) -> bytes:
    try:
        return unseal(keys, sealed)
    except UnknownKey as exc:
        raise PoisonEvent(f"{what} sealed to unknown key {exc}") from exc
    except CryptoError as exc:
        raise PoisonEvent(f"{what} cannot be opened") from exc


def triage_of(keys: Mapping[str, PrivateKey], event: ReportSubmitted) -> Triage:
    p = event.payload
    try:
        if p.case_public_key is None:
            legacy = _LegacyTriage.model_validate_json(_open(keys, p.sealed_report, "report"))
            return Triage(
                category=legacy.category,
                units=list(legacy.units()),
                anonymous=legacy.identity is None,
            )
        if p.sealed_triage is None:
            raise PoisonEvent("report with a case key but no triage")
        triage = Triage.model_validate_json(_open(keys, p.sealed_triage, "triage"))
    except ValidationError as exc:
        raise PoisonEvent("sealed triage is not a triage") from exc
    return Triage(
        category=triage.category,
        units=[u[:200] for u in triage.units][:20],
        anonymous=triage.anonymous,
    )


def _public(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        return bytes(PublicKey(text.encode(), encoder=Base64Encoder))
    except (ValueError, TypeError) as exc:
        raise PoisonEvent("a public key in the event is malformed") from exc


async def _current(conn: asyncpg.Connection, wraps: list[KeyWrap]) -> list[KeyWrap]:
    """Wraps to the recovery key, and to staff keys that are still the person's current key (a
    wrap to a key replaced by an administrator's reset is useless and would shadow a grant)."""
    rows = await conn.fetch(
        "SELECT id, public_key FROM staff_users "
        "WHERE id = ANY($1::uuid[]) AND public_key IS NOT NULL",
        [w.staff_id for w in wraps if w.staff_id is not None],
    )
    current = {r["id"]: key_id_of(PublicKey(bytes(r["public_key"]))) for r in rows}
    return [w for w in wraps if w.staff_id is None or current.get(w.staff_id) == w.holder_key_id]


async def open_case(
    conn: asyncpg.Connection,
    keys: Mapping[str, PrivateKey],
    event: ReportSubmitted,
    calendar: WorkingCalendar | None = None,
    reporter_update_days: int = REPORTER_UPDATE_DAYS,
) -> None:
    triage = triage_of(keys, event)
    p = event.payload
    case_public = _public(p.case_public_key)
    identity_public = _public(p.identity_public_key)
    if case_public is not None and p.sealed_report.key_id != key_id_of(PublicKey(case_public)):
        raise PoisonEvent("report not sealed to its case key")
    case = NewCase(
        id=uuid.uuid4(),
        report_id=p.report_id,
        report_number=p.report_number,
        channel=p.channel,
        category=triage.category,
        anonymous=triage.anonymous,
        sealed_key_id=p.sealed_report.key_id,
        sealed_report=p.sealed_report.ciphertext,
        received_at=event.occurred_at,
        reporter_public_key=p.reporter_public_key,
        units=tuple(sorted(set(triage.units))),
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
        if case_public is not None:
            await conn.execute(
                """UPDATE cases SET case_public_key = $2, sealed_identity = $3,
                       identity_key_id = $4, identity_public_key = $5 WHERE id = $1""",
                case.id,
                case_public,
                p.sealed_identity.ciphertext if p.sealed_identity else None,
                p.sealed_identity.key_id if p.sealed_identity else None,
                identity_public,
            )
            await store_wraps(
                conn, case.id, "case", await _current(conn, p.case_key_wraps), "intake"
            )
            await store_wraps(
                conn, case.id, "identity", await _current(conn, p.identity_key_wraps), "intake"
            )
        await add_to_outbox(
            conn,
            CaseCreated(
                correlation_id=event.correlation_id,
                payload=CaseCreatedPayload(
                    case_id=case.id,
                    report_id=case.report_id,
                    report_number=case.report_number,
                    status="received",
                ),
            ),
        )
