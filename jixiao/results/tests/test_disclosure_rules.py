"""The disclosure deadlines (`results.disclosure_rules`), as tables worked by hand."""

from datetime import date

import pytest

from jixiao.results.disclosure_rules import days_left, due_date, due_soon, is_overdue

SECTION = {"deadline_days": 20, "key_report_days": 20}
BUDGET = date(2021, 2, 5)
ACCOUNTS = date(2021, 7, 30)
ARCHIVED = date(2021, 11, 20)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("targets", date(2021, 2, 25)),
        ("selfeval", date(2021, 8, 19)),
        ("key_report", date(2021, 12, 10)),
        ("unit_ranking", None),
    ],
)
def test_due_date_counts_calendar_days_from_the_kinds_own_approval(kind, expected):
    due = due_date(
        kind,
        budget_approved_on=BUDGET,
        accounts_approved_on=ACCOUNTS,
        archived_on=ARCHIVED,
        section=SECTION,
    )
    assert due == expected


@pytest.mark.parametrize("kind", ["targets", "selfeval", "key_report"])
def test_due_date_is_unknown_until_its_starting_day_is_recorded(kind):
    assert due_date(kind, section=SECTION) is None


def test_due_date_follows_the_rulebook_days():
    assert due_date("targets", budget_approved_on=BUDGET, section={"deadline_days": 30}) == date(
        2021, 3, 7
    )


DUE = date(2021, 2, 25)


@pytest.mark.parametrize(
    ("status", "due", "published_on", "as_of", "expected"),
    [
        ("pending", DUE, None, date(2021, 2, 25), False),  # the due day itself is in time
        ("pending", DUE, None, date(2021, 2, 26), True),
        ("pending", None, None, date(2030, 1, 1), False),  # no deadline yet
        ("published", DUE, date(2021, 2, 20), date(2021, 12, 31), False),
        ("published", DUE, date(2021, 3, 1), date(2021, 12, 31), True),  # published late
        ("published", DUE, date(2021, 3, 1), date(2021, 2, 25), False),  # not late yet then
        ("withdrawn", DUE, date(2021, 3, 1), date(2021, 12, 31), True),
        ("withdrawn", DUE, date(2021, 2, 1), date(2021, 12, 31), False),
        ("withheld", DUE, None, date(2021, 12, 31), False),  # decided not to publish
    ],
)
def test_is_overdue(status, due, published_on, as_of, expected):
    assert is_overdue(status, due, published_on, as_of) is expected


@pytest.mark.parametrize(
    ("status", "due", "as_of", "expected_left", "expected_soon"),
    [
        ("pending", DUE, date(2021, 2, 19), 6, False),
        ("pending", DUE, date(2021, 2, 20), 5, True),
        ("pending", DUE, date(2021, 3, 1), -4, True),
        ("published", DUE, date(2021, 2, 24), 1, False),
        ("pending", None, date(2021, 2, 24), None, False),
    ],
)
def test_due_soon_lists_pending_items_near_or_past_their_due_day(
    status, due, as_of, expected_left, expected_soon
):
    assert days_left(due, as_of) == expected_left
    assert due_soon(status, due, as_of, 5) is expected_soon
