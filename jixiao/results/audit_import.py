"""xlsx/CSV (and JSON) import of audit findings (审计发现): one row per finding, all or nothing.

Columns: 单位编码 and/or 单位名称, 项目编码 (optional), 审计报告, 文号, 报告日期, 存在问题, 审计建议,
涉及金额（万元）, and an optional 年度 (by default the report date's year, the work year its
rectification is issued in). Every row goes through
`audit_finding_create`, so each finding gets its draft rectification; a single bad row writes
nothing and every problem is listed with its sheet, row and column (`core.imports`).

What a hostile or careless file brings is read as a person meant it: a title row merged above
the header, blank lines, full-width digits (２０２１), dates as text (2021年10月15日, 2021/10/15,
20211015) or as Excel serial numbers, amounts with 万元 or thousands separators. What cannot be
meant is refused: unknown unit or project codes, a unit name that does not match its code, a
row repeated in the file or already imported, a date in the future, and text that would run as
a formula (=, @, + or - before letters) when the list is opened in a spreadsheet again.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import Project
from jixiao.core.imports import (
    CellError,
    Column,
    Importer,
    Row,
    UniqueInFile,
    _read_rows,
    code,
    non_negative_money,
    register_importer,
    text,
    year,
)
from jixiao.core.tabular import Problem
from jixiao.orgs.models import Unit, UnitYear

from .audit_findings import (
    NUMBER_MAX,
    TITLE_MAX,
    audit_finding_create,
    audit_finding_errors,
    entry_refusal,
)
from .models import AuditFinding

#: Excel's day 0 (its 1900 leap-year bug included): serial 44484 is 2021-10-15.
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serials of plausible report dates (1990-01-01 … 2099-12-31); other numbers are no dates.
SERIALS = (32874, 73050)
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_FORMULA = re.compile(r"^[=@]|^[+-]\s*[A-Za-z_(]")


def report_day(value) -> dt.date:
    """A report date as typed or stored: a date, an Excel serial, or text in the usual forms
    (full-width digits too)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value == int(value) and SERIALS[0] <= value <= SERIALS[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("“%(v)s”不是日期（如 2021-10-15）") % {"v": value})
    raw = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)))
    if re.fullmatch(r"\d{5}", raw) and SERIALS[0] <= int(raw) <= SERIALS[1]:
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    found = _DATE.fullmatch(raw) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    if not found:
        raise CellError(_("“%(v)s”不是日期（如 2021-10-15）") % {"v": value})
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise CellError(_("“%(v)s”不是有效日期") % {"v": value}) from None


def plain_text(max_length: int | None = None):
    """Free text that is not a formula and fits its column."""

    def parse(value) -> str:
        result = text(value)
        if _FORMULA.match(result):
            raise CellError(
                _("内容“%(v)s”像电子表格公式，不能导入；如确为文字，请去掉开头的符号")
                % {"v": result[:20]}
            )
        if max_length is not None and len(result) > max_length:
            raise CellError(
                _("内容过长（%(n)s 个字符，最多 %(m)s 个）") % {"n": len(result), "m": max_length}
            )
        return result

    return parse


