"""xlsx/CSV import of projects with their amounts by funding source (DOMAIN.md §2)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jixiao.core.imports import (
    Column,
    Importer,
    Row,
    UniqueInFile,
    code,
    non_negative_money,
    register_importer,
    text,
    text_max,
    year,
)
from jixiao.core.tabular import Problem
from jixiao.orgs.models import Unit

from .models import FUNDING_SOURCES, STAGES, Project, ProjectKind
from .services import AMOUNT_FIELDS, check_amounts, project_save

YES_NO = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False}


def kinds_list(value) -> list[str]:
    return [k for k in re.split(r"[、,，;；/\s]+", text(value)) if k]


def yes_no(value) -> bool:
    from jixiao.core.imports import choice

    return choice(YES_NO)(value)


def _money_columns() -> tuple[Column, ...]:
    columns = []
    for stage, stage_label in STAGES:
        for src, src_label in FUNDING_SOURCES:
            label = f"{stage_label}-{src_label}"
            aliases = (f"{stage_label}{src_label}", f"{stage_label[:2]}{src_label}")
            columns.append(Column(f"{stage}_{src}", label, non_negative_money, aliases=aliases))
        columns.append(
            Column(
                f"{stage}_total",
                f"{stage_label}-合计",
                non_negative_money,
                aliases=(f"{stage_label}合计", f"{stage_label}"),
            )
        )
    return tuple(columns)


@register_importer
class ProjectImporter(Importer):
    kind = "projects"
    title = pgettext_lazy("heading", "项目")
    columns = (
        Column("year", "年度", year, required=True, aliases=("预算年度",)),
        Column("code", "项目编码", code, required=True, aliases=("项目代码",)),
        Column("name", "项目名称", text_max(300), required=True),
        Column("unit", "单位编码", code, required=True, aliases=("预算单位编码", "单位代码")),
        Column("kinds", "项目类别", kinds_list, required=True, aliases=("项目类型",)),
        Column("parent", "一级项目编码", code, aliases=("上级项目编码",)),
        *_money_columns(),
        Column("multi_year", "跨年度项目", yes_no, aliases=("是否跨年度",)),
        Column("serves_public", "有服务对象", yes_no, aliases=("是否有服务对象",)),
        Column("description", "项目概况", text, aliases=("项目简介",)),
    )

    def json_values(self, item: dict) -> dict:
        """JSON nests amounts as {"initial": {"current": ...}, "full": {...}} like the API."""
        values = dict(item)
        for stage, _s in STAGES:
            nested = item.get(stage)
            if isinstance(nested, dict):
                for src in ("current", "carryover", "other", "total"):
                    values[f"{stage}_{src}"] = nested.get(src)
        return values

    def check(self, rows: list[Row]) -> list[Problem]:
        problems: list[Problem] = []
        units = {u.code: u for u in Unit.objects.filter(region=self.region)}
        kinds = {k.label: k for k in ProjectKind.objects.all()}
        codes = UniqueInFile(
            "code", _("项目编码"), _("项目编码“%(c)s”在 %(y)s 年度重复（与第 %(r)s 行）")
        )
        in_file = {(r.values["year"], r.values["code"]): r for r in rows}
        for row in rows:
            v = row.values
            problems += codes.check(row, (v["year"], v["code"]), c=v["code"], y=v["year"])
            v["unit_obj"] = units.get(v["unit"])
            if v["unit_obj"] is None:
                problems.append(
                    row.problem(
                        "unit",
                        _("找不到单位编码“%(c)s”，请先导入预算单位") % {"c": v["unit"]},
                        _("单位编码"),
                    )
                )
            unknown = [k for k in v["kinds"] if k not in kinds]
            if unknown:
                problems.append(
                    row.problem(
                        "kinds",
                        _("未知的项目类别：%(k)s（可选：%(all)s）")
                        % {"k": "、".join(unknown), "all": "、".join(kinds)},
                        _("项目类别"),
                    )
                )
            v["kind_objs"] = [kinds[k] for k in v["kinds"] if k in kinds]
            problems += self._check_money(row)
            problems += self._check_parent(row, in_file)
        return problems

    def _check_parent(self, row: Row, in_file: dict) -> list[Problem]:
        # Found here, not in save: save looks the parent up and must not meet a missing one.
        v, label = row.values, _("一级项目编码")
        if not v["parent"]:
            return []
        if v["parent"] == v["code"]:
            return [row.problem("parent", _("项目不能以自身为上级项目"), label)]
        parent_row = in_file.get((v["year"], v["parent"]))
        if parent_row is not None:
            if parent_row.values["parent"]:
                return [
                    row.problem(
                        "parent", _("上级项目“%(c)s”本身是二级项目") % {"c": v["parent"]}, label
                    )
                ]
            return []
        if not Project.objects.filter(
            region=self.region, year=v["year"], code=v["parent"]
        ).exists():
            return [row.problem("parent", _("找不到一级项目“%(c)s”") % {"c": v["parent"]}, label)]
        return []

    def _check_money(self, row: Row) -> list[Problem]:
        v = row.values
        problems = []
        for stage, stage_label in STAGES:
            errors = check_amounts(v, declared_total=v.get(f"{stage}_total"), stage=stage)
            for key, message in errors.items():
                problems.append(row.problem(key, message, f"{stage_label}-合计"))
        return problems

    def save(self, rows: list[Row]) -> tuple[int, int]:
        created = updated = 0
        ordered = sorted(rows, key=lambda r: bool(r.values["parent"]))  # level-1 first
        for row in ordered:
            v = row.values
            project = Project.objects.filter(
                region=self.region, year=v["year"], code=v["code"]
            ).first()
            parent = (
                Project.objects.get(region=self.region, year=v["year"], code=v["parent"])
                if v["parent"]
                else None
            )
            with row.located():
                project_save(
                    actor=self.actor,
                    project=project,
                    region=self.region,
                    year=v["year"],
                    code=v["code"],
                    name=v["name"],
                    unit=v["unit_obj"],
                    kinds=v["kind_objs"],
                    parent=parent,
                    amounts={f: v.get(f) or Decimal(0) for f in AMOUNT_FIELDS},
                    multi_year=bool(v["multi_year"]),
                    serves_public=True if v["serves_public"] is None else v["serves_public"],
                    description=v["description"] or "",
                )
            created += project is None
            updated += project is not None
        return created, updated
