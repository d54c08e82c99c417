"""What a target's pages and saves read (issue 16, part 5): one query for the target with the
rows its pages draw and one for its indicators, the lint's context in two queries, and a save
that reads its row once (the audit takes the locked read as the row before)."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Project
from jixiao.core.models import AuditLog
from jixiao.targets import adapters, history, selectors
from jixiao.targets.models import Indicator, Target, TargetStatus
from jixiao.targets.services import target_save
from jixiao.testing import AMOUNTS, GOOD_ROWS


def test_target_get_reads_the_target_with_its_rows_in_one_query_and_its_grid_in_another(
    world, declare, django_assert_num_queries
):
    target = declare()
    selectors.target_get(user=world.filer, pk=target.pk)  # the user's scope, read once
    with django_assert_num_queries(2):
        got = selectors.target_get(user=world.filer, pk=target.pk)
        drawn = (got.unit.code, got.project.name, got.region.code, str(got))
        names = [i.name for i in got.indicators.all()]
    assert drawn == ("U1", "项目P1", "100101", "2022 项目P1 v1")
    assert names == [row["name"] for row in GOOD_ROWS]
    with django_assert_num_queries(1):
        selectors.target_get(user=world.filer, pk=target.pk, indicators=False)


def test_target_get_is_404_for_another_units_filer(world, declare):
    target = declare()
    with pytest.raises(Http404):
        selectors.target_get(user=world.users["other"], pk=target.pk)
    with pytest.raises(Http404):
        selectors.target_get(user=world.users["other"], pk=target.pk, indicators=False)


def test_the_pages_of_another_units_target_are_404(world, client_for, declare):
    target = declare()
    client = client_for("other")
    assert client.get(f"/targets/{target.id}/").status_code == 404
    assert client.get(f"/targets/{target.id}/edit/").status_code == 404
    assert client.post(f"/targets/{target.id}/edit/", {"goal": "x"}).status_code == 404


def _project(world, code: str, year: int, *, name: str, parent=None) -> Project:
    return Project.objects.create(
        region=world.region, year=year, code=code, name=name, unit=world.units["U1"], parent=parent
    )


def _target(project: Project, status: str, goal: str, version: int = 1) -> Target:
    target = Target.objects.create(
        version=version,
        region=project.region,
        year=project.year,
        unit=project.unit,
        project=project,
        status=status,
        goal=goal,
    )
    Indicator.objects.create(
        target=target, position=0, category="产出指标", subcategory="数量指标", name=goal
    )
    return target


@pytest.fixture
def family(world, declare):
    """P1C (unit U1, 2022) under P1, beside P1 and P1D (and P1D's superseded version); last
    year a project of the same code and one of the same unit and name under another code, both
    approved, and one of the same code the year before."""
    parent = declare()  # P1's target, of unit U1 too: also a sibling
    child = _project(world, "P1C", 2022, name="项目P1C", parent=world.projects["P1"])
    target = _target(child, TargetStatus.DRAFT, "今年")
    brother = _project(world, "P1D", 2022, name="项目P1D")
    _target(brother, TargetStatus.SUPERSEDED, "兄弟旧版")
    _target(brother, TargetStatus.SUBMITTED, "兄弟", version=2)
    _target(_project(world, "P1C", 2021, name="旧名"), TargetStatus.APPROVED, "去年同编码")
    _target(_project(world, "X9", 2021, name="项目P1C"), TargetStatus.APPROVED, "去年同名称")
    _target(_project(world, "P1C", 2020, name="项目P1C"), TargetStatus.APPROVED, "前年")
    return parent, target


def test_the_lint_context_is_read_in_two_queries(family, monkeypatch, django_assert_num_queries):
    _parent, target = family
    monkeypatch.setattr(history, "_PROVIDERS", [])  # last year's actuals: not this module's
    declaration = adapters.declaration_of(target)
    with django_assert_num_queries(2):
        context = adapters.context_of(target, declaration)
    assert context.last_year.goal == "去年同编码"
    assert context.parent.goal == "完成12个老旧小区改造，改善居住环境。"
    assert [s.label for s in context.siblings] == ["项目P1", "项目P1D"]
    assert context.siblings[1].items == (("兄弟", ""),)  # P1D's current version alone


def test_last_year_is_found_by_unit_and_name_when_no_project_has_the_code(
    world, family, monkeypatch
):
    _parent, target = family
    monkeypatch.setattr(history, "_PROVIDERS", [])
    Target.objects.filter(project__code="P1C", year=2021).delete()
    context = adapters.context_of(target)
    assert context.last_year.goal == "去年同名称"


def test_a_whole_units_context_reads_nothing(world, declare, django_assert_num_queries):
    target = Target.objects.create(region=world.region, year=2022, unit=world.units["U1"])
    with django_assert_num_queries(0):
        context = adapters.context_of(target, adapters.declaration_of(target, []))
    assert context.siblings == []


def _reads_of_row(captured, table: str, pk: int) -> int:
    return sum(
        1
        for q in captured
        if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        and f'"{table}"."id" = {pk}' in q["sql"]
    )  # fmt: skip


def _save(world, target, **changes):
    values = {"goal": "完成12个老旧小区改造，改善居住环境。", "indicators": GOOD_ROWS, **changes}
    return target_save(
        actor=world.filer, target=target, amounts=AMOUNTS, serves_public=True, **values
    )


def test_a_save_reads_its_row_once_and_its_audit_holds_the_row_before(world, declare):
    target = declare()
    with CaptureQueriesContext(connection) as captured:
        _save(world, target, goal="新的年度目标。")
    assert _reads_of_row(captured, "targets_target", target.pk) == 1
    entry = AuditLog.objects.filter(object_type="targets.target", object_id=str(target.pk)).latest(
        "id"
    )
    assert entry.before["goal"] == "完成12个老旧小区改造，改善居住环境。"
    assert entry.after["goal"] == "新的年度目标。"


def test_a_save_of_the_same_grid_writes_no_indicator_row(world, declare):
    target = declare()
    with CaptureQueriesContext(connection) as captured:
        _save(world, target, goal="新的年度目标。")
    writes = [
        q["sql"]
        for q in captured
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "targets_indicator" in q["sql"]
    ]
    assert writes == []


def test_a_changed_grid_is_linted_as_written(world, declare):
    target = declare()
    rows = [dict(GOOD_ROWS[0], value_text=""), *GOOD_ROWS[1:]]
    saved = _save(world, target, indicators=rows)
    stored = Target.objects.get(pk=target.pk)
    assert stored.indicators.get(position=0).value_text == ""
    relinted = [adapters.finding_dict(f) for f in adapters.lint_target(stored).findings]
    assert saved.findings == stored.findings == relinted
    assert stored.blocking_count > 0  # the row without a value is found wanting
