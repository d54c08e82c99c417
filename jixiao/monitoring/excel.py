"""The official monitoring form in Excel: 项目支出绩效运行监控表 (DOMAIN.md §5).

One report per worksheet, laid out as the printed form: a title with the round's period, a
header block (项目名称/编码, 主管部门, 实施单位, 监控批次), the money block (年初预算, 全年预算
（调整后）, 1–N月执行数, 执行率, 全年预计执行数, 合同或进度应付金额) with the execution note, and
the indicator table (一级 | 二级 | 三级指标 | 年度指标值 | 1–N月完成值 | 全年预计完成值 | 完成目标
可能性 | 偏差原因 | 原因说明 | 纠偏措施). `write_form` writes it, A4 landscape; `read_form` reads
one back by its labels rather than by cell addresses, because forms come back with rows moved,
columns inserted and labels worded a little differently. No database here: `MonitoringForm`
carries plain values both ways, and the importer (report_import.py) matches and checks them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

# The targets form's writing helpers (styles built once per workbook, formula-safe cells,
# cheap merges) and its reading of a cell as the user typed it: the two forms look alike.
from jixiao.core.formsheet import Styles as _Styles
from jixiao.core.formsheet import cell_text as _cell_text
from jixiao.core.formsheet import is_blank as _is_blank
from jixiao.core.formsheet import merge as _merge
from jixiao.core.formsheet import merge_runs as _merge_runs
from jixiao.core.formsheet import put as _put
from jixiao.core.imports import CellError, non_negative_money
from jixiao.core.tabular import Problem, Sheet, column_letter, normalise_header
from jixiao.targets.excel import sheet_title

TITLE = "项目支出绩效运行监控表"
_TITLE_RE = re.compile(r"运行监控表|绩效监控表")

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

# (key, label, width). `progress`'s label carries the period ("1–7月完成值").
INDICATOR_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("category", "一级指标", 10),
    ("subcategory", "二级指标", 12),
    ("name", "三级指标", 22),
    ("target", "年度指标值", 14),
    ("progress", "完成值", 14),
    ("expected", "全年预计完成值", 14),
    ("likelihood", "完成目标可能性", 11),
    ("cause", "偏差原因", 12),
    ("explanation", "原因说明", 26),
    ("measures", "纠偏措施", 26),
)
WIDTH = len(INDICATOR_COLUMNS)
INDICATOR_KEYS = tuple(k for k, _l, _w in INDICATOR_COLUMNS)
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
INDICATOR_LABELS: dict[str, tuple[str, ...]] = {
    "category": ("一级指标",),
    "subcategory": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "全年指标值"),
    "expected": ("全年预计完成值", "预计全年完成值", "全年预计完成情况", "预计完成值"),
    "likelihood": ("完成目标可能性", "完成可能性", "目标完成可能性", "能否完成目标"),
    "cause": ("偏差原因", "偏差原因分析", "偏差原因类型"),
    "explanation": ("原因说明", "偏差原因说明", "偏差说明"),
    "measures": ("纠偏措施", "完善措施", "改进措施", "整改措施"),
}
# "1–7月执行数", "截至监控期执行数", "执行数"; "1–7月完成值", "截至6月底完成值", "实际完成值".
_EXECUTED_RE = re.compile(
    r"(?:1?[-–—~至到]?\d{0,2}月(?:末|底)?|截至.{0,8}|累计|实际)?(?:预算)?"
    r"执行(?:数|金额)"
)
_PROGRESS_RE = re.compile(
    r"(?:1?[-–—~至到]?\d{0,2}月(?:末|底)?|截至.{0,8}|累计|实际)?"
    r"完成(?:值|情况|进度)"
)
_NOTE_STARTS = (
    "注",
    "说明",
    "填表说明",
    "填报说明",
    "备注",
    "填报人",
    "单位负责人",
    "联系电话",
    "填报日期",
    "审核人",
    "财务负责人",
)
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
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
class MonitoringForm:
    """One report as the form shows it. `present` names what the file gave (a label found,
    a JSON key there): what it leaves out keeps its stored value on import."""

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
    # Where things were found, for located messages: key → (row, column letter, label).
    cells: dict = field(default_factory=dict)
    indicator_rows: list[int] = field(default_factory=list)
    sheet: str = ""
    json: bool = False  # read from JSON: fields are named by their keys
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

    def where(self, key: str, message: str, label: str = "") -> Problem:
        row, column, found = self.cells.get(key, (None, "", ""))
        if self.json:  # a JSON object is located by its number and the key
            return Problem(message, sheet=self.sheet, row=row, field=found)
        return Problem(message, sheet=self.sheet, row=row, column=column, field=label or found)

    def at_indicator(self, index: int, key: str, message: str) -> Problem:
        """A problem in the indicator table: its row and column, or the JSON object's key."""
        row = self.indicator_rows[index] if index < len(self.indicator_rows) else None
        if self.json:
            return Problem(message, sheet=self.sheet, row=row, field=f"indicators[{index}].{key}")
        _row, column, label = self.cells.get(f"column:{key}", (None, "", ""))
        labels = {k: lab for k, lab, _w in INDICATOR_COLUMNS}
        return Problem(
            message, sheet=self.sheet, row=row, column=column, field=label or labels[key]
        )


