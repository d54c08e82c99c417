"""The official self-evaluation form in Excel: 项目支出绩效自评表 (DOMAIN.md §6.1, §6.2).

One table per worksheet, laid out as the printed form: the title with the project's year, the
header (项目名称/编码, 主管部门, 实施单位), the money block (年初预算数 | 全年预算数 | 全年执行数 |
分值 | 执行率 | 得分, rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金), the annual goal
(预期目标 | 实际完成情况), the indicator table (一级 | 二级 | 三级指标 | 年度指标值 | 实际完成值 |
分值 | 得分 | 偏差原因分析及改进措施), 总分 and 等级. `write_form` writes it, A4 portrait.

Three scores must never be confused: in a table a unit fills, 得分 is the UNIT's
score; in a table Jixiao writes, 得分 is the score by the rules and the unit's own score stands
beside it in an extra column, 单位自评得分, flagged where the two differ. So the reader takes the
unit's scores from 单位自评得分 when the table has that column, else from 得分. Three more
columns (完成档次, 评定得分, 超额完成说明) sit outside the print area so that a table Jixiao wrote
comes back whole.

`read_form` reads one table back by its labels rather than by cell addresses, because tables
come back with rows moved, columns inserted and labels worded a little differently; `LAYOUT`
declares the table for `core.officeform`, which does the reading and the page. No database
here: `SelfEvalForm` carries plain values both ways; the importer (importers.py) matches them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import officeform
from jixiao.core.imports import CellError, non_negative_money
from jixiao.core.numbers import typed_decimal
from jixiao.core.officeform import Column, LocatedForm, RawForm, Styles, cell_text, put
from jixiao.core.tabular import Problem, Sheet

TITLE = "项目支出绩效自评表"
SOURCES = (("current", "当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
MONEY_ROWS = (
    ("total", "年度资金总额"),
    ("current", "其中：当年财政拨款"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
)
# The money block's columns (B is the rows' labels): C … I.
MONEY_COLUMNS = (
    ("initial", "年初预算数"),
    ("full_year", "全年预算数"),
    ("executed", "全年执行数"),
    ("weight", "分值"),
    ("rate", "执行率"),
    ("score", "得分"),
    ("self_score", "单位自评得分"),
)
TEXT_LIMITS = {"actual": 200, "band": 20}
NUMBER_KEYS = ("weight", "score", "self_score", "entered_score")

# Labels as the reader knows them (after normalise_header), with the names real tables use.
LABELS: dict[str, tuple[str, ...]] = {
    "region": ("区划", "区划代码", "行政区划", "所属区划"),
    "year": ("项目年度", "预算年度", "评价年度"),
    "money_unit": ("金额单位",),
    "project_name": ("项目名称",),
    "project_code": ("项目编码", "项目代码", "项目编号"),
    "supervisor": ("主管部门", "主管部门及代码", "主管单位"),
    "implementer": ("实施单位", "项目实施单位", "预算单位", "单位名称"),
    "money": ("项目资金", "项目资金万元", "资金情况", "资金情况万元", "年度资金情况"),
    "goal": ("年度总体目标", "总体目标", "年度目标"),
    "goal_expected": ("预期目标", "年度预期目标"),
    "goal_achieved": ("实际完成情况", "目标实际完成情况", "完成情况", "实际完成"),
}
MONEY_ROW_LABELS: dict[str, tuple[str, ...]] = {
    "total": ("年度资金总额", "资金总额", "合计", "年度资金总额合计", "项目资金总额"),
    "current": ("当年财政拨款", "财政拨款", "本年财政拨款", "当年财政资金"),
    "carryover": ("上年结转资金", "上年结转", "结转资金"),
    "other": ("其他资金",),
}
MONEY_COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算", "年初预算金额"),
    "full_year": ("全年预算数", "全年预算", "调整后预算数", "全年预算数调整后"),
    "executed": ("全年执行数", "执行数", "全年实际执行数", "实际执行数"),
    "weight": ("分值",),
    "rate": ("执行率", "预算执行率"),
    "score": ("得分", "自评得分"),
    "self_score": ("单位自评得分", "单位得分"),
}
TOTAL_LABELS = ("总分", "合计总分", "自评总分", "合计")
GRADE_LABELS = ("等级", "评价等级", "自评等级")
LAYOUT = officeform.FormLayout(
    title_pattern=re.compile(r"自评.{0,4}表"),
    # The money block is a grid: its rows' labels ("row:total") and columns' ("col:executed").
    labels={
        **LABELS,
        **{f"row:{key}": names for key, names in MONEY_ROW_LABELS.items()},
        **{f"col:{key}": names for key, names in MONEY_COLUMN_LABELS.items()},
    },
    # The printed columns of the indicator table, then the unit's own score, then (not
    # printed) what Jixiao keeps per indicator beyond the official table.
    indicator_columns=(
        *officeform.tiers(9, 10, 18),
        Column(
            "target",
            "年度指标值",
            12,
            wrap=True,
            aliases=("指标值", "年度目标值", "目标值", "全年指标值"),
        ),
        Column(
            "actual",
            "实际完成值",
            12,
            wrap=True,
            aliases=("全年实际完成值", "实际值", "全年实际值", "实际完成数"),
        ),
        Column("weight", "分值", 6, style="score", aliases=("权重", "指标分值")),
        Column("score", "得分", 7, style="score", aliases=("自评得分", "实际得分")),
        Column(
            "deviation",
            "偏差原因分析及改进措施",
            20,
            wrap=True,
            aliases=(
                "偏差原因分析及整改措施",
                "偏差原因及改进措施",
                "偏差原因分析",
                "偏差原因",
                "原因分析及改进措施",
                "未完成原因分析及改进措施",
            ),
        ),
        Column("self_score", "单位自评得分", 12, style="score", extra=True, aliases=("单位得分",)),
        Column(
            "band",
            "完成档次",
            16,
            wrap=True,
            extra=True,
            printed=False,
            aliases=("定性档次", "评价档次"),
        ),
        Column(
            "entered_score",
            "评定得分",
            8,
            style="score",
            extra=True,
            printed=False,
            aliases=("定性评定得分",),
        ),
        Column(
            "explanation",
            "超额完成说明",
            24,
            wrap=True,
            extra=True,
            printed=False,
            aliases=("超额说明", "超额完成原因"),
        ),
    ),
    identity_keys=("project_code", "project_name"),
    values_below=frozenset(("goal_expected", "goal_achieved")),
    stop_labels=TOTAL_LABELS + GRADE_LABELS,
    required_columns=("actual",),
    pair_spans=((1, 1, 2, 4), (5, 5, 6, 9)),
    money_unit_at=6,
    orientation="portrait",
    texts=officeform.FormTexts(
        not_a_form=gettext_lazy(
            "找不到“项目名称”“项目编码”和指标表，这不是项目支出绩效自评表。请使用导出的自评表格式。"
        ),
        no_table=gettext_lazy("找不到指标表（表头应有“一级指标”“三级指标”“实际完成值”）。"),
        no_identity=gettext_lazy("找不到“项目编码”（或“项目名称”）。"),
        next_form=gettext_lazy("一个工作表只能填一张自评表，请把下一张放到新的工作表。"),
        wrong_form=gettext_lazy("这是“%(t)s”，不是项目支出绩效自评表。请使用导出的自评表格式。"),
        missing_columns=gettext_lazy(
            "指标表缺少“实际完成值”列，这不是项目支出绩效自评表"
            "（绩效目标申报表请按“绩效目标”导入）。"
        ),
    ),
)
WIDTH = LAYOUT.width


@dataclass
class SelfEvalForm(LocatedForm):
    """One self-evaluation as the table shows it.

    `present` names what the file gave (a label or column found, a JSON key there): what it
    leaves out keeps its stored value on import. Indicator lines hold only the keys the file
    gave; `self_score` is always the unit's own score, whichever column it came from.
    """

    layout: ClassVar[officeform.FormLayout] = LAYOUT
    json_keys: ClassVar[dict[str, str]] = {"entered_score": "score"}

    year: int | None = None
    region_code: str = ""
    region_name: str = ""
    project_code: str = ""
    project_name: str = ""
    supervisor: str = ""  # 主管部门: the level-1 unit over the implementing unit
    unit_name: str = ""  # 实施单位
    # total/current/carryover/other → {"initial", "full_year", "executed"} (Decimal | None)
    money: dict = field(default_factory=dict)
    execution_weight: Decimal | None = None
    execution_rate: Decimal | None = None  # a fraction
    execution_score: Decimal | None = None  # by the rules
    self_execution_score: Decimal | None = None
    execution_differs: bool = False
    goal_expected: str = ""
    goal_achieved: str = ""
    report: str = ""
    indicators: list[dict] = field(default_factory=list)
    total_weight: Decimal | None = None
    total: Decimal | None = None  # by the rules
    grade: str = ""
    self_total: Decimal | None = None
    self_grade: str = ""
    total_differs: bool = False
    present: set = field(default_factory=set)
    problems: list = field(default_factory=list)  # bad cells, reported with the checks'
    # What the importer matched: the project, its self-evaluation (None: to be created), the
    # indicator positions of the lines, the filer account that saves it, the executed amounts.
    project: object = None
    selfeval: object = None
    lines: list[tuple[int, str]] = field(default_factory=list)  # stored (position, name)
    positions: list[int] | None = field(default_factory=list)
    filer: object = None
    executed: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        year = f"{self.year}" if self.year else "\u3000\u3000"
        return f"（{year}年度）{TITLE}"


# --------------------------------------------------------------------------- writing


def _flag(value, differs: bool) -> str:
    """A unit's own score in red where it breaks the rules."""
    return "flag" if differs and value is not None else "score"


