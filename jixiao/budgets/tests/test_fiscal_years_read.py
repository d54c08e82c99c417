"""A request reads each budget year it asks about once (a document page asks whether its year is
open for the page and for every review step it offers), and a year closed meanwhile is seen
closed at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.selectors import fiscal_years_remembered, year_is_open
from jixiao.budgets.services import fiscal_year_set_status


def year_reads(captured) -> int:
    """The reads of one budget year (the work context reads all of a region's years in a query
    of its own, with no year in it)."""
    return sum(
        1
        for q in captured.captured_queries
        if 'FROM "budgets_fiscalyear"' in q["sql"] and '"budgets_fiscalyear"."year" =' in q["sql"]
    )


def test_a_target_page_reads_its_budget_year_once(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/targets/{target.pk}/")
    assert page.status_code == 200 and "填报完成" in page.content.decode()
    assert year_reads(captured) == 1


def test_a_year_closed_within_the_block_is_seen_closed(world):
    with fiscal_years_remembered():
        assert year_is_open(region=world.region, year=2022)
        fiscal_year_set_status(
            actor=world.budget, region=world.region, year=2022, close=True, reason="年度决算完成"
        )
        assert not year_is_open(region=world.region, year=2022)


def test_outside_a_request_every_question_reads_the_year(world):
    with CaptureQueriesContext(connection) as captured:
        year_is_open(region=world.region, year=2022)
        year_is_open(region=world.region, year=2022)
    assert year_reads(captured) == 2
