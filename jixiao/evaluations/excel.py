"""The official self-evaluation form in Excel: 项目支出绩效自评表 (DOMAIN.md §6.1, §6.2).

One table per worksheet, laid out as the printed form: the title with the project's year, the
header (项目名称/编码, 主管部门, 实施单位), the money block (年初预算数 | 全年预算数 | 全年执行数 |
分值 | 执行率 | 得分, rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金), the annual goal
(预期目标 | 实际完成情况), the indicator table (一级 | 二级 | 三级指标 | 年度指标值 | 实际完成值 |
分值 | 得分 | 偏差原因分析及改进措施), 总分 and 等级. `write_form` writes it, A4 portrait.

Three scores must never be confused (issue 5): in a table a unit fills, 得分 is the UNIT's
score; in a table Jixiao writes, 得分 is the score by the rules and the unit's own score stands
beside it in an extra column, 单位自评得分, flagged where the two differ. So the reader takes the
unit's scores from 单位自评得分 when the table has that column, else from 得分. Three more
columns (完成档次, 评定得分, 超额完成说明) sit outside the print area so that a table Jixiao wrote
comes back whole.

`read_form` reads one table back by its labels rather than by cell addresses, because tables
come back with rows moved, columns inserted and labels worded a little differently. No database
here: `SelfEvalForm` carries plain values both ways; the importer (importers.py) matches them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# The targets form's writing helpers (styles built once per workbook, formula-safe cells,
# cheap merges) and its reading of a cell as the user typed it: the forms look alike.
from jixiao.core.formsheet import Styles as _Styles
from jixiao.core.formsheet import cell_text as _cell_text
from jixiao.core.formsheet import is_blank as _is_blank
from jixiao.core.formsheet import merge as _merge
from jixiao.core.formsheet import merge_runs as _merge_runs
from jixiao.core.formsheet import put as _put
from jixiao.core.imports import CellError, non_negative_money
from jixiao.core.tabular import Problem, Sheet, column_letter, normalise_header
from jixiao.targets.excel import sheet_title

TITLE = "项目支出绩效自评表"
SCORE_FORMAT = "0.00"
FLAG_FORMAT = '0.00"（与规则不符）"'
_TITLE_RE = re.compile(r"自评表")
_OTHER_FORM_RE = re.compile(r"绩效.{0,12}表")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")

# (key, label, width): the printed columns of the indicator table, then the unit's own score.
INDICATOR_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("category", "一级指标", 9),
    ("subcategory", "二级指标", 10),
    ("name", "三级指标", 18),
    ("target", "年度指标值", 12),
    ("actual", "实际完成值", 12),
    ("weight", "分值", 6),
    ("score", "得分", 7),
    ("deviation", "偏差原因分析及改进措施", 20),
    ("self_score", "单位自评得分", 12),
)
# Not printed: what Jixiao keeps per indicator beyond the official table.
SUPPLEMENT_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("band", "完成档次", 16),
    ("entered_score", "评定得分", 8),
    ("explanation", "超额完成说明", 24),
)
WIDTH = len(INDICATOR_COLUMNS)
ALL_COLUMNS = INDICATOR_COLUMNS + SUPPLEMENT_COLUMNS
COLUMN_INDEX = {key: i for i, (key, _l, _w) in enumerate(ALL_COLUMNS)}
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
INDICATOR_LABELS: dict[str, tuple[str, ...]] = {
    "category": ("一级指标",),
    "subcategory": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "全年指标值"),
    "actual": ("实际完成值", "全年实际完成值", "实际值", "全年实际值", "实际完成数"),
    "weight": ("分值", "权重", "指标分值"),
    "score": ("得分", "自评得分", "实际得分"),
    "deviation": (
        "偏差原因分析及改进措施",
        "偏差原因分析及整改措施",
        "偏差原因及改进措施",
        "偏差原因分析",
        "偏差原因",
        "原因分析及改进措施",
        "未完成原因分析及改进措施",
    ),
    "self_score": ("单位自评得分", "单位得分"),
    "band": ("完成档次", "定性档次", "评价档次"),
    "entered_score": ("评定得分", "定性评定得分"),
    "explanation": ("超额完成说明", "超额说明", "超额完成原因"),
}
TOTAL_LABELS = ("总分", "合计总分", "自评总分", "合计")
GRADE_LABELS = ("等级", "评价等级", "自评等级")
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


@dataclass
class SelfEvalForm:
    """One self-evaluation as the table shows it.

    `present` names what the file gave (a label or column found, a JSON key there): what it
    leaves out keeps its stored value on import. Indicator lines hold only the keys the file
    gave; `self_score` is always the unit's own score, whichever column it came from.
    """

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
    # Where things were found, for located messages: key → (row, column letter, label).
    cells: dict = field(default_factory=dict)
    indicator_rows: list[int] = field(default_factory=list)
    sheet: str = ""
    json: bool = False  # read from JSON: fields are named by their keys
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

    def where(self, key: str, message: str, label: str = "") -> Problem:
        row, column, found = self.cells.get(key, (None, "", ""))
        if self.json:  # a JSON object is located by its number and the key
            return Problem(message, sheet=self.sheet, row=row, field=found)
        return Problem(message, sheet=self.sheet, row=row, column=column, field=label or found)

    def at_indicator(self, index: int, key: str, message: str) -> Problem:
        """A problem in the indicator table: its row and column, or the JSON object's key."""
        row = self.indicator_rows[index] if index < len(self.indicator_rows) else None
        if self.json:
            json_key = {"entered_score": "score"}.get(key, key)
            return Problem(
                message, sheet=self.sheet, row=row, field=f"indicators[{index}].{json_key}"
            )
        _row, column, label = self.cells.get(f"column:{key}", (None, "", ""))
        labels = {k: lab for k, lab, _w in ALL_COLUMNS}
        return Problem(
            message, sheet=self.sheet, row=row, column=column, field=label or labels.get(key, key)
        )


