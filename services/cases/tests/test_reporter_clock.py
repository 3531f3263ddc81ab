"""The reporter clock: tell the reporter something at least every 30 calendar days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from peluit_cases.domain.case import Status
from peluit_cases.domain.deadlines import (
    reporter_flag,
    reporter_update_after_transition,
    reporter_update_due,
    worst_flag,
)
from peluit_cases.domain.workflow import PUBLIC_STATUS

TODAY = date(2026, 3, 10)


def test_the_reporter_is_due_an_update_thirty_calendar_days_after_being_told() -> None:
    # Calendar days, not working days: weekends and holidays (Nyepi 19 Mar) count.
    assert reporter_update_due(date(2026, 3, 1)) == date(2026, 3, 31)
    assert reporter_update_due(date(2026, 12, 15)) == date(2027, 1, 14)
    assert reporter_update_due(date(2026, 3, 1), days=7) == date(2026, 3, 8)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=1, max_value=365),
)
def test_the_clock_is_always_the_told_date_plus_the_setting(told: date, days: int) -> None:
    assert (reporter_update_due(told, days) - told).days == days


def test_a_published_status_change_restarts_the_clock() -> None:
    old = TODAY - timedelta(days=40)
    got = reporter_update_after_transition(old, Status.VERIFYING, "in_process", TODAY)
    assert got == TODAY + timedelta(days=30)
    # Same public wording as before (verifying -> reviewing, both in_process) still counts.
    got = reporter_update_after_transition(old, Status.REVIEWING, "in_process", TODAY, 10)
    assert got == TODAY + timedelta(days=10)


def test_an_internal_status_change_keeps_the_clock() -> None:
    old = TODAY - timedelta(days=5)
    assert reporter_update_after_transition(old, Status.VERIFYING, None, TODAY) == old


def test_closing_or_archiving_stops_the_clock() -> None:
    for target in (Status.CONCLUDED, Status.NOT_ACTIONABLE, Status.ARCHIVED):
        assert reporter_update_after_transition(TODAY, target, PUBLIC_STATUS[target], TODAY) is None


def test_an_open_case_without_a_clock_gets_one_even_from_an_internal_step() -> None:
    assert reporter_update_after_transition(None, Status.REFERRED, None, TODAY) == (
        TODAY + timedelta(days=30)
    )


def test_every_open_status_has_a_public_wording_so_every_default_step_counts() -> None:
    # Documented rule: with the default mapping only archiving is silent to the reporter.
    silent = {s for s, public in PUBLIC_STATUS.items() if public is None}
    assert silent == {Status.ARCHIVED}


def test_due_soon_is_within_three_calendar_days_and_overdue_is_after_the_day() -> None:
    assert reporter_flag(None, TODAY) is None
    assert reporter_flag(TODAY + timedelta(days=4), TODAY) is None
    assert reporter_flag(TODAY + timedelta(days=3), TODAY) == "due_soon"
    assert reporter_flag(TODAY, TODAY) == "due_soon"
    assert reporter_flag(TODAY - timedelta(days=1), TODAY) == "overdue"
    assert reporter_flag(TODAY + timedelta(days=5), TODAY, soon_days=5) == "due_soon"


def test_the_list_flag_is_the_more_urgent_clock() -> None:
    assert worst_flag(None, None) is None
    assert worst_flag(None, "due_soon") == "due_soon"
    assert worst_flag("due_soon", "overdue") == "overdue"
    assert worst_flag("overdue", None) == "overdue"
