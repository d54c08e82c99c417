"""The official monitoring form in Excel: 项目支出绩效运行监控表 (DOMAIN.md §5).

One report per worksheet, laid out as the printed form: a title with the round's period, a
header block (项目名称/编码, 主管部门, 实施单位, 监控批次), the money block (年初预算, 全年预算
（调整后）, 1–N月执行数, 执行率, 全年预计执行数, 合同或进度应付金额) with the execution note, and
the indicator table (一级 | 二级 | 三级指标 | 年度指标值 | 1–N月完成值 | 全年预计完成值 | 完成目标
可能性 | 偏差原因 | 原因说明 | 纠偏措施). `write_form` writes it, A4 landscape; `read_form` reads
one back by its labels rather than by cell addresses, because forms come back with rows moved,
columns inserted and labels worded a little differently. `LAYOUT` declares the form for
`core.officeform`, which does the reading and the page. No database here: `MonitoringForm`
carries plain values both ways, and the importer (report_import.py) matches and checks them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import officeform
from jixiao.core.imports import CellError, non_negative_money
from jixiao.core.officeform import Column, LocatedForm, Styles, cell_text, put
from jixiao.core.tabular import Problem, Sheet, column_letter

TITLE = "项目支出绩效运行监控表"

# The money block: (key, label) in the form's order; `executed`'s label carries the period.
AMOUNTS = (
    ("initial", "年初预算"),
    ("full_year", "全年预算（调整后）"),
    ("executed", "执行数"),
    ("rate", "执行率"),
    ("expected_full_year", "全年预计执行数"),
    ("contract_amount", "合同或进度应付金额"),
)
READ_AMOUNTS = ("initial", "full_year", "executed", "expected_full_year", "contract_amount")
REPORTED_KEYS = ("progress", "expected", "likelihood", "cause", "explanation", "measures")

# Labels as the reader knows them (after normalise_header, which drops "（调整后）").
LABELS: dict[str, tuple[str, ...]] = {
    "region": ("区划", "区划代码", "行政区划", "所属区划"),
    "money_unit": ("金额单位",),
    "project_name": ("项目名称",),
    "project_code": ("项目编码", "项目代码", "项目编号"),
    "supervisor": ("主管部门", "主管部门及代码", "主管单位"),
    "implementer": ("实施单位", "项目实施单位", "预算单位", "单位名称"),
    "round": ("监控批次", "批次编号", "监控批次编号", "监控批次代码"),
    "as_of": ("监控截止日期", "监控期截止日期", "截止日期", "监控时点", "监控期末"),
    "money": ("资金情况", "资金情况万元", "项目资金", "预算执行情况", "资金执行情况"),
    "initial": ("年初预算", "年初预算数", "年初预算金额"),
    "full_year": ("全年预算", "全年预算数", "调整后预算", "全年预算调整后", "调整后全年预算"),
    "rate": ("执行率", "预算执行率", "执行进度"),
    "expected_full_year": ("全年预计执行数", "预计全年执行数", "全年预计执行", "全年预计执行金额"),
    "contract_amount": (
        "合同或进度应付金额",
        "合同应付金额",
        "进度应付金额",
        "合同或进度款应付金额",
        "应付金额",
        "合同或进度应付数",
    ),
    "execution_note": ("执行情况说明", "执行说明", "预算执行情况说明", "执行偏差说明"),
}
# "1–7月执行数", "1月1日–7月15日执行数", "截至监控期执行数", "执行数"; "1–7月完成值",
# "截至6月底完成值", "实际完成值".
_PERIOD = r"(?:(?:1月1日|1)?[-–—~至到]?\d{1,2}月(?:\d{1,2}日|末|底)?|截至.{0,8}|累计|实际)?"
LAYOUT = officeform.FormLayout(
    title_pattern=re.compile(r"监控.{0,4}表"),
    labels=LABELS,
    label_patterns=(("executed", re.compile(_PERIOD + r"(?:预算)?执行(?:数|金额)")),),
    # `progress`'s label carries the period ("1–7月完成值").
    indicator_columns=(
        *officeform.tiers(10, 12, 22),
        Column(
            "target",
            "年度指标值",
            14,
            wrap=True,
            aliases=("指标值", "年度目标值", "目标值", "全年指标值"),
        ),
        Column("progress", "完成值", 14, wrap=True),
        Column(
            "expected",
            "全年预计完成值",
            14,
            wrap=True,
            aliases=("预计全年完成值", "全年预计完成情况", "预计完成值"),
        ),
        Column(
            "likelihood",
            "完成目标可能性",
            11,
            aliases=("完成可能性", "目标完成可能性", "能否完成目标"),
        ),
        Column("cause", "偏差原因", 12, aliases=("偏差原因分析", "偏差原因类型")),
        Column("explanation", "原因说明", 26, wrap=True, aliases=("偏差原因说明", "偏差说明")),
        Column("measures", "纠偏措施", 26, wrap=True, aliases=("完善措施", "改进措施", "整改措施")),
    ),
    column_patterns=(("progress", re.compile(_PERIOD + r"完成(?:值|情况|进度)")),),
    identity_keys=("project_code",),
    values_below=frozenset(READ_AMOUNTS),
    pair_spans=((1, 1, 2, 5), (6, 6, 7, 10)),
    money_unit_at=6,
    texts=officeform.FormTexts(
        not_a_form=gettext_lazy(
            "找不到“项目编码”和指标表，这不是项目支出绩效运行监控表。请使用导出的监控表格式。"
        ),
        no_table=gettext_lazy("找不到指标表（表头应有“一级指标”“二级指标”“三级指标”）。"),
        no_identity=gettext_lazy("找不到“项目编码”。"),
        next_form=gettext_lazy("一个工作表只能填一张监控表，请把下一张放到新的工作表。"),
        wrong_form=gettext_lazy(
            "这是“%(t)s”，不是项目支出绩效运行监控表。请使用导出的监控表格式。"
        ),
    ),
)
WIDTH = LAYOUT.width
INDICATOR_KEYS = tuple(c.key for c in LAYOUT.indicator_columns)
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
TEXT_LIMITS = {
    "progress": 200,
    "expected": 200,
    "explanation": 10_000,
    "measures": 10_000,
    "execution_note": 10_000,
}


def period_label(period_end: dt.date | None) -> str:
    """The months a round covers: "1–7月" for 07-31, "1月1日–7月15日" mid-month."""
    if period_end is None:
        return ""
    month_end = (period_end + dt.timedelta(days=1)).day == 1
    if month_end:
        return "1月" if period_end.month == 1 else f"1–{period_end.month}月"
    return f"1月1日–{period_end.month}月{period_end.day}日"


@dataclass
class MonitoringForm(LocatedForm):
    """One report as the form shows it. `present` names what the file gave (a label found,
    a JSON key there): what it leaves out keeps its stored value on import. `cells`,
    `indicator_rows` and `json` (LocatedForm) say where things were found."""

    layout: ClassVar[officeform.FormLayout] = LAYOUT

    year: int | None = None
    period_end: dt.date | None = None
    round_code: str = ""
    region_code: str = ""
    region_name: str = ""
    project_code: str = ""
    project_name: str = ""
    supervisor: str = ""  # 主管部门: the level-1 unit over the implementing unit
    unit_name: str = ""  # 实施单位
    amounts: dict = field(default_factory=dict)  # READ_AMOUNTS keys → Decimal | None
    execution_note: str = ""
    # INDICATOR_KEYS → text; a REPORTED_KEYS key is missing where the file does not give it.
    indicators: list[dict] = field(default_factory=list)
    present: set = field(default_factory=set)  # amount keys and "execution_note" given
    # What the importer matched (a Round, a Report, the filer account that saves it).
    round: object = None
    report: object = None
    filer: object = None
    positions: list[int] = field(default_factory=list)
    problems: list = field(default_factory=list)  # bad cells, reported with the checks'

    @property
    def title(self) -> str:
        period = f"{self.year or ''}年{period_label(self.period_end)}".strip("年")
        return f"（{period}）{TITLE}" if period else TITLE


# --------------------------------------------------------------------------- writing


_MONEY_SPANS = ((2, 2), (3, 4), (5, 5), (6, 6), (7, 8), (9, 10))


def write_form(ws, form: MonitoringForm, st: Styles | None = None) -> None:
    """Write one report in the official layout on an empty worksheet."""
    st = st or Styles()
    period = period_label(form.period_end)
    as_of = form.period_end.isoformat() if form.period_end else ""
    pairs = [
        [("项目名称", form.project_name), ("项目编码", form.project_code)],
        [("主管部门", form.supervisor), ("实施单位", form.unit_name)],
        [("监控批次", form.round_code), ("监控截止日期", as_of)],
    ]
    region = f"{form.region_code} {form.region_name}".strip()
    row = officeform.write_block(ws, st, LAYOUT, title=form.title, region=region, pairs=pairs)
    put(ws, st, row, 1, "资金情况（万元）", "label")
    st.apply(ws.cell(row=row + 1, column=1), "box")
    officeform.merge(ws, row, 1, row + 1, 1)
    values = dict(form.amounts)
    values["rate"] = _rate(values.get("executed"), values.get("full_year"))
    for (key, label), (first, last) in zip(AMOUNTS, _MONEY_SPANS, strict=True):
        shown = f"{period}{label}" if key == "executed" and period else label
        put(ws, st, row, first, shown, "label", last)
        put(ws, st, row + 1, first, values.get(key), "rate" if key == "rate" else "money", last)
    officeform.pair_row(ws, st, LAYOUT, row + 2, [("执行情况说明", form.execution_note)])
    ws.row_dimensions[row + 2].height = officeform.text_height(form.execution_note, 120)
    header = row + 3
    labels = {"progress": f"{period}完成值"} if period else None
    last = officeform.write_indicators(ws, st, LAYOUT, header, form.indicators, labels=labels)
    _choices(ws, header + 1, last)
    officeform.signature(ws, st, LAYOUT, last + 2)
    officeform.setup_page(ws, LAYOUT, header)


def _rate(executed, full_year) -> Decimal | None:
    if executed is None or not full_year:
        return None
    return (Decimal(executed) / Decimal(full_year)).quantize(Decimal("0.0001"))


def _choices(ws, first: int, last: int) -> None:
    """Drop-down lists with the verbatim labels of DOMAIN.md §5."""
    from openpyxl.worksheet.datavalidation import DataValidation

    from .report_data import CAUSES, LIKELIHOODS

    for key, options in (("likelihood", LIKELIHOODS), ("cause", CAUSES)):
        letter = column_letter(INDICATOR_KEYS.index(key))
        validation = DataValidation(
            type="list", formula1=f'"{",".join(options)}"', allow_blank=True
        )
        validation.add(f"{letter}{first}:{letter}{last + 20}")
        ws.add_data_validation(validation)


def forms_workbook(forms: Iterable[MonitoringForm]):
    """One worksheet per report, named by project code (with the round's code when the same
    project is in several rounds of the file)."""
    return officeform.workbook(
        forms,
        write_form,
        lambda form: (form.project_code, form.round_code),
        empty_title=_("监控表"),
        empty=lambda ws, st: write_form(ws, MonitoringForm(), st),
    )


# --------------------------------------------------------------------------- reading


def read_date(value) -> dt.date | None:
    """A date as Excel stores it or as typed ("2022-07-31", "2022年7月31日"); ValueError else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if officeform.is_blank(value):
        return None
    found = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", str(value)).strip().rstrip("日"))
    if not found:
        raise ValueError
    return dt.date(int(found[1]), int(found[2]), int(found[3]))


