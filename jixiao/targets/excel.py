"""The official declaration form in Excel: 项目支出绩效目标申报表 (and 部门整体支出绩效目标申报表).

One declaration per worksheet, laid out as the printed form (DOMAIN.md §4.3): a title with the
year, a block of labelled fields (project, units, kind, money by source, goals) and the indicator
table. `write_form` writes it; `read_form` reads one back by its labels, not by fixed cell
addresses, because the forms units send back have rows moved, notes added and columns inserted.
The database stays out of this module: `Form` carries plain values both ways.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from jixiao.core.formsheet import Styles as _Styles
from jixiao.core.formsheet import cell_text as _cell_text
from jixiao.core.formsheet import is_blank as _is_blank
from jixiao.core.formsheet import merge as _merge
from jixiao.core.formsheet import merge_runs as _merge_runs
from jixiao.core.formsheet import put as _put
from jixiao.core.imports import CellError, non_negative_money
from jixiao.core.tabular import Problem, Sheet, column_letter, normalise_header

PROJECT_TITLE = "项目支出绩效目标申报表"
UNIT_TITLE = "部门整体支出绩效目标申报表"

# (key, label, width in characters). The order of the official form, plus 数据来源, which
# the form's 指标解释 often carries and which Jixiao keeps in its own column.
INDICATOR_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("category", "一级指标", 11),
    ("subcategory", "二级指标", 13),
    ("name", "三级指标", 26),
    ("value_text", "指标值", 16),
    ("unit", "度量单位", 8),
    ("weight", "分值", 6),
    ("basis", "指标值确定依据", 11),
    ("explanation", "指标解释", 34),
    ("source", "数据来源", 14),
)
WIDTH = len(INDICATOR_COLUMNS)
AMOUNTS = (
    ("total", "资金总额"),
    ("current", "当年财政拨款"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
)

# Labels as the reader knows them (after normalise_header), with the names real forms use.
LABELS: dict[str, tuple[str, ...]] = {
    "region": ("区划", "区划代码", "行政区划", "所属区划"),
    "year": ("年度", "预算年度", "申报年度"),
    "project_name": ("项目名称",),
    "project_code": ("项目编码", "项目代码", "项目编号"),
    "unit_name": ("单位名称", "部门名称", "预算单位", "预算单位名称"),
    "unit_code": ("单位编码", "单位代码", "预算单位编码", "部门编码"),
    "supervisor": ("主管部门", "主管部门及代码", "主管单位"),
    "implementer": ("实施单位", "项目实施单位"),
    "attribute": ("项目属性",),
    "kinds": ("项目类别", "项目类型"),
    "money": ("资金情况", "项目资金", "资金情况万元", "年度资金情况", "预算资金"),
    "total": ("资金总额", "年度资金总额", "项目资金总额", "资金合计", "合计", "年度资金总额合计"),
    "current": ("当年财政拨款", "财政拨款", "其中财政拨款", "本年财政拨款", "当年财政资金"),
    "carryover": ("上年结转资金", "上年结转", "结转资金", "其中上年结转"),
    "other": ("其他资金", "其中其他资金"),
    "goal": ("年度总体目标", "年度目标", "总体目标", "年度绩效目标", "本年度总体目标"),
    "medium_term_goal": ("中期目标", "中长期目标", "实施期目标", "实施期总体目标"),
    "serves_public": ("有服务对象", "是否有服务对象", "服务对象"),
    "money_unit": ("金额单位",),
}
INDICATOR_LABELS: dict[str, tuple[str, ...]] = {
    "category": ("一级指标",),
    "subcategory": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称"),
    "value_text": ("指标值", "目标值", "年度指标值", "绩效指标值", "指标值目标值"),
    "unit": ("度量单位", "计量单位"),
    "weight": ("分值", "权重", "指标分值", "权重分值", "分值权重"),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据"),
    "explanation": ("指标解释", "指标说明", "指标内容"),
    "source": ("数据来源", "数据来源及佐证"),
}
REQUIRED_INDICATOR_COLUMNS = ("category", "subcategory", "name", "value_text")
# A row below the table that starts with one of these ends it (notes, signatures).
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
_NOTE_FIRST = {word[0] for word in _NOTE_STARTS}
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_RE = re.compile(r"绩效目标(申报)?表")
_YES = {"是", "有", "Y", "YES", "TRUE", "1", "√"}
_NO = {"否", "无", "N", "NO", "FALSE", "0", "×"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\：]")
TEXT_LIMITS = {
    "category": 40,
    "subcategory": 40,
    "name": 200,
    "value_text": 200,
    "unit": 20,
    "basis": 8,
    "explanation": 500,
    "source": 200,
}


@dataclass
class Form:
    """One declaration as the form shows it; codes and names are plain text."""

    year: int | None = None
    is_unit: bool = False
    region_code: str = ""
    region_name: str = ""
    project_code: str = ""
    project_name: str = ""
    unit_code: str = ""
    unit_name: str = ""
    supervisor: str = ""  # 主管部门: the level-1 unit over the implementing unit
    attribute: str = ""  # 项目属性
    kinds: str = ""  # 项目类别
    amounts: dict = field(default_factory=dict)  # total/current/carryover/other → Decimal|None
    goal: str = ""
    medium_term_goal: str = ""
    serves_public: bool = True
    indicators: list[dict] = field(default_factory=list)  # INDICATOR_COLUMNS keys
    # Where the reader found things, for located messages: key → (row, column letter, label).
    cells: dict = field(default_factory=dict)
    indicator_rows: list[int] = field(default_factory=list)
    sheet: str = ""
    # What the importer matched the form to (a Project, a Unit, a Region, the Target replaced).
    project: object = None
    unit: object = None
    target_region: object = None
    existing: object = None
    existing_snapshot: dict | None = None

    @property
    def title(self) -> str:
        year = f"{self.year}" if self.year else "\u3000\u3000"
        return f"（{year}年度）{UNIT_TITLE if self.is_unit else PROJECT_TITLE}"

    def where(self, key: str, message: str, label: str = "") -> Problem:
        row, column, found_label = self.cells.get(key, (None, "", ""))
        return Problem(
            message, sheet=self.sheet, row=row, column=column, field=label or found_label
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Writing or reading a province's forms makes millions of small objects (cells, rows,
    model instances) and no garbage cycles worth chasing meanwhile; the collector's repeated
    passes over them cost more than the work itself (measured: 2-5x on 10,000 forms)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- writing


def sheet_title(name: str, used: set[str]) -> str:
    """A worksheet name Excel accepts (≤31 characters, no []:*?/\\), unique in the book."""
    base = _SHEET_BAD.sub("-", name or "").strip("'") or _("申报表")
    base = base[:31]
    title, n = base, 1
    while title.casefold() in used:
        n += 1
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title.casefold())
    return title


def _pair_row(ws, st: _Styles, row: int, pairs: Sequence[tuple[str, object]]) -> None:
    """A row of label | value pairs across the form's width: A | B:D | E:F | G:I."""
    spans = [(1, 1, 2, 4), (5, 6, 7, WIDTH)] if len(pairs) == 2 else [(1, 1, 2, WIDTH)]
    for (label, value), (lc, le, vc, ve) in zip(pairs, spans, strict=False):
        _put(ws, st, row, lc, label, "label", le)
        _put(ws, st, row, vc, value, "text", ve)


