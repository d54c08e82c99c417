"""Unit exports in the import layout (xlsx) and the API's shape (JSON)."""

import openpyxl
from django.utils.translation import gettext as _

from jixiao.core.exports import json_bytes, register_exporter, workbook_bytes
from jixiao.core.tabular import write_sheet

from .importers import UnitImporter
from .selectors import unit_year_list

HEADERS = [c.label for c in UnitImporter.columns]
WIDTHS = [8, 16, 36, 10, 16, 20, 10]


def units_workbook(rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("预算单位")
    data = (
        [
            r.year,
            r.unit.code,
            r.name,
            "一级" if r.level == 1 else "二级",
            r.parent.code if r.parent else "",
            r.office.code if r.office else "",
            "是" if r.unit.serves_public else "否",
        ]
        for r in rows
    )
    write_sheet(ws, HEADERS, data, widths=WIDTHS)
    return book


@register_exporter("units", rows=unit_year_list)
def export_units(reader, region, year, fmt: str) -> bytes:
    rows = unit_year_list(user=reader, region=region, year=year)
    if fmt == "json":
        return json_bytes(
            [
                {
                    "id": r.unit_id,
                    "code": r.unit.code,
                    "name": r.name,
                    "level": r.level,
                    "parent": r.parent.code if r.parent else None,
                    "office": r.office.code if r.office else None,
                    "region": region.code,
                    "year": r.year,
                }
                for r in rows
            ]
        )
    return workbook_bytes(units_workbook(rows))
