"""The official declaration form in Excel: 项目支出绩效目标申报表 (and 部门整体支出绩效目标申报表).

One declaration per worksheet, laid out as the printed form (DOMAIN.md §4.3): a title with the
year, a block of labelled fields (project, units, kind, money by source, goals) and the indicator
table. `write_form` writes it; `read_form` reads one back by its labels, not by fixed cell
addresses, because the forms units send back have rows moved, notes added and columns inserted.
`LAYOUT` declares the form for `core.officeform`, which does the reading and the page; the
database stays out of this module: `DeclarationForm` carries plain values both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import officeform
from jixiao.core.imports import CellError, non_negative_money
from jixiao.core.officeform import Column, LocatedForm, Styles, cell_text, put
from jixiao.core.tabular import Problem, Sheet

PROJECT_TITLE = "项目支出绩效目标申报表"
UNIT_TITLE = "部门整体支出绩效目标申报表"
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
LAYOUT = officeform.FormLayout(
    title_pattern=re.compile(r"绩效目标.{0,4}表"),
    labels=LABELS,
    # The order of the official form, plus 数据来源, which the form's 指标解释 often carries
    # and which Jixiao keeps in its own column.
    indicator_columns=(
        *officeform.tiers(11, 13, 26),
        Column(
            "value_text",
            "指标值",
            16,
            wrap=True,
            aliases=("目标值", "年度指标值", "绩效指标值", "指标值目标值"),
        ),
        Column("unit", "度量单位", 8, aliases=("计量单位",)),
        Column("weight", "分值", 6, aliases=("权重", "指标分值", "权重分值", "分值权重")),
        Column("basis", "指标值确定依据", 11, aliases=("确定依据", "指标值设定依据")),
        Column("explanation", "指标解释", 34, wrap=True, aliases=("指标说明", "指标内容")),
        Column("source", "数据来源", 14, wrap=True, aliases=("数据来源及佐证",)),
    ),
    identity_keys=("project_code", "unit_code"),
    values_below=frozenset(("total", "current", "carryover", "other")),
    required_columns=("category", "subcategory", "name", "value_text"),
    pair_spans=((1, 1, 2, 4), (5, 6, 7, 9)),
    money_unit_at=7,
    header_height=28,
    texts=officeform.FormTexts(
        not_a_form=gettext_lazy(
            "找不到“项目编码”（或部门整体目标的“单位编码”）和指标表，"
            "这不是绩效目标申报表。请使用下载的申报表模板。"
        ),
        no_table=gettext_lazy("找不到指标表（表头应有“一级指标”“二级指标”“三级指标”“指标值”）。"),
        no_identity=gettext_lazy("找不到“项目编码”（部门整体目标请填“单位编码”）。"),
        next_form=gettext_lazy("一个工作表只能填一张申报表，请把下一张放到新的工作表。"),
        wrong_form=gettext_lazy("这是“%(t)s”，不是绩效目标申报表。请使用下载的申报表模板。"),
        missing_columns=gettext_lazy("指标表缺少列：%(c)s"),
    ),
)
INDICATOR_COLUMNS = tuple((c.key, c.label, c.width) for c in LAYOUT.indicator_columns)
WIDTH = LAYOUT.width
_YES = {"是", "有", "Y", "YES", "TRUE", "1", "√"}
_NO = {"否", "无", "N", "NO", "FALSE", "0", "×"}
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
class DeclarationForm(LocatedForm):
    """One declaration as the form shows it; codes and names are plain text. `cells` and
    `indicator_rows` (LocatedForm) say where the reader found things."""

    layout: ClassVar[officeform.FormLayout] = LAYOUT

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


# --------------------------------------------------------------------------- writing


def write_form(ws, form: DeclarationForm, st: Styles | None = None, *, blank_rows: int = 0) -> None:
    """Write one declaration in the official layout on an empty worksheet."""
    st = st or Styles()
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
    region = f"{form.region_code} {form.region_name}".strip()
    row = officeform.write_block(ws, st, LAYOUT, title=form.title, region=region, pairs=pairs)
    row = _write_money(ws, st, row, form.amounts)
    for offset, (label, value) in enumerate(
        [("年度总体目标", form.goal), ("中期目标", form.medium_term_goal)]
    ):
        officeform.pair_row(ws, st, LAYOUT, row + offset, [(label, value)])
        ws.row_dimensions[row + offset].height = officeform.text_height(value, 110, minimum=30)
    row += 2
    put(ws, st, row, 1, "有服务对象", "label")
    put(ws, st, row, 2, "是" if form.serves_public else "否", "center")
    put(ws, st, row, 3, "填“否”表示项目不面向公众或服务对象，不要求满意度指标。", "text", WIDTH)
    last = officeform.write_indicators(
        ws, st, LAYOUT, row + 1, form.indicators, blank_rows=blank_rows
    )
    officeform.signature(ws, st, LAYOUT, last + 2)
    officeform.setup_page(ws, LAYOUT, row + 1)


def _write_money(ws, st: Styles, row: int, amounts: dict) -> int:
    """资金情况（万元）: a label over two rows, the sources' labels, their amounts below."""
    put(ws, st, row, 1, "资金情况（万元）", "label")
    st.apply(ws.cell(row=row + 1, column=1), "box")
    officeform.merge(ws, row, 1, row + 1, 1)
    spans = [(2, 3), (4, 5), (6, 7), (8, WIDTH)]
    for (key, label), (first, last) in zip(AMOUNTS, spans, strict=True):
        put(ws, st, row, first, label, "label", last)
        put(ws, st, row + 1, first, amounts.get(key), "money", last)
    return row + 2