# --------------------------------------------------------------------------- writing


def _pair_row(ws, st: _Styles, row: int, pairs: Sequence[tuple[str, object]]) -> None:
    """label | value | label | value across the form: A | B:E | F | G:J."""
    for (label, value), (lc, vc, ve) in zip(pairs, ((1, 2, 5), (6, 7, WIDTH)), strict=False):
        _put(ws, st, row, lc, label, "label")
        _put(ws, st, row, vc, value, "text", ve)


_MONEY_SPANS = ((2, 2), (3, 4), (5, 5), (6, 6), (7, 8), (9, 10))


def write_form(ws, form: MonitoringForm, st: _Styles | None = None) -> None:
    """Write one report in the official layout on an empty worksheet."""
    st = st or _Styles()
    period = period_label(form.period_end)
    _put(ws, st, 1, 1, form.title, "title", WIDTH)
    ws.row_dimensions[1].height = 32
    _put(ws, st, 2, 1, "区划", "plain_label")
    _put(ws, st, 2, 2, f"{form.region_code} {form.region_name}".strip(), "plain", 5)
    _put(ws, st, 2, 6, "金额单位", "plain_label")
    _put(ws, st, 2, 7, "万元", "plain", WIDTH)
    _pair_row(ws, st, 3, [("项目名称", form.project_name), ("项目编码", form.project_code)])
    _pair_row(ws, st, 4, [("主管部门", form.supervisor), ("实施单位", form.unit_name)])
    _pair_row(
        ws,
        st,
        5,
        [
            ("监控批次", form.round_code),
            ("监控截止日期", form.period_end.isoformat() if form.period_end else ""),
        ],
    )
    _put(ws, st, 6, 1, "资金情况（万元）", "label")
    st.apply(ws.cell(row=7, column=1), "box")
    _merge(ws, 6, 1, 7, 1)
    values = dict(form.amounts)
    values["rate"] = _rate(values.get("executed"), values.get("full_year"))
    for (key, label), (first, last) in zip(AMOUNTS, _MONEY_SPANS, strict=True):
        shown = f"{period}{label}" if key == "executed" and period else label
        _put(ws, st, 6, first, shown, "label", last)
        cell = _put(ws, st, 7, first, values.get(key), "money", last)
        if key == "rate":
            cell.number_format = "0.00%"
    _put(ws, st, 8, 1, "执行情况说明", "label")
    _put(ws, st, 8, 2, form.execution_note, "text", WIDTH)
    ws.row_dimensions[8].height = _text_height(form.execution_note, 120)
    _write_indicators(ws, st, 9, form.indicators, period)
    _setup_page(ws, 9)


def _rate(executed, full_year) -> Decimal | None:
    if executed is None or not full_year:
        return None
    return (Decimal(executed) / Decimal(full_year)).quantize(Decimal("0.0001"))


