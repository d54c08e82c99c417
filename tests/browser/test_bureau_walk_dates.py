"""The bureau's half of the year walked at 1366×768 (ux38): dates on the pages in Chinese.

A date input takes only an ISO value (2021-02-05); Django wrote the localised one (2021/02/05 in
Chinese, the default language), which the browser drops. So the performance office opened the
approval dates of a year and saw both empty, and saving the page (to correct one of them)
wiped the other and moved the year's disclosure deadlines; the fund-action form lost its
default date (today) and refused with 这个字段是必填项. In English the same pages were right.
"""

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def test_the_approval_dates_show_and_survive_a_save_in_chinese(session_as, world):
    from jixiao.results.models import ApprovalDates

    office = session_as("performance")
    office.goto("/disclosures/approval-dates/")
    year = int(office.input_value("header select[name=year], select[name=year]"))
    ApprovalDates.objects.create(
        region=world.region,
        year=year,
        budget_approved_on=dt.date(year, 2, 5),
        accounts_approved_on=dt.date(year, 6, 25),
    )
    office.reload()
    assert office.input_value("input[name=budget_approved_on]") == f"{year}-02-05"
    assert office.input_value("input[name=accounts_approved_on]") == f"{year}-06-25"
    office.fill("input[name=accounts_approved_on]", f"{year}-06-28")  # one corrected
    office.locator("main form[method=post] button").first.click()
    office.wait_for_load_state()
    dates = ApprovalDates.objects.get(region=world.region, year=year)
    assert (dates.budget_approved_on, dates.accounts_approved_on) == (
        dt.date(year, 2, 5),
        dt.date(year, 6, 28),
    )


def test_the_fund_action_form_shows_its_default_date_in_chinese(session_as, world):
    from django.utils import timezone

    office = session_as("performance")
    office.goto("/fund-actions/new/")
    assert office.input_value("input[name=date]") == timezone.localdate().isoformat()
