"""Dashboards (DOMAIN.md §9): the bureau's view of a work year, a unit's own view, the
list behind every figure (with its xlsx export) and the annual work summary's download.

Every figure comes from `stats.year_stats` or `reports.dashboards` through the reader's own
scope, and every chart element links to the `records` list of the same queryset, so a bar and
its list cannot disagree. The chart definitions are plain data (`json_script`), drawn by
`static/jixiao/dashboard.js` with the ECharts of `static/vendor/`.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core.grades import glossed_grade
from jixiao.core.jobs import start_and_follow, too_big
from jixiao.core.navigation import todos_for
from jixiao.core.views import paginate, role_required, xlsx_response
from jixiao.evaluations.models import EvaluationStatus
from jixiao.monitoring.models import Alert
from jixiao.results.models import FundActionKind
from jixiao.targets.models import TargetStatus

from ..dashboards import (
    REPORT_STATES,
    dashboard_figures,
    dashboard_unit_standing,
    report_states,
    short_names,
    shorten,
    topic_for,
    valid_keys,
)
from ..jobs import records_title, records_workbook
from ..navigation import DASHBOARD_READERS, UNIT_DASHBOARD_READERS
from ..records import TOPICS, LazyRows
from ..selectors import WorkYear
from ..stats import GRADES, LINT_LABELS, year_stats

RECORD_READERS = DASHBOARD_READERS | UNIT_DASHBOARD_READERS
#: Topics about the evaluations done in Y, which cover the projects and units of Y−1.
EVALUATED_TOPICS = {
    "selfevals",
    "selfeval-status",
    "special-kinds",
    "year-end-rush",
    "unit-evaluations",
}
BEHIND_SHOWN = 10
#: A unit's dashboard lists at most this many of its overdue rectifications.
OVERDUE_SHOWN = 10

# Colours that survive a grey-scale print: dark and light alternate.
STATUS_COLOURS = {
    "draft": "#9ca3af",
    "ready": "#6366f1",
    "parent_review": "#a16207",
    "submitted": "#f59e0b",
    "first_passed": "#0ea5e9",
    "approved": "#047857",
    "confirmed": "#047857",
    "returned": "#b91c1c",
    "rejected": "#7f1d1d",
    "superseded": "#d1d5db",
    "on_time": "#047857",
    "late": "#f59e0b",
    "missing": "#b91c1c",
    "pending": "#9ca3af",
}
LEVEL_COLOURS = {"red": "#b91c1c", "yellow": "#f59e0b"}
GRADE_COLOURS = ("#1d4ed8", "#93c5fd")


def _work(request):
    work = request.work
    if work.region is None:
        raise Http404
    return work.region, work.year


def _records_url(topic: str, key: str = "") -> str:
    url = _records_path(get_script_prefix(), topic)
    return f"{url}?{urlencode({'key': key})}" if key else url


@functools.lru_cache(maxsize=256)
def _records_path(prefix: str, topic: str) -> str:
    """A list's address, resolved once per topic (a dashboard links a hundred chart points to
    a dozen lists); by the script prefix, which the address starts with."""
    return reverse("dashboard-records", args=[topic])


def _point(value, topic: str, key: str) -> dict:
    return {"value": value, "url": _records_url(topic, key)}


# ── the bureau's dashboard ────────────────────────────────────────────────────────────────────
@role_required(*DASHBOARD_READERS)
def dashboard(request):
    region, year = _work(request)
    today = timezone.localdate()
    # One work year for both: after a change, what both count (the reports by unit, the
    # units' names) is counted once.
    work = WorkYear(user=request.user, region=region, year=year)
    stats = year_stats(user=request.user, region=region, year=year, today=today, work=work)
    own = dashboard_figures(user=request.user, region=region, year=year, today=today, work=work)
    execution = own["execution"]
    charts = {
        "targets": _targets_chart(stats),
        "reports": _reports_chart(stats),
        "selfevals": _selfeval_status_chart(year, own["selfeval_pipeline"]),
        "execution": _execution_chart(stats, execution, region),
        "alerts": _alerts_chart(own["alerts"]),
        "grades": _grades_chart(stats),
        "lint": _lint_chart(stats),
    }
    behind = own["behind"]
    return render(
        request,
        "reports/dashboard.html",
        {
            "region": region,
            "year": year,
            "evaluated_year": year - 1,
            "stats": stats,
            "facts": _facts(stats),
            "charts": charts,
            "tables": _tables(charts),
            "execution": stats["monitoring"]["execution"],
            "parts_by": execution["by"],
            "alert_links": _alert_links(stats),
            "results_links": _results_links(stats),
            "behind": behind[:BEHIND_SHOWN],
            "behind_total": len(behind),
            "stats_url": "/api/v1/stats?" + urlencode({"region": region.code, "year": year}),
        },
    )


def _tables(charts: dict) -> dict:
    """Each chart's figures as a table of links: what a screen reader, the keyboard and a
    reader who wants the exact numbers use instead of the canvas."""
    tables = {}
    for name, chart in charts.items():
        rows = []
        for i, category in enumerate(chart["categories"]):
            cells = [
                s["data"][i]
                if isinstance(s["data"][i], dict)
                else {"value": s["data"][i], "url": ""}
                for s in chart["series"]
            ]
            rows.append((category, cells))
        tables[name] = rows
    return tables


def _facts(stats: dict) -> list[dict]:
    units, targets = stats["units"], stats["targets"]
    selfeval, monitoring = stats["selfeval"], stats["monitoring"]
    evaluated = selfeval["year"]
    return [
        {
            "label": _("覆盖一级预算单位"),
            "value": f"{units['covered']} / {units['first_level']}",
            "note": _("覆盖率 %(r)s") % {"r": _pct(units["coverage_rate"])},
            "url": _records_url("units", "covered"),
        },
        {
            "label": _("申报绩效目标的项目"),
            "value": targets["projects_declared"],
            "note": _("部门整体目标 %(n)s 个单位") % {"n": targets["units_declared"]},
            "url": _records_url("targets", "declared"),
        },
        {
            "label": _("已批复绩效目标的项目"),
            "value": targets["projects_approved"],
            "note": _("%(m)s 万元") % {"m": _money(targets["funds_approved"])},
            "url": _records_url("targets", "approved"),
        },
        {
            "label": _("运行监控资金（万元）"),
            "value": _money(monitoring["funds"]),
            "note": _("%(n)s 个项目") % {"n": monitoring["projects"]},
            "url": _records_url("monitored"),
        },
        {
            "label": _("%(y)s 年度项目自评资金（万元）") % {"y": evaluated},
            "value": _money(selfeval["funds"]),
            "note": _("%(n)s 个项目") % {"n": selfeval["projects"]},
            "url": _records_url("selfevals"),
        },
        {
            "label": _("%(y)s 年度部门整体支出评价") % {"y": evaluated},
            "value": stats["unit_evaluations"],
            "note": _("一级预算单位 %(n)s 个") % {"n": units["first_level"]},
            "url": _records_url("unit-evaluations"),
        },
        {
            "label": _("现行制度文件"),
            "value": len(stats["policy_documents"]),
            "note": _("截至 %(y)s 年末") % {"y": stats["year"]},
            "url": _records_url("policies"),
        },
    ]


def _money(value) -> str:
    from jixiao.core.templatetags.jixiao import money

    return money(value)


def _pct(value) -> str:
    from jixiao.core.templatetags.jixiao import percent

    return percent(value)


def _percent_value(value):
    """A rate (fraction, Decimal) as a percentage Decimal for a chart axis, or None."""
    return None if value is None else (value * 100).quantize(Decimal("0.01"))


def _status_chart(title: str, topic: str, states, counts: dict) -> dict:
    """A horizontal bar per status (pipeline), each bar linking to its list."""
    shown = [(key, label) for key, label in states if counts.get(key)]
    return {
        "kind": "hbar",
        "title": title,
        "categories": [str(label) for _key, label in shown],
        "series": [
            {
                "name": title,
                "data": [
                    {
                        **_point(counts[key], topic, key),
                        "itemStyle": {"color": STATUS_COLOURS.get(key)},
                    }
                    for key, _label in shown
                ],
            }
        ],
    }


def _targets_chart(stats: dict) -> dict:
    return _status_chart(
        _("绩效目标申报（%(y)s 年度，按状态）") % {"y": stats["year"]},
        "targets",
        TargetStatus.choices,
        stats["targets"]["by_status"],
    )


def _reports_chart(stats: dict) -> dict:
    return _status_chart(
        _("运行监控报告（%(y)s 年度）") % {"y": stats["year"]},
        "reports",
        REPORT_STATES,
        report_states(stats["monitoring"]["reports"]),
    )


def _selfeval_status_chart(year: int, pipeline: dict) -> dict:
    return _status_chart(
        _("%(y)s 年度项目自评（按状态）") % {"y": year - 1},
        "selfeval-status",
        EvaluationStatus.choices,
        pipeline,
    )


def _execution_chart(stats: dict, execution: dict, region) -> dict:
    overall = stats["monitoring"]["execution"]
    prefixes = short_names(region)
    parts = execution["parts"]
    progress = _percent_value(overall["time_progress"])
    return {
        "kind": "bar",
        "percent": True,
        "title": _("各下级区划执行率") if execution["by"] == "region" else _("各预算单位执行率"),
        "categories": [shorten(p["name"], prefixes) for p in parts],
        "full_names": [p["name"] for p in parts],
        "series": [
            {
                "name": _("执行率"),
                "color": "#1d4ed8",
                "data": [_point(_percent_value(p["rate"]), "execution", p["key"]) for p in parts],
            },
            {
                "name": _("时间进度 %(p)s") % {"p": _pct(overall["time_progress"])},
                "type": "line",
                "color": "#b91c1c",
                "dashed": True,
                "data": [progress for _p in parts],
            },
        ],
    }


def _alerts_chart(counts: dict) -> dict:
    from jixiao.monitoring.alerts import CODES

    levels = (("red", _("红色预警")), ("yellow", _("黄色预警")))
    return {
        "kind": "bar",
        "stack": True,
        "title": _("预警（按代码和等级）"),
        "categories": list(CODES),
        "series": [
            {
                "name": label,
                "color": LEVEL_COLOURS[level],
                "data": [
                    _point(counts.get(code, {}).get(level, 0), "alerts", code) for code in CODES
                ],
            }
            for level, label in levels
        ],
    }


def _alert_links(stats: dict) -> list[dict]:
    monitoring = stats["monitoring"]
    status = monitoring["alert_status"]
    return [
        {
            "label": _("红色"),
            "n": monitoring["alert_levels"]["red"],
            "url": _records_url("alerts", "red"),
        },
        {
            "label": _("黄色"),
            "n": monitoring["alert_levels"]["yellow"],
            "url": _records_url("alerts", "yellow"),
        },
        {
            "label": _("待处置"),
            "n": status.get(Alert.Status.OPEN, 0),
            "url": _records_url("alerts", Alert.Status.OPEN),
        },
        {
            "label": _("已处置"),
            "n": status.get(Alert.Status.DISPOSED, 0),
            "url": _records_url("alerts", Alert.Status.DISPOSED),
        },
        {
            "label": _("逾期未处置"),
            "n": monitoring["overdue_alerts"],
            "url": _records_url("alerts", "overdue"),
        },
    ]


def overdue_rectifications_url() -> str:
    """The rectification list filtered to the overdue items; the list behind the figure until
    that page is installed."""
    try:
        return reverse("rectification-list") + "?overdue=1"
    except NoReverseMatch:
        return _records_url("rectifications", "overdue")


def _results_links(stats: dict) -> dict:
    """Using the results: the money adjusted, recovered and redeployed in Y and the
    rectifications, each linking to its list."""
    results = stats["results"]
    funds = (
        ("funds_adjusted", FundActionKind.ADJUST, _("调整资金")),
        ("funds_recovered", FundActionKind.RECOVER, _("收回资金")),
        ("funds_redeployed", FundActionKind.REDEPLOY, _("盘活资金")),
    )
    counts = results["rectifications"]
    rectifications = (
        ("issued", _("本年度下达")),
        ("closed", _("本年度销号")),
        ("closed_on_time", _("其中按期销号")),
    )
    return {
        "funds": [
            {
                "label": label,
                "n": _money(results[key]),
                "url": _records_url("fund-actions", kind),
            }
            for key, kind, label in funds
        ],
        "rectifications": [
            *(
                {"label": label, "n": counts[key], "url": _records_url("rectifications", key)}
                for key, label in rectifications
            ),
            {
                "label": _("逾期未整改"),
                "n": counts["overdue"],
                "url": overdue_rectifications_url(),
            },
        ],
        "others": [
            {
                "label": _("%(y)s 年度预算挂钩建议") % {"y": results["linkage"]["budget_year"]},
                "n": results["linkage"]["total"]["projects"],
                "url": _records_url("linkage"),
            },
            {
                "label": _("考核排名单位"),
                "n": results["unit_assessment"]["units"],
                "url": _records_url("unit-ranking"),
            },
            {
                "label": _("本年度已公开"),
                "n": results["disclosure"]["published"],
                "url": _records_url("disclosures", "published"),
            },
            {
                "label": _("未按期公开"),
                "n": results["disclosure"]["overdue"],
                "url": _records_url("disclosures", "overdue"),
            },
        ],
        "as_of": results["as_of"],
    }


def _grades_chart(stats: dict) -> dict:
    evaluated = stats["selfeval"]["year"]
    sources = (
        (_("项目自评"), stats["selfeval"]["grades"], "selfevals"),
        (_("部门整体支出评价"), stats["unit_evaluation_grades"], "unit-evaluations"),
    )
    return {
        "kind": "bar",
        "title": _("%(y)s 年度评价等级分布") % {"y": evaluated},
        "categories": [glossed_grade(g) for g in GRADES],
        "series": [
            {
                "name": name,
                "color": colour,
                "data": [_point(grades.get(g, 0), topic, g) for g in GRADES],
            }
            for (name, grades, topic), colour in zip(sources, GRADE_COLOURS, strict=True)
        ],
    }


def _lint_chart(stats: dict) -> dict:
    found = sorted(
        ((code, n) for code, n in stats["lint"].items() if n), key=lambda item: (-item[1], item[0])
    )
    return {
        "kind": "hbar",
        "title": _("绩效目标质量问题（按问题代码）"),
        "wide_labels": True,
        "categories": [f"{code} {LINT_LABELS.get(code, '')}" for code, _n in found],
        "series": [
            {
                "name": _("目标数"),
                "color": "#b45309",
                "data": [_point(n, "lint", code) for code, n in found],
            }
        ],
    }


# ── a unit's own dashboard ────────────────────────────────────────────────────────────────────
@role_required(*UNIT_DASHBOARD_READERS)
def unit_dashboard(request):
    region, year = _work(request)
    standing = dashboard_unit_standing(user=request.user, region=region, year=year)
    by_status = standing["targets"]["by_status"]
    labels = dict(TargetStatus.choices)
    statuses = [
        {"label": labels.get(k, k), "n": n, "url": _records_url("targets", k)}
        for k, n in by_status.items()
    ]
    overdue = TOPICS["rectifications"].rows(
        WorkYear(user=request.user, region=region, year=year), "overdue"
    )[:OVERDUE_SHOWN]
    own_grades = standing["selfevals"]["own"]["grades"]
    grades = [{"grade": g, "n": own_grades[g], "url": _records_url("selfevals", g)} for g in GRADES]
    chart = _status_chart(
        _("本单位绩效目标申报（%(y)s 年度，按状态）") % {"y": year},
        "targets",
        TargetStatus.choices,
        by_status,
    )
    return render(
        request,
        "reports/dashboard_unit.html",
        {
            "region": region,
            "year": year,
            "evaluated_year": year - 1,
            "todos": todos_for(request.user, region, year),
            # The unit's own overdue rectifications (its scope): number, problem, due day.
            "overdue_rectifications": [
                {"number": r.cells[0], "problem": r.cells[4], "due": r.cells[6], "url": r.url}
                for r in overdue
            ],
            "standing": standing,
            "statuses": statuses,
            "grades": grades,
            "charts": {"unit_targets": chart},
            "tables": _tables({"unit_targets": chart}),
            "links": {
                "alerts_open": _records_url("alerts", Alert.Status.OPEN),
                "alerts_overdue": _records_url("alerts", "overdue"),
                "reports_late": _records_url("reports", "late"),
                "reports_missing": _records_url("reports", "missing"),
                "selfevals": _records_url("selfevals"),
                "rectifications_overdue": overdue_rectifications_url(),
            },
        },
    )


# ── the list behind a figure ──────────────────────────────────────────────────────────────────
@role_required(*RECORD_READERS)
def records(request, topic: str):
    region, year = _work(request)
    found = topic_for(topic)
    if found is None:
        raise Http404
    work = WorkYear(user=request.user, region=region, year=year)
    key = request.GET.get("key", "").strip()
    keys = valid_keys(found, work)
    context = {
        "topic": found,
        "key": key,
        "region": region,
        "year": year,
        "evaluated_year": year - 1 if topic in EVALUATED_TOPICS else None,
    }
    if key and key not in keys:
        context["unknown_key"] = True
        return render(request, "reports/records.html", context, status=404)
    title = records_title(found, key, keys)
    rows = found.rows(work, key)
    if not isinstance(rows, LazyRows):  # small lists are built whole; big ones page lazily
        rows = list(rows)
    if request.GET.get("format") == "xlsx":
        count = len(rows)
        if too_big(count, region=region, year=year):  # past the rulebook's threshold: a job
            params = {"region": region.code, "year": year, "topic": topic, "key": key}
            return start_and_follow(request, kind="records-export", params=params)
        book, filename = records_workbook(found, rows, title=title, region=region, year=year)
        return xlsx_response(request, book, filename, kind=f"records-{found.slug}", rows=count)
    page, query = paginate(request, rows)
    money = set(found.money_columns)
    context.update(
        title=title,
        count=page.paginator.count,
        page=page,
        query=query,
        lines=[_line(r, money) for r in page.object_list],
        back_url=reverse(
            "dashboard" if request.user.has_role(*DASHBOARD_READERS) else "unit-dashboard"
        ),
        export_url="?" + urlencode({"key": key, "format": "xlsx"} if key else {"format": "xlsx"}),
    )
    return render(request, "reports/records.html", context)


def _line(record, money: set[int]) -> list[dict]:
    """The cells of a row; the first non-empty one links to the record's page."""
    linked = next((i for i, c in enumerate(record.cells) if c not in ("", None)), 0)
    return [
        {
            "value": c,
            "money": i in money,
            "url": record.url if i == linked else "",
            # codes and dates (2022-113-02, 2026-12-11) read badly broken over two lines
            "nowrap": isinstance(c, str) and c.isascii() and len(c) <= 16,
        }
        for i, c in enumerate(record.cells)
    ]


# ── the annual work summary ───────────────────────────────────────────────────────────────────
@role_required(*DASHBOARD_READERS)
def summary_download(request):
    """The annual work summary is written by a background job (`reports/jobs.py`), which
    the button starts (POST); its page shows the progress and then the file to download."""
    from django.http import HttpResponseNotAllowed

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    region, year = _work(request)
    params = {"region": region.code, "year": year}
    return start_and_follow(request, kind="summary", params=params)