def read_form(sheet: Sheet) -> tuple[MonitoringForm | None, list[Problem]]:
    """Read one report from a worksheet: None and no problems for a sheet with no form at all
    (empty, or a notes sheet), None and problems for another form or one that cannot be read."""
    form, raw, problems = officeform.read_heading(sheet, MonitoringForm)
    if form is None:
        return None, problems
    if not form.project_code:
        problems.append(form.where("project_code", _("必填项为空"), _("项目编码")))
    form.round_code = form.text(raw, "round", "监控批次")
    as_of = form.take(raw, "as_of", "监控截止日期")
    try:
        form.period_end = read_date(as_of)
    except (ValueError, TypeError):
        message = _("“%(v)s”不是日期（应写作 2022-07-31）") % {"v": cell_text(as_of)}
        problems.append(form.where("as_of", message))
    form.year = form.period_end.year if form.period_end else raw.title_year()
    for key, label in AMOUNTS:
        if key not in READ_AMOUNTS or not raw.has(key):
            continue
        form.present.add(key)
        try:
            form.amounts[key] = non_negative_money(form.take(raw, key, label))
        except CellError as exc:
            problems.append(form.where(key, str(exc), label))
    if raw.has("execution_note"):
        form.present.add("execution_note")
        form.execution_note = form.text(raw, "execution_note", "执行情况说明")
    keys = [k for k in INDICATOR_KEYS[2:] if k in raw.columns or k not in REPORTED_KEYS]
    for row in raw.indicator_rows(form, problems, used=INDICATOR_KEYS[2:]):
        line = {"category": row.category, "subcategory": row.subcategory}
        form.indicators.append(line | {k: row.text(k) for k in keys})
    return form, problems
