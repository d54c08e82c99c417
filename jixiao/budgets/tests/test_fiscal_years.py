"""Starting a budget year carries the unit structure over from the year before."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.budgets.models import FiscalYear
from jixiao.budgets.services import fiscal_year_create
from jixiao.orgs.models import UnitYear


def test_new_year_carries_over_units_with_their_parents_and_offices(world):
    fiscal_year_create(actor=world.budget, region=world.region, year=2023)
    rows = {r.unit.code: r for r in UnitYear.objects.filter(year=2023).select_related("unit")}
    assert set(rows) == {"U1", "U1A", "U2"}
    assert rows["U1A"].parent.code == "U1" and rows["U2"].office.code == "BIZ2"


def test_existing_year_and_wrong_roles_are_refused(world):
    with pytest.raises(ValidationError):
        fiscal_year_create(actor=world.budget, region=world.region, year=2022)
    with pytest.raises(PermissionDenied):
        fiscal_year_create(actor=world.performance, region=world.region, year=2023)
    assert not FiscalYear.objects.filter(year=2023).exists()


def test_year_page_creates_and_switches_to_the_new_year(world, client_for):
    client = client_for("budget")
    response = client.post("/years/", {"year": "2023"})
    assert response.status_code == 302
    assert "2023" in client.get("/years/").content.decode()
    assert client.post("/years/", {"year": "20x3"}).status_code == 400


def test_unit_staff_cannot_open_the_year_page(world, client_for):
    assert client_for("filer").get("/years/").status_code == 403