def write_form(ws, form: SelfEvalForm, st: Styles | None = None) -> None:
    """Write one self-evaluation in the official layout on an empty worksheet."""
    st = st or Styles()
    pairs = [
        [("项目名称", form.project_name), ("项目编码", form.project_code)],
        [("主管部门", form.supervisor), ("实施单位", form.unit_name)],
    ]
    region = f"{form.region_code} {form.region_name}".strip()
    row = officeform.write_block(ws, st, LAYOUT, title=form.title, region=region, pairs=pairs)
    row = _write_money(ws, st, row, form)
    put(ws, st, row, 1, "年度总体目标", "label")
    st.apply(ws.cell(row=row + 1, column=1), "box")
    officeform.merge(ws, row, 1, row + 1, 1)
    put(ws, st, row, 2, "预期目标", "label", 5)
    put(ws, st, row, 6, "实际完成情况", "label", WIDTH)
    put(ws, st, row + 1, 2, form.goal_expected, "text", 5)
    put(ws, st, row + 1, 6, form.goal_achieved, "text", WIDTH)
    ws.row_dimensions[row + 1].height = officeform.text_height(
        max(form.goal_expected or "", form.goal_achieved or "", key=len), 40
    )
    header = row + 2
    last = officeform.write_indicators(
        ws,
        st,
        LAYOUT,
        header,
        form.indicators,
        style=lambda key, line: (
            _flag(line.get(key), bool(line.get("self_differs"))) if key == "self_score" else None
        ),
    )
    last = _write_totals(ws, st, last + 1, form)
    officeform.setup_page(ws, LAYOUT, header, last)


