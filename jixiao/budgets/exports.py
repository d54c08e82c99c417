"""Project exports in the import layout (xlsx) and the API's shape (JSON)."""

import openpyxl
from django.utils.translation import pgettext

from jixiao.core.exports import json_bytes, register_exporter, workbook_bytes
from jixiao.core.tabular import write_sheet

from .importers import ProjectImporter
from .models import FUNDING_SOURCES, STAGES, Project
from .selectors import project_list

HEADERS = [c.label for c in ProjectImporter.columns]
WIDTHS = [8, 18, 40, 14, 16, 18, *[14] * 8, 10, 10, 40]


def project_row(p: Project) -> list:
    amounts = []
    for stage, _s in STAGES:
        amounts += [getattr(p, f"{stage}_{src}") for src, _l in FUNDING_SOURCES]
        amounts.append(p.initial_total if stage == "initial" else p.full_total)
    return [
        p.year,
        p.code,
        p.name,
        p.unit.code,
        "、".join(k.label for k in p.kinds.all()),
        p.parent.code if p.parent else "",
        *amounts,
        "是" if p.multi_year else "否",
        "是" if p.serves_public else "否",
        p.description,
    ]


def projects_workbook(rows, *, title: str = ""):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = pgettext("heading", "项目")
    write_sheet(
        ws,
        HEADERS,
        (project_row(p) for p in rows),
        title=title,
        widths=WIDTHS,
        money_columns=range(6, 14),
    )
    return book


@register_exporter("projects", rows=project_list)
def export_projects(reader, region, year, fmt: str) -> bytes:
    rows = project_list(user=reader, region=region, year=year)
    if fmt == "json":
        from .api import serialize

        return json_bytes([serialize(p) for p in rows])
    return workbook_bytes(projects_workbook(rows))