def _sheet_name(form: DeclarationForm) -> tuple[str, str]:
    return (f"{form.unit_code}整体" if form.is_unit else form.project_code), form.region_code


def forms_workbook(forms: Iterable[DeclarationForm]):
    """A workbook with one worksheet per declaration, named by project (or unit) code."""
    return officeform.workbook(
        forms,
        write_form,
        _sheet_name,
        empty_title=_("申报表"),
        empty=lambda ws, st: write_form(ws, DeclarationForm(), st, blank_rows=9),
    )


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
    form = DeclarationForm(year=year, is_unit=unit, indicators=rows)
    st = Styles()
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
        put(ws, st, start + i, 1, line, "note", WIDTH)
    return book


def _find_header_row(ws) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == INDICATOR_COLUMNS[0][1]:
            return row[0].row
    raise AssertionError("the form has no indicator header")


# --------------------------------------------------------------------------- reading


def read_form(
    sheet: Sheet, default_year: int | None = None
) -> tuple[DeclarationForm | None, list[Problem]]:
    """Read one declaration from a worksheet; None and no problems for a sheet that holds no
    form at all (empty, or a notes sheet), None and problems for a broken one or another form."""
    form, raw, problems = officeform.read_heading(sheet, DeclarationForm)
    if form is None:
        return None, problems
    form.is_unit = not raw.has("project_code")
    key, label = ("unit_code", "单位编码") if form.is_unit else ("project_code", "项目编码")
    form.unit_code = form.text(raw, "unit_code", "单位编码")
    code = form.unit_code if form.is_unit else form.project_code
    if not code:
        problems.append(form.where(key, _("必填项为空"), label))
    elif re.search(r"\s", code) or len(code) > 64:
        message = _("编码中不能有空格，且不超过 64 个字符：“%(v)s”") % {"v": code}
        problems.append(form.where(key, message))
    form.unit_name = form.text(raw, "unit_name", "单位名称") or form.unit_name
    year, problem = raw.read_year(form, "年度")
    if year is None and problem is None:
        year = default_year
        if not year:
            message = _("找不到年度：标题应写成“（2022年度）项目支出绩效目标申报表”。")
            problem = form.where("title", message, _("标题"))
    form.year = year
    if problem:
        problems.append(problem)
    for key, label in AMOUNTS:
        try:
            form.amounts[key] = non_negative_money(form.take(raw, key, label))
        except CellError as exc:
            problems.append(form.where(key, str(exc), label))
            form.amounts[key] = None
    form.goal = form.text(raw, "goal", "年度总体目标")
    form.medium_term_goal = form.text(raw, "medium_term_goal", "中期目标")
    serves = form.text(raw, "serves_public", "有服务对象").upper()
    if serves and serves not in _YES | _NO:
        problems.append(
            form.where("serves_public", _("应填“是”或“否”，实际为“%(v)s”") % {"v": serves})
        )
    form.serves_public = serves not in _NO
    form.indicators = _read_indicators(form, raw, problems)
    return form, problems


