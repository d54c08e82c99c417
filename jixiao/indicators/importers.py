"""Import of indicator-library templates (指标库) from xlsx, CSV or JSON, for one region.

`jixiao import library FILE --region CODE`, `jixiao load_library FILE --region CODE` and the
library's import page all run this importer. Columns are those of the official library tables:
行业领域, 类型, 一级指标, 二级指标, 三级指标, 参考指标值, 度量单位, 指标解释. 一级/二级 must fall in
the classic catalogue or the 2021 one (DOMAIN.md §4.1); a 参考指标值 must be readable (§4.2).
With no region (the `load_library` command only) the rows are national.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.imports import Column, Importer, Row, choice, register_importer, text_max
from jixiao.core.tabular import Problem

from .models import IndicatorTemplate
from .services import library_load, place_template, value_hint_problem

KINDS = {
    "共性": IndicatorTemplate.Kind.COMMON, "共性指标": IndicatorTemplate.Kind.COMMON,
    "common": IndicatorTemplate.Kind.COMMON,
    "个性": IndicatorTemplate.Kind.SPECIFIC, "个性指标": IndicatorTemplate.Kind.SPECIFIC,
    "specific": IndicatorTemplate.Kind.SPECIFIC,
}  # fmt: skip

#: The column headers in the order of the download template and the export.
HEADERS = (
    "行业领域",
    "类型",
    "一级指标",
    "二级指标",
    "三级指标",
    "参考指标值",
    "度量单位",
    "指标解释",
)
WIDTHS = (14, 10, 12, 16, 36, 16, 12, 60)


@register_importer
class LibraryImporter(Importer):
    kind = "library"
    title = gettext_lazy("指标库指标")
    columns = (
        Column(
            "sector",
            "行业领域",
            text_max(20),
            required=True,
            aliases=("行业", "所属行业", "行业类别", "领域"),
        ),
        Column("kind", "类型", choice(KINDS), aliases=("指标类型", "共性/个性")),
        Column("category", "一级指标", text_max(40), required=True),
        Column("subcategory", "二级指标", text_max(40), required=True),
        Column(
            "name", "三级指标", text_max(200), required=True, aliases=("指标名称", "三级指标名称")
        ),
        Column(
            "value_hint",
            "参考指标值",
            text_max(100),
            aliases=("指标值", "参考值", "目标值", "指标值（参考）"),
        ),
        Column("unit", "度量单位", text_max(20), aliases=("计量单位", "单位")),
        Column(
            "explanation", "指标解释", text_max(500), aliases=("指标说明", "指标内涵", "解释说明")
        ),
    )

    def json_values(self, item: dict) -> dict:
        """JSON objects may use the column keys (library.json) or the Chinese headers."""
        values = dict(item)
        for column in self.columns:
            for name in (column.label, *column.aliases):
                if column.key not in values and name in item:
                    values[column.key] = item[name]
        return values

    def check(self, rows: list[Row]) -> list[Problem]:
        problems: list[Problem] = []
        seen: dict[tuple[str, str, str], int] = {}
        for row in rows:
            v = row.values
            placed = place_template(v["category"], v["subcategory"])
            if placed.problem:
                problems.append(row.problem("subcategory", placed.problem, _("二级指标")))
                continue
            v["category"], v["subcategory"] = placed.category, placed.subcategory
            hint = value_hint_problem(
                v["value_hint"] or "", category=placed.category, subcategory=placed.subcategory
            )
            if hint:
                problems.append(row.problem("value_hint", hint, _("参考指标值")))
            key = (v["sector"], v["subcategory"], v["name"])
            if key in seen:
                problems.append(
                    row.problem(
                        "name",
                        _("“%(n)s”在同一行业、二级指标下重复（与第 %(r)s 行）")
                        % {"n": v["name"], "r": seen[key]},
                        _("三级指标"),
                    )
                )
            seen.setdefault(key, row.number)
            if not v["kind"]:
                v["kind"] = (
                    IndicatorTemplate.Kind.COMMON
                    if v["sector"] == "通用"
                    else IndicatorTemplate.Kind.SPECIFIC
                )
        return problems

    def save(self, rows: list[Row]) -> tuple[int, int]:
        return library_load(region=self.region, items=[row.values for row in rows])