# --------------------------------------------------------------------------- writing


def _styles() -> _Styles:
    """The targets form's styles plus the scores' formats and the flag of a departing score."""
    from openpyxl.styles import Alignment, Font, PatternFill

    st = _Styles()
    border = st.specs["center"]["border"]
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = Font(name="宋体", size=10)
    st.specs["score"] = {
        "font": body,
        "alignment": center,
        "border": border,
        "number_format": SCORE_FORMAT,
    }
    st.specs["rate"] = {
        "font": body,
        "alignment": center,
        "border": border,
        "number_format": "0.00%",
    }
    st.specs["flag"] = {
        "font": Font(name="宋体", size=10, bold=True, color="C00000"),
        "alignment": center,
        "border": border,
        "number_format": FLAG_FORMAT,
        "fill": PatternFill("solid", fgColor="FCE4E4"),
    }
    st.specs["extra_label"] = {**st.specs["label"], "fill": PatternFill("solid", fgColor="DDEBF7")}
    return st


def _pair_row(ws, st: _Styles, row: int, pairs: Sequence[tuple[str, object]]) -> None:
    """label | value | label | value across the form: A | B:D | E | F:I."""
    for (label, value), (lc, vc, ve) in zip(pairs, ((1, 2, 4), (5, 6, WIDTH)), strict=False):
        _put(ws, st, row, lc, label, "label")
        _put(ws, st, row, vc, value, "text", ve)


def _self_cell(ws, st: _Styles, row: int, col: int, value, differs: bool) -> None:
    _put(ws, st, row, col, value, "flag" if differs and value is not None else "score")


def write_form(ws, form: SelfEvalForm, st: _Styles | None = None) -> None:
    """Write one self-evaluation in the official layout on an empty worksheet."""
    st = st or _styles()
    _put(ws, st, 1, 1, form.title, "title", WIDTH)
    ws.row_dimensions[1].height = 32
    _put(ws, st, 2, 1, "区划", "plain_label")
    _put(ws, st, 2, 2, f"{form.region_code} {form.region_name}".strip(), "plain", 4)
    _put(ws, st, 2, 6, "金额单位", "plain_label")
    _put(ws, st, 2, 7, "万元", "plain", WIDTH)
    _pair_row(ws, st, 3, [("项目名称", form.project_name), ("项目编码", form.project_code)])
    _pair_row(ws, st, 4, [("主管部门", form.supervisor), ("实施单位", form.unit_name)])
    row = _write_money(ws, st, 5, form)
    _put(ws, st, row, 1, "年度总体目标", "label")
    st.apply(ws.cell(row=row + 1, column=1), "box")
    _merge(ws, row, 1, row + 1, 1)
    _put(ws, st, row, 2, "预期目标", "label", 5)
    _put(ws, st, row, 6, "实际完成情况", "label", WIDTH)
    _put(ws, st, row + 1, 2, form.goal_expected, "text", 5)
    _put(ws, st, row + 1, 6, form.goal_achieved, "text", WIDTH)
    ws.row_dimensions[row + 1].height = _text_height(
        max(form.goal_expected or "", form.goal_achieved or "", key=len), 40
    )
    header = row + 2
    last = _write_indicators(ws, st, header, form)
    _setup_page(ws, header, last)


