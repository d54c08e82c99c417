"""Reads on monitoring: rounds, reports per role, alerts, and the round overview."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Unpack

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from jixiao.budgets.models import FUNDING_SOURCES, full_total_of
from jixiao.core.compiled import KeyedQuery, prefetched
from jixiao.core.deadlines import day_after
from jixiao.core.listing import ListFilters, narrowed
from jixiao.core.scope_read import ScopedRow
from jixiao.core.sorting import Sorts
from jixiao.orgs.models import Region, UnitYear, User

from .alerts import time_progress
from .models import (
    COUNTED,
    Alert,
    Report,
    ReportIndicator,
    ReportStatus,
    Round,
    RoundExclusion,
)
from .workflow import REPORT_INDICATORS, REPORT_WORKFLOW

#: The columns the round list sorts by (core/sorting.py): the period's end, latest first (the
#: default), the code, the reporting deadline, the count of reports and the status.
ROUND_SORTS = Sorts(
    "-end",
    end=("period_end",),
    code=("code",),
    deadline=("deadline", "period_end"),
    reports=("report_count",),
    status=("status", "-period_end"),
)


def round_list(
    *, user: User, region: Region | None, year: int | None, sort: str = ""
) -> QuerySet[Round]:
    """The rounds of the working region and year the user sees, each with its count of
    reports, in the order `sort` asks for (`ROUND_SORTS`)."""
    rows = (
        Round.objects.visible_to(user)
        .select_related("region")
        .annotate(report_count=Count("reports", distinct=True))
    )
    rows = rows.in_work(region, year)
    return ROUND_SORTS.apply(rows, sort)


def round_exclusions(*, user: User, round: Round) -> QuerySet[RoundExclusion]:
    """The projects of the round's scope left out at opening (no approved target), those the
    user sees: the region's staff all of them, a unit its own (and its level-2 units')."""
    return (
        RoundExclusion.objects.visible_to(user)
        .filter(round=round)
        .select_related("project", "unit")
        .order_by("unit__code", "project__code")
    )


#: The columns the report list and queue sort by (core/sorting.py): the round (its period's
#: end, then unit and project, the default), project and unit codes, the project's full-year
#: budget, the amount executed, the status and the open alerts (annotated by the list).
REPORT_SORTS = Sorts(
    "round",
    round=("round__period_end", "unit__code", "project__code"),
    project=("project__code", "round__period_end"),
    unit=("unit__code", "project__code", "round__period_end"),
    budget=(full_total_of("project__"),),
    executed=("executed",),
    status=("status",),
    alerts=("open_alerts",),
)


def _open_alerts():
    """Each report's count of open (or suspended) alerts, as a subquery of the page's rows
    alone. A `Count` over a join made the list one query grouped by every column of four
    tables, which PostgreSQL took up to 9 ms to plan on every list and queue page (more than to
    run it), and made the pager's count a subquery of the whole grouped list."""
    counted = (
        Alert.objects.open()
        .filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def report_list(
    *, user: User, round: Round | None = None, sort: str = "", **filters: Unpack[ListFilters]
) -> QuerySet[Report]:
    """The reports the user sees, of one round or all, by the shared list filters (words: the
    project's name or code), each with its count of open alerts, in the order `sort` asks
    for (`REPORT_SORTS`)."""
    rows = (
        Report.objects.visible_to(user)
        .select_related("project", "unit", "round")
        .annotate(open_alerts=_open_alerts())
    )
    if round is not None:
        rows = rows.filter(round=round)
    rows = narrowed(
        rows, statuses=ReportStatus.values, search=("project__name", "project__code"), **filters
    )
    return REPORT_SORTS.apply(rows, sort)


def report_queue(
    *, user: User, region: Region | None, year: int | None, sort: str = ""
) -> QuerySet[Report]:
    """What waits for this user's action now: the workflow's own answer."""
    rows = report_list(user=user, region=region, year=year, sort=sort)
    return rows.filter(REPORT_WORKFLOW.waiting_q(user))


def report_get(*, user: User, pk: int, indicators: bool = True) -> Report:
    """One report the user sees (404 otherwise) with the rows its pages and the API draw: the
    round, project, unit and region (its target is drawn by none, so not joined); the
    indicators in one query, in order, unless the caller reads none (`indicators=False`: a
    save, whose service reads them again under its lock)."""
    report = _REPORT_PAGE.get_or_404(user, pk)
    if indicators:
        rows = REPORT_INDICATORS.all(report.pk)
        prefetched(report, "indicators", rows, ReportIndicator.objects.order_by("position"))
    return report


def report_alerts_shown(report: Report) -> list[Alert]:
    """The report's alerts its page lists (every one not cleared), by code, as
    `report.alerts.exclude(status=CLEARED).order_by("code")` gives them (each with its report),
    by SQL compiled once a process: the page and every review step that leads to it."""
    rows = _ALERTS_SHOWN.all(report.pk, Alert.Status.CLEARED.value)
    for alert in rows:
        Alert.report.field.set_cached_value(alert, report)
    return rows


_ALERTS_SHOWN = KeyedQuery(
    lambda report_id, cleared: (
        Alert.objects.filter(report_id=report_id).exclude(status=cleared).order_by("code")
    ),
    30001,
    "\x00cleared",
)


# Read on every page, save and step of a report, by SQL compiled once a process for each
# shape of scope (core/scope_read.py), with the model's own scope filter.
_REPORT_PAGE = ScopedRow(
    lambda: Report.objects.select_related("round", "project", "unit", "region")
)


#: The columns the alert list sorts by (core/sorting.py): status (then level and due date, the
#: default), code, level, project and unit codes, and the disposal's due date.
ALERT_SORTS = Sorts(
    "status",
    status=("status", "-level", "due_date"),
    code=("code", "due_date"),
    level=("level", "due_date"),
    project=("project__code", "code"),
    unit=("unit__code", "project__code"),
    due=("due_date", "status"),
)


def alert_list(
    *,
    user: User,
    code: str = "",
    level: str = "",
    round: str = "",
    sort: str = "",
    **filters: Unpack[ListFilters],
) -> QuerySet[Alert]:
    """The alerts the user sees, by the shared list filters (any status, no words), a rule code,
    a level and a round (its id), in the order `sort` asks for (`ALERT_SORTS`: by default
    status, level and due date)."""
    rows = Alert.objects.visible_to(user).select_related("project", "unit", "round")
    rows = narrowed(rows, **filters)
    if code:
        rows = rows.filter(code=code)
    if level in ("yellow", "red"):
        rows = rows.filter(level=level)
    if round and str(round).isdigit():
        rows = rows.filter(round_id=round)
    return ALERT_SORTS.apply(rows, sort)


def _unit_totals(reports, round: Round) -> dict[int, dict]:
    """Per unit, summed by the database: projects, funds, execution, and submissions on time,
    late and missing (DOMAIN.md §5). `submitted_at` is compared with the day after the
    deadline, in the bureau's time zone."""
    counted = Q(status__in=COUNTED)
    late = counted & Q(submitted_at__gte=day_after(round.deadline))
    full = sum(
        (Coalesce(F(f"project__full_{src}"), Value(Decimal(0))) for src, _l in FUNDING_SOURCES),
        Value(Decimal(0)),
    )
    rows = (
        reports.order_by()
        .values("unit_id")
        .annotate(
            projects=Count("id"),
            full=Sum(full, output_field=DecimalField()),
            executed=Coalesce(Sum("executed"), Value(Decimal(0)), output_field=DecimalField()),
            late=Count("id", filter=late),
            counted=Count("id", filter=counted),
        )
    )
    missing_counts = timezone.localdate() > round.deadline
    return {
        r["unit_id"]: {
            "projects": r["projects"],
            "full": r["full"] or Decimal(0),
            "executed": r["executed"],
            "late": r["late"],
            "submitted": r["counted"] - r["late"],
            "missing": r["projects"] - r["counted"] if missing_counts else 0,
        }
        for r in rows
    }


def round_overview(*, user: User, round: Round) -> dict:
    """Submitted / late / missing by unit, funds monitored, execution against time progress by
    unit, and alerts by code and level — summed in the database, in a fixed number of
    queries whatever the size of the round."""
    reports = Report.objects.visible_to(user).filter(round=round)
    progress, _text = time_progress(round.period_end, _time_method(round))
    units = _unit_totals(reports, round)
    names = dict(
        UnitYear.objects.filter(year=round.year, unit_id__in=list(units)).values_list(
            "unit_id", "name"
        )
    )
    by_unit = []
    for unit_id, row in sorted(units.items(), key=lambda item: names.get(item[0], "")):
        rate = Fraction(row["executed"]) / Fraction(row["full"]) if row["full"] else None
        by_unit.append(
            {
                "unit_id": unit_id,
                "name": names.get(unit_id, ""),
                **row,
                "rate": rate,
                "lag": (progress - rate) if rate is not None else None,
            }
        )
    alerts = Alert.objects.visible_to(user).filter(round=round).exclude(status="cleared")
    counts = alerts.values("code", "level").annotate(n=Count("id")).order_by("code", "level")
    return {
        "units": by_unit,
        "time_progress": progress,
        "funds": sum((r["full"] for r in by_unit), Decimal(0)),
        "executed": sum((r["executed"] for r in by_unit), Decimal(0)),
        "reports": sum(r["projects"] for r in by_unit),
        "alerts": list(counts),
    }


def _time_method(round: Round) -> str:
    from jixiao.core.rulebook import rules_for

    return rules_for(round.region.lineage_codes, round.year).get("monitoring.time_progress")