def write_form(ws, form: Form, st: _Styles | None = None, *, blank_rows: int = 0) -> None:
    """Write one declaration in the official layout on an empty worksheet."""
    st = st or _Styles()
    _put(ws, st, 1, 1, form.title, "title", WIDTH)
    ws.row_dimensions[1].height = 32
    _put(ws, st, 2, 1, "区划", "plain_label")
    _put(ws, st, 2, 2, f"{form.region_code} {form.region_name}".strip(), "plain", 4)
    _put(ws, st, 2, 7, "金额单位", "plain_label")
    _put(ws, st, 2, 8, "万元", "plain", WIDTH)
    if form.is_unit:
        pairs = [
            [("单位名称", form.unit_name), ("单位编码", form.unit_code)],
            [("主管部门", form.supervisor), ("实施单位", form.unit_name)],
        ]
    else:
        pairs = [
            [("项目名称", form.project_name), ("项目编码", form.project_code)],
            [("主管部门", form.supervisor), ("实施单位", form.unit_name)],
            [("项目属性", form.attribute), ("项目类别", form.kinds)],
        ]
    for row, pair in enumerate(pairs, start=3):
        _pair_row(ws, st, row, pair)
    row = _write_money(ws, st, 3 + len(pairs), form.amounts)
    for offset, (label, value) in enumerate(
        [("年度总体目标", form.goal), ("中期目标", form.medium_term_goal)]
    ):
        _pair_row(ws, st, row + offset, [(label, value)])
        ws.row_dimensions[row + offset].height = _text_height(value, 110)
    row += 2
    _put(ws, st, row, 1, "有服务对象", "label")
    _put(ws, st, row, 2, "是" if form.serves_public else "否", "center")
    _put(ws, st, row, 3, "填“否”表示项目不面向公众或服务对象，不要求满意度指标。", "text", WIDTH)
    _write_indicators(ws, st, row + 1, form.indicators, blank_rows)
    _setup_page(ws, row + 1)


