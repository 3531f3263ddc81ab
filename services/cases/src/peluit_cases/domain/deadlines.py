"""Per-stage deadlines in working days (ARCHITECTURE §3 defaults) and their flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import Status

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


def deadline_for(calendar: WorkingCalendar, status: Status, entered_on: date,
                 current: Deadline | None = None,
                 stages: dict[Status, tuple[str, int]] = DEFAULT_STAGES) -> Deadline | None:
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
