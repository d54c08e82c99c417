"""The 新增单位 page creates units; it never rewrites one that already has the code typed
(found walking the office's pages: a new unit typed with an existing code renamed that unit
and took away its business office, so its declarations left the office's queue)."""

from jixiao.orgs.models import Unit, UnitYear


def test_a_new_unit_with_an_existing_code_is_refused_and_the_unit_kept(world, client_for):
    client = client_for("budget")
    response = client.post(
        "/units/new/", {"code": "U2", "name": "测试单位", "level": "1", "office": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "单位编码“U2”已是“甲区城管局”的编码" in page
    assert 'value="测试单位"' in page  # what was typed stays in the form
    unit = Unit.objects.get(region=world.region, code="U2")
    assert unit.name == "甲区城管局"
    row = UnitYear.objects.get(unit=unit, year=2022)
    assert (row.name, row.office.code) == ("甲区城管局", "BIZ2")


def test_the_same_code_in_another_district_is_a_new_unit(world, client_for):
    client = client_for("budget")
    response = client.post(
        "/units/new/",
        {"code": "UB", "name": "甲区新单位", "level": "1", "office": str(world.offices["BIZ1"].pk)},
    )
    assert response.status_code == 302
    assert Unit.objects.get(region=world.region, code="UB").name == "甲区新单位"
    assert Unit.objects.get(region=world.region_b, code="UB").name == "乙区教育局"


def test_a_unit_without_this_years_row_keeps_its_code_on_its_edit_page(world, client_for):
    UnitYear.objects.filter(unit=world.units["U2"], year=2022).delete()
    client = client_for("budget")
    response = client.post(
        f"/units/{world.units['U2'].pk}/edit/",
        {"code": "U1", "name": "甲区城管局", "level": "1", "office": ""},
    )
    assert response.status_code == 302
    assert Unit.objects.get(region=world.region, code="U1").name == "甲区教育局"
    assert UnitYear.objects.filter(unit=world.units["U2"], year=2022).exists()
