"""Working days across weekends and Indonesian holidays, and the per-stage deadlines."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import Status
from peluit_cases.domain.deadlines import Deadline, deadline_for, flag

ID = WorkingCalendar.load()
PLAIN = WorkingCalendar()


def test_weekends_are_not_working_days() -> None:
    assert PLAIN.is_working_day(date(2026, 3, 6))  # Friday
    assert not PLAIN.is_working_day(date(2026, 3, 7))
    assert not PLAIN.is_working_day(date(2026, 3, 8))


def test_five_working_days_from_a_thursday_end_on_the_next_thursday() -> None:
    assert PLAIN.add_working_days(date(2026, 2, 5), 5) == date(2026, 2, 12)


def test_indonesian_holidays_are_skipped() -> None:
    assert date(2026, 8, 17) in ID.holidays and date(2026, 1, 1) in ID.holidays
    # Wed 18 Mar 2026 + 2 working days: Nyepi (Thu 19) and Idulfitri (Fri 20) are holidays.
    assert ID.add_working_days(date(2026, 3, 18), 1) == date(2026, 3, 23)
    assert ID.add_working_days(date(2026, 3, 18), 2) == date(2026, 3, 24)
    assert PLAIN.add_working_days(date(2026, 3, 18), 2) == date(2026, 3, 20)


def test_a_holiday_file_replaces_the_default(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "holidays.json"
    path.write_text('["2026-02-10"]')
    cal = WorkingCalendar.load(path)
    assert cal.add_working_days(date(2026, 2, 9), 1) == date(2026, 2, 11)


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(0, 80))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(
    start: date, n: int
) -> None:
    end = ID.add_working_days(start, n)
    assert ID.working_days_between(start, end) == n
    if n:
        assert ID.is_working_day(end)
        assert end - start >= timedelta(days=n)


def test_deadlines_follow_the_architecture_defaults() -> None:
    received = date(2026, 3, 2)  # Monday
    verification = deadline_for(PLAIN, Status.RECEIVED, received)
    assert verification == Deadline("verification", received, date(2026, 3, 9))
    # Verifying continues the verification stage: the clock does not restart.
    assert deadline_for(PLAIN, Status.VERIFYING, date(2026, 3, 5), verification) == verification
    review = deadline_for(PLAIN, Status.REVIEWING, date(2026, 3, 5), verification)
    assert review is not None and review.stage == "review"
    assert PLAIN.working_days_between(date(2026, 3, 5), review.due_on) == 14
    assert deadline_for(PLAIN, Status.CONCLUDED, date(2026, 3, 5)) is None


def test_flags_due_soon_and_overdue() -> None:
    due = date(2026, 3, 13)  # Friday
    assert flag(PLAIN, due, date(2026, 3, 9)) is None
    assert flag(PLAIN, due, date(2026, 3, 11)) == "due_soon"
    assert flag(PLAIN, due, date(2026, 3, 13)) == "due_soon"
    assert flag(PLAIN, due, date(2026, 3, 16)) == "overdue"
    assert flag(PLAIN, None, date(2026, 3, 16)) is None
