"""The dashboards' own figures, beyond `stats.year_stats`, and the lists behind them.

`year_stats` gives every figure of the annual summary; a dashboard also draws the pipeline of
each stage by status, the latest round's execution per unit (or per region under a city), and
alerts by code and level. Each selector here costs a fixed number of queries whatever the
number of units, so the page's cost does not grow with the district.

The lists behind these charts are `Topic`s like those of `records`, kept in a registry of their
own (`DASHBOARD_TOPICS`) so the summary's appendix, which walks `records.TOPICS`, is not changed
by importing this module.

`dashboard_unit_standing` compares one unit with its region: the region's side is computed
through a region-wide reader strictly as aggregates (counts, averages, a rank); no row of
another unit ever leaves this module.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Avg, Count, DecimalField, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.scope import RegionReader
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
from jixiao.monitoring.models import COUNTED as REPORT_COUNTED
from jixiao.orgs.models import Region, UnitYear
from jixiao.targets.models import Target, TargetStatus

from .records import TOPICS, Record, Topic, monitored, selfeval_rows
from .selectors import APPROVED, WorkYear, full_year_budget, is_late
from .stats import GRADES, evaluation_counts, on_time_by_unit, rate

SCORE = Decimal("0.01")


# ── the pipeline of each stage ────────────────────────────────────────────────────────────────
def dashboard_selfeval_pipeline(work: WorkYear) -> dict[str, int]:
    """Every self-evaluation of Y−1 in the reader's scope by status, drafts included: the
    pipeline (the figures of `stats` count only those submitted or beyond)."""
    counts = dict.fromkeys(EvaluationStatus.values, 0)
    counts.update(_all_selfevals(work).order_by().values_list("status").annotate(n=Count("id")))
    return counts


def _all_selfevals(work: WorkYear):
    return work.rows_of(SelfEvaluation).filter(year=work.evaluated_year)


#: The monitoring reports of Y as the pipeline shows them: in on time, in late, missing (past
#: the deadline, not submitted), not yet due.
REPORT_STATES = (
    ("on_time", _("按时报送")),
    ("late", _("逾期报送")),
    ("missing", _("逾期未报")),
    ("pending", _("未到期未报")),
)


def report_states(reports: dict) -> dict[str, int]:
    """`year_stats(...)["monitoring"]["reports"]` split into the four REPORT_STATES."""
    return {
        "on_time": reports["submitted"] - reports["late"],
        "late": reports["late"],
        "missing": reports["missing"],
        "pending": reports["total"] - reports["submitted"] - reports["missing"],
    }


def _report_ids(work: WorkYear, state: str, today: datetime.date) -> list[int]:
    reports = work.reports.order_by()
    if state in ("missing", "pending"):
        due = Q(round__deadline__lt=today) if state == "missing" else Q(round__deadline__gte=today)
        return list(
            reports.exclude(status__in=REPORT_COUNTED).filter(due).values_list("pk", flat=True)
        )
    late = state == "late"
    return [
        pk
        for pk, submitted, deadline in reports.filter(status__in=REPORT_COUNTED).values_list(
            "pk", "submitted_at", "round__deadline"
        )
        if is_late(submitted, deadline) == late
    ]


@dataclass(frozen=True)
class _NarrowedReports(WorkYear):
    """A work year whose reports are only some of them, so the `monitored` topic of `records`
    lists exactly the reports behind a bar (one state, one unit of the latest round)."""

    only: Q = Q()

    @cached_property
    def reports(self):
        return WorkYear.reports.func(self).filter(self.only)


def _narrowed(work: WorkYear, only: Q) -> WorkYear:
    return _NarrowedReports(user=work.user, region=work.region, year=work.year, only=only)


# ── execution of the latest round against time progress ───────────────────────────────────────
def latest_round_end(work: WorkYear) -> datetime.date | None:
    return work.rounds.order_by().aggregate(end=Max("period_end"))["end"]


def _children(work: WorkYear) -> list[Region]:
    return list(Region.objects.filter(parent=work.region).order_by("code"))


def dashboard_execution(work: WorkYear, period_end: datetime.date | None) -> dict:
    """The latest round's execution per part of the region: per child region under a city or
    province, per unit in a district; laggards first. Three queries at most."""
    children = _children(work)
    by = "region" if children else "unit"
    if period_end is None:
        return {"by": by, "parts": []}
    reports = work.reports.filter(round__period_end=period_end).order_by()
    sums = {
        "funds": Sum(full_year_budget("project__"), output_field=DecimalField()),
        "executed": Sum("executed"),
    }
    parts: dict[str, dict] = {}
    if children:
        for child in children:
            parts[child.code] = {
                "key": child.code,
                "name": child.name,
                "funds": Decimal(0),
                "executed": Decimal(0),
            }
        for path, funds, executed in reports.values_list("region__path").annotate(**sums):
            child = next((c for c in children if path.startswith(c.path)), None)
            if child:
                parts[child.code]["funds"] += funds or 0
                parts[child.code]["executed"] += executed or 0
    else:
        rows = list(reports.values_list("unit_id", "unit__code").annotate(**sums))
        names = dict(
            UnitYear.objects.filter(unit_id__in=[r[0] for r in rows], year=work.year).values_list(
                "unit_id", "name"
            )
        )
        for unit_id, code, funds, executed in rows:
            parts[code] = {
                "key": code,
                "name": names.get(unit_id, code),
                "funds": funds or Decimal(0),
                "executed": executed or Decimal(0),
            }
    out = [dict(p, rate=rate(p["executed"], p["funds"])) for p in parts.values() if p["funds"]]
    out.sort(key=lambda p: (p["rate"] is None, p["rate"] or 0, p["key"]))
    return {"by": by, "parts": out}


def dashboard_alerts(work: WorkYear) -> dict[str, dict[str, int]]:
    """code → {"red": n, "yellow": n} for Y's standing alerts (one query)."""
    out: dict[str, dict[str, int]] = {}
    for code, level, n in (
        work.alerts.order_by().values_list("code", "level").annotate(n=Count("id"))
    ):
        out.setdefault(code, {"red": 0, "yellow": 0})[level] = n
    return out


