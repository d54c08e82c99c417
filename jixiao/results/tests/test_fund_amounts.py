"""The possible amounts of a fund action (results.amounts), table-tested. Expected values are
worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from jixiao.results.amounts import (
    ProjectFacts,
    Taken,
    amount_problems,
    balance,
    balance_on,
    check_action,
    current_budget,
    paid_until,
)

P = ProjectFacts(id=1, code="P1", region="360102", year=2021)
OTHER = ProjectFacts(id=2, code="P2", region="360102", year=2021)
# 100.00 in each of January–March (three payments of 100/3 rounded), then 114.50 over April–June
PAYMENTS = {1: D("40"), 2: D("30"), 3: D("30"), 4: D("50"), 5: D("30"), 6: D("34.50"), 9: D("10")}


@pytest.mark.parametrize(
    ("month", "paid"),
    [
        (1, D("40")),
        (3, D("100")),
        (6, D("214.50")),  # 100 + 50 + 30 + 34.50
        (8, D("214.50")),  # nothing in July–August
        (12, D("224.50")),
    ],
)
def test_paid_until_counts_the_months_up_to_and_including_the_month(month, paid):
    assert paid_until(PAYMENTS, month) == paid


@pytest.mark.parametrize(
    ("budget", "paid", "earlier", "expected"),
    [
        (D("300"), D("214.50"), [], D("85.50")),
        (D("300"), D("214.50"), [Taken(D("50"), date(2021, 9, 1))], D("35.50")),
        # money redeployed to the project adds to what it may give
        (D("300"), D("214.50"), [Taken(D("20"), date(2021, 3, 1), received=True)], D("105.50")),
        (D("300"), D("300"), [], D("0")),
    ],
)
def test_balance_is_budget_less_payments_less_earlier_actions(budget, paid, earlier, expected):
    assert balance(budget, paid, earlier) == expected


def test_balance_on_counts_receipts_only_from_their_date_but_takings_whatever_their_date():
    earlier = [
        Taken(D("10"), date(2021, 11, 1)),  # taken later in the year: still gone
        Taken(D("5"), date(2021, 5, 1), received=True),  # received before 15 June: counts
        Taken(D("7"), date(2021, 7, 1), received=True),  # received after: not yet there
    ]
    figures = balance_on(D("300"), PAYMENTS, earlier, date(2021, 6, 15))
    # 300 − 214.50 − 10 + 5 = 80.50
    assert (figures.paid, figures.taken, figures.received) == (D("214.50"), D("10"), D("5"))
    assert figures.value == D("80.50")
    assert figures.explanation() == (
        "全年预算 300.00 − 截至 6 月支付 214.50 − 此前调整、收回和盘活 10.00 + 调入 5.00"
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2021, 3, 31), D("300")),  # before every action: the full-year budget
        (date(2021, 4, 1), D("250")),  # a recovery of 50 on 1 April
        (date(2021, 6, 30), D("250")),
        (date(2021, 7, 1), D("270")),  # 20 redeployed to it on 1 July
        (date(2021, 12, 31), D("260")),  # an adjustment of 10 on 1 October
    ],
)
def test_current_budget_changes_from_each_actions_date_on(on, expected):
    actions = [
        Taken(D("50"), date(2021, 4, 1)),
        Taken(D("20"), date(2021, 7, 1), received=True),
        Taken(D("10"), date(2021, 10, 1)),
    ]
    assert current_budget(D("300"), actions, on) == expected


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (D("0"), "funds.amount.not_positive"),
        (D("-1"), "funds.amount.not_positive"),
        (D("NaN"), "funds.amount.not_positive"),
        (D("1.0000001"), "funds.amount.places"),
        (D("1.123456"), None),
        (D("1.1000000"), None),  # trailing zeros are not decimals
        (D("120"), None),
    ],
)
def test_amount_is_positive_with_at_most_six_decimals(amount, code):
    problems = amount_problems(amount)
    assert [p.code for p in problems] == ([code] if code else [])


def check(kind="收回", amount=D("50"), on=date(2021, 6, 15), receiving=None, earlier=()):
    return check_action(
        kind=kind,
        amount=amount,
        on=on,
        project=P,
        full_year_budget=D("300"),
        payments=PAYMENTS,
        earlier=list(earlier),
        receiving=receiving,
    )


def codes(result) -> dict:
    return {field: [m.code for m in ms] for field, ms in result.problems.items()}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {}),
        ({"amount": D("85.50")}, {}),  # exactly the balance
        ({"amount": D("85.51")}, {"amount": ["funds.over_balance"]}),
        ({"kind": "调整", "amount": D("120")}, {"amount": ["funds.over_balance"]}),
        (
            {"kind": "盘活", "amount": D("120"), "receiving": OTHER},
            {"amount": ["funds.over_balance"]},
        ),
        ({"kind": "盘活", "receiving": OTHER}, {}),
        ({"kind": "盘活"}, {"receiving_project": ["funds.receiving.missing"]}),
        ({"kind": "盘活", "receiving": P}, {"receiving_project": ["funds.receiving.self"]}),
        (
            {"kind": "盘活", "receiving": ProjectFacts(3, "X", "360102", 2022)},
            {"receiving_project": ["funds.receiving.elsewhere"]},
        ),
        (
            {"kind": "盘活", "receiving": ProjectFacts(4, "Y", "360103", 2021)},
            {"receiving_project": ["funds.receiving.elsewhere"]},
        ),
        ({"receiving": OTHER}, {"receiving_project": ["funds.receiving.not_redeploy"]}),
        ({"on": date(2022, 1, 1)}, {"date": ["funds.date.outside"]}),
        ({"on": date(2020, 12, 31)}, {"date": ["funds.date.outside"]}),
        ({"on": date(2021, 1, 1)}, {}),  # nothing paid yet: 300 left
        ({"kind": "追加"}, {"kind": ["funds.kind.unknown"]}),
        # an earlier recovery of 50 leaves 35.50
        ({"amount": D("35.50"), "earlier": [Taken(D("50"), date(2021, 5, 1))]}, {}),
        (
            {"amount": D("35.51"), "earlier": [Taken(D("50"), date(2021, 5, 1))]},
            {"amount": ["funds.over_balance"]},
        ),
    ],
)
def test_check_action(kwargs, expected):
    assert codes(check(**kwargs)) == expected


def test_over_balance_message_says_the_balance_and_where_it_comes_from():
    result = check(amount=D("120"))
    (message,) = result.problems["amount"]
    assert message == (
        "收回金额 120.00 万元超过项目未支付余额 85.50 万元（全年预算 300.00 − 截至 6 月支付 214.50）"
    )
    assert message.params["balance"] == "85.50"


def test_balance_is_not_checked_while_the_date_is_wrong():
    result = check(amount=D("999"), on=date(2022, 3, 1))
    assert codes(result) == {"date": ["funds.date.outside"]}
    assert result.balance is None