@register_importer
class AuditFindingImporter(Importer):
    """`jixiao import audit-findings FILE`, and the office's import page."""

    kind = "audit-findings"
    title = gettext_lazy("审计发现")
    columns = (
        Column("unit_code", "单位编码", code, aliases=("单位代码", "预算单位编码")),
        Column("unit_name", "单位名称", plain_text(200), aliases=("预算单位", "被审计单位")),
        Column("project", "项目编码", code, aliases=("项目代码",)),
        Column(
            "report_title",
            "审计报告",
            plain_text(TITLE_MAX),
            required=True,
            aliases=("审计报告名称", "报告名称"),
        ),
        Column("report_number", "文号", plain_text(NUMBER_MAX), aliases=("报告文号",)),
        Column("report_date", "报告日期", report_day, required=True, aliases=("审计报告日期",)),
        Column("problem", "存在问题", plain_text(), required=True, aliases=("审计发现的问题",)),
        Column("recommendation", "审计建议", plain_text(), aliases=("整改建议",)),
        Column("amount", "涉及金额（万元）", non_negative_money, aliases=("涉及金额", "金额")),
        Column("year", "年度", year, aliases=("工作年度",)),
    )
    EXAMPLE = (
        "U001",
        "示例区教育局",
        "",
        "关于示例区2021年度区级预算执行和其他财政收支情况的审计工作报告",
        "示审报〔2022〕3号",
        "2022-06-30",
        "部分项目资金未按合同约定拨付，结余资金未及时清理。",
        "严格按合同约定拨付资金，及时清理结余资金。",
        "35.5",
        "2022",
    )

    def read(self, data: bytes, filename: str) -> tuple[list[Row], list[Problem]]:
        """The rows as the framework reads them; when some cells cannot be read, the other
        rows are checked too (unknown units, repeats, …), so the file's problems are listed
        all at once, in the order of the rows, rather than in two rounds."""
        rows, problems = _read_rows(self, data, filename)
        if problems:
            bad = {(p.sheet, p.row) for p in problems}
            problems = list(problems) + self.check(
                [r for r in rows if (r.sheet, r.number) not in bad]
            )
            problems.sort(key=lambda p: (p.sheet, p.row or 0, p.column))
        return rows, problems

    def check(self, rows: list[Row]) -> list[Problem]:
        refusal = entry_refusal(self.actor)
        if refusal:
            return [Problem(refusal)]
        problems: list[Problem] = []
        units = {u.code: u for u in Unit.objects.filter(region=self.region)}
        names = self._names(units)
        projects = {
            (p.year, p.code): p
            for p in Project.objects.filter(region=self.region).select_related("unit")
        }
        stored = set(
            AuditFinding.objects.filter(region=self.region).values_list(
                "unit_id", "report_title", "report_number", "problem"
            )
        )
        repeats = UniqueInFile(
            "problem", _("存在问题"), _("与第 %(r)s 行重复（同一单位、同一报告、同一问题）")
        )
        today = timezone.localdate()
        for row in rows:
            v = row.values
            v["year"] = v["year"] or v["report_date"].year
            unit = self._unit(row, units, names)
            if unit is None:
                problems.append(self._no_unit(row))
                continue
            v["unit_obj"] = unit
            if v["unit_name"] and v["unit_code"] and v["unit_name"] not in names.get(unit.pk, ()):
                problems.append(
                    row.problem(
                        "unit_name",
                        _("单位名称“%(n)s”与单位编码“%(c)s”（%(u)s）不一致")
                        % {"n": v["unit_name"], "c": v["unit_code"], "u": unit.name},
                        _("单位名称"),
                    )
                )
            v["project_obj"] = None
            if v["project"]:
                project = projects.get((v["year"], v["project"]))
                if project is None:
                    problems.append(
                        row.problem(
                            "project",
                            _("找不到 %(y)s 年度的项目“%(c)s”")
                            % {"y": v["year"], "c": v["project"]},
                            _("项目编码"),
                        )
                    )
                else:
                    v["project_obj"] = project
            problems += self._value_problems(row, today)
            key = (unit.pk, v["report_title"], v["report_number"] or "", v["problem"])
            problems += repeats.check(row, key)
            if key in stored:
                problems.append(
                    row.problem(
                        "problem",
                        _("这条审计发现已经导入过（同一单位、同一报告、同一问题），不重复录入"),
                        _("存在问题"),
                    )
                )
        return problems

    #: The service's fields → the columns its messages are located at.
    FIELD_COLUMNS = {"unit": "unit_code", "project": "project"}

    def _value_problems(self, row: Row, today: dt.date) -> list[Problem]:
        """The service's own checks (the unit's year, the project's unit, the date, the
        amount), run on every row before anything is written, so every one is listed."""
        v = row.values
        errors = audit_finding_errors(
            region=self.region,
            year=v["year"],
            unit=v["unit_obj"],
            project=v["project_obj"],
            report_title=v["report_title"] or "",
            report_number=v["report_number"] or "",
            report_date=v["report_date"],
            problem=v["problem"] or "",
            recommendation=v["recommendation"] or "",
            amount=v["amount"],
            today=today,
        )
        labels = {c.key: str(c.label) for c in self.columns}
        found = []
        for field, messages in errors.items():
            if field == "report_date" and v["report_date"] is None:
                continue  # already said: the cell is empty or not a date
            column = self.FIELD_COLUMNS.get(field, field)
            found += [row.problem(column, m, labels.get(column, "")) for m in messages]
        return found

    def _names(self, units: dict) -> dict[int, set[str]]:
        """Each unit's names: its current one and those of its years."""
        names = {u.pk: {u.name} for u in units.values()}
        for unit_id, name in UnitYear.objects.filter(unit__region=self.region).values_list(
            "unit_id", "name"
        ):
            names.setdefault(unit_id, set()).add(name)
        return names

    def _unit(self, row: Row, units: dict, names: dict):
        v = row.values
        if v["unit_code"]:
            return units.get(v["unit_code"])
        if v["unit_name"]:
            matches = [pk for pk, known in names.items() if v["unit_name"] in known]
            if len(matches) == 1:
                return next(u for u in units.values() if u.pk == matches[0])
        return None

    def _no_unit(self, row: Row) -> Problem:
        v = row.values
        if v["unit_code"]:
            return row.problem(
                "unit_code", _("找不到单位编码“%(c)s”") % {"c": v["unit_code"]}, _("单位编码")
            )
        if v["unit_name"]:
            return row.problem(
                "unit_name",
                _("找不到名为“%(n)s”的单位，或有同名单位，请填写单位编码") % {"n": v["unit_name"]},
                _("单位名称"),
            )
        return row.problem("unit_code", _("单位编码和单位名称至少填写一项"), _("单位编码"))

    def save(self, rows: list[Row]) -> tuple[int, int]:
        for row in rows:
            v = row.values
            with row.located():
                audit_finding_create(
                    actor=self.actor,
                    region=self.region,
                    year=v["year"],
                    unit=v["unit_obj"],
                    project=v["project_obj"],
                    report_title=v["report_title"],
                    report_number=v["report_number"] or "",
                    report_date=v["report_date"],
                    problem=v["problem"],
                    recommendation=v["recommendation"] or "",
                    amount=v["amount"],
                )
        return len(rows), 0
