"""Official forms in xlsx (申报表, 监控表, 自评表): one toolkit that every stage's form declares.

A form is a `FormLayout`: the title it carries, its labels (each with the names real forms give
it), its indicator table's columns, the labels that say which document it is, and where its
table ends. From the layout:

- `read_block` scans a worksheet once and finds the labels, the title and the indicator
  table's header wherever the user moved them, or says which other form the sheet holds;
  `RawForm.value(key)` gives the value beside a label and where it was found, and
  `RawForm.indicator_rows` walks the table with the merged 一级/二级 cells carried down, to
  the notes below it or the next form; `read_heading` also reads what heads every form
  (区划, 项目名称/编码, 主管部门, 实施单位);
- `write_block`, `write_indicators`, `signature` and `setup_page` write the printed layout
  (A4, one page wide, the indicator header on every page), and `workbook` puts many forms in
  one file, a worksheet each;
- `LocatedForm` gives a stage's form dataclass located problems (sheet, row, column).

The stages keep what is theirs: the dataclass, the money block and the cell parsers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import ClassVar, NamedTuple

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .imports import text
from .tabular import Problem, Sheet, column_letter, normalise_header, safe_cell

MONEY_FORMAT = "#,##0.00####"
SCORE_FORMAT = "0.00"
FLAG_FORMAT = '0.00"（与规则不符）"'

# A row under the table that starts with one of these ends it (notes, signatures).
NOTE_STARTS = (
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
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_VALUE_RE = re.compile(r"\s*((?:19|20)\d{2})\s*年?度?\s*")
# Another official form's title (in the first rows): 绩效目标申报表, 绩效运行监控表, 绩效自评表 ….
_OTHER_FORM_RE = re.compile(r"绩效.{0,12}表")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\：]")


# --------------------------------------------------------------------------- declaring


@dataclass(frozen=True)
class Column:
    """A column of the indicator table: as written (label, width in characters, wrapped) and
    as read (the label or any of its aliases, after `normalise_header`)."""

    key: str
    label: str
    width: int
    wrap: bool = False
    aliases: tuple[str, ...] = ()
    style: str = ""  # the body cells' style; else "text" when wrapped, "center" otherwise
    extra: bool = False  # not on the official form: its header is shaded apart
    printed: bool = True


def tiers(*widths: int) -> tuple[Column, Column, Column]:
    """The three columns every indicator table starts with: 一级, 二级 and 三级指标."""
    return (
        Column("category", "一级指标", widths[0]),
        Column("subcategory", "二级指标", widths[1]),
        Column("name", "三级指标", widths[2], wrap=True, aliases=("指标名称", "三级指标名称")),
    )


@dataclass(frozen=True)
class FormTexts:
    """What the reader says about a sheet it cannot read as this form (translatable texts)."""

    not_a_form: str
    no_table: str
    no_identity: str
    next_form: str
    wrong_form: str  # %(t)s: the other form's title
    missing_columns: str = ""  # %(c)s: the missing columns' labels


_NO_LABEL: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True, kw_only=True, eq=False)
class FormLayout:
    """One official form, declared: what identifies it, its labels and its indicator table."""

    title_pattern: re.Pattern
    labels: Mapping[str, tuple[str, ...]]  # block label key → the names forms use
    indicator_columns: tuple[Column, ...]
    identity_keys: tuple[str, ...]  # labels of which one must be there (项目编码 …)
    texts: FormTexts
    values_below: frozenset[str] = frozenset()  # labels whose value may sit under them
    stop_labels: tuple[str, ...] = ()  # rows that end the table besides the notes (总分 …)
    required_columns: tuple[str, ...] = ()
    label_patterns: tuple[tuple[str, re.Pattern], ...] = ()  # block labels by pattern
    column_patterns: tuple[tuple[str, re.Pattern], ...] = ()
    # Writing: the label | value spans of a row of two pairs, the 金额单位 column, the page.
    pair_spans: tuple[tuple[int, int, int, int], ...]
    money_unit_at: int
    orientation: str = "landscape"
    header_height: int = 30
    _cache: dict = field(default_factory=dict, init=False, repr=False)
    _ends: dict = field(default_factory=dict, init=False, repr=False)
    _located: dict = field(default_factory=dict, init=False, repr=False)  # `RawForm.locate`

    @cached_property
    def width(self) -> int:
        """The printed columns."""
        return sum(1 for c in self.indicator_columns if c.printed)

    @cached_property
    def column_labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.indicator_columns}

    @cached_property
    def _indexes(self) -> tuple[dict[str, str], dict[str, str]]:
        columns = {c.key: (c.label, *c.aliases) for c in self.indicator_columns}
        return _index(self.labels), _index(columns)

    @cached_property
    def next_form_keys(self) -> frozenset[str]:
        return frozenset((*self.identity_keys, "project_name"))

    def label_keys(self, value) -> tuple[str | None, str | None]:
        """(block label, indicator column) that a cell's text names, if any. Cached by the
        text: every form repeats the same labels, and a province's file has 10,000 forms."""
        if type(value) is not str or len(value) > 30:
            return _NO_LABEL
        found = self._cache.get(value)
        if found is None:
            label = normalise_header(value)
            if label.startswith("其中") and len(label) > 2:
                label = label[2:]
            bare = label[:-2] if label.endswith("万元") and len(label) > 2 else label
            block, columns = self._indexes
            found = (
                _lookup(label, bare, block, self.label_patterns),
                _lookup(label, bare, columns, self.column_patterns),
            )
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[value] = found
        return found

    def is_label(self, value) -> bool:
        return self.label_keys(value) != _NO_LABEL

    def ends_table(self, value) -> str:
        """What a row whose first value (at or left of 一级指标) is `value` does to the table:
        "note" (a note, a signature or a stop label ends it), "next" (the next form's label
        ends it, a problem) or "" (an indicator row). Cached by the text, as `label_keys`: a
        province's 120,000 rows repeat a few 一级指标."""
        if type(value) is not str:
            return ""
        found = self._ends.get(value)
        if found is None:
            lead = _lead_label(value)
            if lead and (lead in self.stop_labels or lead.startswith(NOTE_STARTS)):
                found = "note"
            else:
                found = "next" if self.label_keys(value)[0] in self.next_form_keys else ""
            if len(self._ends) > 100_000:
                self._ends.clear()
            self._ends[value] = found
        return found