def _text_height(value: str, chars_per_line: int) -> float:
    lines = sum(max(1, -(-len(part) // chars_per_line)) for part in (value or "").split("\n"))
    return max(24, min(400, 15 * lines))


_WRAPPED = {"name", "target", "progress", "expected", "explanation", "measures"}


def _write_indicators(ws, st: _Styles, header: int, rows: Sequence[dict], period: str) -> None:
    for col, (key, label, _w) in enumerate(INDICATOR_COLUMNS, start=1):
        _put(
            ws,
            st,
            header,
            col,
            f"{period}{label}" if key == "progress" and period else label,
            "label",
        )
    ws.row_dimensions[header].height = 30
    first = header + 1
    for offset, indicator in enumerate(rows):
        for col, key in enumerate(INDICATOR_KEYS, start=1):
            value = indicator.get(key)
            _put(
                ws,
                st,
                first + offset,
                col,
                None if value in ("", None) else value,
                "text" if key in _WRAPPED else "center",
            )
    for col, key in (
        (1, lambda r: (r.get("category"),)),
        (2, lambda r: (r.get("category"), r.get("subcategory"))),
    ):
        _merge_runs(ws, [key(r) for r in rows], first, col)
    last = first + max(len(rows), 1) - 1
    if not rows:
        for col in range(1, WIDTH + 1):
            st.apply(ws.cell(row=first, column=col), "box")
    _choices(ws, first, last)
    signature = "\u3000" * 6
    _put(
        ws,
        st,
        last + 2,
        1,
        f"填报人：{signature}联系电话：{signature}单位负责人（签字）：{signature}填报日期：",
        "plain",
        WIDTH,
    )


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


def _setup_page(ws, header: int) -> None:
    """A4 landscape, one page wide, the indicator header repeated on every page."""
    for col, (_key, _label, width) in enumerate(INDICATOR_COLUMNS):
        ws.column_dimensions[column_letter(col)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_title_rows = f"{header}:{header}"


def forms_workbook(forms: Iterable[MonitoringForm]):
    """One worksheet per report, named by project code (with the round's code when the same
    project is in several rounds of the file)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    st, used = _Styles(), set()
    for form in forms:
        name = form.project_code
        if name.casefold() in used:
            name = f"{form.round_code}-{name}"
        write_form(book.create_sheet(sheet_title(name, used)), form, st)
    if not book.worksheets:
        write_form(book.create_sheet(_("监控表")), MonitoringForm(), st)
    return book


# --------------------------------------------------------------------------- reading


def label_key(value, table: dict[str, tuple[str, ...]]) -> str | None:
    """The key of a label cell ("1–7月执行数" → executed), or None for other cells."""
    if not isinstance(value, str) or len(value) > 30:
        return None
    label = normalise_header(value).removesuffix("万元")
    if label.startswith("其中") and len(label) > 2:
        label = label[2:]
    for key, names in table.items():
        if label in names:
            return key
    if table is LABELS and _EXECUTED_RE.fullmatch(label):
        return "executed"
    if table is INDICATOR_LABELS and _PROGRESS_RE.fullmatch(label):
        return "progress"
    return None


def _is_label(value) -> bool:
    return label_key(value, LABELS) is not None or label_key(value, INDICATOR_LABELS) is not None


@dataclass
class _Block:
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)  # key → (row idx, col)
    header: int | None = None
    columns: dict[str, int] = field(default_factory=dict)
    title: tuple[int, str] | None = None


def _scan(rows: list[tuple]) -> _Block:
    block = _Block()
    for r, row in enumerate(rows):
        found = {}
        for c, value in enumerate(row):
            if _is_blank(value):
                continue
            if block.title is None and isinstance(value, str) and _TITLE_RE.search(value):
                block.title = (r, value)
                continue
            key = label_key(value, LABELS)
            if key:
                block.labels.setdefault(key, (r, c))
            key = label_key(value, INDICATOR_LABELS)
            if key:
                found.setdefault(key, c)
        if "category" in found and "name" in found:
            block.header, block.columns = r, found
            break
    return block


def _value_of(rows: list[tuple], block: _Block, key: str) -> tuple[object, int, int]:
    """The value beside a label: the first cell to its right before the next label, else
    (for the money block, whose labels share one row) the cell below it."""
    r, c = block.labels[key]
    row = rows[r]
    for cc in range(c + 1, len(row)):
        if _is_blank(row[cc]):
            continue
        if _is_label(row[cc]):
            break
        return row[cc], r, cc
    if key in READ_AMOUNTS and r + 1 < len(rows):
        below = rows[r + 1]
        return (below[c] if c < len(below) else None), r + 1, c
    return None, r, c + 1


def read_date(value) -> dt.date | None:
    """A date as Excel stores it or as typed ("2022-07-31", "2022年7月31日"); ValueError else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _is_blank(value):
        return None
    found = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", str(value)).strip().rstrip("日"))
    if not found:
        raise ValueError
    return dt.date(int(found[1]), int(found[2]), int(found[3]))


def read_form(sheet: Sheet) -> tuple[MonitoringForm | None, list[Problem]]:
    """Read one report from a worksheet: None and no problems for a sheet with no form at all
    (empty, or a notes sheet), None and problems for one that cannot be read."""
    rows, first = sheet.rows, sheet.first_row
    block = _scan(rows)
    if "project_code" not in block.labels and block.header is None:
        if not any(not _is_blank(v) for row in rows for v in row) or "说明" in sheet.name:
            return None, []
        return None, [
            Problem(
                _(
                    "找不到“项目编码”和指标表，这不是项目支出绩效运行监控表。"
                    "请使用导出的监控表格式。"
                ),
                sheet=sheet.name,
            )
        ]
    problems = []
    if "project_code" not in block.labels:
        problems.append(Problem(_("找不到“项目编码”。"), sheet=sheet.name))
    if block.header is None:
        problems.append(
            Problem(_("找不到指标表（表头应有“一级指标”“二级指标”“三级指标”）。"), sheet=sheet.name)
        )
    if problems:
        return None, problems
    form = MonitoringForm(sheet=sheet.name)

    def value(key: str, label: str):
        if key not in block.labels:
            return None
        raw, r, c = _value_of(rows, block, key)
        form.cells[key] = (r + first, column_letter(c), label)
        return raw

    if block.title:
        form.cells["title"] = (block.title[0] + first, column_letter(0), _("标题"))
    code = _cell_text(value("project_code", "项目编码"))
    if not code:
        problems.append(form.where("project_code", _("必填项为空"), _("项目编码")))
    form.project_code = code
    form.project_name = _cell_text(value("project_name", "项目名称"))
    form.supervisor = _cell_text(value("supervisor", "主管部门"))
    form.unit_name = _cell_text(value("implementer", "实施单位"))
    region = _cell_text(value("region", "区划"))
    form.region_code = region.split()[0] if region else ""
    form.round_code = _cell_text(value("round", "监控批次"))
    _read_period(form, value, block, problems)
    for key in READ_AMOUNTS:
        if key not in block.labels:
            continue
        label = dict(AMOUNTS)[key]
        raw = value(key, label)
        form.present.add(key)
        try:
            form.amounts[key] = non_negative_money(raw)
        except CellError as exc:
            problems.append(form.where(key, str(exc), label))
    if "execution_note" in block.labels:
        form.present.add("execution_note")
        form.execution_note = _cell_text(value("execution_note", "执行情况说明"))
    problems += _read_indicators(form, rows, block, first)
    return form, problems


def _read_period(form: MonitoringForm, value, block: _Block, problems: list[Problem]) -> None:
    raw = value("as_of", "监控截止日期")
    try:
        form.period_end = read_date(raw)
    except (ValueError, TypeError):
        problems.append(
            form.where("as_of", _("“%(v)s”不是日期（应写作 2022-07-31）") % {"v": _cell_text(raw)})
        )
    if form.period_end:
        form.year = form.period_end.year
    elif block.title:
        found = _YEAR_RE.search(unicodedata.normalize("NFKC", block.title[1]))
        form.year = int(found.group(1)) if found else None


def _is_note(row: tuple, category_column: int) -> bool:
    index, first = next(((i, v) for i, v in enumerate(row) if not _is_blank(v)), (0, None))
    if not isinstance(first, str) or index > category_column:
        return False
    return normalise_header(first).startswith(_NOTE_STARTS)


def _read_indicators(form: MonitoringForm, rows, block: _Block, first: int) -> list[Problem]:
    """The table from its header to the notes below it; merged (or blank) 一级/二级 cells take
    the value above, as a reader of the printed form would."""
    columns = block.columns
    labels = {k: lab for k, lab, _w in INDICATOR_COLUMNS}
    for key, c in columns.items():
        label = rows[block.header][c]
        form.cells[f"column:{key}"] = (
            block.header + first,
            column_letter(c),
            _cell_text(label) or labels[key],
        )
    problems, category, subcategory = [], "", ""
    for r in range(block.header + 1, len(rows)):
        row = rows[r]
        if all(_is_blank(v) for v in row):
            continue
        if _is_note(row, columns["category"]):
            break
        if label_key(row[0] if row else None, LABELS) in ("project_code", "project_name"):
            problems.append(
                Problem(
                    _("一个工作表只能填一张监控表，请把下一张放到新的工作表。"),
                    sheet=form.sheet,
                    row=r + first,
                )
            )
            break
        line = {}
        for key in INDICATOR_KEYS:
            c = columns.get(key)
            if c is None and key in REPORTED_KEYS:
                continue  # a column the file leaves out: the stored value stays
            line[key] = _cell_text(row[c]) if c is not None and c < len(row) else ""
        if line["category"]:
            if line["category"] != category:
                subcategory = ""
            category = line["category"]
        else:
            line["category"] = category
        if line["subcategory"]:
            subcategory = line["subcategory"]
        else:
            line["subcategory"] = subcategory
        if not any(line.get(k) for k in INDICATOR_KEYS[2:]):
            continue  # only 一级/二级 filled in: an unused row
        form.indicators.append(line)
        form.indicator_rows.append(r + first)
    return problems