def _write_money(ws, st: Styles, row: int, form: SelfEvalForm) -> int:
    """项目资金（万元）: the label down five rows, the columns' labels, one row per source."""
    put(ws, st, row, 1, "项目资金（万元）", "label")
    for r in range(row + 1, row + 5):
        st.apply(ws.cell(row=r, column=1), "box")
    officeform.merge(ws, row, 1, row + 4, 1)
    put(ws, st, row, 2, None, "label")
    for col, (key, label) in enumerate(MONEY_COLUMNS, start=3):
        put(ws, st, row, col, label, "extra_label" if key == "self_score" else "label")
    for offset, (key, label) in enumerate(MONEY_ROWS, start=1):
        r = row + offset
        put(ws, st, r, 2, label, "label")
        amounts = form.money.get(key) or {}
        for col, part in enumerate(("initial", "full_year", "executed"), start=3):
            put(ws, st, r, col, amounts.get(part), "money")
        if key == "total":
            put(ws, st, r, 6, form.execution_weight, "score")
            put(ws, st, r, 7, form.execution_rate, "rate")
            put(ws, st, r, 8, form.execution_score, "score")
            own = form.self_execution_score
            put(ws, st, r, 9, own, _flag(own, form.execution_differs))
        else:
            for col in range(6, WIDTH + 1):
                put(ws, st, r, col, "—" if col < WIDTH else None, "center")
    return row + 5


