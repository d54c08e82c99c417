"""Official forms in xlsx (申报表, 监控表, 自评表): the cell styles, formula-safe writing and
merging that every stage's form uses, and reading a cell back as the user typed it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from .imports import text
from .tabular import safe_cell

MONEY_FORMAT = "#,##0.00####"


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
        self.specs = {
            "title": {"font": Font(name="宋体", size=16, bold=True), "alignment": center},
            "label": {"font": label, "alignment": center, "border": border, "fill": fill},
            "text": {"font": body, "alignment": left, "border": border},
            "center": {"font": body, "alignment": center, "border": border},
            "money": {
                "font": body,
                "alignment": center,
                "border": border,
                "number_format": MONEY_FORMAT,
            },
            "box": {"border": border},
            "plain_label": {"font": label, "alignment": left},
            "plain": {"font": body, "alignment": left},
            "note": {"font": Font(name="宋体", size=9, color="555555"), "alignment": left},
        }
        self._arrays: dict[str, object] = {}

    def apply(self, cell, kind: str) -> None:
        from copy import copy

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