def _write_money(ws, st: _Styles, row: int, form: SelfEvalForm) -> int:
    """项目资金（万元）: the label down five rows, the columns' labels, one row per source."""
    _put(ws, st, row, 1, "项目资金（万元）", "label")
    for r in range(row + 1, row + 5):
        st.apply(ws.cell(row=r, column=1), "box")
    _merge(ws, row, 1, row + 4, 1)
    _put(ws, st, row, 2, None, "label")
    for col, (key, label) in enumerate(MONEY_COLUMNS, start=3):
        _put(ws, st, row, col, label, "extra_label" if key == "self_score" else "label")
    for offset, (key, label) in enumerate(MONEY_ROWS, start=1):
        r = row + offset
        _put(ws, st, r, 2, label, "label")
        amounts = form.money.get(key) or {}
        for col, part in enumerate(("initial", "full_year", "executed"), start=3):
            _put(ws, st, r, col, amounts.get(part), "money")
        if key == "total":
            _put(ws, st, r, 6, form.execution_weight, "score")
            _put(ws, st, r, 7, form.execution_rate, "rate")
            _put(ws, st, r, 8, form.execution_score, "score")
            _self_cell(ws, st, r, 9, form.self_execution_score, form.execution_differs)
        else:
            for col in range(6, WIDTH + 1):
                _put(ws, st, r, col, "—" if col < WIDTH else None, "center")
    return row + 5