def short_names(region: Region) -> list[str]:
    """The names of the region and its ancestors, top first: unit names start with them
    (南昌市东湖区教育体育局), and a chart's axis reads better without them."""
    names = dict(Region.objects.filter(code__in=region.lineage_codes).values_list("code", "name"))
    return [names[c] for c in reversed(region.lineage_codes) if c in names]


def shorten(name: str, names: list[str]) -> str:
    """A unit's name without the names of its region (南昌市东湖区教育体育局 → 教育体育局,
    中共南昌市东湖区纪律检查委员会 → 中共纪律检查委员会), for a chart's axis; the tooltip keeps
    the full name. The region's party committee keeps its level, as people say it:
    中共南昌市东湖区委宣传部 → 区委宣传部, not 中共委宣传部 (委员会 is another body's name:
    政协南昌市东湖区委员会办公室 → 政协委员会办公室)."""
    if not names:
        return name
    *outer, own = names
    short = name
    for region_name in outer:
        short = short.replace(region_name, "")
    short = re.sub(f"^中共{re.escape(own)}委(?!员会)", own[-1] + "委", short)
    short = short.replace(own, "")
    return short or name


def dashboard_figures(
    *, user, region: Region, year: int, today: datetime.date, work: WorkYear | None = None
) -> dict:
    """The bureau dashboard's own figures beyond `year_stats`: the latest round's execution by
    part, the self-evaluations by status, the alerts by code and level and the units behind,
    cached as `year_stats` is (`figures_cache`: by region, year, data version, day, scope).
    `work`: the work year `year_stats` was given, whose counts by unit it shares."""
    from .figures_cache import cached_figures
    from .records import units_behind

    def compute() -> dict:
        nonlocal work
        work = work or WorkYear(user=user, region=region, year=year)
        return {
            "execution": dashboard_execution(work, latest_round_end(work)),
            "selfeval_pipeline": dashboard_selfeval_pipeline(work),
            "alerts": dashboard_alerts(work),
            "behind": units_behind(work, today),
        }

    return cached_figures(
        "dashboard", user=user, region=region, year=year, today=today, compute=compute
    )


