"""The working-day calendar (DOMAIN.md §5: a disposal is due within 10 working days).

Pure: no database. The national dates are those of the State Council's notices for 2020–2023
(jixiao.monitoring.rules cites each notice).
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jixiao.monitoring.rules  # noqa: F401  (registers the "monitoring" section)
from jixiao.core import rulebook
from jixiao.monitoring.alerts import disposal_deadline
from jixiao.monitoring.calendar import (
    WorkingCalendar,
    add_working_days,
    calendar_from_rules,
    is_working_day,
    working_days_between,
)
from jixiao.monitoring.rules import HOLIDAYS, WORKDAYS

RULES = rulebook.named("national").section("monitoring")
NATIONAL = calendar_from_rules(RULES)
D = date.fromisoformat


@pytest.mark.parametrize(
    "day, working",
    [
        ("2021-02-10", True),  # 除夕前一天, a Wednesday
        ("2021-02-11", False),  # 春节 11–17 February
        ("2021-02-17", False),
        ("2021-02-18", True),
        ("2021-02-07", True),  # Sunday worked (调休)
        ("2021-02-20", True),  # Saturday worked (调休)
        ("2021-02-21", False),  # an ordinary Sunday
        ("2021-10-01", False),
        ("2021-10-07", False),
        ("2021-09-26", True),  # Sunday worked before National Day
        ("2021-10-09", True),  # Saturday worked after it
        ("2021-09-18", True),  # Saturday worked before 中秋
        ("2021-09-20", False),  # 中秋 Monday
        ("2020-01-19", True),  # Sunday worked before the 2020 Spring Festival
        ("2020-01-31", False),  # the Spring Festival extended to 2 February 2020 ...
        ("2020-02-01", False),  # ... which cancelled this Saturday's make-up working day
        ("2020-02-03", True),
        ("2020-10-08", False),  # 国庆·中秋 2020: eight days
        ("2020-10-10", True),
        ("2022-01-29", True),  # Saturday and Sunday worked before the 2022 Spring Festival
        ("2022-01-30", True),
        ("2022-04-02", True),  # Saturday worked before 清明 2022
        ("2022-04-04", False),
        ("2022-12-31", False),  # 元旦 2023 begins on 31 December 2022 (a Saturday)
        ("2023-01-02", False),
        ("2023-01-28", True),
        ("2023-06-25", True),  # Sunday worked after 端午 2023
        ("2023-10-06", False),  # 中秋·国庆 2023: 29 September – 6 October
        ("2023-10-07", True),
        ("2023-10-08", True),
    ],
)
def test_national_holidays_and_make_up_days(day, working):
    assert is_working_day(D(day), NATIONAL) is working


def test_every_make_up_day_is_a_weekend_day_and_never_a_holiday():
    assert all(D(d).weekday() >= 5 for d in WORKDAYS)
    assert not set(WORKDAYS) & set(HOLIDAYS)
    assert len(WORKDAYS) == len(set(WORKDAYS)) and len(HOLIDAYS) == len(set(HOLIDAYS))


@pytest.mark.parametrize(
    "year, days_off",
    # 元旦 + 春节 + 清明 + 劳动节 + 端午 + 中秋/国庆 as the notices count them
    [(2020, 1 + 10 + 3 + 5 + 3 + 8), (2021, 3 + 7 + 3 + 5 + 3 + 3 + 7),
     (2022, 3 + 7 + 3 + 5 + 3 + 3 + 7 + 1), (2023, 2 + 7 + 1 + 5 + 3 + 8)],
)  # fmt: skip
def test_days_off_per_year_match_the_notices(year, days_off):
    assert sum(D(d).year == year for d in HOLIDAYS) == days_off


def test_a_weekday_is_a_working_day_without_holidays():
    plain = WorkingCalendar()
    assert is_working_day(D("2021-02-11"), plain)
    assert not is_working_day(D("2021-02-13"), plain)


@pytest.mark.parametrize(
    "start, end",
    [
        ("2021-02-05", "2021-02-24"),  # across the 2021 Spring Festival and its two 调休 days
        ("2022-01-27", "2022-02-15"),  # across the 2022 Spring Festival
        ("2021-09-24", "2021-10-13"),  # across National Day 2021
        ("2023-09-27", "2023-10-17"),  # across 中秋·国庆 2023
        ("2021-06-01", "2021-06-16"),  # across 端午 2021 (12–14 June)
        ("2021-03-01", "2021-03-15"),  # two ordinary weeks
    ],
)
def test_ten_working_days_across_holidays(start, end):
    assert add_working_days(D(start), 10, NATIONAL) == D(end)
    assert working_days_between(D(start), D(end), NATIONAL) == 10


def test_the_disposal_deadline_is_ten_working_days_by_the_rulebook():
    assert RULES["disposal"]["working_days"] == 10
    assert disposal_deadline(D("2021-09-24"), rules=RULES) == D("2021-10-13")
    shorter = {**RULES, "disposal": {"working_days": 6}}
    assert disposal_deadline(D("2021-09-24"), rules=shorter) == D("2021-10-08")


def test_counting_starts_after_the_start_day():
    assert add_working_days(D("2021-02-10"), 0, NATIONAL) == D("2021-02-10")
    assert add_working_days(D("2021-02-10"), 1, NATIONAL) == D("2021-02-18")
    assert add_working_days(D("2021-02-18"), -1, NATIONAL) == D("2021-02-10")
    assert working_days_between(D("2021-02-10"), D("2021-02-18"), NATIONAL) == 1
    assert working_days_between(D("2021-02-18"), D("2021-02-10"), NATIONAL) == -1
    assert working_days_between(D("2021-02-11"), D("2021-02-11"), NATIONAL) == 0


def test_a_region_adds_a_local_holiday_and_a_make_up_day():
    local = calendar_from_rules({"calendar": {"holidays": ["2021-03-03"],
                                              "workdays": ["2021-03-06"]}})  # fmt: skip
    assert not is_working_day(D("2021-03-03"), local)
    assert is_working_day(D("2021-03-06"), local)
    assert add_working_days(D("2021-03-02"), 3, local) == D("2021-03-06")


def test_a_date_that_cannot_be_read_is_a_chinese_error():
    with pytest.raises(ValueError, match="calendar.holidays.*2021-02-30"):
        calendar_from_rules({"calendar": {"holidays": ["2021-02-30"], "workdays": []}})


@given(
    start=st.dates(min_value=date(2019, 6, 1), max_value=date(2024, 6, 1)),
    n=st.integers(min_value=0, max_value=60),
)
def test_adding_and_counting_agree(start, n):
    end = add_working_days(start, n, NATIONAL)
    assert working_days_between(start, end, NATIONAL) == n
    assert end >= start
    if n:
        assert is_working_day(end, NATIONAL)
        assert working_days_between(start, end - timedelta(days=1), NATIONAL) == n - 1
