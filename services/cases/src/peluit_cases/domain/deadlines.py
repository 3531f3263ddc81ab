"""Per-stage deadlines in working days (ARCHITECTURE §3 defaults) and their flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import Status
from peluit_cases.domain.workflow import ENDINGS

# status -> (stage, working days from entering the stage). Received and verifying share the
# verification stage, so its clock starts when the report arrives.
DEFAULT_STAGES: dict[Status, tuple[str, int]] = {
    Status.RECEIVED: ("verification", 5),
    Status.VERIFYING: ("verification", 5),
    Status.NEEDS_INFO: ("reporter_contact", 30),
    Status.REVIEWING: ("review", 14),
    Status.INVESTIGATING: ("conclusion", 60),
}
DUE_SOON_DAYS = 2


@dataclass(frozen=True)
class Deadline:
    stage: str
    started_on: date
    due_on: date


def deadline_for(
    calendar: WorkingCalendar,
    status: Status,
    entered_on: date,
    current: Deadline | None = None,
    stages: dict[Status, tuple[str, int]] = DEFAULT_STAGES,
) -> Deadline | None:
    """The deadline after entering `status`; a stage that continues keeps its clock."""
    spec = stages.get(status)
    if spec is None:
        return None
    stage, days = spec
    if current is not None and current.stage == stage:
        return current
    return Deadline(stage, entered_on, calendar.add_working_days(entered_on, days))


def flag(calendar: WorkingCalendar, due_on: date | None, today: date) -> str | None:
    """'overdue', 'due_soon' or None."""
    if due_on is None:
        return None
    if today > due_on:
        return "overdue"
    if calendar.working_days_between(today, due_on) <= DUE_SOON_DAYS:
        return "due_soon"
    return None


# The reporter clock: tell the reporter something at least every 30 calendar days
# (PELUIT_CASES_REPORTER_UPDATE_DAYS). Told = the case was received, a message or question went
# to the reporter, or a status change with a public wording was published (also when the
# wording stays the same, e.g. verifying -> reviewing, both "in_process": the reporter's status
# page shows the update). Closed cases (concluded, not actionable, archived) have no clock.
REPORTER_UPDATE_STAGE = "reporter_update"
REPORTER_UPDATE_DAYS = 30
REPORTER_DUE_SOON_DAYS = 3  # calendar days
CLOSED = ENDINGS | {Status.ARCHIVED}


def reporter_update_due(told_on: date, days: int = REPORTER_UPDATE_DAYS) -> date:
    """The date by which the reporter must next be told something."""
    return told_on + timedelta(days=days)


def reporter_update_after_transition(
    current: date | None,
    target: Status,
    public_status: str | None,
    today: date,
    days: int = REPORTER_UPDATE_DAYS,
) -> date | None:
    """The reporter clock after a status change to `target`, published as `public_status`."""
    if target in CLOSED:
        return None
    if public_status is not None or current is None:
        return reporter_update_due(today, days)
    return current  # an internal step tells the reporter nothing


def reporter_flag(
    due_on: date | None, today: date, soon_days: int = REPORTER_DUE_SOON_DAYS
) -> str | None:
    """'overdue', 'due_soon' (within `soon_days` calendar days) or None."""
    if due_on is None:
        return None
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= soon_days:
        return "due_soon"
    return None


def worst_flag(*flags: str | None) -> str | None:
    """The more urgent of several flags: overdue beats due_soon beats None."""
    if "overdue" in flags:
        return "overdue"
    if "due_soon" in flags:
        return "due_soon"
    return None
