"""The portal promises the deadlines the team's system enforces, no other."""

from __future__ import annotations

from datetime import date

from peluit_cases.domain.case import Status
from peluit_cases.domain.deadlines import DEFAULT_STAGES, REPORTER_UPDATE_DAYS
from peluit_intake.domain import timeline


def test_the_portal_promises_the_enforced_deadlines() -> None:
    assert DEFAULT_STAGES[Status.RECEIVED] == ("verification", timeline.VERIFY_WORKING_DAYS)
    assert DEFAULT_STAGES[Status.REVIEWING] == ("review", timeline.REVIEW_WORKING_DAYS)
    assert DEFAULT_STAGES[Status.INVESTIGATING] == (
        "conclusion",
        timeline.CONCLUSION_WORKING_DAYS,
    )
    assert DEFAULT_STAGES[Status.NEEDS_INFO][1] == timeline.REPORTER_ANSWER_WORKING_DAYS
    assert REPORTER_UPDATE_DAYS == timeline.REPORTER_UPDATE_DAYS


def test_working_days_skip_the_weekend() -> None:
    assert timeline.add_working_days(date(2026, 12, 4), 5) == date(2026, 12, 11)  # Fri -> Fri
