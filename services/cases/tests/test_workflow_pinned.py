"""Which workflow step each role may take, pinned here literally (ARCHITECTURE §3).

Not derived from the code's own table: a step given to another role, taken away, added, or a
reason requirement dropped in `workflow.py` makes this fail. Changing the workflow on purpose
means changing this table too (and telling the inspectorate)."""

from __future__ import annotations

import itertools

import pytest

from peluit_cases.domain.case import Status
from peluit_cases.domain.staff import Role
from peluit_cases.domain.transition import TransitionRefused, transition_to
from peluit_cases.domain.workflow import TransitionTable

# step -> roles that may take it; "!" = a reason of at least 10 characters is required.
EXPECTED = """
received       -> verifying       coordinator handler
received       -> not_actionable  coordinator !
verifying      -> needs_info      coordinator handler
verifying      -> reviewing       coordinator handler
verifying      -> not_actionable  coordinator !
needs_info     -> verifying       coordinator handler
needs_info     -> reviewing       coordinator handler
needs_info     -> not_actionable  coordinator !
reviewing      -> needs_info      coordinator handler
reviewing      -> investigating   coordinator handler
reviewing      -> referred        coordinator
reviewing      -> not_actionable  coordinator !
investigating  -> referred        coordinator
investigating  -> concluded       coordinator !
referred       -> concluded       coordinator !
concluded      -> archived        coordinator
not_actionable -> archived        coordinator
"""


def expected() -> dict[tuple[str, str], tuple[set[str], bool]]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        source, _, target, *rest = line.split()
        table[(source, target)] = ({r for r in rest if r != "!"}, "!" in rest)
    return table


# The table the service runs with when no workflow file is configured.
TABLE = TransitionTable.load(None)
CASES = list(itertools.product(Status, Status, Role))


@pytest.mark.parametrize(("source", "target", "role"), CASES, ids=lambda v: str(v))
def test_each_role_may_take_exactly_the_pinned_steps(
    source: Status, target: Status, role: Role
) -> None:
    roles, needs_reason = expected().get((source.value, target.value), (set(), False))
    may = role.value in roles

    def attempt(reason: str | None) -> bool:
        try:
            transition_to(TABLE, source, target, role, "catatan kerja", reason, "proven")
        except TransitionRefused:
            return False
        return True

    assert attempt("alasan yang cukup panjang") is may
    if may:
        # Steps that end a case need their reason; the others do not.
        assert attempt(None) is not needs_reason


def test_the_allowed_steps_listed_to_each_role_are_the_pinned_ones() -> None:
    table = expected()
    for source, role in itertools.product(Status, Role):
        want = {t for (s, t), (roles, _) in table.items() if s == source.value and role in roles}
        assert {t.value for t in TABLE.targets(source, role)} == want, (source, role)
