"""`jixiao export fund-actions --region R --year Y --format xlsx|json -o FILE`: the fund actions
of the projects of year Y, as the list page shows and downloads them (amounts as decimal strings
in JSON, numbers with 6 decimals in xlsx)."""

from __future__ import annotations

import openpyxl
from django.utils.translation import gettext as _

from jixiao.core.exports import json_bytes, register_exporter, workbook_bytes
from jixiao.core.tabular import write_sheet

from .api_funds import serialize
from .fund_actions import fund_action_list
from .views_funds import sheet_headers, sheet_rows


def fund_action_rows(*, user, region, year):
    return fund_action_list(user=user, region=region, year=year)


@register_exporter("fund-actions", rows=fund_action_rows)
def export_fund_actions(reader, region, year, fmt: str) -> bytes:
    rows = fund_action_rows(user=reader, region=region, year=year)
    if fmt == "json":
        return json_bytes([serialize(a) for a in rows])
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("资金处理")
    write_sheet(
        ws, sheet_headers(), sheet_rows(rows), title=_("资金调整、收回和盘活"), money_columns=(4,)
    )
    return workbook_bytes(book)
