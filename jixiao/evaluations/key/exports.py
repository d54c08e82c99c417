"""Key evaluations out: `jixiao export key-evaluations --region R --year Y --format xlsx|json
-o FILE` — the work year's evaluations as the list page and the API see them.

Both formats start from `selectors.key_list` with the reader (DESIGN.md, Import and export).
The xlsx is one titled sheet with a header row; the JSON is the API's object with the amount,
the dates, the conclusion and each indicator's panel result. Neither holds the experts' raw
scores: those stay in the system, for the office to read.
"""

from __future__ import annotations

import openpyxl
from django.utils.translation import gettext as _

from jixiao.core.exports import decimal_text, json_bytes, register_exporter, workbook_bytes
from jixiao.core.tabular import write_sheet

from .api import indicator_rows, serialize, with_panel
from .models import KeyEvaluation, KeyKind, KeyStatus
from .selectors import key_list

WIDTHS = [8, 36, 14, 32, 12, 24, 10, 14, 28, 24, 16, 10, 10, 14, 24]
MONEY_COLUMNS = (13,)


def headers() -> list[str]:
    return [
        _("评价年度"),
        _("评价对象"),
        _("项目编码"),
        _("项目名称"),
        _("单位编码"),
        _("被评价单位"),
        _("评价类型"),
        _("特殊类别"),
        _("第三方机构"),
        _("评审专家"),
        _("状态"),
        _("评价得分"),
        _("评价等级"),
        _("评价金额（万元）"),
        _("委托单位（部门评价）"),
    ]


def row(evaluation: KeyEvaluation, kinds: dict, statuses: dict) -> list:
    project = evaluation.project
    return [
        evaluation.year,
        evaluation.subject,
        project.code if project else "",
        project.name if project else "",
        evaluation.unit.code,
        evaluation.unit.name,
        kinds.get(evaluation.kind, evaluation.kind),
        evaluation.special_kind,
        evaluation.agency.name if evaluation.agency_id else "",
        "、".join(m.expert.name for m in evaluation.panel.members.all()),
        statuses.get(evaluation.status, evaluation.status),
        evaluation.score,
        evaluation.grade,
        evaluation.amount,
        evaluation.commissioner.name if evaluation.commissioner_id else "",
    ]


def workbook(rows, *, title: str = ""):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("重点评价")
    kinds = {k: str(label) for k, label in KeyKind.choices}
    statuses = {s: str(label) for s, label in KeyStatus.choices}
    write_sheet(
        ws,
        headers(),
        (row(e, kinds, statuses) for e in rows),
        title=title,
        widths=WIDTHS,
        money_columns=MONEY_COLUMNS,
    )
    for cells in ws.iter_rows(min_row=3 if title else 2, min_col=12, max_col=12):
        for cell in cells:
            cell.number_format = "0.00"
    return book


def export_data(evaluation: KeyEvaluation) -> dict:
    return serialize(evaluation) | {
        "amount": decimal_text(evaluation.amount),
        "notified_on": evaluation.notified_on.isoformat() if evaluation.notified_on else None,
        "archived_on": evaluation.archived_on.isoformat() if evaluation.archived_on else None,
        "conclusion": evaluation.conclusion,
        "indicators": indicator_rows(evaluation.panel),
    }


@register_exporter("key-evaluations", rows=key_list)
def export_key_evaluations(reader, region, year, fmt: str) -> bytes:
    """`jixiao export key-evaluations --region R --year Y --format xlsx|json -o FILE`."""
    rows = with_panel(key_list(user=reader, region=region, year=year)).prefetch_related(
        "panel__indicators"
    )
    if fmt == "json":
        return json_bytes([export_data(e) for e in rows])
    title = _("%(region)s %(year)s 年度重点评价") % {"region": region.name, "year": year}
    return workbook_bytes(workbook(rows, title=title))
