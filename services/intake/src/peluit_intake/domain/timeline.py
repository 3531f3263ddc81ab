"""What happens next, in the working days the team's system enforces (cases' deadlines).

These mirror `peluit_cases.domain.deadlines.DEFAULT_STAGES` and the reporter clock
(`PELUIT_CASES_REPORTER_UPDATE_DAYS`); `services/intake/tests/test_timeline.py` keeps them equal.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from peluit_intake.domain.report import WIB

VERIFY_WORKING_DAYS = 5  # received -> verified
REVIEW_WORKING_DAYS = 14  # verified -> reviewed
CONCLUSION_WORKING_DAYS = 60  # investigation -> concluded
REPORTER_ANSWER_WORKING_DAYS = 30  # the team waits this long for the reporter's answer
REPORTER_UPDATE_DAYS = 30  # the reporter hears something at least this often (calendar days)


def add_working_days(start: date | datetime, days: int) -> date:
    """Monday to Friday only (public holidays are not known here: the date is "about")."""
    day = start.astimezone(WIB).date() if isinstance(start, datetime) else start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
