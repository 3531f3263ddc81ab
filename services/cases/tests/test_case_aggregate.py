"""The Case aggregate on its own: rules, version and recorded events, no I/O (hypothesis)."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit_cases.domain.aggregate import Assignee, Case
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import Status
from peluit_cases.domain.errors import Refused, Stale
from peluit_cases.domain.events import Assigned, ConflictDeclared, StatusChanged
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.domain.workflow import DEFAULT_TABLE, ENDINGS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
CAL = WorkingCalendar()


def a_case(**fields: object) -> Case:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "report_id": uuid.uuid4(),
        "report_number": "WBS-2026-12345678",
        "status": Status.RECEIVED,
        "version": 1,
    }
    values.update(fields)
    return Case(**values)  # type: ignore[arg-type]


def person(role: Role) -> StaffUser:
    return StaffUser(uuid.uuid4(), role.value, role)


def step(case: Case, who: StaffUser, target: Status, reason: str | None = None) -> None:
    case.transition_to(
        DEFAULT_TABLE,
        CAL,
        who,
        target,
        "catatan",
        reason,
        "proven",
        now=NOW,
        reporter_update_days=30,
    )


attempts = st.lists(
    st.tuples(
        st.sampled_from([Role.COORDINATOR, Role.HANDLER, Role.VIEWER]),
        st.sampled_from(list(Status)),
        st.sampled_from([None, "alasan yang cukup panjang"]),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(attempts)
def test_only_legal_steps_change_the_case_and_each_records_one_event(
    tries: list[tuple[Role, Status, str | None]],
) -> None:
    case = a_case()
    for role, target, reason in tries:
        before = copy.deepcopy(case)
        try:
            step(case, person(role), target, reason)
        except Refused:
            assert case == before  # a refused step leaves no trace
            continue
        rule = DEFAULT_TABLE.rule(before.status, target)
        assert rule is not None and role in rule.roles
        assert case.version == before.version + 1 and case.status is target
        assert len(case.events) == len(before.events) + 1
        event = case.events[-1]
        assert isinstance(event, StatusChanged)
        assert (event.source, event.target) == (before.status, target)
        if target in ENDINGS:
            assert case.closed_at is not None and case.reporter_update_due is None


def test_the_first_close_is_kept_when_a_case_is_archived() -> None:
    case = a_case(status=Status.INVESTIGATING)
    step(case, person(Role.COORDINATOR), Status.CONCLUDED, "terbukti dalam pemeriksaan")
    closed = case.closed_at
    assert closed == NOW and case.outcome == "proven"
    case.transition_to(
        DEFAULT_TABLE,
        CAL,
        person(Role.COORDINATOR),
        Status.ARCHIVED,
        "arsip",
        "berkas lengkap diarsipkan",
        now=datetime(2026, 4, 1, tzinfo=UTC),
        reporter_update_days=30,
    )
    assert case.closed_at == closed and case.outcome == "proven"


def test_verification_keeps_its_clock_from_received_to_verifying() -> None:
    case = a_case(stage="verification", stage_started_on=date(2026, 2, 23), due_on=date(2026, 3, 2))
    step(case, person(Role.HANDLER), Status.VERIFYING)
    assert (case.stage, case.stage_started_on, case.due_on) == (
        "verification",
        date(2026, 2, 23),
        date(2026, 3, 2),
    )
    step(case, person(Role.HANDLER), Status.REVIEWING)
    assert case.stage == "review" and case.stage_started_on == NOW.date()
    assert case.due_on == CAL.add_working_days(NOW.date(), 14)


def test_expect_version_refuses_a_stale_client() -> None:
    case = a_case(version=7)
    case.expect_version(None)
    case.expect_version(7)
    with pytest.raises(Stale):
        case.expect_version(6)


def test_a_handler_sees_only_their_own_cases_and_a_coordinator_all() -> None:
    handler = person(Role.HANDLER)
    assert not a_case().visible_to(handler)
    assert a_case(assignee_id=handler.id).visible_to(handler)
    assert a_case().visible_to(person(Role.COORDINATOR))
    assert a_case().visible_to(person(Role.VIEWER))


@given(st.lists(st.sampled_from(["assign", "conflict"]), max_size=12))
def test_nobody_who_declared_a_conflict_is_ever_the_assignee(moves: list[str]) -> None:
    coord = person(Role.COORDINATOR)
    hana = person(Role.HANDLER)
    member = Assignee(hana.id, "hana", Role.HANDLER, disabled=False)
    case = a_case()
    for move in moves:
        try:
            if move == "assign":
                event = case.assign(coord, member, "alasan pengalihan panjang")
                assert isinstance(event, Assigned) and event.assignee_id == hana.id
            else:
                declared = case.declare_conflict(hana, "kerabat terlapor")
                assert isinstance(declared, ConflictDeclared)
        except Refused:
            assert hana.id in case.conflicts
        assert not (hana.id in case.conflicts and case.assignee_id == hana.id)
