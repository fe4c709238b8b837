"""Working-day arithmetic: pure functions over a calendar of holidays and make-up working days.

A working day is Monday to Friday, except a public holiday; a Saturday or Sunday declared a make-up
working day (ngày làm bù) is a working day. A time limit of N working days counted from day D ends on the
N-th working day after D (the day of the event itself is not counted).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from thidua.nominations.models import DayKind, Holiday

DEFAULT_HOLIDAYS = Path(__file__).parent / "data" / "holidays.csv"


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked in exchange

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> Calendar:
        return cls(frozenset(holidays), frozenset(workdays))

    @classmethod
    def from_csv(cls, path: Path = DEFAULT_HOLIDAYS) -> Calendar:
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        return cls.of((date.fromisoformat(r["date"]) for r in rows if r["kind"] == "holiday"),
                      (date.fromisoformat(r["date"]) for r in rows if r["kind"] == "workday"))

    @classmethod
    def from_db(cls) -> Calendar:
        """The Holiday table (edited in the admin; `thidua demo` loads data/holidays.csv into it): one query.
        While the table is empty the defaults of data/holidays.csv apply."""
        rows = list(Holiday.objects.values_list("date", "kind"))
        if not rows:
            return cls.from_csv()
        return cls.of((d for d, k in rows if k == DayKind.HOLIDAY), (d for d, k in rows if k == DayKind.WORKDAY))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        return add_working_days(day, 1, self)


def add_working_days(start: date, n: int, calendar: Calendar) -> date:
    """The day on which a limit of `n` working days counted from `start` ends (n ≥ 0; n = 0 → start)."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date, calendar: Calendar) -> int:
    """Working days in (start, end] when end ≥ start; minus the working days in (end, start] otherwise.
    `working_days_between(today, due)` is the number of working days left (0: due today; < 0: overdue)."""
    if end < start:
        return -working_days_between(end, start, calendar)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


@dataclass(frozen=True)
class DeadlineStatus:
    code: str
    label: str
    basis: str
    working_days: int
    started: date
    due: date
    today: date
    days_left: int  # working days from today to the due date; negative (at least -1) when overdue

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def due_today(self) -> bool:
        return self.today == self.due


def deadline_status(code: str, label: str, basis: str, started: date, working_days: int, today: date,
                    calendar: Calendar) -> DeadlineStatus:
    due = add_working_days(started, working_days, calendar)
    left = working_days_between(today, due, calendar)
    if today > due:  # a weekend just after the due date is still overdue
        left = min(left, -1)
    return DeadlineStatus(code, label, basis, working_days, started, due, today, left)
