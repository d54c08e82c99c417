"""Monitoring out: `jixiao export monitoring` — the official 绩效运行监控表 in xlsx (one worksheet
per report, the layout `jixiao import monitoring` reads) or schemas/monitoring JSON — and
`jixiao export alerts`, a flat list of the alerts in xlsx or JSON.

Both start from the selectors of the pages (`report_list`, `alert_list`) with the reader, so a
file holds exactly what that reader could see (DESIGN.md, Import and export).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone

from jixiao.budgets.models import Payment
from jixiao.core.exports import (
    decimal_text,
    in_chunks,
    indicator_row,
    json_bytes,
    register_exporter,
    workbook_bytes,
)
from jixiao.orgs.selectors import unit_names

from .excel import LAYOUT, MonitoringForm, forms_workbook
from .models import Alert, Report, ReportIndicator
from .selectors import alert_list, report_list

CHUNK = 500  # reports per query


def form_of(report: Report, names: tuple[str, str] | None = None) -> MonitoringForm:
    """A stored report as the form shows it: values as the unit typed them."""
    unit_name, supervisor = names or (report.unit.name, report.unit.name)
    project = report.project
    return MonitoringForm(
        year=report.year,
        period_end=report.round.period_end,
        round_code=report.round.code,
        region_code=report.region.code,
        region_name=report.region.name,
        project_code=project.code,
        project_name=project.name,
        supervisor=supervisor,
        unit_name=unit_name,
        amounts={
            "initial": project.initial_total,
            "full_year": project.full_total,
            "executed": report.executed,
            "expected_full_year": report.expected_full_year,
            "contract_amount": report.contract_amount,
        },
        execution_note=report.execution_note,
        indicators=[
            indicator_row(i, LAYOUT, target="target_text") for i in report.indicators.all()
        ],
    )


def _load(pks):
    return (
        Report.objects.filter(pk__in=pks)
        .select_related("round", "project", "project__parent", "unit", "region")
        .prefetch_related(
            Prefetch("indicators", queryset=ReportIndicator.objects.order_by("position")),
            "project__kinds",
        )
    )


def _reports(rows) -> Iterator[tuple[Report, MonitoringForm, dict]]:
    """Reports with their details, a chunk at a time, in the list's order, with the
    project's monthly payments."""
    for reports in in_chunks(rows, _load, CHUNK):
        names = unit_names(reports)
        payments = defaultdict(dict)
        for project_id, month, amount in (
            Payment.objects.filter(project_id__in={r.project_id for r in reports})
            .order_by("project_id", "month")
            .values_list("project_id", "month", "amount")
        ):
            payments[project_id][month] = amount
        for report in reports:
            yield (
                report,
                form_of(report, names.get((report.unit_id, report.year))),
                payments.get(report.project_id, {}),
            )


def report_data(report: Report, form: MonitoringForm, payments: dict) -> dict:
    """One schemas/monitoring object; money as strings with its stored precision."""
    project = report.project
    submitted = timezone.localdate(report.submitted_at) if report.submitted_at else None
    data = {
        "region": report.region.code,
        "year": report.year,
        "round": report.round.code,
        "as_of": report.round.period_end.isoformat(),
        "deadline": report.round.deadline.isoformat(),
        "submitted": submitted.isoformat() if submitted else None,
        "status": report.status,
        "unit": {"code": report.unit.code, "name": form.unit_name},
        "project": {
            "code": project.code,
            "name": project.name,
            "kinds": [k.label for k in project.kinds.all()],
            "parent_code": project.parent.code if project.parent_id else None,
        },
        "budget": {
            k: decimal_text(form.amounts.get(k))
            for k in ("initial", "full_year", "executed", "expected_full_year", "contract_amount")
        },
        "execution_from_payments": report.execution_from_payments,
        "execution_note": report.execution_note or None,
        "indicators": [
            {
                "category": i["category"],
                "subcategory": i["subcategory"],
                "name": i["name"],
                "target": i["target"],
                "progress": i["progress"] or None,
                "expected": i["expected"] or None,
                "likelihood": i["likelihood"] or None,
                "cause": i["cause"] or None,
                "explanation": i["explanation"] or None,
                "measures": i["measures"] or None,
            }
            for i in form.indicators
        ],
    }
    if payments:
        data["payments"] = [{"month": m, "amount": decimal_text(a)} for m, a in payments.items()]
    return data


