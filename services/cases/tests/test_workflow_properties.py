"""Properties of the transition table and `transition_to` (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from peluit_cases.domain.case import Status
from peluit_cases.domain.staff import Role
from peluit_cases.domain.transition import TransitionRefused, transition_to
from peluit_cases.domain.workflow import DEFAULT_TABLE, ENDINGS, PUBLIC_STATUS, TransitionTable

TABLE = DEFAULT_TABLE
statuses = st.sampled_from(list(Status))
roles = st.sampled_from(list(Role))
texts = st.text(min_size=0, max_size=40)


def reachable(start: Status) -> set[Status]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in TABLE.targets(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_nothing_leaves_archived() -> None:
    assert TABLE.targets(Status.ARCHIVED) == []


def test_every_status_is_reachable_from_received() -> None:
    assert reachable(Status.RECEIVED) == set(Status)


@given(statuses)
def test_every_reachable_status_can_still_reach_an_end_and_the_archive(status: Status) -> None:
    ahead = reachable(status)
    assert ahead & (ENDINGS | {Status.ARCHIVED})
    assert Status.ARCHIVED in ahead


@given(statuses, statuses)
def test_every_ending_step_requires_a_reason(source: Status, target: Status) -> None:
    rule = TABLE.rule(source, target)
    if rule is not None and target in ENDINGS:
        assert rule.reason_required


def test_the_table_round_trips_through_json() -> None:
    assert TransitionTable.from_json(TABLE.to_json()) == TABLE


def test_public_status_follows_the_contract() -> None:
    assert PUBLIC_STATUS == {
        Status.RECEIVED: "received",
        Status.VERIFYING: "in_process",
        Status.NEEDS_INFO: "needs_info",
        Status.REVIEWING: "in_process",
        Status.INVESTIGATING: "followed_up",
        Status.REFERRED: "referred",
        Status.NOT_ACTIONABLE: "closed",
        Status.CONCLUDED: "closed",
        Status.ARCHIVED: None,
    }


@given(
    statuses,
    statuses,
    roles,
    texts,
    st.one_of(st.none(), texts),
    st.sampled_from([None, "proven", "not_proven", "maybe"]),
)
def test_a_step_succeeds_exactly_when_the_table_the_role_and_the_proof_allow_it(
    source: Status,
    target: Status,
    role: Role,
    note: str,
    reason: str | None,
    outcome: str | None,
) -> None:
    rule = TABLE.rule(source, target)
    legal = (
        rule is not None
        and role in rule.roles
        and len(note.strip()) >= 3
        and (not rule.reason_required or len((reason or "").strip()) >= 10)
        and (target is not Status.CONCLUDED or outcome in ("proven", "not_proven"))
    )
    try:
        change = transition_to(TABLE, source, target, role, note, reason, outcome)
    except TransitionRefused as refused:
        assert not legal
        assert refused.allowed == TABLE.targets(source, role)
    else:
        assert legal
        assert change.public_status == PUBLIC_STATUS[target]


class CaseLife(RuleBasedStateMachine):
    """A case pushed around by random staff never leaves the table's paths."""

    def __init__(self) -> None:
        super().__init__()
        self.status = Status.RECEIVED
        self.path = [self.status]

    @rule(goal=statuses, role=roles)
    def attempt(self, goal: Status, role: Role) -> None:
        try:
            transition_to(
                TABLE,
                self.status,
                goal,
                role,
                "catatan kerja",
                "alasan yang cukup panjang",
                "proven",
            )
        except TransitionRefused as refused:
            assert goal not in refused.allowed
            return
        assert goal in TABLE.targets(self.status, role)
        self.status = goal
        self.path.append(goal)

    @invariant()
    def archived_is_final_and_endings_come_before_it(self) -> None:
        if Status.ARCHIVED in self.path:
            assert self.path[-1] is Status.ARCHIVED
            assert self.path[-2] in ENDINGS


TestCaseLife = CaseLife.TestCase
TestCaseLife.settings = settings(max_examples=60, stateful_step_count=30)


def test_a_workflow_file_replaces_the_default_table(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "workflow.json"
    path.write_text(
        '{"transitions": [{"from": "received", "to": "not_actionable", "roles": ["coordinator"]}]}'
    )
    table = TransitionTable.load(path)
    assert table.targets(Status.RECEIVED) == [Status.NOT_ACTIONABLE]
    assert table.rule(Status.RECEIVED, Status.NOT_ACTIONABLE).reason_required  # type: ignore[union-attr]
    assert TransitionTable.load(None) == DEFAULT_TABLE