def _text_height(value: str, chars_per_line: int) -> float:
    lines = sum(max(1, -(-len(part) // chars_per_line)) for part in (value or "").split("\n"))
    return max(24, min(400, 15 * lines))


_WRAPPED = {"name", "target", "actual", "deviation", "band", "explanation"}


def _write_indicators(ws, st: _Styles, header: int, form: SelfEvalForm) -> int:
    for col, (key, label, _w) in enumerate(ALL_COLUMNS, start=1):
        extra = key == "self_score" or col > WIDTH
        _put(ws, st, header, col, label, "extra_label" if extra else "label")
    ws.row_dimensions[header].height = 30
    first = header + 1
    rows = form.indicators
    for offset, line in enumerate(rows):
        r = first + offset
        for col, (key, _label, _w) in enumerate(ALL_COLUMNS, start=1):
            value = line.get(key)
            if key == "self_score":
                _self_cell(ws, st, r, col, value, bool(line.get("self_differs")))
            elif key in NUMBER_KEYS:
                _put(ws, st, r, col, value, "score")
            else:
                _put(
                    ws,
                    st,
                    r,
                    col,
                    None if value in ("", None) else value,
                    "text" if key in _WRAPPED else "center",
                )
    for col, key in (
        (1, lambda r: (r.get("category"),)),
        (2, lambda r: (r.get("category"), r.get("subcategory"))),
    ):
        _merge_runs(ws, [key(r) for r in rows], first, col)
    if not rows:
        for col in range(1, len(ALL_COLUMNS) + 1):
            st.apply(ws.cell(row=first, column=col), "box")
    r = first + max(len(rows), 1)
    for label, weight, value, own, differs, kind in (
        ("总分", form.total_weight, form.total, form.self_total, form.total_differs, "score"),
        ("等级", None, form.grade or None, form.self_grade or None, False, "center"),
    ):
        _put(ws, st, r, 1, label, "label", 5)
        _put(ws, st, r, 6, weight, "score")
        _put(ws, st, r, 7, value, kind)
        _put(ws, st, r, 8, None, "center")
        if kind == "score":
            _self_cell(ws, st, r, 9, own, differs)
        else:
            _put(ws, st, r, 9, own, "center")
        r += 1
    last = r - 1
    notes = (
        "注：“得分”为按评分规则计算的得分；“单位自评得分”为单位自行填报的得分，"
        "与规则不符的标红注明。导入时以“单位自评得分”列为单位自评得分。"
    )
    _put(ws, st, r + 1, 1, notes, "note", WIDTH)
    ws.row_dimensions[r + 1].height = 28
    signature = "\u3000" * 4
    _put(
        ws,
        st,
        r + 2,
        1,
        f"填报人：{signature}联系电话：{signature}单位负责人（签字）：{signature}填报日期：",
        "plain",
        WIDTH,
    )
    return max(last, r + 2)


def _setup_page(ws, header: int, last: int) -> None:
    """A4 portrait, one page wide, the indicator header repeated on every page; the
    supplementary columns stay outside the print area."""
    for col, (_key, _label, width) in enumerate(ALL_COLUMNS):
        ws.column_dimensions[column_letter(col)].width = width
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:{column_letter(WIDTH - 1)}{last}"


def forms_workbook(forms: Iterable[SelfEvalForm]):
    """One worksheet per self-evaluation, named by project code (with the region's code when
    two regions' projects share a code)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    st, used = _styles(), set()
    for form in forms:
        name = form.project_code
        if name.casefold() in used and form.region_code:
            name = f"{form.region_code}-{name}"
        write_form(book.create_sheet(sheet_title(name, used)), form, st)
    if not book.worksheets:
        write_form(book.create_sheet(_("自评表")), SelfEvalForm(), st)
    return book


# --------------------------------------------------------------------------- reading


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {name: key for key, names in reversed(table.items()) for name in names}


_TABLES = {
    id(t): _index(t) for t in (LABELS, MONEY_ROW_LABELS, MONEY_COLUMN_LABELS, INDICATOR_LABELS)
}


def label_key(value, table: dict[str, tuple[str, ...]]) -> str | None:
    """The key of a label cell in one of the tables above ("其中：当年财政拨款" → current)."""
    if not isinstance(value, str) or len(value) > 30:
        return None
    label = normalise_header(value)
    if label.startswith("其中") and len(label) > 2:
        label = label[2:]
    return _TABLES[id(table)].get(label)


def _is_label(value) -> bool:
    return any(label_key(value, t) for t in (LABELS, MONEY_ROW_LABELS, INDICATOR_LABELS))


@dataclass
class _Block:
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)  # key → (row idx, col)
    money_rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    money_header: int | None = None
    money_columns: dict[str, int] = field(default_factory=dict)
    header: int | None = None
    columns: dict[str, int] = field(default_factory=dict)
    title: tuple[int, str] | None = None
    other_form: str = ""


def _scan(rows: list[tuple]) -> _Block:
    block = _Block()
    for r, row in enumerate(rows):
        found, money = {}, {}
        for c, value in enumerate(row):
            if _is_blank(value):
                continue
            if block.title is None and isinstance(value, str) and r < 4:
                text = unicodedata.normalize("NFKC", value)
                if _TITLE_RE.search(text):
                    block.title = (r, value)
                    continue
                if _OTHER_FORM_RE.search(text) and not block.other_form:
                    block.other_form = value.strip()
                    continue
            key = label_key(value, LABELS)
            if key:
                block.labels.setdefault(key, (r, c))
            key = label_key(value, MONEY_ROW_LABELS)
            if key and block.money_header is not None:
                block.money_rows.setdefault(key, (r, c))
            key = label_key(value, MONEY_COLUMN_LABELS)
            if key:
                money.setdefault(key, c)
            key = label_key(value, INDICATOR_LABELS)
            if key:
                found.setdefault(key, c)
        if "category" in found and "name" in found:
            block.header, block.columns = r, found
            break
        if block.money_header is None and "executed" in money:
            block.money_header, block.money_columns = r, money
    return block


def _value_of(rows: list[tuple], block: _Block, key: str) -> tuple[object, int, int]:
    """The value beside a label: the first cell to its right before the next label; for the
    goal's columns (预期目标 | 实际完成情况 over their texts) the cell below comes first."""
    r, c = block.labels[key]
    if key in ("goal_expected", "goal_achieved") and r + 1 < len(rows):
        below = rows[r + 1]
        value = below[c] if c < len(below) else None
        if not _is_blank(value) and not _is_label(value):
            return value, r + 1, c
        if _is_blank(value):
            right = rows[r][c + 1] if c + 1 < len(rows[r]) else None
            if _is_blank(right) or _is_label(right):
                return None, r + 1, c
    row = rows[r]
    for cc in range(c + 1, len(row)):
        if _is_blank(row[cc]):
            continue
        if _is_label(row[cc]):
            break
        return row[cc], r, cc
    return None, r, c + 1


def read_score(value) -> Decimal | None:
    """A score as typed ("8", 8.5, "8.5分"); ValueError with the reason in Chinese."""
    if _is_blank(value):
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
            number = Decimal(raw.replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(v)s”不是数字") % {"v": _cell_text(value)}) from None
    if not number.is_finite():
        raise ValueError(_("“%(v)s”不是数字") % {"v": _cell_text(value)})
    if not 0 <= number <= 100:
        raise ValueError(_("分数须在 0 到 100 之间（实际为 %(v)s）") % {"v": _cell_text(value)})
    return number


def read_form(sheet: Sheet) -> tuple[SelfEvalForm | None, list[Problem]]:
    """Read one self-evaluation from a worksheet: None and no problems for a sheet with no
    table at all (empty, or a notes sheet), None and problems for one that cannot be read."""
    rows, first = sheet.rows, sheet.first_row
    block = _scan(rows)
    identity = {"project_code", "project_name"} & block.labels.keys()
    if not identity and block.header is None:
        if not any(not _is_blank(v) for row in rows for v in row) or "说明" in sheet.name:
            return None, []
        return None, [
            Problem(
                _(
                    "找不到“项目名称”“项目编码”和指标表，这不是项目支出绩效自评表。"
                    "请使用导出的自评表格式。"
                ),
                sheet=sheet.name,
            )
        ]
    problems = []
    if block.title is None and block.other_form:
        return None, [
            Problem(
                _("这是“%(t)s”，不是项目支出绩效自评表。请使用导出的自评表格式。")
                % {"t": block.other_form},
                sheet=sheet.name,
            )
        ]
    if block.header is None:
        problems.append(
            Problem(
                _("找不到指标表（表头应有“一级指标”“三级指标”“实际完成值”）。"), sheet=sheet.name
            )
        )
    elif "actual" not in block.columns:
        problems.append(
            Problem(
                _(
                    "指标表缺少“实际完成值”列，这不是项目支出绩效自评表"
                    "（绩效目标申报表请按“绩效目标”导入）。"
                ),
                sheet=sheet.name,
                row=block.header + first,
            )
        )
    if not identity:
        problems.append(Problem(_("找不到“项目编码”（或“项目名称”）。"), sheet=sheet.name))
    if problems:
        return None, problems
    form = SelfEvalForm(sheet=sheet.name)

    def value(key: str, label: str):
        if key not in block.labels:
            return None
        raw, r, c = _value_of(rows, block, key)
        form.cells[key] = (r + first, column_letter(c), label)
        return raw

    if block.title:
        form.cells["title"] = (block.title[0] + first, "A", _("标题"))
    form.project_code = _cell_text(value("project_code", "项目编码"))
    form.project_name = _cell_text(value("project_name", "项目名称"))
    if not form.project_code and not form.project_name:
        key = "project_code" if "project_code" in block.labels else "project_name"
        problems.append(form.where(key, _("必填项为空")))
    form.supervisor = _cell_text(value("supervisor", "主管部门"))
    form.unit_name = _cell_text(value("implementer", "实施单位"))
    region = _cell_text(value("region", "区划"))
    form.region_code = region.split()[0] if region else ""
    _read_year(form, block, value, problems)
    _read_money(form, rows, block, first, problems)
    if "goal_achieved" in block.labels:
        form.present.add("goal_achieved")
        form.goal_achieved = _cell_text(value("goal_achieved", "实际完成情况"))
    problems += _read_indicators(form, rows, block, first)
    return form, problems


def _read_year(form: SelfEvalForm, block: _Block, value, problems: list[Problem]) -> None:
    raw = _cell_text(value("year", "项目年度"))
    match = re.fullmatch(r"\s*((?:19|20)\d{2})\s*年?度?\s*", raw) if raw else None
    if raw and not match:
        problems.append(form.where("year", _("“%(v)s”不是有效的年度（如 2022）") % {"v": raw}))
        return
    if not match and block.title:
        match = _YEAR_RE.search(unicodedata.normalize("NFKC", block.title[1]))
    form.year = int(match.group(1)) if match else None


def _cell(rows: list[tuple], r: int, c: int | None):
    if c is None or r >= len(rows) or c >= len(rows[r]):
        return None
    return rows[r][c]


def _read_money(
    form: SelfEvalForm, rows, block: _Block, first: int, problems: list[Problem]
) -> None:
    """全年执行数 by row (年度资金总额 and the sources), and the unit's execution score: in
    单位自评得分 when the table has that column, else in 得分 (the table is the unit's)."""
    if not block.money_rows:
        return
    columns = block.money_columns
    labels = dict(MONEY_ROWS)
    if "executed" not in columns:
        problems.append(Problem(_("项目资金表缺少“全年执行数”列。"), sheet=form.sheet))
        return
    for key, (r, _c) in block.money_rows.items():
        c = columns["executed"]
        label = f"{labels[key].removeprefix('其中：')}·全年执行数"
        form.cells[f"executed:{key}"] = (r + first, column_letter(c), label)
        form.present.add(f"executed:{key}")
        try:
            amount = non_negative_money(_cell(rows, r, c))
        except CellError as exc:
            problems.append(form.where(f"executed:{key}", str(exc)))
            amount = None
        form.money.setdefault(key, {})["executed"] = amount
    if "total" not in block.money_rows:
        return
    r = block.money_rows["total"][0]
    own = "self_score" if "self_score" in columns else "score" if "score" in columns else None
    if own is None:
        return
    c = columns[own]
    form.cells["self_execution_score"] = (r + first, column_letter(c), _("预算执行率得分"))
    form.present.add("self_execution_score")
    try:
        form.self_execution_score = read_score(_cell(rows, r, c))
    except ValueError as exc:
        problems.append(form.where("self_execution_score", str(exc)))


def _is_note(row: tuple, category_column: int) -> bool:
    index, first = next(((i, v) for i, v in enumerate(row) if not _is_blank(v)), (0, None))
    if not isinstance(first, str) or index > category_column:
        return False
    return normalise_header(first).startswith(_NOTE_STARTS)


def _first_text(row: tuple, upto: int) -> str:
    for value in row[: upto + 1]:
        if not _is_blank(value):
            return normalise_header(value) if isinstance(value, str) else ""
    return ""


def _read_indicators(form: SelfEvalForm, rows, block: _Block, first: int) -> list[Problem]:
    """The table from its header to 总分/等级 and the notes below; merged (or blank) 一级/二级
    cells take the value above, as a reader of the printed form would."""
    columns = dict(block.columns)
    labels = {k: lab for k, lab, _w in ALL_COLUMNS}
    own = "self_score" if "self_score" in columns else "score"
    for key, c in columns.items():
        form.cells[f"column:{key}"] = (
            block.header + first,
            column_letter(c),
            _cell_text(rows[block.header][c]) or labels[key],
        )
    if own == "score" and "score" in columns:
        form.cells["column:self_score"] = form.cells["column:score"]
    given = [
        k
        for k in ("actual", "weight", "deviation", "band", "entered_score", "explanation")
        if k in columns
    ]
    if own in columns:
        given.append("self_score")
    problems, category, subcategory = [], "", ""
    start = columns["category"]
    for r in range(block.header + 1, len(rows)):
        row = rows[r]
        if all(_is_blank(v) for v in row):
            continue
        lead = _first_text(row, start)
        if lead in TOTAL_LABELS:
            _read_total(form, rows, r, first, columns.get(own), problems)
            continue
        if lead in GRADE_LABELS:
            continue
        if _is_note(row, start):
            break
        if label_key(row[0] if row else None, LABELS) in ("project_code", "project_name"):
            problems.append(
                Problem(
                    _("一个工作表只能填一张自评表，请把下一张放到新的工作表。"),
                    sheet=form.sheet,
                    row=r + first,
                )
            )
            break
        line = {
            k: _cell_text(_cell(rows, r, columns.get(k)))
            for k in ("category", "subcategory", "name", "target")
        }
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
        index = len(form.indicators)
        form.indicator_rows.append(r + first)
        for key in given:
            raw = _cell(rows, r, columns[own if key == "self_score" else key])
            if key in NUMBER_KEYS:
                try:
                    line[key] = read_score(raw)
                except ValueError as exc:
                    problems.append(form.at_indicator(index, key, str(exc)))
                    line[key] = None
            else:
                line[key] = _cell_text(raw)
        if not line["name"] and not any(line.get(k) not in (None, "") for k in given):
            form.indicator_rows.pop()  # only 一级/二级 filled in: an unused row
            continue
        form.indicators.append(line)
    return problems


def _read_total(
    form: SelfEvalForm, rows, r: int, first: int, c: int | None, problems: list[Problem]
) -> None:
    if c is None:
        return
    form.cells["self_total"] = (r + first, column_letter(c), _("总分"))
    form.present.add("self_total")
    try:
        form.self_total = read_score(_cell(rows, r, c))
    except ValueError as exc:
        problems.append(form.where("self_total", str(exc)))
