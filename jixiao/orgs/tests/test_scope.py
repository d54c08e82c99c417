"""Scope: an object outside a user's scope does not exist for them (DOMAIN.md §3)."""

import io

import openpyxl
import pytest

from jixiao.budgets.models import Project
from jixiao.orgs.models import Region, Unit, UnitYear


def codes(qs, field="code"):
    return set(qs.values_list(field, flat=True))


def test_filer_sees_own_unit_and_its_level2_unit_only(world):
    assert codes(Unit.objects.visible_to(world.filer)) == {"U1", "U1A"}
    assert codes(Project.objects.visible_to(world.filer)) == {"P1", "P1A"}


def test_level2_filer_does_not_see_its_parent_unit(world):
    assert codes(Unit.objects.visible_to(world.child_filer)) == {"U1A"}


def test_business_office_sees_units_assigned_to_it(world):
    assert codes(Unit.objects.visible_to(world.business)) == {"U1", "U1A"}
    assert codes(Project.objects.visible_to(world.business)) == {"P1", "P1A"}


def test_budget_office_sees_its_region_but_not_the_neighbouring_one(world):
    assert codes(Unit.objects.visible_to(world.budget)) == {"U1", "U1A", "U2"}
    assert "PB" not in codes(Project.objects.visible_to(world.budget))


def test_system_admin_sees_no_budget_data(world):
    assert not Unit.objects.visible_to(world.admin).exists()
    assert not Project.objects.visible_to(world.admin).exists()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Project.objects.visible_to(AnonymousUser()).exists()


def test_office_scope_follows_the_year_of_each_row(world):
    """A unit moved to another office in 2022 stays with its 2021 office for 2021 rows."""
    UnitYear.objects.filter(unit=world.units["U2"], year=2022).update(office=world.offices["BIZ1"])
    old = Project.objects.create(
        region=world.region, year=2021, code="P2-2021", name="旧项目", unit=world.units["U2"]
    )
    visible = codes(Project.objects.visible_to(world.business))
    assert "P2" in visible  # 2022: now assigned to BIZ1
    assert old.code not in visible  # 2021: was with BIZ2


def test_user_of_another_region_sees_nothing_of_region_a(world):
    user = world.other_region
    assert not Unit.objects.visible_to(user).filter(region=world.region).exists()
    assert codes(Region.objects.visible_to(user)) == {"100102"}


# Every object page and API endpoint (owner 200, another unit 404, anonymous login or 401) is
# declared in jixiao/testing_pages.py and tested by tests/test_pages_generic.py.


def test_other_unit_cannot_open_the_edit_page_of_a_unit(world, client_for):
    response = client_for("other").get(f"/units/{world.units['U1'].id}/edit/")
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("url", ["/", "/units/", "/projects/"])
def test_anonymous_gets_the_login_page(world, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_other_unit_lists_and_exports_do_not_contain_foreign_projects(world, client_for):
    client = client_for("other")
    page = client.get("/projects/").content.decode()
    assert "项目P2" in page and "项目P1" not in page
    filtered = client.get(f"/projects/?unit={world.units['U1'].id}").content.decode()
    assert "项目P1" not in filtered
    book = openpyxl.load_workbook(io.BytesIO(client.get("/projects/?export=xlsx").content))
    cells = {c for row in book.active.iter_rows(values_only=True) for c in row}
    assert "P2" in cells and "P1" not in cells
    api = client.get("/api/v1/projects").json()
    assert {p["code"] for p in api["items"]} == {"P2"}
    units = client.get("/api/v1/units?q=甲区教育局").json()
    assert units["count"] == 0


def test_switching_to_a_region_out_of_scope_is_404(world, client_for):
    response = client_for("other").post("/work-context/", {"region": world.region_b.id})
    assert response.status_code == 404


def test_province_user_works_in_the_years_of_its_districts(world, client_for):
    from jixiao.orgs.models import User

    User.objects.filter(username="auditor").update(region=world.province)
    client = client_for("auditor")
    client.post("/work-context/", {"region": world.province.id, "year": "2022"})
    page = client.get("/projects/").content.decode()
    assert "项目P1" in page and "项目PB" in page