def _read_indicators(form: DeclarationForm, raw, problems: list[Problem]) -> list[dict]:
    """The indicator table's rows as dicts of `INDICATOR_COLUMNS`' keys, read a column at a
    time (a province's file has 120,000 rows of seven cells: a call a cell cost more than the
    cells' texts); a cell's problems are listed row by row, as the form reads, before those
    the table's end gives (`indicator_rows`)."""
    ended = len(problems)
    table = raw.indicator_table(form, problems, used=_OTHER_KEYS)
    after_table = problems[ended:]
    del problems[ended:]
    tables = table.cells
    columns = [table.categories, table.subcategories]
    shortest = min(map(len, tables), default=0)  # the readers drop trailing empty cells
    found = []  # (row, column, key, message)
    for order, key in enumerate(_OTHER_KEYS):
        c = raw.columns.get(key)
        if c is None:
            cells = [None] * len(tables)
        elif c < shortest:
            cells = list(map(itemgetter(c), tables))
        else:
            cells = [t[c] if c < len(t) else None for t in tables]
        if key == "weight":
            read = [_weight(cell) for cell in cells]
            values = [value for value, _message in read]
            found += ((i, order, key, m) for i, (_v, m) in enumerate(read) if m)
        else:
            values = officeform.column_texts(cells)
            limit = TEXT_LIMITS[key] if key != "basis" else None
            if limit and max(map(len, values), default=0) > limit:
                found += (
                    (i, order, key, _too_long(value, limit))
                    for i, value in enumerate(values)
                    if len(value) > limit
                )
        columns.append(values)
    for i, _order, key, message in sorted(found, key=lambda f: f[:2]):
        problems.append(form.at_indicator(table.start + i, key, message))
    problems += after_table
    return [dict(zip(_LINE_KEYS, line, strict=True)) for line in zip(*columns, strict=True)]


_OTHER_KEYS = tuple(k for k, _l, _w in INDICATOR_COLUMNS[2:])
_LINE_KEYS = ("category", "subcategory", *_OTHER_KEYS)


def _too_long(value: str, limit: int) -> str:
    return _("内容过长（%(n)s 个字符，最多 %(m)s 个）") % {"n": len(value), "m": limit}


_CENT = Decimal("0.01")


# The whole weights forms use, made once (Decimals are immutable, so rows may share them).
_WHOLE_WEIGHTS = {n: (Decimal(n).quantize(_CENT), None) for n in range(101)}


def _weight(raw) -> tuple[Decimal | None, str | None]:
    if type(raw) is int and 0 <= raw < 1000:
        return _WHOLE_WEIGHTS.get(raw) or (Decimal(raw).quantize(_CENT), None)
    if officeform.is_blank(raw):
        return None, None
    try:
        number = (
            Decimal(repr(raw))
            if isinstance(raw, float)
            else Decimal(cell_text(raw).removesuffix("分").strip())
        )
    except ArithmeticError:
        return None, _("分值“%(v)s”不是数字") % {"v": cell_text(raw)}
    if isinstance(raw, bool) or not number.is_finite() or not 0 <= number < 1000:
        return None, _("分值须在 0 到 1000 之间")
    return number.quantize(_CENT), None