def _write_totals(ws, st: Styles, r: int, form: SelfEvalForm) -> int:
    """总分 and 等级 under the table, the note on the two scores and the signature line."""
    for label, weight, value, own, kind in (
        ("总分", form.total_weight, form.total, form.self_total, "score"),
        ("等级", None, form.grade or None, form.self_grade or None, "center"),
    ):
        put(ws, st, r, 1, label, "label", 5)
        put(ws, st, r, 6, weight, "score")
        put(ws, st, r, 7, value, kind)
        put(ws, st, r, 8, None, "center")
        put(ws, st, r, 9, own, _flag(own, form.total_differs) if kind == "score" else kind)
        r += 1
    notes = (
        "注：“得分”为按评分规则计算的得分；“单位自评得分”为单位自行填报的得分，"
        "与规则不符的标红注明。导入时以“单位自评得分”列为单位自评得分。"
    )
    put(ws, st, r + 1, 1, notes, "note", WIDTH)
    ws.row_dimensions[r + 1].height = 28
    officeform.signature(ws, st, LAYOUT, r + 2, spaces=4)
    return r + 2


def forms_workbook(forms: Iterable[SelfEvalForm]):
    """One worksheet per self-evaluation, named by project code (with the region's code when
    two regions' projects share a code)."""
    return officeform.workbook(
        forms,
        write_form,
        lambda form: (form.project_code, form.region_code),
        empty_title=_("自评表"),
        empty=lambda ws, st: write_form(ws, SelfEvalForm(), st),
    )


# --------------------------------------------------------------------------- reading


def label_key(value, table: dict[str, tuple[str, ...]]) -> str | None:
    """The key of a label cell in one of the tables above ("其中：当年财政拨款" → current)."""
    return officeform.table_key(value, table)


def read_score(value) -> Decimal | None:
    """A score as typed ("8", 8.5, "8.5分"); ValueError with the reason in Chinese."""
    if officeform.is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("“%(v)s”不是数字") % {"v": value})
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        else:
            raw = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("分").strip()
            number = typed_decimal(raw)  # "1,5" is refused, not read as 15
            if number is None:
                raise ValueError(raw)
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(v)s”不是数字") % {"v": cell_text(value)}) from None
    if not number.is_finite():
        raise ValueError(_("“%(v)s”不是数字") % {"v": cell_text(value)})
    if not 0 <= number <= 100:
        raise ValueError(_("分数须在 0 到 100 之间（实际为 %(v)s）") % {"v": cell_text(value)})
    return number


