"""Disclosure deadlines (信息公开, DOMAIN.md §8.4): pure rules, standard library only.

Years. Every disclosure record belongs to a *work year* Y, as the year's summary counts it
(DOMAIN.md §9), and `ApprovalDates` of Y are the two approvals that happen in Y:

- `targets`: the approved targets of Y's budget, published with the department budget,
  within `deadline_days` (20) of `budget_approved_on` (the budget of Y, approved early in Y);
- `selfeval`: the self-evaluation results of the projects of Y−1 (evaluated in Y), published
  with the final accounts of Y−1, within `deadline_days` of `accounts_approved_on` (the final
  accounts approved in Y);
- `key_report`: a key evaluation of Y's report, within `key_report_days` (20) of the day it was
  archived;
- `unit_ranking`: the unit assessment's ranking of Y has no statutory deadline: no due day, so
  it is never overdue.

A deadline whose starting day is not recorded yet is unknown (None): the record waits, and is
not overdue.

Worked examples (section {"deadline_days": 20, "key_report_days": 20}):

- targets, budget approved 2021-02-05 → due 2021-02-25 (20 calendar days later);
- selfeval, final accounts approved 2021-07-30 → due 2021-08-19;
- key_report archived 2021-11-20 → due 2021-12-10;
- pending, due 2021-02-25, as of 2021-02-25 → not overdue (the due day itself is in time);
  as of 2021-02-26 → overdue;
- published 2021-03-01, due 2021-02-25 → overdue (published late, 逾期公开), whatever the day
  asked about after the due day; published 2021-02-20 → in time;
- withheld (不予公开, with its reason) → never overdue: the office decided not to publish.
"""

from __future__ import annotations

from datetime import date, timedelta

TARGETS = "targets"
SELFEVAL = "selfeval"
KEY_REPORT = "key_report"
UNIT_RANKING = "unit_ranking"

PENDING = "pending"
PUBLISHED = "published"
WITHHELD = "withheld"
WITHDRAWN = "withdrawn"


def due_date(
    kind: str,
    *,
    budget_approved_on: date | None = None,
    accounts_approved_on: date | None = None,
    archived_on: date | None = None,
    section: dict,
) -> date | None:
    """The last day to publish an item of `kind`, or None when it has no deadline (the unit
    ranking) or its starting day is not recorded yet."""
    if kind == TARGETS:
        start, days = budget_approved_on, section["deadline_days"]
    elif kind == SELFEVAL:
        start, days = accounts_approved_on, section["deadline_days"]
    elif kind == KEY_REPORT:
        start, days = archived_on, section["key_report_days"]
    else:
        return None
    if start is None:
        return None
    return start + timedelta(days=int(days))


def is_overdue(status: str, due: date | None, published_on: date | None, as_of: date) -> bool:
    """Whether the item missed its deadline, as of `as_of`: not published by its due day while
    that day has passed (a pending one, or one published after it). A withheld item and one
    without a deadline are never overdue; a withdrawn one counts as it was published."""
    if due is None or status == WITHHELD:
        return False
    if as_of <= due:
        return False
    if status in (PUBLISHED, WITHDRAWN) and published_on is not None:
        return published_on > due
    return status == PENDING


def days_left(due: date | None, as_of: date) -> int | None:
    """Calendar days from `as_of` to the due day (negative once past), None without one."""
    return None if due is None else (due - as_of).days


def due_soon(status: str, due: date | None, as_of: date, within_days: int) -> bool:
    """A pending item whose due day is at most `within_days` away, or already past (the
    office's to-do)."""
    left = days_left(due, as_of)
    return status == PENDING and left is not None and left <= within_days
