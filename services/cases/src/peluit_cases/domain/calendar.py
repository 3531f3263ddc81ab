"""Working days: weekends and a holiday calendar (Indonesian national holidays by default)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DEFAULT_HOLIDAYS = Path(__file__).resolve().parents[1] / "data" / "holidays_id.json"


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself is not counted)."""
        day = start
        left = days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for i in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=i))
        )

    @classmethod
    def load(cls, path: Path | None = None) -> WorkingCalendar:
        """A JSON list of `{"date": "YYYY-MM-DD", "name": ...}` (or plain date strings)."""
        data = json.loads((path or DEFAULT_HOLIDAYS).read_text(encoding="utf-8"))
        return cls(
            frozenset(
                date.fromisoformat(item["date"] if isinstance(item, dict) else item)
                for item in data
            )
        )
