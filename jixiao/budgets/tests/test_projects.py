"""Projects: amounts by source, decimals end to end, edits within scope, the list's queries."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.budgets.models import FiscalYear, Project, ProjectKind
from jixiao.budgets.services import project_save
from jixiao.core.models import AuditLog

AMOUNTS = {
    "initial_current": "207.4538",
    "initial_carryover": "0",
    "initial_other": "0.000001",
    "full_current": "207.4538",
    "full_carryover": "12345678.123456",
    "full_other": "0.000001",
}


def form_data(world, **changes):
    data = {
        "code": "NEW-1",
        "name": "新项目",
        "unit": world.units["U1"].id,
        "kinds": [ProjectKind.objects.get(code="special_fund").id],
        "serves_public": "on",
        **AMOUNTS,
    }
    data.update(changes)
    return data


def test_amounts_by_source_add_up_to_the_totals(world):
    project = world.projects["P1"]
    assert project.full_total == Decimal("120.623456")
    assert project.initial_total == Decimal("90")
    annotated = Project.objects.with_totals().get(pk=project.pk)
    assert annotated.full_sum == project.full_total


def test_decimals_survive_the_form_the_database_and_the_api_unchanged(world, client_for):
    client = client_for("filer")
    response = client.post("/projects/new/", form_data(world))
    assert response.status_code == 302, response.content.decode()
    project = Project.objects.get(code="NEW-1")
    assert project.full_carryover == Decimal("12345678.123456")
    assert project.initial_other == Decimal("0.000001")
    body = client.get(f"/api/v1/projects/{project.id}").json()
    assert body["full"]["carryover"] == "12345678.123456"
    assert body["full"]["total"] == "12345885.577257"
    assert body["initial"]["current"] == "207.453800"


def test_decimals_survive_an_xlsx_export(world, client_for):
    Project.objects.filter(pk=world.projects["P1"].pk).update(full_other=Decimal("207.4538"))
    content = client_for("filer").get("/projects/?export=xlsx").content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    header = rows[0]
    p1 = next(r for r in rows if r[1] == "P1")
    value = p1[header.index("全年预算-其他资金")]
    assert Decimal(repr(value)) == Decimal("207.4538")
    assert Decimal(repr(p1[header.index("全年预算-当年财政拨款")])) == Decimal("100.123456")


def test_form_rejects_negative_amounts_and_too_many_decimals(world, client_for):
    client = client_for("filer")
    response = client.post(
        "/projects/new/", form_data(world, full_current="-1", full_other="1.1234567")
    )
    assert response.status_code == 200
    assert not Project.objects.filter(code="NEW-1").exists()
    text = response.content.decode()
    assert "0" in text and "6" in text  # Django's messages name the bound and the places


def test_form_reads_amounts_as_people_type_them(world, client_for):
    # grouped thousands and full-width digits are read, as in the declaration and the imports
    client = client_for("filer")
    typed = form_data(world, full_carryover="12,345,678.123456", initial_current="２０７.４５３８")
    response = client.post("/projects/new/", typed)
    assert response.status_code == 302, response.content.decode()
    project = Project.objects.get(code="NEW-1")
    assert project.full_carryover == Decimal("12345678.123456")
    assert project.initial_current == Decimal("207.4538")


def test_form_refuses_a_decimal_comma_naming_the_field(world, client_for):
    response = client_for("filer").post("/projects/new/", form_data(world, full_other="12,5"))
    assert response.status_code == 200
    assert not Project.objects.filter(code="NEW-1").exists()
    assert "全年预算·其他资金“12,5”不是数字。" in response.content.decode()


def test_duplicate_code_in_the_same_year_is_refused_with_the_reason(world, client_for):
    response = client_for("budget").post("/projects/new/", form_data(world, code="P1"))
    assert "已有项目编码" in response.content.decode()


def test_filer_cannot_create_a_project_for_another_unit(world):
    with pytest.raises(PermissionDenied):
        project_save(
            actor=world.other,
            project=None,
            region=world.region,
            year=2022,
            code="X",
            name="x",
            unit=world.units["U1"],
            kinds=ProjectKind.objects.all()[:1],
            amounts={},
        )


def test_closed_year_refuses_project_changes(world):
    FiscalYear.objects.filter(region=world.region, year=2022).update(status="closed")
    with pytest.raises(ValidationError):
        project_save(
            actor=world.budget,
            project=world.projects["P1"],
            region=world.region,
            year=2022,
            code="P1",
            name="改名",
            unit=world.units["U1"],
            kinds=ProjectKind.objects.all()[:1],
            amounts={},
        )


def test_level2_project_needs_a_level1_parent_of_the_same_year(world):
    parent = Project.objects.create(
        region=world.region, year=2021, code="OLD", name="旧", unit=world.units["U1"]
    )
    with pytest.raises(ValidationError) as info:
        project_save(
            actor=world.budget,
            project=None,
            region=world.region,
            year=2022,
            code="CHILD",
            name="子",
            unit=world.units["U1"],
            parent=parent,
            kinds=ProjectKind.objects.all()[:1],
            amounts={},
        )
    assert "parent" in info.value.message_dict


def test_project_edit_records_before_and_after_in_one_request_batch(world, client_for):
    project = world.projects["P1"]
    data = form_data(world, code="P1", name="改过的名字", full_current="150")
    client_for("filer").post(f"/projects/{project.id}/edit/", data)
    entries = AuditLog.objects.filter(object_type="budgets.project", object_id=str(project.id))
    update = entries.filter(action="update", after__name="改过的名字").get()
    assert update.before["full_current"] == "100.123456"
    assert update.after["full_current"] == "150.000000" or update.after["full_current"] == "150"
    assert update.actor_name == "filer"
    assert entries.filter(batch=update.batch).count() >= 1


def _list_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projects/").status_code == 200
    return len(queries)


def test_project_list_query_count_does_not_grow_with_the_page(world, client_for):
    kind = ProjectKind.objects.get(code="general")
    client = client_for("budget")
    few = _list_queries(client)
    for i in range(60):
        p = Project.objects.create(
            region=world.region,
            year=2022,
            code=f"BULK-{i:03d}",
            name=f"批量{i}",
            unit=world.units["U1"],
        )
        p.kinds.add(kind)
    many = _list_queries(client)
    assert many == few
    assert many <= 16  # the page's budget: session, user, context, filters, page, kinds


def test_project_detail_shows_all_six_stored_decimals(world, client_for):
    page = client_for("filer").get(f"/projects/{world.projects['P1'].id}/").content.decode()
    assert "100.123456" in page and "120.623456" in page
