"""The top bar's regions and years are read once a session and forgotten when they change
(jixiao/shell/work.py, issue 16 part 5): every page drew them from two reads before."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import FiscalYear
from jixiao.orgs.models import Region
from jixiao.shell import work

pytestmark = pytest.mark.django_db


def _years_offered(page: str) -> list[str]:
    switch = re.search(r'<select name="year"[^>]*>(.*?)</select>', page, re.S)
    assert switch, "the top bar has no year switch"
    return re.findall(r'<option value="(\d+)"', switch.group(1))


def _regions_offered(page: str) -> list[str]:
    switch = re.search(r'<select name="region"[^>]*>(.*?)</select>', page, re.S)
    assert switch, "the top bar has no region switch"
    return re.findall(r">([^<]+)</option>", switch.group(1))


def _reads(client, path: str = "/targets/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries]


def _reads_the_top_bar(sql: list[str]) -> bool:
    return any("budgets_fiscalyear" in s and "DISTINCT" in s for s in sql) or any(
        s.startswith('SELECT "orgs_region"') and "LIMIT 500" in s for s in sql
    )


def test_pages_of_a_session_do_not_read_the_top_bar_again(world, client_for):
    client = client_for("filer")
    first, second = _reads(client), _reads(client)
    assert not _reads_the_top_bar(first)  # read at sign-in
    assert not _reads_the_top_bar(second)
    assert len(first) == len(second)


def test_a_new_budget_year_shows_in_the_switch_on_the_next_page(world, client_for):
    client = client_for("filer")
    assert "2023" not in _years_offered(client.get("/targets/").content.decode())
    FiscalYear.objects.create(region=world.region, year=2023)
    assert "2023" in _years_offered(client.get("/targets/").content.decode())


def test_closing_the_work_year_moves_the_default_year_on_the_next_page(world, client_for):
    FiscalYear.objects.create(region=world.region, year=2023)
    client = client_for("filer")
    assert client.get("/targets/").wsgi_request.work.year == 2023
    year = FiscalYear.objects.get(region=world.region, year=2023)
    year.status = FiscalYear.Status.CLOSED
    year.save()
    assert client.get("/targets/").wsgi_request.work.year == 2022  # the latest open one


def test_a_new_district_shows_for_the_city_on_the_next_page(world, client_for):
    from jixiao.orgs.models import User

    User.objects.filter(username="auditor").update(region=world.province)
    client = client_for("auditor")
    assert "新区" not in _regions_offered(client.get("/targets/").content.decode())
    Region.objects.create(
        code="100199",
        name="新区",
        level="district",
        parent=world.city,
        path=f"{world.city.path}/100199",
    )
    assert "新区" in _regions_offered(client.get("/targets/").content.decode())


def test_a_change_without_a_signal_is_read_after_the_remembered_seconds(
    world, client_for, monkeypatch
):
    client = client_for("filer")
    client.get("/targets/")
    # A bulk write sends no signal: the switch keeps what it read for REMEMBER_SECONDS.
    FiscalYear.objects.filter(region=world.region, year=2021).update(year=2019)
    assert "2019" not in _years_offered(client.get("/targets/").content.decode())
    later = work.time.monotonic() + work.REMEMBER_SECONDS + 1
    monkeypatch.setattr(work.time, "monotonic", lambda: later)
    assert "2019" in _years_offered(client.get("/targets/").content.decode())


def test_a_user_moved_to_another_region_works_there_on_the_next_page(world, client_for):
    from jixiao.orgs.models import User

    client = client_for("budget")
    assert client.get("/targets/").wsgi_request.work.region == world.region
    User.objects.filter(username="budget").update(region=world.region_b)
    page = client.get("/targets/")
    assert page.wsgi_request.work.region == world.region_b
    assert world.region.name not in _regions_offered(page.content.decode())


def test_each_session_reads_its_own_top_bar(world, client_for):
    mine, theirs = client_for("filer"), client_for("other_region")
    assert _regions_offered(mine.get("/targets/").content.decode()) == [world.region.name]
    assert _regions_offered(theirs.get("/targets/").content.decode()) == [world.region_b.name]


def test_switching_to_a_region_out_of_scope_is_still_404(world, client_for):
    client = client_for("other")
    client.get("/targets/")
    assert client.post("/work-context/", {"region": world.region_b.id}).status_code == 404


def test_a_new_unit_under_the_users_unit_does_not_read_the_top_bar_again(world, client_for):
    from jixiao.orgs.models import Unit, UnitYear

    client = client_for("filer")
    client.get("/targets/")
    parent = world.units["U1"]
    unit = Unit.objects.create(region=parent.region, code="U1-NEW", name="新二级单位")
    UnitYear.objects.create(
        unit=unit, year=2022, name=unit.name, level=2, parent=parent, office=world.offices["BIZ1"]
    )
    assert not _reads_the_top_bar(_reads(client))
    assert _regions_offered(client.get("/targets/").content.decode()) == [world.region.name]
