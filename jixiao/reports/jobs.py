"""The reports' long work as background jobs (`core/jobs.py`): the annual work summary (Word)
and the xlsx of a list behind a figure past the rulebook's row threshold. Both run as the job's
user through `WorkYear`, the same scoped reads as the pages, and only read (atomic=False)."""

from __future__ import annotations

import re

import openpyxl
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import jobs
from jixiao.core.exports import workbook_bytes
from jixiao.core.tabular import write_sheet

from .dashboards import topic_for, valid_keys
from .records import LazyRows
from .selectors import WorkYear, region_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def summary_filename(region, year: int) -> str:
    return _("%(region)s%(year)s年度预算绩效管理工作总结.docx") % {
        "region": region.name,
        "year": year,
    }


def _region(job):
    from django.http import Http404

    try:
        return region_for(job.user, job.params["region"])
    except Http404:
        raise jobs.JobError(_("区划不存在或不在您的权限范围内。")) from None


def summary_job(job, progress) -> jobs.JobFile:
    """The annual work summary of the job's region and work year, as its user sees it."""
    from .summary import summary_docx

    region, year = _region(job), int(job.params["year"])
    data = summary_docx(user=job.user, region=region, year=year, progress=progress.over)
    # A document of figures, not a list: its export entry has no row count.
    return jobs.JobFile(data, summary_filename(region, year), DOCX, audit_kind="summary")


def records_title(topic, key: str, keys: dict[str, str]) -> str:
    if key:
        return _("%(topic)s：%(key)s") % {"topic": topic.label, "key": keys[key]}
    return str(topic.label)


def _cell(value):
    return str(value) if isinstance(value, Promise) else value


def records_workbook(topic, rows, *, title: str, region, year: int):
    """The list behind a figure as a workbook, and its file name."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(topic.label)[:31]
    heading = _("%(region)s %(year)s 年度 %(title)s") % {
        "region": region.name,
        "year": year,
        "title": title,
    }
    write_sheet(
        sheet,
        [str(h) for h in topic.headers],
        [[_cell(c) for c in r.cells] for r in rows],
        title=heading,
        money_columns=topic.money_columns,
        widths=[22 if i == 1 else 14 for i in range(len(topic.headers))],
    )
    # A file name keeps to what every file system takes: the title's colon becomes a dash.
    filename = re.sub(r'[：:/\\?*"<>|]', "-", f"{region.name}{year}{title}.xlsx")
    return book, filename


def records_job(job, progress) -> jobs.JobFile:
    """The xlsx of the list behind a figure (`records` page, `?format=xlsx`)."""
    region, year = _region(job), int(job.params["year"])
    topic = topic_for(job.params["topic"])
    key = job.params.get("key", "")
    work = WorkYear(user=job.user, region=region, year=year)
    keys = valid_keys(topic, work) if topic else {}
    if topic is None or (key and key not in keys):
        raise jobs.JobError(_("这份清单已不存在。"))
    rows = topic.rows(work, key)
    rows = rows if isinstance(rows, LazyRows) else list(rows)
    total = len(rows)
    book, filename = records_workbook(
        topic,
        progress.over(rows, total),
        title=records_title(topic, key, keys),
        region=region,
        year=year,
    )
    return jobs.JobFile(
        workbook_bytes(book), filename, jobs.XLSX, audit_kind=f"records-{topic.slug}", rows=total
    )


jobs.register("summary", summary_job, label=gettext_lazy("年度工作总结"), atomic=False)
jobs.register("records-export", records_job, label=gettext_lazy("清单导出"), atomic=False)