# ── the lists behind these charts ─────────────────────────────────────────────────────────────
DASHBOARD_TOPICS: dict[str, Topic] = {}


def _register(slug, label, headers, rows, *, money_columns=(), keys=None):
    DASHBOARD_TOPICS[slug] = Topic(slug, label, tuple(headers), rows, tuple(money_columns), keys)


def _report_rows(work: WorkYear, key: str) -> Iterator[Record]:
    only = Q(pk__in=_report_ids(work, key, timezone.localdate())) if key else Q()
    return monitored(_narrowed(work, only), "")


_register(
    "reports",
    _("运行监控报告"),
    TOPICS["monitored"].headers,
    _report_rows,
    money_columns=TOPICS["monitored"].money_columns,
    keys=lambda work: list(REPORT_STATES),
)


def _execution_keys(work: WorkYear) -> list[tuple[str, str]]:
    parts = dashboard_execution(work, latest_round_end(work))["parts"]
    return [(p["key"], p["name"]) for p in parts]


def _execution_rows(work: WorkYear, key: str) -> Iterator[Record]:
    only = Q(round__period_end=latest_round_end(work))
    if key:
        child = Region.objects.filter(parent=work.region, code=key).first()
        only &= Q(region__path__startswith=child.path) if child else Q(unit__code=key)
    return monitored(_narrowed(work, only), "")


_register(
    "execution",
    _("最近一次运行监控执行情况"),
    TOPICS["monitored"].headers,
    _execution_rows,
    money_columns=TOPICS["monitored"].money_columns,
    keys=_execution_keys,
)


def _selfeval_status_rows(work: WorkYear, key: str) -> Iterator[Record]:
    rows = _all_selfevals(work)
    return selfeval_rows(work, rows.filter(status=key) if key else rows)


_register(
    "selfeval-status",
    _("绩效自评进度"),
    TOPICS["selfevals"].headers,
    _selfeval_status_rows,
    money_columns=TOPICS["selfevals"].money_columns,
    keys=lambda work: list(EvaluationStatus.choices),
)

#: Keys the topics of `records` understand without listing them (`monitored` filters on these).
EXTRA_KEYS = {"monitored": [("missing", _("逾期未报")), ("late", _("逾期报送"))]}


def topic_for(slug: str) -> Topic | None:
    return TOPICS.get(slug) or DASHBOARD_TOPICS.get(slug)


def valid_keys(topic: Topic, work: WorkYear) -> dict[str, str]:
    """key → label; the first label of a key wins, as in `Topic.key_label` ("approved" of
    the targets is 已批复项目 before it is the status 已批复)."""
    pairs = topic.keys(work) if topic.keys else EXTRA_KEYS.get(topic.slug, [])
    keys: dict[str, str] = {}
    for value, label in pairs:
        keys.setdefault(str(value), str(label))
    return keys


# ── a unit's standing in its region ───────────────────────────────────────────────────────────
def _on_time(work: WorkYear, today: datetime.date) -> dict:
    """The monitoring reports' on-time rate, the same figure as `stats`: summed from its rows
    by unit, (in − late) / (in + missing past the deadline)."""
    rows = on_time_by_unit(work, today)
    missing = sum(r["reports_missing"] for r in rows)
    submitted = sum(r["reports_due"] for r in rows) - missing
    late = sum(r["reports_late"] for r in rows)
    return {
        "submitted": submitted,
        "late": late,
        "missing": missing,
        "on_time_rate": rate(submitted - late, submitted + missing),
    }