def read_form(sheet: Sheet) -> tuple[SelfEvalForm | None, list[Problem]]:
    """Read one self-evaluation from a worksheet: None and no problems for a sheet with no
    table at all (empty, or a notes sheet), None and problems for another form or one that
    cannot be read."""
    form, raw, problems = officeform.read_heading(sheet, SelfEvalForm)
    if form is None:
        return None, problems
    if not form.project_code and not form.project_name:
        key = "project_code" if raw.has("project_code") else "project_name"
        problems.append(form.where(key, _("必填项为空")))
    form.year, problem = raw.read_year(form, "项目年度")
    if problem:
        problems.append(problem)
    _read_money(form, raw, problems)
    if raw.has("goal_achieved"):
        form.present.add("goal_achieved")
        form.goal_achieved = form.text(raw, "goal_achieved", "实际完成情况")
    _read_indicators(form, raw, problems)
    return form, problems


def _read_money(form: SelfEvalForm, raw: RawForm, problems: list[Problem]) -> None:
    """全年执行数 by row (年度资金总额 and the sources), and the unit's execution score: in
    单位自评得分 when the table has that column, else in 得分 (the table is the unit's)."""
    if not raw.has("col:executed"):
        return
    header = raw.labels["col:executed"][0]
    columns = {k[4:]: c for k, (r, c) in raw.labels.items() if k[:4] == "col:" and r == header}
    rows = {k[4:]: r for k, (r, _c) in raw.labels.items() if k[:4] == "row:" and r > header}
    labels = dict(MONEY_ROWS)
    c = columns["executed"]
    for key, r in rows.items():
        label = f"{labels[key].removeprefix('其中：')}·全年执行数"
        form.cells[f"executed:{key}"] = (r + raw.first, officeform.letter(c), label)
        form.present.add(f"executed:{key}")
        try:
            amount = non_negative_money(raw.cell(r, c))
        except CellError as exc:
            problems.append(form.where(f"executed:{key}", str(exc)))
            amount = None
        form.money.setdefault(key, {})["executed"] = amount
    own = "self_score" if "self_score" in columns else "score"
    if "total" in rows and own in columns:
        _read_own(
            form,
            raw,
            "self_execution_score",
            _("预算执行率得分"),
            rows["total"],
            columns[own],
            problems,
        )


def _read_own(form, raw: RawForm, key: str, label: str, r: int, c: int, problems) -> None:
    """One of the unit's own scores outside the indicator lines (budget execution, total)."""
    form.cells[key] = (r + raw.first, officeform.letter(c), label)
    form.present.add(key)
    try:
        setattr(form, key, read_score(raw.cell(r, c)))
    except ValueError as exc:
        problems.append(form.where(key, str(exc)))


def _read_indicators(form: SelfEvalForm, raw: RawForm, problems: list[Problem]) -> None:
    """The table's lines, then 总分 below them; the unit's scores are in 单位自评得分 when the
    table has that column, else in 得分."""
    columns = raw.columns
    own = "self_score" if "self_score" in columns else "score"
    if own == "score" and "score" in columns:
        form.cells["column:self_score"] = form.cells["column:score"]
    given = [
        k
        for k in ("actual", "weight", "deviation", "band", "entered_score", "explanation")
        if k in columns
    ]
    if own in columns:
        given.append("self_score")
    source = {key: own if key == "self_score" else key for key in given}
    for row in raw.indicator_rows(form, problems, used=("name", *source.values())):
        line = {
            "category": row.category,
            "subcategory": row.subcategory,
            "name": row.text("name"),
            "target": row.text("target"),
        }
        for key in given:
            value = row.raw(source[key])
            if key not in NUMBER_KEYS:
                line[key] = cell_text(value)
                continue
            try:
                line[key] = read_score(value)
            except ValueError as exc:
                problems.append(form.at_indicator(row.index, key, str(exc)))
                line[key] = None
        form.indicators.append(line)
    for r in range(raw.end, len(raw.rows)):  # 总分 and 等级 end the table
        lead = raw.lead(r)
        if lead in TOTAL_LABELS and own in columns:
            _read_own(form, raw, "self_total", _("总分"), r, columns[own], problems)
        if lead not in TOTAL_LABELS + GRADE_LABELS and not all(
            officeform.is_blank(v) for v in raw.rows[r]
        ):
            break
