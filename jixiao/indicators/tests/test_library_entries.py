"""The library a target save's lint suggests from (`selectors.library_entries`), read on every
save by SQL compiled once a process (issue 16, part 5): the rows and order the ORM gave."""

from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler

from jixiao.indicators.models import IndicatorTemplate
from jixiao.indicators.selectors import library_entries

COLUMNS = ("category", "subcategory", "name", "value_hint", "sector")


def _template(name: str, region=None, active=True, sector="教育") -> IndicatorTemplate:
    return IndicatorTemplate.objects.create(
        region=region, sector=sector, category="产出指标", subcategory="数量指标", name=name,
        value_hint="≥10所", active=active,
    )  # fmt: skip


def _through_the_orm(region) -> list[dict]:
    own = Q(region=region) if region is not None else Q(pk__in=[])
    rows = IndicatorTemplate.objects.filter(Q(region__isnull=True) | own, active=True)
    return list(rows.order_by("id").values(*COLUMNS))


def test_a_regions_library_is_the_national_and_its_own_active_templates_in_order(world):
    _template("义务教育学校覆盖数")
    own = _template("本区教师培训人次", region=world.region, sector="人力资源社会保障")
    _template("本区停用指标", region=world.region, active=False)
    _template("乙区自有指标", region=world.region_b)
    _template("全国第二条", sector="通用")
    names = [row["name"] for row in library_entries(world.region)]
    assert names[-3:] == ["义务教育学校覆盖数", "本区教师培训人次", "全国第二条"]
    assert "乙区自有指标" not in names and "本区停用指标" not in names
    for region in (world.region, world.region_b, None):
        assert library_entries(region) == _through_the_orm(region)
    row = library_entries(world.region)[names.index(own.name)]
    assert list(row) == list(COLUMNS) and row["sector"] == "人力资源社会保障"


def test_the_library_is_read_without_compiling_once_warm(world, monkeypatch):
    _template("本区教师培训人次", region=world.region)
    for region in (world.region, None):
        library_entries(region)  # the process's first: compiles what it keeps
    made, compile_ = [], SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: made.append(self) or compile_(self, *a, **k)
    )
    assert len(library_entries(world.region)) == len(library_entries(None)) + 1
    assert len(library_entries(world.region_b)) == len(library_entries(None))
    assert made == []