def reports_bytes(rows, fmt: str) -> bytes:
    items = _reports(rows)
    if fmt == "json":
        return json_bytes([report_data(r, f, p) for r, f, p in items])
    return workbook_bytes(forms_workbook(f for _r, f, _p in items))


@register_exporter("monitoring", rows=report_list)
def export_monitoring(reader, region, year, fmt: str) -> bytes:
    """`jixiao export monitoring --region R --year Y --format xlsx|json -o FILE`."""
    return reports_bytes(report_list(user=reader, region=region, year=year), fmt)


# --- alerts: a flat list ---------------------------------------------------------------------

ALERT_HEADERS = (
    "预警代码",
    "等级",
    "区划",
    "年度",
    "监控批次",
    "单位编码",
    "预算单位",
    "项目编码",
    "项目名称",
    "指标序号",
    "预警内容",
    "计算过程",
    "预警时间",
    "处置期限",
    "状态",
    "处置方式",
    "处置理由",
    "处置时间",
    "资金暂停时间",
)
ALERT_WIDTHS = (8, 6, 9, 6, 12, 10, 24, 16, 28, 8, 40, 40, 17, 11, 14, 10, 30, 17, 17)


def _when(value) -> str | None:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def alert_row(alert: Alert) -> dict:
    return {
        "code": alert.code,
        "level": alert.level,
        "region": alert.region.code,
        "year": alert.year,
        "round": alert.round.code if alert.round_id else None,
        "unit": {"code": alert.unit.code, "name": alert.unit.name},
        "project": {"code": alert.project.code, "name": alert.project.name},
        "indicator": alert.indicator,
        "message": alert.message,
        "explanation": alert.explanation,
        "raised_at": _when(alert.raised_at),
        "due_date": alert.due_date.isoformat(),
        "status": alert.status,
        "disposal": alert.disposal or None,
        "disposal_reason": alert.disposal_reason or None,
        "disposed_at": _when(alert.disposed_at),
        "suspended_at": _when(alert.suspended_at),
    }


def alerts_bytes(rows, fmt: str) -> bytes:
    rows = rows.select_related("region", "unit", "project", "round")
    if fmt == "json":
        return json_bytes([alert_row(a) for a in rows.iterator(chunk_size=2000)])
    import openpyxl

    from jixiao.core.tabular import write_sheet

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "预警"
    lines = []
    for a in rows.iterator(chunk_size=2000):
        d = alert_row(a)
        lines.append(
            [
                a.code,
                a.get_level_display(),
                d["region"],
                a.year,
                d["round"],
                a.unit.code,
                a.unit.name,
                a.project.code,
                a.project.name,
                None if a.indicator is None else a.indicator + 1,
                a.message,
                a.explanation,
                d["raised_at"],
                d["due_date"],
                a.get_status_display(),
                a.get_disposal_display() if a.disposal else None,
                a.disposal_reason or None,
                d["disposed_at"],
                d["suspended_at"],
            ]
        )
    write_sheet(ws, ALERT_HEADERS, lines, title="绩效运行监控预警清单", widths=ALERT_WIDTHS)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook_bytes(book)


@register_exporter("alerts", rows=alert_list)
def export_alerts(reader, region, year, fmt: str) -> bytes:
    """`jixiao export alerts --region R --year Y --format xlsx|json -o FILE`."""
    return alerts_bytes(alert_list(user=reader, region=region, year=year), fmt)
