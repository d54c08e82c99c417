"""Units kept per year (DOMAIN.md §11): history stays when the structure changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.orgs.models import UnitYear
from jixiao.orgs.services import unit_year_save


def move_u2_to_biz1_in_2022(world):
    return unit_year_save(
        actor=world.budget,
        region=world.region,
        code="U2",
        year=2022,
        name="甲区城管局",
        level=1,
        parent=None,
        office=world.offices["BIZ1"],
    )


def test_unit_moved_to_another_office_in_2022_keeps_its_2021_office(world):
    move_u2_to_biz1_in_2022(world)
    assert UnitYear.objects.get(unit=world.units["U2"], year=2022).office.code == "BIZ1"
    assert UnitYear.objects.get(unit=world.units["U2"], year=2021).office.code == "BIZ2"


def test_unit_page_shows_the_office_of_the_year_being_viewed(world, client_for):
    move_u2_to_biz1_in_2022(world)
    client = client_for("budget")
    client.post("/work-context/", {"year": "2021"})
    page_2021 = client.get(f"/units/{world.units['U2'].id}/").content.decode()
    current_2021 = page_2021.split("历年沿革")[0]
    assert "经济建设股" in current_2021 and "社会事业股" not in current_2021
    client.post("/work-context/", {"year": "2022"})
    current_2022 = client.get(f"/units/{world.units['U2'].id}/").content.decode()
    assert "社会事业股" in current_2022.split("历年沿革")[0]


def test_office_moves_change_who_sees_the_unit_only_for_that_year(world, client_for):
    move_u2_to_biz1_in_2022(world)
    client = client_for("business")
    client.post("/work-context/", {"year": "2021"})
    assert "甲区城管局" not in client.get("/units/").content.decode()
    client.post("/work-context/", {"year": "2022"})
    assert "甲区城管局" in client.get("/units/").content.decode()


def test_level2_unit_needs_a_parent(world):
    with pytest.raises(ValidationError):
        unit_year_save(
            actor=world.budget,
            region=world.region,
            code="NEW",
            year=2022,
            name="新单位",
            level=2,
            parent=None,
            office=None,
        )


def test_office_of_another_region_is_refused(world):
    with pytest.raises(ValidationError):
        unit_year_save(
            actor=world.budget,
            region=world.region,
            code="NEW",
            year=2022,
            name="新单位",
            level=1,
            parent=None,
            office=world.offices["BIZ-B"],
        )


def test_unit_filer_cannot_change_units(world):
    with pytest.raises(PermissionDenied):
        move_u2_to_biz1_in_2022(
            world.__class__(**{**world.__dict__, "users": {**world.users, "budget": world.filer}})
        )


def test_edit_page_changes_only_the_working_year(world, client_for):
    client = client_for("budget")
    client.post("/work-context/", {"year": "2022"})
    response = client.post(
        f"/units/{world.units['U2'].id}/edit/",
        {"code": "U2", "name": "甲区城市管理局", "level": "1", "office": world.offices["BIZ1"].id},
    )
    assert response.status_code == 302
    assert UnitYear.objects.get(unit=world.units["U2"], year=2022).name == "甲区城市管理局"
    assert UnitYear.objects.get(unit=world.units["U2"], year=2021).name == "甲区城管局"


def test_unit_list_filters_by_level_and_office(world, client_for):
    client = client_for("budget")
    client.post("/work-context/", {"year": "2022"})
    page = client.get("/units/?level=2").content.decode()
    assert "甲区教师进修学校" in page and "甲区城管局" not in page
    page = client.get(f"/units/?office={world.offices['BIZ2'].id}").content.decode()
    assert "甲区城管局" in page and "甲区教育局" not in page


def test_merge_is_recorded_and_shown_on_both_units(world, client_for):
    client = client_for("budget")
    response = client.post(
        f"/units/{world.units['U2'].id}/succession/",
        {"kind": "merge", "successor": "U1", "year": "2023"},
    )
    assert response.status_code == 302
    old_page = client.get(f"/units/{world.units['U2'].id}/").content.decode()
    assert "2023 年合并为" in old_page and "甲区教育局" in old_page
    assert "甲区城管局" in client.get(f"/units/{world.units['U1'].id}/").content.decode()


def test_succession_to_an_unknown_unit_is_refused(world, client_for):
    from jixiao.orgs.models import UnitSuccession

    client_for("budget").post(
        f"/units/{world.units['U2'].id}/succession/",
        {"kind": "merge", "successor": "NOPE", "year": "2023"},
    )
    assert not UnitSuccession.objects.exists()


def test_other_unit_cannot_record_successions(world, client_for):
    response = client_for("other").post(
        f"/units/{world.units['U1'].id}/succession/", {"kind": "merge", "successor": "U2"}
    )
    assert response.status_code in (403, 404)