def _index(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """name → key; where two keys share a name the first one wins."""
    return {name: key for key, names in reversed(table.items()) for name in names}


def _lookup(label: str, bare: str, index: dict[str, str], patterns) -> str | None:
    key = index.get(label) or index.get(bare)
    if key is None:
        key = next((k for k, pattern in patterns if pattern.fullmatch(bare)), None)
    return key


def table_key(value, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The key of a label in one table ("其中：当年财政拨款" → current), uncached."""
    if not isinstance(value, str) or len(value) > 30:
        return None
    label = normalise_header(value)
    if label.startswith("其中") and len(label) > 2:
        label = label[2:]
    return next((key for key, names in table.items() if label in names), None)


# --------------------------------------------------------------------------- reading


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as the user typed it (`core.imports.text`: the apostrophe our exports put before
    formula-like text removed); dates Excel made of typed dates back as Chinese dates."""
    if type(value) is str and "\u200b" not in value and "\u00a0" not in value:
        value = value.strip()  # the common case, kept fast
        return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            value = value.date()
        else:
            return value.strftime("%Y年%m月%d日 %H:%M")
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and not value.is_integer():
        return format(Decimal(repr(value)), "f")
    return text(value)


def column_texts(values: Iterable) -> list[str]:
    """`cell_text` of many cells (a column of the indicator table), the common cases (empty,
    plain text) without a call a cell: a province's forms have 840,000 such cells."""
    return [
        ""
        if value is None
        else stripped
        if type(value) is str
        and "\u200b" not in value
        and "\u00a0" not in value
        and (stripped := value.strip())[:1] != "'"
        else cell_text(value)
        for value in values
    ]


_LETTERS = tuple(column_letter(i) for i in range(64))


def letter(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else column_letter(index)


@lru_cache(maxsize=4096)
def _lead_label(value: str) -> str:
    return normalise_header(value)


def _text_at(row: tuple, c: int | None) -> str:
    return cell_text(row[c]) if c is not None and c < len(row) else ""


#: The title cell's label by language: a gettext call (each of Django's catalogues asked in
#: turn) costs more than reading the rest of the cell's place, once a form.
_TITLE_LABELS: dict[str | None, str] = {}


def _title_label() -> str:
    language = get_language()
    label = _TITLE_LABELS.get(language)
    if label is None:
        label = _TITLE_LABELS[language] = _("标题")
    return label


def _first_value(row: tuple, upto: int):
    for value in row[: upto + 1]:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value
    return None


def _blank_row(row: tuple) -> bool:
    """Is every cell blank? The readers drop a row's trailing empty cells, so its last cell
    answers for most rows."""
    if not row:
        return True
    last = row[-1]
    if last is not None and (not isinstance(last, str) or last.strip()):
        return False
    return all(is_blank(v) for v in row)


class Located(NamedTuple):
    """A cell's raw value and where it is, as Excel names sheets, numbers rows and letters
    columns."""

    value: object
    sheet: str
    row: int
    column: str


class IndicatorRow(NamedTuple):
    """One row of the indicator table, its 一级/二级 carried down from the rows above."""

    index: int  # the line's place in the form's indicators
    number: int  # the row as Excel numbers it
    cells: tuple
    columns: dict[str, int]
    category: str
    subcategory: str

    def raw(self, key: str):
        c = self.columns.get(key)
        return self.cells[c] if c is not None and c < len(self.cells) else None

    def text(self, key: str) -> str:
        return _text_at(self.cells, self.columns.get(key))


@dataclass
class RawForm:
    """A worksheet found to hold the form: its labels' and table's positions (row indexes)."""

    layout: FormLayout
    sheet: str
    rows: list[tuple]
    first: int  # the number users know rows[0] by
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)  # key → (row, col)
    header: int | None = None
    columns: dict[str, int] = field(default_factory=dict)
    title: tuple[int, str] | None = None
    other_form: str = ""
    end: int = 0  # the row index where the indicator table stopped

    def has(self, key: str) -> bool:
        return key in self.labels

    def cell(self, r: int, c: int | None):
        if c is None or r >= len(self.rows) or c >= len(self.rows[r]):
            return None
        return self.rows[r][c]

    def value(self, key: str) -> Located | None:
        """The value beside a label: the first cell to its right before the next label, else
        (for `values_below`, such as a money block's labels over their amounts) the cell
        below it. None when the form has no such label."""
        if key not in self.labels:
            return None
        r, c = self.labels[key]
        row, layout = self.rows[r], self.layout
        for cc in range(c + 1, len(row)):
            value = row[cc]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if (
                type(value) is str
                and (layout._cache.get(value) or layout.label_keys(value)) != _NO_LABEL
            ):
                break
            return Located(value, self.sheet, r + self.first, letter(cc))
        if key in self.layout.values_below and r + 1 < len(self.rows):
            return Located(self.cell(r + 1, c), self.sheet, r + 1 + self.first, letter(c))
        return Located(None, self.sheet, r + self.first, letter(c + 1))

    def title_year(self) -> int | None:
        found = self.title and _YEAR_RE.search(unicodedata.normalize("NFKC", self.title[1]))
        return int(found.group(1)) if found else None

    def read_year(self, form: LocatedForm, label: str) -> tuple[int | None, Problem | None]:
        """The year of the 年度 label, else of the title; a problem for a bad 年度 cell."""
        raw = cell_text(form.take(self, "year", label))
        if not raw:
            return self.title_year(), None
        match = _YEAR_VALUE_RE.fullmatch(raw)
        if not match:
            return None, form.where("year", _("“%(v)s”不是有效的年度（如 2022）") % {"v": raw})
        return int(match.group(1)), None

    def locate(self, form: LocatedForm) -> None:
        """Note where the title and the table's columns are, for located problems."""
        if self.title:
            form.cells["title"] = (self.title[0] + self.first, "A", _title_label())
        header, number = self.rows[self.header], self.header + self.first
        located, key = self.layout._located, (number, header, *self.columns.items())
        try:  # forms of one template share their header: its cells are noted once
            cells = located.get(key)
        except TypeError:  # a cell no reader gives (unhashable)
            cells, located = None, {}
        if cells is None:
            labels = self.layout.column_labels
            cells = {
                f"column:{key}": (number, letter(c), cell_text(header[c]) or labels[key])
                for key, c in self.columns.items()
            }
            if len(located) > 1_000:
                located.clear()
            located[key] = cells
        form.cells.update(cells)

    def lead(self, r: int) -> str:
        """The row's first text at or left of the 一级指标 column, normalised ("" if none):
        where a note, a signature or 总分 starts (an indicator named "注册企业数" sits in
        三级指标, so it is not taken for a note)."""
        value = _first_value(self.rows[r], self.columns["category"])
        return _lead_label(value) if isinstance(value, str) else ""

    def indicator_rows(
        self, form: LocatedForm, problems: list[Problem], used: Iterable[str]
    ) -> Iterator[IndicatorRow]:
        """The table's rows from its header to the notes, a stop label or the next form.
        Blank rows are skipped, and so are rows with nothing in the `used` columns (an unused
        row of a template: only 一级/二级 filled in). Each row yielded is recorded in
        `form.indicator_rows`: the stage appends exactly one line per row."""
        recorded, columns = form.indicator_rows, self.columns
        for r, row, category, subcategory in self._table(form, problems, used):
            recorded.append(r)
            yield IndicatorRow(len(recorded) - 1, r, row, columns, category, subcategory)

    def indicator_table(
        self, form: LocatedForm, problems: list[Problem], used: Iterable[str]
    ) -> IndicatorTable:
        """`indicator_rows` read whole, a list per column (for a stage that reads the table a
        column at a time, as the declaration's reader does: a province's 120,000 rows)."""
        found = list(self._table(form, problems, used))
        numbers = [f[0] for f in found]
        start = len(form.indicator_rows)
        form.indicator_rows += numbers
        return IndicatorTable(
            start, numbers, [f[1] for f in found], [f[2] for f in found], [f[3] for f in found]
        )

    def _table(self, form: LocatedForm, problems: list[Problem], used: Iterable[str]):
        """(row number, cells, 一级, 二级) of each row of the table (`indicator_rows`). The
        common cells (none, or a text that needs no `cell_text`) are tested in line, not by a
        call each: a province's forms have 130,000 such rows."""
        rows, columns, first, layout = self.rows, self.columns, self.first, self.layout
        used_columns = [columns[k] for k in used if k in columns]
        start, sub = columns["category"], columns.get("subcategory")
        ends = layout._ends  # `ends_table`'s answers, looked up without a call a row
        category = subcategory = ""
        self.end = len(rows)
        for r in range(self.header + 1, len(rows)):
            row = rows[r]
            if _blank_row(row):
                continue
            size = len(row)
            value = row[start] if start < size else None
            if start or value is None or (isinstance(value, str) and not value.strip()):
                value = _first_value(row, start)  # left of 一级指标, or a blank 一级指标
            end = "" if type(value) is not str else ends.get(value)
            if end is None:
                end = layout.ends_table(value)
            if end:
                if end == "next":
                    problems.append(
                        Problem(str(layout.texts.next_form), sheet=form.sheet, row=r + first)
                    )
                self.end = r
                break
            text = _plain_text(row[start]) if start < size else ""
            if text:
                if text != category:
                    subcategory = ""
                category = text
            if sub is not None and sub < size:
                subcategory = _plain_text(row[sub]) or subcategory
            for c in used_columns:
                if c < size:
                    value = row[c]
                    if value is not None and (not isinstance(value, str) or value.strip()):
                        break
            else:
                continue  # nothing in the used columns
            yield r + first, row, category, subcategory


class IndicatorTable(NamedTuple):
    """The indicator table's rows (`RawForm.indicator_table`), a list per column."""

    start: int  # the first row's index in the form's `indicator_rows` (its lines' indexes)
    numbers: list[int]  # each row as Excel numbers it
    cells: list[tuple]
    categories: list[str]  # 一级 and 二级, carried down from the rows above
    subcategories: list[str]


def _plain_text(value) -> str:
    """`cell_text`, the common cases (none, a text without marks to clean) without its call."""
    if value is None:
        return ""
    if (
        type(value) is str
        and "\u200b" not in value
        and "\u00a0" not in value
        and (stripped := value.strip())[:1] != "'"
    ):
        return stripped
    return cell_text(value)


def read_block(sheet: Sheet, layout: FormLayout) -> tuple[RawForm | None, list[Problem]]:
    """Find the form on a worksheet, scanning it once down to the indicator table's header.
    None and no problems for a sheet that holds no form at all (empty, or a notes sheet);
    None and problems for another form or one that cannot be read."""
    raw = _scan(RawForm(layout, sheet.name, sheet.rows, sheet.first_row))
    texts, name = layout.texts, sheet.name
    identity = any(key in raw.labels for key in layout.identity_keys)
    if not identity and raw.header is None:
        if "说明" in name or all(is_blank(v) for row in raw.rows for v in row):
            return None, []
        return None, [Problem(str(texts.not_a_form), sheet=name)]
    if raw.title is None and raw.other_form:
        return None, [Problem(str(texts.wrong_form) % {"t": raw.other_form}, sheet=name)]
    problems = []
    if raw.header is None:
        problems.append(Problem(str(texts.no_table), sheet=name))
    else:
        missing = [layout.column_labels[k] for k in layout.required_columns if k not in raw.columns]
        if missing:
            message = str(texts.missing_columns) % {"c": "、".join(missing)}
            problems.append(Problem(message, sheet=name, row=raw.header + raw.first))
    if not identity:
        problems.append(Problem(str(texts.no_identity), sheet=name))
    return (None, problems) if problems else (raw, [])


def read_heading(sheet: Sheet, form_class: type[LocatedForm]):
    """(form, raw, problems): a `form_class` form with its heading read, for the stage to read
    the rest from `raw`; (None, None, problems) when the sheet holds no such form."""
    raw, problems = read_block(sheet, form_class.layout)
    if raw is None:
        return None, None, problems
    form = form_class(sheet=sheet.name)
    raw.locate(form)
    form.read_heading(raw)
    return form, raw, problems


def _scan(raw: RawForm) -> RawForm:
    layout = raw.layout
    known = layout._cache  # label_keys' answers, looked up here without a call a cell
    for r, row in enumerate(raw.rows):
        found = {}
        for c, value in enumerate(row):
            if value is None:
                continue
            if type(value) is not str:
                continue  # numbers and dates are neither labels nor titles
            if raw.title is None:
                if layout.title_pattern.search(value):
                    raw.title = (r, value)
                    continue
                if r < 4 and not raw.other_form:
                    if _OTHER_FORM_RE.search(unicodedata.normalize("NFKC", value)):
                        raw.other_form = value.strip()
                        continue
            label, column = known.get(value) or layout.label_keys(value)
            if label:
                raw.labels.setdefault(label, (r, c))
            if column:
                found.setdefault(column, c)
        if "category" in found and "name" in found:
            raw.header, raw.columns = r, found
            break
    return raw


@dataclass
class LocatedForm:
    """A form read from a worksheet or a JSON object, which says where its problems are.

    `cells`: key → (row, column letter, label) of what the reader found; `indicator_rows`: the
    rows of the indicator lines. A JSON object is located by its number and the key."""

    layout: ClassVar[FormLayout]
    json_keys: ClassVar[dict[str, str]] = {}  # an indicator column's key in the JSON schema

    cells: dict = field(default_factory=dict)
    indicator_rows: list[int] = field(default_factory=list)
    sheet: str = ""
    json: bool = False

    def take(self, raw: RawForm, key: str, label: str):
        """The raw value of a label, its place noted under `key`; None if there is none."""
        found = raw.value(key)
        if found is None:
            return None
        self.cells[key] = (found.row, found.column, label)
        return found.value

    def text(self, raw: RawForm, key: str, label: str) -> str:
        return cell_text(self.take(raw, key, label))

    def read_heading(self, raw: RawForm) -> None:
        """What heads every project's form: 区划, 项目名称, 项目编码, 主管部门, 实施单位."""
        region = self.text(raw, "region", "区划")
        self.region_code = region.split()[0] if region else ""
        self.project_code = self.text(raw, "project_code", "项目编码")
        self.project_name = self.text(raw, "project_name", "项目名称")
        self.supervisor = self.text(raw, "supervisor", "主管部门")
        self.unit_name = self.text(raw, "implementer", "实施单位")

    def where(self, key: str, message: str, label: str = "") -> Problem:
        row, column, found = self.cells.get(key, (None, "", ""))
        if self.json:
            return Problem(message, sheet=self.sheet, row=row, field=found)
        return Problem(message, sheet=self.sheet, row=row, column=column, field=label or found)

    def at_indicator(self, index: int, key: str, message: str) -> Problem:
        """A problem in the indicator table: its row and column, or the JSON object's key."""
        row = self.indicator_rows[index] if index < len(self.indicator_rows) else None
        if self.json:
            field_name = f"indicators[{index}].{self.json_keys.get(key, key)}"
            return Problem(message, sheet=self.sheet, row=row, field=field_name)
        _row, column, label = self.cells.get(f"column:{key}", (None, "", ""))
        label = label or self.layout.column_labels.get(key, key)
        return Problem(message, sheet=self.sheet, row=row, column=column, field=label)


# --------------------------------------------------------------------------- writing


class Styles:
    """The form's cell styles, built once per workbook and copied onto cells by their index
    arrays: styling 2 million cells one attribute at a time would take minutes."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        body, label = Font(name="宋体", size=10), Font(name="宋体", size=10, bold=True)
        center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        fill = PatternFill("solid", fgColor="F2F2F2")
        boxed = {"font": body, "alignment": center, "border": border}
        label_spec = {"font": label, "alignment": center, "border": border, "fill": fill}
        self.specs = {
            "title": {"font": Font(name="宋体", size=16, bold=True), "alignment": center},
            "label": label_spec,
            "extra_label": {**label_spec, "fill": PatternFill("solid", fgColor="DDEBF7")},
            "text": {"font": body, "alignment": left, "border": border},
            "center": boxed,
            "money": {**boxed, "number_format": MONEY_FORMAT},
            "score": {**boxed, "number_format": SCORE_FORMAT},
            "rate": {**boxed, "number_format": "0.00%"},
            "flag": {  # a unit's own score that breaks the rules
                **boxed,
                "font": Font(name="宋体", size=10, bold=True, color="C00000"),
                "number_format": FLAG_FORMAT,
                "fill": PatternFill("solid", fgColor="FCE4E4"),
            },
            "box": {"border": border},
            "plain_label": {"font": label, "alignment": left},
            "plain": {"font": body, "alignment": left},
            "note": {"font": Font(name="宋体", size=9, color="555555"), "alignment": left},
        }
        self._arrays: dict[str, object] = {}

    def apply(self, cell, kind: str) -> None:
        array = self._arrays.get(kind)
        if array is not None:
            cell._style = copy(array)
            return
        for attr, value in self.specs[kind].items():
            setattr(cell, attr, value)
        self._arrays[kind] = copy(cell._style)


def put(ws, st: Styles, row: int, col: int, value, kind: str, end_col: int | None = None):
    """Write a value (formula-safe) in a style, and merge it across to `end_col`."""
    cell = ws.cell(row=row, column=col, value=safe_cell(value))
    st.apply(cell, kind)
    last = end_col or col
    if last > col:
        if "border" in st.specs[kind]:
            for c in range(col + 1, last + 1):
                st.apply(ws.cell(row=row, column=c), "box")
        merge(ws, row, col, row, last)
    return cell


def merge(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Merge a range whose cells are already styled and empty but for the first. openpyxl's
    `merge_cells` would restyle every range's edges, which costs more than writing the form;
    the file only needs the range's reference."""
    from openpyxl.worksheet.cell_range import CellRange

    ws.merged_cells.add(
        CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row)
    )


def merge_runs(ws, keys: Sequence[tuple], first: int, col: int) -> None:
    """Merge a column's equal neighbours (一级 and 二级 indicators), as the form prints them."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i < len(keys) and keys[i] == keys[start]:
            continue
        if i - start > 1 and keys[start][-1]:
            for covered in range(first + start + 1, first + i):
                ws.cell(row=covered, column=col).value = None
            merge(ws, first + start, col, first + i - 1, col)
        start = i


def text_height(value: str, chars_per_line: int, minimum: int = 24) -> float:
    """A row's height for a wrapped text of so many characters a line."""
    lines = sum(max(1, -(-len(part) // chars_per_line)) for part in (value or "").split("\n"))
    return max(minimum, min(400, 15 * lines))


def pair_row(ws, st: Styles, layout: FormLayout, row: int, pairs: Sequence[tuple[str, object]]):
    """A row of label | value pairs: two in the layout's spans, or one across the form."""
    spans = layout.pair_spans if len(pairs) > 1 else [(1, 1, 2, layout.width)]
    for (label, value), (lc, le, vc, ve) in zip(pairs, spans, strict=False):
        put(ws, st, row, lc, label, "label", le)
        put(ws, st, row, vc, value, "text", ve)


def write_block(ws, st: Styles, layout: FormLayout, *, title: str, region: str, pairs) -> int:
    """The title, the 区划 | 金额单位 line and the rows of label | value pairs; the next row."""
    width = layout.width
    put(ws, st, 1, 1, title, "title", width)
    ws.row_dimensions[1].height = 32
    put(ws, st, 2, 1, "区划", "plain_label")
    put(ws, st, 2, 2, region, "plain", layout.pair_spans[0][3])
    put(ws, st, 2, layout.money_unit_at, "金额单位", "plain_label")
    put(ws, st, 2, layout.money_unit_at + 1, "万元", "plain", width)
    for row, pair in enumerate(pairs, start=3):
        pair_row(ws, st, layout, row, pair)
    return 3 + len(pairs)


def write_indicators(
    ws,
    st: Styles,
    layout: FormLayout,
    header: int,
    rows: Sequence[dict],
    *,
    labels: Mapping[str, str] | None = None,
    style: Callable[[str, dict], str | None] | None = None,
    blank_rows: int | None = None,
) -> int:
    """The indicator table: its header (`labels` replace some), a row per line with 一级/二级
    merged over equal neighbours, then empty boxed rows (one when there are no lines). The
    last row written."""
    columns = layout.indicator_columns
    for col, column in enumerate(columns, start=1):
        label = (labels or {}).get(column.key, column.label)
        put(ws, st, header, col, label, "extra_label" if column.extra else "label")
    ws.row_dimensions[header].height = layout.header_height
    first = header + 1
    kinds = [
        (col, c.key, c.style or ("text" if c.wrap else "center"))
        for col, c in enumerate(columns, start=1)
    ]
    for offset, line in enumerate(rows):
        for col, key, kind in kinds:
            value = line.get(key)
            kind = (style and style(key, line)) or kind
            put(ws, st, first + offset, col, None if value == "" else value, kind)
    for col, key in (
        (1, lambda r: (r.get("category"),)),
        (2, lambda r: (r.get("category"), r.get("subcategory"))),
    ):
        merge_runs(ws, [key(r) for r in rows], first, col)
    blank = blank_rows if blank_rows is not None else (0 if rows else 1)
    last = first + len(rows) - 1
    for r in range(last + 1, last + 1 + blank):
        for col in range(1, len(columns) + 1):
            st.apply(ws.cell(row=r, column=col), "box")
    return last + blank


def signature(ws, st: Styles, layout: FormLayout, row: int, spaces: int = 6) -> None:
    """The line the filer signs under the form."""
    gap = "\u3000" * spaces
    line = f"填报人：{gap}联系电话：{gap}单位负责人（签字）：{gap}填报日期："
    put(ws, st, row, 1, line, "plain", layout.width)


def setup_page(
    ws, layout: FormLayout, header_row: int, last_row: int | None = None, orientation: str = ""
) -> None:
    """A4, one page wide, the indicator header repeated on every page; columns beyond the
    printed ones stay outside the print area."""
    for col, column in enumerate(layout.indicator_columns):
        ws.column_dimensions[column_letter(col)].width = column.width
    ws.page_setup.orientation = orientation or layout.orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_title_rows = f"{header_row}:{header_row}"
    if last_row and layout.width < len(layout.indicator_columns):
        ws.print_area = f"A1:{column_letter(layout.width - 1)}{last_row}"


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


def workbook(
    forms: Iterable,
    write: Callable,
    sheet_name: Callable[[object], tuple[str, str]],
    *,
    empty_title: str,
    empty: Callable,
):
    """A workbook with one worksheet per form. `sheet_name(form)` gives the sheet's name and
    what tells two forms of that name apart (prefixed to the second); `write(ws, form, st)`
    writes a form; `empty(ws, st)` the blank form of a book without any."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    st, used = Styles(), set()
    for form in forms:
        name, qualifier = sheet_name(form)
        if name.casefold() in used and qualifier:
            name = f"{qualifier}-{name}"
        write(book.create_sheet(sheet_title(name, used)), form, st)
    if not book.worksheets:
        empty(book.create_sheet(empty_title), st)
    return book
