"""The unit assessment's files: the ranking as an official xlsx table and a one-page Word
report per unit. Both read stored `UnitAssessment` rows (the parts as computed, with their
explanations); downloads go through `core.views.download_response`, which audits them."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _

from jixiao.core.messages import localized
from jixiao.core.tabular import write_sheet
from jixiao.evaluations.key.docx_writer import OfficialDocx

from .assessment import PARTS
from .models import UnitAssessment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def part_labels(rows) -> list[tuple[str, str]]:
    """(key, "label（weight分）") of the parts, in order, as the first row stored them."""
    for row in rows:
        if row.parts:
            return [(p["key"], _("%(label)s（%(w)s分）") % _label(p)) for p in row.parts]
    return [(key, key) for key in PARTS]


def _label(part: dict) -> dict:
    return {"label": localized(part, "label") or part["key"], "w": _points(part["weight"])}


def _points(text) -> str:
    value = Decimal(str(text))
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value}"


def sheet_headers(labels) -> list[str]:
    return [
        _("单位编码"),
        _("单位名称"),
        *[label for _key, label in labels],
        _("计算得分"),
        _("调整"),
        _("总分"),
        _("排名"),
    ]


def sheet_row(row: UnitAssessment, labels) -> list:
    points = {p["key"]: Decimal(p["points"]) for p in row.parts}
    return [
        row.unit.code,
        row.unit.name,
        *[points.get(key) for key, _label in labels],
        row.computed,
        row.adjustment,
        row.score,
        row.rank,
    ]


def ranking_workbook(rows, *, title: str):
    """The ranking as one titled sheet: 单位名称, each part's points, 调整, 总分, 排名."""
    rows = list(rows)
    labels = part_labels(rows)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("考核排名")
    headers = sheet_headers(labels)
    write_sheet(
        ws,
        headers,
        (sheet_row(r, labels) for r in rows),
        title=title,
        widths=[12, 32, *[14] * len(labels), 12, 10, 10, 8],
    )
    for cells in ws.iter_rows(min_row=3, min_col=3, max_col=len(headers) - 1):
        for cell in cells:
            cell.number_format = "0.00"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    return book


def ranking_title(region, year: int) -> str:
    return _("%(region)s%(year)s年度部门预算绩效管理工作考核结果") % {
        "region": region.name,
        "year": year,
    }


def unit_report_docx(assessment: UnitAssessment, *, total: int | None = None) -> bytes:
    """One page: the unit's parts (points and explanation), the office's adjustments, the
    score and the rank among `total` units."""
    doc = OfficialDocx()
    doc.title(
        _("%(unit)s%(year)s年度预算绩效管理工作考核情况")
        % {"unit": assessment.unit.name, "year": assessment.year}
    )
    rank = assessment.rank or "—"
    doc.para(
        _(
            "考核得分%(score)s分（计算得分%(computed)s分，调整%(adjustment)s分），排名第%(rank)s位%(of)s。"
        )
        % {
            "score": assessment.score,
            "computed": assessment.computed,
            "adjustment": f"{assessment.adjustment:+}",
            "rank": rank,
            "of": _("（共%(n)s个单位）") % {"n": total} if total else "",
        }
    )
    doc.heading(_("一、分项得分"))
    doc.table(
        [_("考核内容"), _("分值"), _("得分"), _("计算说明")],
        [
            [
                localized(p, "label") or p["key"],
                _points(p["weight"]),
                p["points"],
                localized(p, "explanation"),
            ]
            for p in assessment.parts
        ],
    )
    adjustments = list(assessment.adjustments.all())
    doc.heading(_("二、调整事项"))
    if adjustments:
        doc.table(
            [_("调整分值"), _("调整理由"), _("依据文件")],
            [[f"{a.points:+}", a.reason, a.document_number] for a in adjustments],
        )
    else:
        doc.para(_("无。"))
    return doc.to_bytes()
