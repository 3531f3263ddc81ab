"""In-process fakes for the cases use cases: a unit of work that keeps everything in memory."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from nacl.public import PrivateKey, PublicKey

from peluit_cases.domain.aggregate import Assignee, Case
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import Status
from peluit_cases.domain.errors import KeyRefused
from peluit_cases.domain.events import CaseEvent
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.domain.workflow import DEFAULT_TABLE
from peluit_cases.service.unit_of_work import CaseRepository, CaseRules, UnitOfWork
from peluit_shared.events.base import Event

RULES = CaseRules(DEFAULT_TABLE, WorkingCalendar(), reporter_update_days=30)


class FakeCases(CaseRepository):
    """Cases by id; `get` hands out a copy, so only a committed unit changes what is stored."""

    def __init__(self, cases: Iterable[Case]) -> None:
        super().__init__()
        self.stored = {c.id: c for c in cases}
        self.recorded: list[CaseEvent] = []  # every event stored, in order

    async def _get(self, case_id: uuid.UUID) -> Case | None:
        found = self.stored.get(case_id)
        return copy.deepcopy(found) if found else None

    async def _for_report(self, report_id: uuid.UUID) -> Case | None:
        found = [c for c in self.stored.values() if c.report_id == report_id]
        return copy.deepcopy(found[0]) if found else None

    async def has_message(self, message_id: uuid.UUID) -> bool:
        return any(getattr(e, "followup_id", None) == message_id for e in self.recorded) or any(
            getattr(e, "message_id", None) == message_id for e in self.recorded
        )

    async def save(self, case: Case) -> None:
        self.recorded.extend(case.events)
        kept = copy.deepcopy(case)
        kept.events.clear()
        self.stored[case.id] = kept


class FakeStaff:
    def __init__(self, members: Iterable[Assignee]) -> None:
        self.members = {m.id: m for m in members}

    async def assignee(self, staff_id: uuid.UUID) -> Assignee | None:
        return self.members.get(staff_id)


class FakeKeys:
    """Case-key wraps as {(case id, staff id): via}; one case key for every case."""

    def __init__(self) -> None:
        self.case_key = PrivateKey.generate()
        self.wraps: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
        self.public: dict[uuid.UUID, PublicKey] = {}

    async def held_key(self, staff: StaffUser, case: Case) -> PrivateKey:
        if (case.id, staff.id) not in self.wraps:
            raise KeyRefused()
        return self.case_key

    async def holds(self, case_id: uuid.UUID, staff_id: uuid.UUID) -> bool:
        return (case_id, staff_id) in self.wraps

    async def drop_wrap(self, case_id: uuid.UUID, staff_id: uuid.UUID, via: str) -> None:
        if self.wraps.get((case_id, staff_id)) == via:
            del self.wraps[(case_id, staff_id)]

    async def public_key_of(self, staff_id: uuid.UUID) -> PublicKey | None:
        return self.public.get(staff_id)

    async def wrap_to(
        self,
        case_id: uuid.UUID,
        key: PrivateKey,
        recipient_id: uuid.UUID,
        recipient: PublicKey,
        via: str,
    ) -> None:
        assert key == self.case_key
        self.wraps[(case_id, recipient_id)] = via


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, uuid.UUID | None, dict[str, Any]]] = []

    async def append(
        self, actor: str, action: str, case_id: uuid.UUID | None = None, **detail: Any
    ) -> None:
        self.entries.append((actor, action, case_id, detail))


class FakeUnitOfWork(UnitOfWork):
    """Rolls back wraps and audit entries like the database would; `outbox` is committed only."""

    def __init__(self, cases: Iterable[Case] = (), staff: Iterable[Assignee] = ()) -> None:
        super().__init__(RULES)
        self.cases = FakeCases(cases)
        self.staff = FakeStaff(staff)
        self.keys = FakeKeys()
        self.audit = FakeAudit()
        self.outbox: list[Event] = []
        self.commits = 0
        self._pending: list[Event] = []
        self._saved: tuple[Any, ...] = ()

    async def _begin(self) -> None:
        self.cases.seen = {}
        self._pending = []
        self._saved = (
            dict(self.keys.wraps),
            list(self.audit.entries),
            dict(self.cases.stored),
            list(self.cases.recorded),
        )

    async def _publish(self, event: Event) -> None:
        self._pending.append(event)

    async def _commit(self) -> None:
        self.outbox.extend(self._pending)
        self.commits += 1

    async def _close(self, rollback: bool) -> None:
        if rollback:
            wraps, entries, stored, recorded = self._saved
            self.keys.wraps, self.audit.entries = wraps, entries
            self.cases.stored, self.cases.recorded = stored, recorded

    def case(self, case_id: uuid.UUID) -> Case:
        return self.cases.stored[case_id]


def staff_user(role: Role = Role.COORDINATOR, name: str = "koord") -> StaffUser:
    return StaffUser(uuid.uuid4(), name, role)


def new_case(**fields: Any) -> Case:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "report_id": uuid.uuid4(),
        "report_number": "WBS-2026-12345678",
        "status": Status.RECEIVED,
        "version": 1,
        "case_public_key": bytes(PrivateKey.generate().public_key),
        "reporter_public_key": None,
    }
    values.update(fields)
    return Case(**values)


@pytest.fixture
def make_staff() -> Callable[..., StaffUser]:
    return staff_user


@pytest.fixture
def make_case() -> Callable[..., Case]:
    return new_case


@pytest.fixture
def make_uow() -> Callable[..., FakeUnitOfWork]:
    return FakeUnitOfWork
