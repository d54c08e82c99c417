"""The working-day calendar for disposal deadlines (DOMAIN.md §5: "within 10 working days").

A pure module: standard library only. Saturdays and Sundays are off, except the make-up working
days (调休) the State Council announces each year; public holidays are off whatever the weekday.
Both lists come from the rulebook's "monitoring" section (`calendar.holidays`,
`calendar.workdays`, ISO date strings), so a region can add a local holiday or next year's
arrangement without touching code.

Counting convention: `add_working_days(start, n)` is the n-th working day *after* `start` (the
day an alert is raised does not count), and `working_days_between(a, b)` counts the working days
after `a` up to and including `b`, so the two agree: `working_days_between(a, add_working_days(a,
n)) == n`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "calendar_from_rules",
    "is_working_day",
    "working_days_between",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkingCalendar:
    """Public holidays and make-up working days; `weekend` holds `date.weekday()` numbers."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # 调休: weekend days worked
    weekend: frozenset[int] = field(default=frozenset({5, 6}))

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> "WorkingCalendar":
        return cls(frozenset(holidays), frozenset(workdays))


def calendar_from_rules(section: Mapping) -> WorkingCalendar:
    """The calendar of a rulebook "monitoring" section (or of its "calendar" part alone).

    Raises ValueError, in Chinese, for a date that is not written YYYY-MM-DD.
    """
    part = section.get("calendar", section)
    return WorkingCalendar.of(
        _dates(part.get("holidays", ()), "calendar.holidays"),
        _dates(part.get("workdays", ()), "calendar.workdays"),
    )


def _dates(values: Iterable, where: str) -> list[date]:
    days = []
    for value in values:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            raise ValueError(f"规则库 {where} 中的“{value}”不是日期（应写作 YYYY-MM-DD）") from None
    return days


def is_working_day(day: date, calendar: WorkingCalendar) -> bool:
    """A make-up working day works, a holiday does not, otherwise weekdays work."""
    if day in calendar.workdays:
        return True
    if day in calendar.holidays:
        return False
    return day.weekday() not in calendar.weekend


def add_working_days(start: date, n: int, calendar: WorkingCalendar) -> date:
    """The n-th working day after `start` (before it when n is negative); `start` for n = 0."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day, calendar):
            left -= 1
    return day


def working_days_between(a: date, b: date, calendar: WorkingCalendar) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`."""
    if b < a:
        return -working_days_between(b, a, calendar)
    count, day = 0, a
    while day < b:
        day += _ONE_DAY
        count += is_working_day(day, calendar)
    return count
