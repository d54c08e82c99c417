"""The pure deadline rules of a rectification (`results.deadlines`), as tables: calendar days
from receipt, a deadline on a weekend or a holiday moved to the next working day (a make-up
working day counts), automatic receipt, the 20-day feedback rule and the reminders."""

from __future__ import annotations

from datetime import date

import pytest

from jixiao.monitoring.calendar import WorkingCalendar
from jixiao.results import deadlines
from jixiao.results.rules import RECTIFICATION_DEFAULTS as RULES

D = date
# National Day 2022: 1–7 October off, Saturday 8 and Sunday 9 October worked (调休).
NATIONAL_DAY = WorkingCalendar.of(
    [D(2022, 10, d) for d in range(1, 8)], [D(2022, 10, 8), D(2022, 10, 9)]
)
PLAIN = WorkingCalendar.of()
QINGMING = WorkingCalendar.of([D(2022, 4, 3), D(2022, 4, 4), D(2022, 4, 5)])


@pytest.mark.parametrize(
    ("received", "calendar", "plan_due"),
    [
        (D(2022, 3, 7), PLAIN, D(2022, 4, 6)),  # a Wednesday: kept
        (D(2022, 3, 1), PLAIN, D(2022, 3, 31)),  # a Thursday: kept
        (D(2022, 3, 5), PLAIN, D(2022, 4, 4)),  # Monday
        (D(2022, 3, 6), PLAIN, D(2022, 4, 5)),  # a Tuesday: kept
        (D(2022, 3, 6), QINGMING, D(2022, 4, 6)),  # Tuesday 5 April, a holiday → Wednesday
        (D(2022, 9, 2), NATIONAL_DAY, D(2022, 10, 8)),  # Sunday 2 Oct, holiday → make-up Sat 8
        (D(2022, 9, 2), PLAIN, D(2022, 10, 3)),  # Sunday 2 Oct → Monday 3 Oct
        (D(2022, 9, 1), NATIONAL_DAY, D(2022, 10, 8)),  # Saturday 1 Oct, holiday week → 8 Oct
    ],
)
def test_the_plan_is_due_30_calendar_days_after_receipt_moved_to_a_working_day(
    received, calendar, plan_due
):
    assert deadlines.plan_due(received, RULES, calendar) == plan_due


@pytest.mark.parametrize(
    ("received", "calendar", "due"),
    [
        (D(2022, 3, 7), PLAIN, D(2022, 6, 6)),  # Sunday 5 June → Monday 6 June
        (D(2021, 7, 2), PLAIN, D(2021, 9, 30)),  # a Thursday: kept
        (D(2022, 7, 4), NATIONAL_DAY, D(2022, 10, 8)),  # Sunday 2 Oct in the holiday → Sat 8
    ],
)
def test_completion_is_due_90_calendar_days_after_receipt(received, calendar, due):
    assert deadlines.completion_due(received, RULES, calendar) == due


def test_the_days_come_from_the_rules():
    rules = {**RULES, "plan_days": 10, "completion_days": 20}
    assert deadlines.plan_due(D(2022, 3, 7), rules, PLAIN) == D(2022, 3, 17)
    assert deadlines.completion_due(D(2022, 3, 7), rules, PLAIN) == D(2022, 3, 28)  # Sun 27


@pytest.mark.parametrize(
    ("issued", "received"),
    [(D(2022, 3, 4), D(2022, 3, 7)), (D(2021, 12, 30), D(2022, 1, 2))],  # never moved
)
def test_a_notice_never_opened_counts_as_received_three_days_after_issue(issued, received):
    assert deadlines.received_by_default(issued, RULES) == received


@pytest.mark.parametrize(
    ("result", "issued", "late"),
    [
        (D(2021, 6, 10), D(2021, 6, 30), False),
        (D(2021, 6, 10), D(2021, 7, 1), True),
        (D(2021, 6, 10), D(2021, 6, 11), False),
    ],
)
def test_feedback_is_late_after_20_days_from_the_result(result, issued, late):
    assert deadlines.feedback_due(D(2021, 6, 10), RULES) == D(2021, 6, 30)
    assert deadlines.feedback_late(result, issued, RULES) is late


DEADLINES = {"plan": D(2022, 4, 6), "due": D(2022, 6, 6)}


@pytest.mark.parametrize(
    ("today", "sent", "expected"),
    [
        (D(2022, 3, 29), {}, []),
        (D(2022, 3, 30), {}, ["plan"]),
        (D(2022, 3, 31), {"plan": D(2022, 3, 30)}, []),
        (D(2022, 4, 5), {"plan": D(2022, 3, 30)}, ["plan"]),
        (D(2022, 4, 6), {"plan": D(2022, 4, 5)}, []),
        (D(2022, 4, 2), {}, ["plan"]),  # a missed run catches up once
        (D(2022, 4, 7), {}, []),  # past the deadline: overdue, not a reminder
        (D(2022, 5, 31), {"plan": D(2022, 4, 5)}, ["due"]),
        (D(2022, 6, 5), {"due": D(2022, 5, 30)}, ["due"]),
    ],
)
def test_reminders_a_week_and_a_day_before_each_deadline_each_once(today, sent, expected):
    assert deadlines.reminders_due(today, DEADLINES, RULES, sent) == expected


def test_no_reminder_for_a_missing_deadline_or_without_reminder_days():
    assert deadlines.reminders_due(D(2022, 3, 30), {"plan": None}, RULES) == []
    rules = {**RULES, "remind_before_days": []}
    assert deadlines.reminders_due(D(2022, 4, 5), DEADLINES, rules) == []