def _text_height(value: str, chars_per_line: int) -> float:
    lines = sum(max(1, -(-len(part) // chars_per_line)) for part in (value or "").split("\n"))
    return max(30, min(400, 15 * lines))


def _write_money(ws, st: _Styles, row: int, amounts: dict) -> int:
    """资金情况（万元）: a label over two rows, the sources' labels, their amounts below."""
    _put(ws, st, row, 1, "资金情况（万元）", "label")
    st.apply(ws.cell(row=row + 1, column=1), "box")
    _merge(ws, row, 1, row + 1, 1)
    spans = [(2, 3), (4, 5), (6, 7), (8, WIDTH)]
    for (key, label), (first, last) in zip(AMOUNTS, spans, strict=True):
        _put(ws, st, row, first, label, "label", last)
        _put(ws, st, row + 1, first, amounts.get(key), "money", last)
    return row + 2


_WRAPPED = {"name", "value_text", "explanation", "source"}


def _write_indicators(ws, st: _Styles, header: int, rows: Sequence[dict], blank: int) -> None:
    for col, (_key, label, _w) in enumerate(INDICATOR_COLUMNS, start=1):
        _put(ws, st, header, col, label, "label")
    ws.row_dimensions[header].height = 28
    first = header + 1
    for offset, indicator in enumerate(rows):
        for col, (key, _label, _w) in enumerate(INDICATOR_COLUMNS, start=1):
            value = indicator.get(key)
            _put(
                ws,
                st,
                first + offset,
                col,
                None if value == "" else value,
                "text" if key in _WRAPPED else "center",
            )
    for col, key in (
        (1, lambda r: (r.get("category"),)),
        (2, lambda r: (r.get("category"), r.get("subcategory"))),
    ):
        _merge_runs(ws, [key(r) for r in rows], first, col)
    last = first + len(rows) - 1
    for r in range(last + 1, last + 1 + blank):
        for col in range(1, WIDTH + 1):
            st.apply(ws.cell(row=r, column=col), "box")
    signature = "\u3000" * 6
    _put(
        ws,
        st,
        last + blank + 2,
        1,
        f"填报人：{signature}联系电话：{signature}单位负责人（签字）：{signature}填报日期：",
        "plain",
        WIDTH,
    )


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


def forms_workbook(forms: Iterable[Form]):
    """A workbook with one worksheet per declaration, named by project (or unit) code."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    st, used = _Styles(), set()
    for form in forms:
        name = form.project_code if not form.is_unit else f"{form.unit_code}整体"
        if name.casefold() in used and form.region_code:
            name = f"{form.region_code}-{name}"
        ws = book.create_sheet(sheet_title(name, used))
        write_form(ws, form, st)
    if not book.worksheets:
        ws = book.create_sheet(_("申报表"))
        write_form(ws, Form(), st, blank_rows=9)
    return book


def template_workbook(*, year: int | None, unit: bool = False, catalogue: dict | None = None):
    """The blank form to fill in: one sheet, the catalogue's categories prefilled, and notes."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    from jixiao.indicators.catalogue import CLASSIC_CATALOGUE

    categories = catalogue or CLASSIC_CATALOGUE
    rows = [{"category": c, "subcategory": s} for c, subs in categories.items() for s in subs]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("申报表")
    form = Form(year=year, is_unit=unit, indicators=rows)
    st = _Styles()
    write_form(ws, form, st, blank_rows=6)
    header = _find_header_row(ws)
    basis = DataValidation(
        type="list", formula1='"计划标准,行业标准,历史标准,其他标准"', allow_blank=True
    )
    basis.add(f"G{header + 1}:G{header + len(rows) + 6}")
    ws.add_data_validation(basis)
    notes = [
        "填表说明：",
        "1. 一个工作表填一张申报表；申报多个项目时，复制本工作表，每个项目一个工作表（工作表名可用项目编码）。",
        "2. 项目编码须与预算中的项目一致；部门整体支出目标填“单位编码”。金额单位为万元。",
        "3. 指标值按实际写法填写，如“≥50个”“≤90万元”“100%”“12月底前完成”“达成预期指标”；"
        "定量指标请写明度量单位。",
        "4. 一级、二级指标可合并单元格或只在第一行填写；未用的预置行（只有一级、二级指标）导入时忽略。",
        "5. 项目名称、主管部门、实施单位、项目属性和项目类别以预算中的项目为准，导入时不会修改它们；"
        "资金情况全部留空时取项目的年初预算。",
    ]
    start = ws.max_row + 2
    for i, line in enumerate(notes):
        _put(ws, st, start + i, 1, line, "note", WIDTH)
    return book


def _find_header_row(ws) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == INDICATOR_COLUMNS[0][1]:
            return row[0].row
    raise AssertionError("the form has no indicator header")


# --------------------------------------------------------------------------- reading


_LETTERS = tuple(column_letter(i) for i in range(64))


def _letter(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else column_letter(index)


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {name: key for key, names in reversed(table.items()) for name in names}


_BLOCK_INDEX, _INDICATOR_INDEX = _index(LABELS), _index(INDICATOR_LABELS)
_NO_LABEL: tuple[str | None, str | None] = (None, None)
_LABEL_CACHE: dict[str, tuple[str | None, str | None]] = {}


def _labels_of(value) -> tuple[str | None, str | None]:
    """(block label, indicator column) that a cell's text names, if any. Cached by the text:
    every form repeats the same labels, and a province's file has ten thousand forms."""
    if type(value) is not str or len(value) > 30:
        return _NO_LABEL
    found = _LABEL_CACHE.get(value)
    if found is None:
        label = normalise_header(value)
        if label.startswith("其中") and len(label) > 2:
            label = label[2:]
        found = (_BLOCK_INDEX.get(label), _INDICATOR_INDEX.get(label))
        if len(_LABEL_CACHE) > 100_000:
            _LABEL_CACHE.clear()
        _LABEL_CACHE[value] = found
    return found


@dataclass
class _Block:
    """Label positions found in the block above the indicator table."""

    labels: dict[str, tuple[int, int]] = field(default_factory=dict)  # key → (row idx, col)
    header: int | None = None  # row index of the indicator header
    columns: dict[str, int] = field(default_factory=dict)
    title: tuple[int, str] | None = None


def _scan(rows: list[tuple]) -> _Block:
    block = _Block()
    for r, row in enumerate(rows):
        if block.header is not None:
            break
        found = {}
        for c, value in enumerate(row):
            if value is None:
                continue
            if block.title is None and isinstance(value, str) and _TITLE_RE.search(value):
                block.title = (r, value)
                continue
            label, column = _labels_of(value)
            if label:
                block.labels.setdefault(label, (r, c))
            if column:
                found.setdefault(column, c)
        if "category" in found and "name" in found:
            block.header, block.columns = r, found
    return block


def _value_of(rows: list[tuple], block: _Block, key: str) -> tuple[object, int, int]:
    """The value beside a label: the first cell to its right before the next label, else the
    cell below it (the money block puts the sources' labels in one row, amounts below)."""
    r, c = block.labels[key]
    row = rows[r]
    for cc in range(c + 1, len(row)):
        value = row[cc]
        if _is_blank(value):
            continue
        if _labels_of(value) != _NO_LABEL:
            break
        return value, r, cc
    if key in ("total", "current", "carryover", "other") and r + 1 < len(rows):
        below = rows[r + 1]
        return (below[c] if c < len(below) else None), r + 1, c
    return None, r, c + 1


def read_form(sheet: Sheet, default_year: int | None = None) -> tuple[Form | None, list[Problem]]:
    """Read one declaration from a worksheet; None and no problems for a sheet that holds no
    form at all (empty, or a notes sheet), None and problems for a broken one."""
    rows = sheet.rows
    block = _scan(rows)
    first = sheet.first_row
    identity = {"project_code", "unit_code"} & block.labels.keys()
    if not identity and block.header is None:
        if not any(not _is_blank(v) for row in rows for v in row) or "说明" in sheet.name:
            return None, []
        return None, [
            Problem(
                _(
                    "找不到“项目编码”（或部门整体目标的“单位编码”）和指标表，"
                    "这不是绩效目标申报表。请使用下载的申报表模板。"
                ),
                sheet=sheet.name,
            )
        ]
    form = Form(sheet=sheet.name)
    problems: list[Problem] = []
    if block.header is None:
        problems.append(
            Problem(
                _("找不到指标表（表头应有“一级指标”“二级指标”“三级指标”“指标值”）。"),
                sheet=sheet.name,
            )
        )
    if not identity:
        problems.append(
            Problem(_("找不到“项目编码”（部门整体目标请填“单位编码”）。"), sheet=sheet.name)
        )
    if problems:
        return None, problems

    def value(key: str, label: str):
        if key not in block.labels:
            return None
        raw, r, c = _value_of(rows, block, key)
        form.cells[key] = (r + first, _letter(c), label)
        return raw

    form.is_unit = "project_code" not in block.labels
    title = block.title[1] if block.title else ""
    if block.title:
        form.cells["title"] = (block.title[0] + first, "A", "标题")
    _read_identity(form, value, problems)
    _read_year(form, title, value, default_year, problems)
    _read_money(form, value, problems)
    form.goal = _cell_text(value("goal", "年度总体目标"))
    form.medium_term_goal = _cell_text(value("medium_term_goal", "中期目标"))
    serves = _cell_text(value("serves_public", "有服务对象")).upper()
    if serves and serves not in _YES | _NO:
        problems.append(
            form.where("serves_public", _("应填“是”或“否”，实际为“%(v)s”") % {"v": serves})
        )
    form.serves_public = serves not in _NO
    problems += _read_indicators(form, rows, block, first)
    return form, problems


def _read_identity(form: Form, value, problems: list[Problem]) -> None:
    key, label = ("unit_code", "单位编码") if form.is_unit else ("project_code", "项目编码")
    code = _cell_text(value(key, label))
    if not code:
        problems.append(form.where(key, _("必填项为空"), label))
    elif re.search(r"\s", code) or len(code) > 64:
        problems.append(
            form.where(key, _("编码中不能有空格，且不超过 64 个字符：“%(v)s”") % {"v": code})
        )
    if form.is_unit:
        form.unit_code = code
    else:
        form.project_code = code
        form.unit_code = _cell_text(value("unit_code", "单位编码"))
    form.project_name = _cell_text(value("project_name", "项目名称"))
    form.unit_name = _cell_text(value("unit_name", "单位名称")) or _cell_text(
        value("implementer", "实施单位")
    )
    region = _cell_text(value("region", "区划"))
    form.region_code = region.split()[0] if region else ""


def _read_year(form: Form, title: str, value, default: int | None, problems) -> None:
    raw = _cell_text(value("year", "年度"))
    match = re.fullmatch(r"\s*((?:19|20)\d{2})\s*年?度?\s*", raw) if raw else None
    if raw and not match:
        problems.append(form.where("year", _("“%(v)s”不是有效的年度（如 2022）") % {"v": raw}))
        return
    if not match:
        match = _YEAR_RE.search(unicodedata.normalize("NFKC", title))
    if match:
        form.year = int(match.group(1))
    elif default:
        form.year = default
    else:
        problems.append(
            Problem(
                _("找不到年度：标题应写成“（2022年度）项目支出绩效目标申报表”。"),
                sheet=form.sheet,
                row=form.cells.get("title", (None,))[0],
                column="A" if "title" in form.cells else "",
                field=_("标题"),
            )
        )


def _read_money(form: Form, value, problems: list[Problem]) -> None:
    for key, label in AMOUNTS:
        raw = value(key, label)
        try:
            form.amounts[key] = non_negative_money(raw)
        except CellError as exc:
            problems.append(form.where(key, str(exc), label))
            form.amounts[key] = None


def _is_note(row: tuple, category_column: int) -> bool:
    """A note or signature line under the table: it starts at or left of the 一级指标 column
    (an indicator named "注册企业数" sits in 三级指标, so it is not taken for a note)."""
    for value in row[: category_column + 1]:
        if _is_blank(value):
            continue
        return (
            isinstance(value, str)
            and value.lstrip()[:1] in _NOTE_FIRST
            and normalise_header(value).startswith(_NOTE_STARTS)
        )
    return False


def _has_values(row: tuple) -> bool:
    return any(v is not None and (type(v) is not str or v.strip()) for v in row)


_OTHER_KEYS = tuple(k for k, _l, _w in INDICATOR_COLUMNS[2:])


def _read_indicators(form: Form, rows: list[tuple], block: _Block, first: int) -> list[Problem]:
    """The indicator table, from its header to the notes below it. Merged (or left blank)
    一级/二级 cells take the value above, as a reader of the printed form would."""
    columns = block.columns
    problems = []
    missing = [k for k in REQUIRED_INDICATOR_COLUMNS if k not in columns]
    if missing:
        labels = "、".join(INDICATOR_LABELS[k][0] for k in missing)
        return [
            Problem(
                _("指标表缺少列：%(c)s") % {"c": labels}, sheet=form.sheet, row=block.header + first
            )
        ]
    for key, c in columns.items():
        form.cells[f"column:{key}"] = (block.header + first, _letter(c), key)
    layout = [(key, label, columns.get(key)) for key, label, _w in INDICATOR_COLUMNS]
    category = subcategory = ""
    for r in range(block.header + 1, len(rows)):
        row = rows[r]
        if not _has_values(row):
            continue
        if _is_note(row, columns["category"]):
            break
        if _labels_of(row[0] if row else None)[0] in ("project_code", "project_name", "unit_code"):
            problems.append(
                Problem(
                    _("一个工作表只能填一张申报表，请把下一张放到新的工作表。"),
                    sheet=form.sheet,
                    row=r + first,
                )
            )
            break
        line = _read_line(form, row, layout, r + first, problems)
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
        if not any(line[k] not in (None, "") for k in _OTHER_KEYS):
            continue  # an unused row of the template: only 一级/二级 filled in
        form.indicators.append(line)
        form.indicator_rows.append(r + first)
    return problems


def _read_line(form: Form, row: tuple, layout, number: int, problems: list[Problem]) -> dict:
    line = {}
    width = len(row)
    for key, label, c in layout:
        raw = row[c] if c is not None and c < width else None
        if key == "weight":
            line[key], problem = _weight(raw)
        else:
            line[key] = value = _cell_text(raw)
            limit = TEXT_LIMITS[key] if key != "basis" else None
            problem = None
            if limit and len(value) > limit:
                problem = _("内容过长（%(n)s 个字符，最多 %(m)s 个）") % {
                    "n": len(value),
                    "m": limit,
                }
        if problem:
            problems.append(
                Problem(problem, sheet=form.sheet, row=number, column=column_letter(c), field=label)
            )
    return line


_CENT = Decimal("0.01")


def _weight(raw) -> tuple[Decimal | None, str | None]:
    if type(raw) is int and 0 <= raw < 1000:
        return Decimal(raw).quantize(_CENT), None
    if _is_blank(raw):
        return None, None
    try:
        number = (
            Decimal(repr(raw))
            if isinstance(raw, float)
            else Decimal(_cell_text(raw).removesuffix("分").strip())
        )
    except ArithmeticError:
        return None, _("分值“%(v)s”不是数字") % {"v": _cell_text(raw)}
    if isinstance(raw, bool) or not number.is_finite() or not 0 <= number < 1000:
        return None, _("分值须在 0 到 1000 之间")
    return number.quantize(_CENT), None
