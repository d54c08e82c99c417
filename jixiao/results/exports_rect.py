"""Rectifications out: `jixiao export rectifications --region R --year Y --format xlsx|json -o
FILE` (Y the work year the items were issued in) and the list page's xlsx. The JSON is the API's
objects; the sheet has one row per item with its deadlines and the overdue flag."""

from __future__ import annotations

import openpyxl
from django.utils.translation import gettext as _

from jixiao.core.exports import json_bytes, register_exporter, workbook_bytes
from jixiao.core.tabular import write_sheet

from .api_rectifications import serialize
from .selectors import rectification_list, with_overdue


def _iso(value) -> str:
    return value.isoformat() if value else ""


def sheet_headers() -> list[str]:
    return [
        _("整改编号"), _("预算单位"), _("项目"), _("来源"), _("下达股室"), _("存在问题"),
        _("整改要求"), _("状态"), _("下达日期"), _("接收日期"), _("方案期限"), _("整改期限"),
        _("销号日期"), _("逾期"),
    ]  # fmt: skip


def sheet_rows(rows) -> list[list]:
    return [
        [
            r.number,
            r.unit.name,
            r.project.name if r.project_id else "",
            r.get_source_display(),
            r.issuer.name,
            r.problem,
            r.required_action,
            r.get_status_display(),
            _iso(r.issued_on),
            _iso(r.received_on),
            _iso(r.plan_due),
            _iso(r.due),
            _iso(r.closed_on),
            _("是") if r.is_overdue else _("否"),
        ]
        for r in rows
    ]


def rectifications_workbook(rows, *, title: str) -> openpyxl.Workbook:
    """The sheet of the items `rows` (each with its `is_overdue` flag, `with_overdue`)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("整改事项")
    widths = [14, 20, 20, 12, 12, 40, 40, 14, 12, 12, 12, 12, 12, 8]
    write_sheet(ws, sheet_headers(), sheet_rows(rows), title=title, widths=widths)
    return book


@register_exporter("rectifications", rows=rectification_list)
def export_rectifications(reader, region, year, fmt: str) -> bytes:
    """`jixiao export rectifications --region R --year Y --format xlsx|json -o FILE`."""
    rows = with_overdue(rectification_list(reader, region, year))
    if fmt == "json":
        return json_bytes([serialize(r) for r in rows])
    title = _("%(region)s %(year)s 年度整改事项") % {"region": region.name, "year": year}
    return workbook_bytes(rectifications_workbook(rows, title=title))
