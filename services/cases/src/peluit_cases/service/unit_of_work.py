"""The unit of work: one transaction in which use cases load cases, change them and publish.

Use cases take `(command, uow)`. `commit()` stores every case the unit loaded, with what its
aggregate recorded, and writes the events that have a public contract to the outbox in the
same transaction; leaving the block without `commit()` rolls everything back.
"""

from __future__ import annotations

import abc
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

from nacl.public import PrivateKey, PublicKey

from peluit_cases.domain.aggregate import Assignee, Case
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.events import Assigned, MessageSent, StatusChanged
from peluit_cases.domain.staff import StaffUser
from peluit_cases.domain.workflow import TransitionTable
from peluit_shared.events import CaseAssigned, CaseMessageToReporter, CaseStatusChanged
from peluit_shared.events.base import Event
from peluit_shared.events.cases import (
    CaseAssignedPayload,
    CaseMessageToReporterPayload,
    CaseStatusChangedPayload,
)


@dataclass(frozen=True)
class CaseRules:
    """The rules in force for this deployment: workflow table, calendar, reporter clock."""

    table: TransitionTable
    calendar: WorkingCalendar
    reporter_update_days: int


class CaseRepository(abc.ABC):
    """Cases by id; every case handed out is stored again on commit."""

    def __init__(self) -> None:
        self.seen: dict[uuid.UUID, Case] = {}

    async def get(self, case_id: uuid.UUID) -> Case | None:
        """The case, locked for this unit of work; None when there is none."""
        case = self.seen.get(case_id) or await self._get(case_id)
        if case is not None:
            self.seen[case.id] = case
        return case

    async def for_report(self, report_id: uuid.UUID) -> Case | None:
        """The case of a report, locked; None when the report has no case."""
        case = await self._for_report(report_id)
        if case is not None:
            case = self.seen.setdefault(case.id, case)
        return case

    @abc.abstractmethod
    async def _get(self, case_id: uuid.UUID) -> Case | None: ...

    @abc.abstractmethod
    async def _for_report(self, report_id: uuid.UUID) -> Case | None: ...

    @abc.abstractmethod
    async def has_message(self, message_id: uuid.UUID) -> bool:
        """A message (either direction) with this id is stored already."""

    @abc.abstractmethod
    async def save(self, case: Case) -> None:
        """Store the case's state and its recorded events (history, log entries)."""


class StaffDirectory(Protocol):
    async def assignee(self, staff_id: uuid.UUID) -> Assignee | None: ...


class CaseKeys(Protocol):
    """Who holds a wrap of which case key (see `service.case_keys`)."""

    async def held_key(self, staff: StaffUser, case: Case) -> PrivateKey: ...

    async def holds(self, case_id: uuid.UUID, staff_id: uuid.UUID) -> bool: ...

    async def drop_wrap(self, case_id: uuid.UUID, staff_id: uuid.UUID, via: str) -> None: ...

    async def public_key_of(self, staff_id: uuid.UUID) -> PublicKey | None: ...

    async def wrap_to(
        self,
        case_id: uuid.UUID,
        key: PrivateKey,
        recipient_id: uuid.UUID,
        recipient: PublicKey,
        via: str,
    ) -> None: ...


class AuditTrail(Protocol):
    async def append(
        self, actor: str, action: str, case_id: uuid.UUID | None = None, **detail: Any
    ) -> None: ...


class UnitOfWork(abc.ABC):
    cases: CaseRepository
    staff: StaffDirectory
    keys: CaseKeys
    audit: AuditTrail

    def __init__(self, rules: CaseRules) -> None:
        self.rules = rules
        self._committed = False

    async def __aenter__(self) -> Self:
        self._committed = False
        await self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close(rollback=not self._committed)

    async def commit(self) -> None:
        """Store every loaded case, write its public events to the outbox, commit."""
        for case in self.cases.seen.values():
            await self.cases.save(case)
            for event in contract_events(case):
                await self._publish(event)
            case.events.clear()
        await self._commit()
        self._committed = True

    @abc.abstractmethod
    async def _begin(self) -> None: ...

    @abc.abstractmethod
    async def _commit(self) -> None: ...

    @abc.abstractmethod
    async def _close(self, rollback: bool) -> None:
        """End the unit: roll back what was not committed, release what it held."""

    @abc.abstractmethod
    async def _publish(self, event: Event) -> None:
        """Write `event` to the outbox, in this unit's transaction."""


def contract_events(case: Case) -> list[Event]:
    """The recorded events other services hear about, as their frozen contracts."""
    out: list[Event] = []
    for e in case.events:
        if isinstance(e, StatusChanged):
            out.append(
                CaseStatusChanged(
                    correlation_id=case.report_id,
                    payload=CaseStatusChangedPayload(
                        case_id=case.id,
                        report_id=case.report_id,
                        report_number=case.report_number,
                        from_status=e.source.value,
                        to_status=e.target.value,
                        public_status=e.public_status,  # type: ignore[arg-type]
                    ),
                )
            )
        elif isinstance(e, Assigned):
            out.append(
                CaseAssigned(
                    correlation_id=case.report_id,
                    payload=CaseAssignedPayload(
                        case_id=case.id,
                        report_id=case.report_id,
                        report_number=case.report_number,
                        assignee_id=e.assignee_id,
                        assigned_by_id=e.actor,
                        reassignment=e.reassignment,
                    ),
                )
            )
        elif isinstance(e, MessageSent):
            out.append(
                CaseMessageToReporter(
                    correlation_id=case.report_id,
                    payload=CaseMessageToReporterPayload(
                        message_id=e.message_id,
                        case_id=case.id,
                        report_id=case.report_id,
                        report_number=case.report_number,
                        kind=e.kind,  # type: ignore[arg-type]
                        sealed_message=e.to_reporter,
                    ),
                )
            )
    return out
