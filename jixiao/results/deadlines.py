"""The deadlines of a rectification (整改, DOMAIN.md §8.1), as pure rules.

Every figure comes from the rulebook section "rectification" (`results.rules`): `feedback_days`
(20), `receipt_days` (3), `plan_days` (30), `completion_days` (90) and `remind_before_days`
([7, 1]). Deadlines run in calendar days from the day the unit received the notice; a deadline
that falls on a day off (a weekend or a public holiday of the "monitoring" section's working
calendar, `monitoring.calendar`) moves to the next working day. Reminders are sent the given
number of calendar days before a deadline, never moved.

Standard library and the pure working calendar only: the services pass the rules and the
calendar in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from jixiao.monitoring.calendar import WorkingCalendar, is_working_day


def next_working_day(day: date, calendar: WorkingCalendar) -> date:
    """`day` itself when it is a working day, else the first working day after it.

    >>> from jixiao.monitoring.calendar import WorkingCalendar
    >>> next_working_day(date(2022, 10, 1), WorkingCalendar.of([date(2022, 10, 3)]))
    datetime.date(2022, 10, 4)

    (Saturday 1 October → Sunday → Monday 3 October, a holiday → Tuesday 4 October.)
    """
    while not is_working_day(day, calendar):
        day += timedelta(days=1)
    return day


def _calendar_days_after(start: date, days: int, calendar: WorkingCalendar) -> date:
    return next_working_day(start + timedelta(days=int(days)), calendar)


def plan_due(received: date, rules: Mapping, calendar: WorkingCalendar) -> date:
    """The day the unit's plan is due: `plan_days` calendar days after receipt, moved to the
    next working day if it falls on a day off.

    Worked examples with the default 30 days:
    - received Monday 2022-03-07 → 2022-04-06 (a Wednesday, kept);
    - received Tuesday 2022-03-01 → 2022-03-31 (a Thursday, kept);
    - received Friday 2022-09-02 → 2022-10-02, a Sunday inside the National Day holiday
      (1–7 October in the calendar) → the next working day, Saturday 2022-10-08 if the
      calendar lists it as a make-up working day (调休), else Monday 2022-10-10.
    """
    return _calendar_days_after(received, rules["plan_days"], calendar)


def completion_due(received: date, rules: Mapping, calendar: WorkingCalendar) -> date:
    """The day the whole rectification is due (the completion report confirmed and verified):
    `completion_days` calendar days after receipt, moved like `plan_due`.

    Worked examples with the default 90 days:
    - received 2022-03-07 → 2022-06-05, a Sunday → Monday 2022-06-06;
    - received 2021-07-02 → 2021-09-30, a Thursday, kept.
    """
    return _calendar_days_after(received, rules["completion_days"], calendar)


def received_by_default(issued: date, rules: Mapping) -> date:
    """The day a notice the unit never opened counts as received: `receipt_days` calendar days
    after it was issued (no moving: receipt is a fact, not a deadline).

    Worked example with the default 3 days: issued Friday 2022-03-04 → received Monday
    2022-03-07 (and then the plan is due 2022-04-06).
    """
    return issued + timedelta(days=int(rules["receipt_days"]))


def feedback_due(result_date: date, rules: Mapping) -> date:
    """The last day the bureau may issue its feedback on a result: `feedback_days` calendar days
    after the result (a provincial rule). Issued later, the rectification is flagged late.

    Worked example with the default 20 days: a self-evaluation confirmed 2021-06-10 → the
    feedback is due 2021-06-30; issued 2021-07-01, it is one day late.
    """
    return result_date + timedelta(days=int(rules["feedback_days"]))


def feedback_late(result_date: date, issued: date, rules: Mapping) -> bool:
    """Whether the feedback went out after `feedback_due` (issuing on the due day is on time).

    Worked example: result 2021-06-10, issued 2021-06-30 → False; issued 2021-07-01 → True.
    """
    return issued > feedback_due(result_date, rules)


def reminders_due(
    today: date,
    deadlines: Mapping[str, date | None],
    rules: Mapping,
    sent: Mapping[str, date | None] | None = None,
) -> list[str]:
    """The names of the deadlines a reminder is due for today.

    Each deadline has reminder days, `remind_before_days` calendar days before it ([7, 1]: a
    week and a day before). A reminder is due when today is on or after a reminder day, not
    after the deadline itself, and none was sent since that reminder day (`sent` gives the day
    the last reminder of each deadline went out). So a daily run sends each reminder once, and
    a run that missed a day catches up with one reminder, not two. A missing deadline (None),
    or one already met (the caller leaves it out), needs none.

    Worked examples with the default [7, 1] and deadlines {"plan": 2022-04-06,
    "due": 2022-06-06}:
    - today 2022-03-29 → [] (before the first reminder day, 2022-03-30);
    - today 2022-03-30, nothing sent → ["plan"];
    - today 2022-03-31, the plan's reminder sent 2022-03-30 → [];
    - today 2022-04-05 (the day before), sent 2022-03-30 → ["plan"] (the second reminder);
    - today 2022-04-07, nothing sent → [] (past the deadline: overdue, not a reminder);
    - today 2022-05-31, nothing sent → ["due"].
    """
    before = sorted({int(n) for n in rules.get("remind_before_days", ())})
    sent = sent or {}
    due = []
    for name, deadline in deadlines.items():
        if deadline is None or today > deadline:
            continue
        passed = [deadline - timedelta(days=n) for n in before]
        passed = [day for day in passed if day <= today]
        if not passed:
            continue
        last = sent.get(name)
        if last is None or last < max(passed):
            due.append(name)
    return due
