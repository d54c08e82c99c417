"""xlsx/CSV import of budget units for one region, per year (the first user of core.imports)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.imports import (
    Column,
    Importer,
    Row,
    UniqueInFile,
    choice,
    code,
    register_importer,
    text,
    text_max,
    year,
)
from jixiao.core.tabular import Problem

from .models import Office, Unit, UnitYear
from .services import unit_year_save

LEVELS = {"1": 1, "一级": 1, "一级单位": 1, "2": 2, "二级": 2, "二级单位": 2}
PUBLIC = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False}


@register_importer
class UnitImporter(Importer):
    kind = "units"
    title = gettext_lazy("预算单位")
    columns = (
        Column("year", "年度", year, required=True, aliases=("预算年度",)),
        Column("code", "单位编码", code, required=True, aliases=("单位代码", "预算单位编码")),
        Column("name", "单位名称", text_max(200), required=True, aliases=("预算单位名称", "单位")),
        Column("level", "单位级次", choice(LEVELS), required=True, aliases=("级次", "单位级别")),
        Column("parent", "上级单位编码", code, aliases=("主管部门编码", "上级单位代码")),
        Column("office", "归口股室", text, aliases=("归口业务股室", "业务股室", "归口科室")),
        Column("serves_public", "面向公众", choice(PUBLIC), aliases=("是否面向公众",)),
    )

    def check(self, rows: list[Row]) -> list[Problem]:
        problems: list[Problem] = []
        codes = UniqueInFile(
            "code", _("单位编码"), _("单位编码“%(c)s”在 %(y)s 年度重复（与第 %(r)s 行）")
        )
        offices = {
            o.code: o for o in Office.objects.filter(region=self.region, kind=Office.Kind.BUSINESS)
        }
        offices.update({o.name: o for o in offices.values()})
        in_file = {(r.values["year"], r.values["code"]): r for r in rows}
        known = set(Unit.objects.filter(region=self.region).values_list("code", flat=True))
        existing_level = {
            (y, c): lv
            for c, y, lv in UnitYear.objects.filter(unit__region=self.region).values_list(
                "unit__code", "year", "level"
            )
        }
        for row in rows:
            v = row.values
            problems += codes.check(row, (v["year"], v["code"]), c=v["code"], y=v["year"])
            problems += self._check_parent(row, in_file, known, existing_level)
            if v["office"] and v["office"] not in offices:
                problems.append(
                    row.problem(
                        "office",
                        _("找不到业务股室“%(o)s”（填股室编码或名称）") % {"o": v["office"]},
                        _("归口股室"),
                    )
                )
            else:
                v["office_obj"] = offices.get(v["office"]) if v["office"] else None
        return problems

    def _check_parent(self, row, in_file, known, existing_level) -> list[Problem]:
        v = row.values
        label = _("上级单位编码")
        if v["level"] == 2 and not v["parent"]:
            return [row.problem("parent", _("二级单位必须填写上级单位编码"), label)]
        if v["level"] == 1 and v["parent"]:
            return [row.problem("parent", _("一级单位不应填写上级单位编码"), label)]
        if v["level"] == 2:
            parent_key = (v["year"], v["parent"])
            parent_level = (
                in_file[parent_key].values["level"]
                if parent_key in in_file
                else existing_level.get(parent_key)
            )
            if v["parent"] == v["code"]:
                return [row.problem("parent", _("上级单位不能是本单位"), label)]
            if parent_level is None and v["parent"] not in known:
                return [
                    row.problem("parent", _("找不到上级单位“%(c)s”") % {"c": v["parent"]}, label)
                ]
            if parent_level == 2:
                return [
                    row.problem(
                        "parent", _("上级单位“%(c)s”本身是二级单位") % {"c": v["parent"]}, label
                    )
                ]
        return []

    def save(self, rows: list[Row]) -> tuple[int, int]:
        existing = set(
            UnitYear.objects.filter(unit__region=self.region)
            .filter(year__in={r.values["year"] for r in rows})
            .values_list("unit__code", "year")
        )
        created = updated = 0
        for row in sorted(rows, key=lambda r: r.values["level"]):  # parents first
            v = row.values
            parent = Unit.objects.get(region=self.region, code=v["parent"]) if v["parent"] else None
            with row.located():
                unit_year_save(
                    actor=self.actor,
                    region=self.region,
                    code=v["code"],
                    year=v["year"],
                    name=v["name"],
                    level=v["level"],
                    parent=parent,
                    office=v.get("office_obj"),
                    serves_public=v["serves_public"],
                )
            if (v["code"], v["year"]) in existing:
                updated += 1
            else:
                created += 1
        return created, updated