def _approval(work: WorkYear) -> dict:
    counted = work.project_targets.order_by().aggregate(
        declared=Count("project_id", distinct=True),
        approved=Count("project_id", distinct=True, filter=Q(status__in=APPROVED)),
    )
    return {**counted, "rate": rate(counted["approved"], counted["declared"])}


def _selfeval_figures(work: WorkYear) -> dict:
    standing = evaluation_counts(work)["grades"]
    grades = {g: standing.get(g, 0) for g in GRADES}
    average = work.selfevals.order_by().aggregate(
        a=Avg(Coalesce("reviewed_total", "total"), output_field=DecimalField())
    )["a"]
    return {"grades": grades, "count": sum(grades.values()), "average": _score(average)}


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(SCORE, rounding=ROUND_HALF_UP)


def is_first_level(unit, year: int) -> bool:
    """Whether `unit` was a first-level unit in `year`: only those are ranked (a level-2
    unit's people do not see their parent's evaluation, which is outside their scope)."""
    return UnitYear.objects.filter(unit=unit, year=year, level=1).exists()


def _rank(whole: WorkYear, unit) -> dict:
    """Rank of `unit` among the region's first-level units of Y−1 by their whole-unit
    evaluation score (部门整体支出绩效评价): counts only, by the database. `unit` None (a
    level-2 unit): the region's count and average only, and `ranked` False."""
    evaluated = whole.unit_evaluations.filter(
        total__isnull=False, unit__years__year=whole.evaluated_year, unit__years__level=1
    ).order_by()
    mine = evaluated.filter(unit=unit).values_list("total", flat=True).first() if unit else None
    out = {
        "ranked": unit is not None,
        "units": evaluated.count(),
        "score": mine,
        "rank": None,
        "average": _score(evaluated.aggregate(a=Avg("total"))["a"]),
    }
    if mine is not None:
        out["rank"] = evaluated.filter(total__gt=mine).count() + 1
    return out


def dashboard_unit_standing(
    *, user, region: Region, year: int, today: datetime.date | None = None
) -> dict:
    """A unit's own figures of work year `year` beside the region's aggregates."""
    today = today or timezone.localdate()
    own = WorkYear(user=user, region=region, year=year)
    whole = WorkYear(user=RegionReader(region.path), region=region, year=year)
    statuses = dict.fromkeys(TargetStatus.values, 0)
    statuses.update(
        own.rows_of(Target)
        .filter(year=year)
        .current()
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    unit = user.unit if user.unit_id else None
    ranked = unit is not None and is_first_level(unit, whole.evaluated_year)
    return {
        "year": year,
        "evaluated_year": own.evaluated_year,
        "unit": unit,
        "targets": {
            "by_status": {k: v for k, v in statuses.items() if v},
            "own": _approval(own),
            "region": _approval(whole),
        },
        "reports": {"own": _on_time(own, today), "region": _on_time(whole, today)},
        "alerts": {
            "own": {
                "open": own.alerts.filter(status="open").count(),
                "overdue": own.alerts_overdue(today).count(),
                "total": own.alerts.count(),
            },
            "region": {
                "open": whole.alerts.filter(status="open").count(),
                "overdue": whole.alerts_overdue(today).count(),
                "total": whole.alerts.count(),
            },
        },
        "selfevals": {"own": _selfeval_figures(own), "region": _selfeval_figures(whole)},
        "rank": _rank(whole, unit if ranked else None),
        # Overdue rectifications (DOMAIN.md §8.1): the unit's own, beside the region's count.
        "rectifications": {
            "own": {"overdue": _overdue_rectifications(own, today)},
            "region": {"overdue": _overdue_rectifications(whole, today)},
        },
    }


def _overdue_rectifications(work: WorkYear, today: datetime.date) -> int:
    from jixiao.results.figures import ResultsYear

    results = ResultsYear(region=work.region, year=work.year, user=work.user, today=today)
    return results.rectifications("overdue").count()
