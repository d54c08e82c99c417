"""The figures of a work year (DOMAIN.md §9), counted from the querysets of `selectors`.

`year_stats` returns plain data (ints, Decimals, strings, lists, dicts) that the statistics API,
`jixiao summary --format json`, the dashboards and the Word summary all share. `as_json` turns it
into the contract's JSON (CONTRACT.md): money with two decimals and rates with four, as strings.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.evaluations.key.models import LEVEL1 as KEY_LEVELS
from jixiao.evaluations.key.models import (
    ExpertScore,
    Finding,
    KeyEvaluation,
    KeyStatus,
    ReportDelivery,
    SiteVisit,
)
from jixiao.monitoring.alerts import CODES as ALERT_CODES
from jixiao.monitoring.models import COUNTED as REPORT_COUNTED
from jixiao.monitoring.models import Alert
from jixiao.orgs.models import Region, UnitYear
from jixiao.results.figures import results_figures
from jixiao.surveys.models import Response as SurveyResponse
from jixiao.surveys.models import Survey, SurveyStatus
from jixiao.targets.lint import CODES as LINT_CODES

from .selectors import APPROVED, WorkYear, full_year_budget, funds_of, is_late

GRADES = ("优", "良", "中", "差")
#: The level-1 indicators of a key evaluation's framework (DOMAIN.md §6.4), in their order.
KEY_LEVEL1 = tuple(value for value, _label in KEY_LEVELS)
CENT = Decimal("0.01")
RATE = Decimal("0.0001")

#: What each lint code finds, in the words of the 2021 summary's problems (DOMAIN.md §4.4).
LINT_LABELS = {
    "T01": _("绩效目标未细化分解为绩效指标"),
    "T02": _("指标值未填列"),
    "T03": _("定量指标值无法读取"),
    "T04": _("定量指标缺少度量单位"),
    "T05": _("数量、质量、时效、成本指标完全一致"),
    "T06": _("缺少数量、质量、时效或成本指标"),
    "T07": _("缺少效益指标"),
    "T08": _("缺少满意度指标"),
    "T09": _("年度总体目标未填写"),
    "T10": _("指标表述模糊、无法考核"),
    "T11": _("以管理过程指标代替产出或效益"),
    "T12": _("计算符号与指标含义矛盾"),
    "T13": _("目标值低于上年实际"),
    "T14": _("指标分值合计不符"),
    "T15": _("照搬其他项目或上年目标"),
    "T16": _("分来源金额与总额不符"),
    "T17": _("二级项目指标未支撑一级项目"),
    "T18": _("单位成本与数量、金额不匹配"),
    "T19": _("指标与所属分类不符"),
    "T20": _("投入当作产出"),
    "T21": _("比率类目标值超过百分之百"),
    "T22": _("年度目标照搬中长期目标"),
}


def money(value) -> Decimal:
    """A summary figure: 万元 with two decimals (CONTRACT.md)."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """A rate as a fraction with four decimals, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP)


def _first_level_of(work: WorkYear) -> dict[int, int]:
    """unit id → its first-level unit in Y (or in Y−1 for a unit that no longer exists in Y,
    so a merged unit's evaluation of last year still covers someone)."""
    rows = work.unit_structure.values_list("unit_id", "year", "level", "parent_id")
    roots: dict[int, int] = {}
    for unit_id, _year, level, parent_id in sorted(rows, key=lambda r: r[1] != work.year):
        roots.setdefault(unit_id, unit_id if level == 1 else parent_id)
    return roots


def first_level_activity(work: WorkYear) -> dict[int, dict[str, int]]:
    """First-level unit id → what it (or a unit under it) did in Y that covers it (DOMAIN.md
    §9): declarations of Y, reports in Y's rounds, evaluations done in Y — each submitted or
    beyond. A first-level unit with nothing has no entry."""
    roots = _first_level_of(work)
    sources = (
        ("targets", work.targets),
        ("reports", work.reports_counted),
        ("evaluations", work.selfevals),
        ("evaluations", work.unit_evaluations),
    )
    activity: dict[int, dict[str, int]] = {}
    for name, queryset in sources:
        for unit_id, n in queryset.order_by().values_list("unit_id").annotate(n=Count("id")):
            root = roots.get(unit_id)
            if root is not None:
                done = activity.setdefault(root, {})
                done[name] = done.get(name, 0) + n
    return activity


def _units(work: WorkYear) -> dict:
    first_level = dict(work.first_level_units.values_list("unit_id", "unit__code"))
    covered = set(first_level_activity(work)) & set(first_level)
    return {
        "first_level": len(first_level),
        "covered": len(covered),
        "coverage_rate": rate(len(covered), len(first_level)),
        "not_covered": sorted(code for uid, code in first_level.items() if uid not in covered),
        "_covered_ids": covered,
    }


def _targets(work: WorkYear) -> dict:
    def distinct(queryset, field):
        return queryset.order_by().values(field).distinct().count()

    from jixiao.targets.models import Target

    statuses = dict(
        work._in_region(Target.objects.visible_to(work.user))
        .filter(year=work.year)
        .current()
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        "projects_declared": distinct(work.project_targets, "project_id"),
        "projects_approved": distinct(
            work.project_targets.filter(status__in=APPROVED), "project_id"
        ),
        "units_declared": distinct(work.unit_targets, "unit_id"),
        "units_approved": distinct(work.unit_targets.filter(status__in=APPROVED), "unit_id"),
        "funds_approved": money(_approved_funds(work)),
        "by_status": statuses,
    }


def _approved_funds(work: WorkYear) -> Decimal:
    from jixiao.budgets.models import Project

    return funds_of(
        Project.objects.filter(
            pk__in=work.project_targets.filter(status__in=APPROVED).values("project_id")
        )
    )


def _monitoring(work: WorkYear, today: datetime.date, by_unit: list[dict]) -> dict:
    reports = work.reports.order_by()
    deadline_passed = Q(round__deadline__lt=today)
    report_counts = reports.aggregate(
        total=Count("id"),
        submitted=Count("id", filter=Q(status__in=REPORT_COUNTED)),
        missing=Count("id", filter=~Q(status__in=REPORT_COUNTED) & deadline_passed),
    )
    late = sum(r["reports_late"] for r in by_unit)
    alerts = work.alerts.order_by()
    by_code = dict.fromkeys(ALERT_CODES, 0)
    by_code.update(dict(alerts.values_list("code").annotate(n=Count("id"))))
    by_level = {"yellow": 0, "red": 0}
    by_level.update(dict(alerts.values_list("level").annotate(n=Count("id"))))
    by_status = dict.fromkeys([s for s in Alert.Status.values if s != Alert.Status.CLEARED], 0)
    by_status.update(dict(alerts.values_list("status").annotate(n=Count("id"))))
    disposals = dict.fromkeys(Alert.Disposal.values, 0)
    disposals.update(
        dict(alerts.exclude(disposal="").values_list("disposal").annotate(n=Count("id")))
    )
    projects = work.monitored_projects
    return {
        "rounds": work.rounds.count(),
        "projects": projects.count(),
        "funds": money(funds_of(projects)),
        "reports": {
            **report_counts,
            "late": late,
            "on_time_rate": rate(
                report_counts["submitted"] - late,
                report_counts["submitted"] + report_counts["missing"],
            ),
        },
        "alerts": by_code,
        "alert_levels": by_level,
        "alert_status": by_status,
        "disposals": disposals,
        "overdue_alerts": work.alerts_overdue(today).count(),
        "execution": _execution(work),
    }


def _execution(work: WorkYear) -> dict:
    """Execution of the latest round's reports against its time progress (DOMAIN.md §5)."""
    from jixiao.monitoring.alerts import time_progress

    latest = work.rounds.order_by().aggregate(end=Max("period_end"))["end"]
    if latest is None:
        return {
            "period_end": None,
            "time_progress": None,
            "funds": money(0),
            "executed": money(0),
            "rate": None,
        }
    reports = work.reports.filter(round__period_end=latest).order_by()
    sums = reports.aggregate(
        funds=Sum(full_year_budget("project__"), output_field=DecimalField()),
        executed=Sum("executed"),
    )
    progress, _text = time_progress(latest, work.rules.get("monitoring.time_progress"))
    funds, executed = sums["funds"] or Decimal(0), sums["executed"] or Decimal(0)
    return {
        "period_end": latest.isoformat(),
        "time_progress": (Decimal(progress.numerator) / Decimal(progress.denominator)).quantize(
            RATE, rounding=ROUND_HALF_UP
        ),
        "funds": money(funds),
        "executed": money(executed),
        "rate": rate(executed, funds),
    }


def _selfeval(work: WorkYear) -> dict:
    grades = {g: work.standing_grades.get(g, 0) for g in GRADES}
    projects = work.selfevaluated_projects
    return {
        "year": work.evaluated_year,
        "projects": projects.count(),
        "funds": money(funds_of(projects)),
        "grades": grades,
        "special_kinds": _special_kinds(work),
    }


def _unit_evaluations(work: WorkYear) -> tuple[int, dict]:
    grades = dict.fromkeys(GRADES, 0)
    for grade, n in work.unit_evaluations.order_by().values_list("grade").annotate(n=Count("id")):
        if grade in grades:
            grades[grade] = n
    return work.unit_evaluations.count(), grades


def _special_kinds(work: WorkYear) -> dict:
    """The special-kind projects evaluated: one row per project and kind from the database
    (values, not model instances: a province has thousands)."""
    kinds = work.rules.get("summary.special_kinds")
    rows = (
        work.selfevals.filter(project__kinds__code__in=kinds)
        .order_by("project__code", "project_id")
        .values_list(
            "project_id",
            "project__code",
            "project__name",
            "project__kinds__label",
            "project__kinds__code",
            "reviewed_grade",
            "grade",
        )
    )
    # By project id: a project code is unique within a district and year only.
    projects: dict[int, dict] = {}
    for pk, code, name, label, kind, reviewed, grade in rows:
        project = projects.setdefault(
            pk, {"code": code, "name": name, "kinds": [], "grade": reviewed or grade}
        )
        if kind in kinds and label not in project["kinds"]:
            project["kinds"].append(label)
    return {"count": len(projects), "projects": list(projects.values())}


def counted_key_evaluations(work: WorkYear) -> QuerySet:
    """The bureau's key evaluations of work year Y (DOMAIN.md §9, "key evaluations and the
    projects chosen"): those of Y notified or beyond. A draft is a pick the office has not yet
    announced to the unit, so it is not counted.

    Department evaluations (部门评价: a first-level unit commissions them on its own projects,
    `commissioner` set) run on the same machinery but are the unit's, not the bureau's key
    evaluations: they are left out here. The figures and the summary's appendix list both read
    this queryset."""
    return (
        work._in_region(KeyEvaluation.objects.visible_to(work.user))
        .filter(year=work.year, commissioner__isnull=True)
        .exclude(status=KeyStatus.DRAFT)
    )


#: A survey counts once it has been opened: a draft is a questionnaire still being written.
SURVEY_COUNTED = (SurveyStatus.OPEN, SurveyStatus.CLOSED)


def with_key_facts(evaluations: QuerySet) -> QuerySet:
    """Key evaluations with what their records show, computed by the database: `visited` (a
    site visit recorded: 现场勘查), `scored` (an expert's score given: 比对打分), `surveyed` (a
    survey opened about it has a valid answer: 公众测评), `reported` (the report sent to a
    unit)."""
    return evaluations.annotate(
        visited=Exists(SiteVisit.objects.filter(evaluation=OuterRef("pk"))),
        scored=Exists(ExpertScore.objects.filter(member__panel=OuterRef("panel_id"))),
        surveyed=Exists(
            SurveyResponse.objects.filter(
                survey__key_evaluation=OuterRef("pk"),
                survey__status__in=SURVEY_COUNTED,
                valid=True,
            )
        ),
        reported=Exists(ReportDelivery.objects.filter(report__evaluation=OuterRef("pk"))),
    )


def _key_evaluations(work: WorkYear) -> dict:
    """The key evaluations of Y: the projects chosen (or the policy or fund by its name), those
    of a special kind, the methods their records show, and their findings by level-1 indicator.
    Two queries whatever the number of evaluations: the rows with what was done, then the
    findings grouped by the database."""
    evaluations = counted_key_evaluations(work)
    rows = list(
        with_key_facts(evaluations.order_by("pk")).values_list(
            "project__code",
            "project__name",
            "subject",
            "special_kind",
            "visited",
            "scored",
            "reported",
            "surveyed",
        )
    )
    projects = [{"code": code, "name": name or subject} for code, name, subject, *_r in rows]
    special = [
        {"kind": kind, **project}
        for project, (_c, _n, _s, kind, *_r) in zip(projects, rows, strict=True)
        if kind
    ]
    findings = dict.fromkeys(KEY_LEVEL1, 0)
    for level1, n in (
        Finding.objects.filter(evaluation__in=evaluations)
        .order_by()
        .values_list("level1")
        .annotate(n=Count("id"))
    ):
        findings[level1] = findings.get(level1, 0) + n
    return {
        "count": len(rows),
        "projects": projects,
        "special_kinds": special,
        "methods": {
            "site_visits": sum(1 for r in rows if r[4]),
            "expert_scoring": sum(1 for r in rows if r[5]),
            # A survey about the evaluation, opened, with a valid answer (the stage `surveys`).
            "public_survey": sum(1 for r in rows if r[7]),
        },
        "reports_delivered": sum(1 for r in rows if r[6]),
        "findings": findings,
    }


def _surveys(work: WorkYear) -> dict:
    """The public surveys of work year Y (DOMAIN.md §6.4), opened or closed, and their valid
    answers: those about Y's key evaluations and about the evaluations done in Y of Y−1 (the
    units' self-evaluations and whole-unit evaluations). Two queries."""
    surveys = (
        work._in_region(Survey.objects.visible_to(work.user))
        .filter(status__in=SURVEY_COUNTED)
        .filter(
            Q(key_evaluation__year=work.year)
            | Q(selfeval__year=work.evaluated_year)
            | Q(unit_evaluation__year=work.evaluated_year)
        )
    )
    return {
        "count": surveys.count(),
        "valid_responses": SurveyResponse.objects.filter(survey__in=surveys, valid=True).count(),
    }


def _lint(work: WorkYear) -> tuple[dict, int]:
    """Findings by code (each time found, as the 2021 summary counts 处) and the number of
    declarations with any finding."""
    targets, times = work.findings
    with_findings = len({pk for pks in targets.values() for pk in pks})
    return {code: times.get(code, 0) for code in LINT_CODES}, with_findings


def _on_time_targets(by_unit: list[dict]) -> dict:
    due = sum(r["targets_due"] for r in by_unit)
    late = sum(r["targets_late"] for r in by_unit)
    return {"due": due, "late": late, "on_time_rate": rate(due - late, due)}


def _problems(
    work: WorkYear,
    *,
    lint_targets: int,
    monitoring: dict,
    selfeval: dict,
    targets_late: int,
    today: datetime.date,
) -> dict:
    lagging_codes = work.rules.get("summary.lagging_codes")
    lagging = work.alerts.filter(code__in=lagging_codes)
    rush = [(pk, r["december"]) for pk, r in work.year_end_rush.items()]
    low = work.rules.get("summary.low_grades")
    return {
        "lint_targets": lint_targets,
        "execution_lag": {
            "projects": lagging.values("project_id").distinct().count(),
            "red": lagging.filter(level="red").values("project_id").distinct().count(),
        },
        "year_end_rush": {
            "year": work.evaluated_year,
            "projects": len(rush),
            "december": money(sum((d for _p, d in rush), Decimal(0))),
        },
        "low_grades": {
            "projects": sum(selfeval["grades"].get(g, 0) for g in low),
            "grades": {g: selfeval["grades"].get(g, 0) for g in low},
        },
        "overdue": {
            "alerts": monitoring["overdue_alerts"],
            "reports_late": monitoring["reports"]["late"],
            "reports_missing": monitoring["reports"]["missing"],
            "targets_late": targets_late,
        },
    }


def _children(work: WorkYear, covered_ids: set[int]) -> list[dict]:
    """Roll-up: the figures of each region directly under a city or province."""
    children = list(Region.objects.filter(parent=work.region).order_by("code"))
    if not children:
        return []
    child_of = {}
    for region_id, path in Region.objects.filter(path__startswith=work.region.path).values_list(
        "id", "path"
    ):
        for child in children:
            if path.startswith(child.path):
                child_of[region_id] = child.id
    out = {
        c.id: {
            "code": c.code,
            "name": c.name,
            "first_level": 0,
            "covered": 0,
            "selfeval_funds": Decimal(0),
            "monitored_funds": Decimal(0),
        }
        for c in children
    }
    for unit_id, region_id in work.first_level_units.values_list("unit_id", "unit__region_id"):
        row = out.get(child_of.get(region_id))
        if row:
            row["first_level"] += 1
            row["covered"] += unit_id in covered_ids
    full = full_year_budget()
    for queryset, key in (
        (work.selfevaluated_projects, "selfeval_funds"),
        (work.monitored_projects, "monitored_funds"),
    ):
        for region_id, total in (
            queryset.order_by()
            .values_list("region_id")
            .annotate(s=Sum(full, output_field=DecimalField()))
        ):
            row = out.get(child_of.get(region_id))
            if row:
                row[key] += total or Decimal(0)
    for row in out.values():
        row["coverage_rate"] = rate(row["covered"], row["first_level"])
        row["selfeval_funds"] = money(row["selfeval_funds"])
        row["monitored_funds"] = money(row["monitored_funds"])
    return list(out.values())


def on_time_by_unit(work: WorkYear, today: datetime.date) -> list[dict]:
    """Per unit, DOMAIN.md §8.3 timeliness: declarations with a deadline and monitoring reports
    whose deadline has passed, how many came late or not at all, and the on-time rate
    ((due − late − missing) / due). Lowest rate first."""
    rows: dict[int, dict] = {}

    def row(unit_id):
        return rows.setdefault(
            unit_id,
            {
                "unit_id": unit_id,
                "targets_due": 0,
                "targets_late": 0,
                "reports_due": 0,
                "reports_late": 0,
                "reports_missing": 0,
            },
        )

    for unit_id, submitted, deadline in work.targets.filter(deadline__isnull=False).values_list(
        "unit_id", "submitted_at", "deadline"
    ):
        r = row(unit_id)
        r["targets_due"] += 1
        r["targets_late"] += is_late(submitted, deadline)
    for unit_id, status, submitted, deadline in work.reports.values_list(
        "unit_id", "status", "submitted_at", "round__deadline"
    ):
        counted = status in REPORT_COUNTED
        if not counted and deadline >= today:
            continue  # still open: not yet due
        r = row(unit_id)
        r["reports_due"] += 1
        r["reports_missing"] += not counted
        r["reports_late"] += counted and is_late(submitted, deadline)
    units = {
        unit_id: (code, name)
        for unit_id, code, name in UnitYear.objects.filter(
            unit_id__in=list(rows), year=work.year
        ).values_list("unit_id", "unit__code", "name")
    }
    for unit_id, r in rows.items():
        due = r["targets_due"] + r["reports_due"]
        bad = r["targets_late"] + r["reports_late"] + r["reports_missing"]
        code, name = units.get(unit_id, ("", ""))
        r.update(code=code, name=name, on_time_rate=rate(due - bad, due))
    return sorted(
        rows.values(),
        key=lambda r: (r["on_time_rate"] if r["on_time_rate"] is not None else 2, r["code"]),
    )


def year_stats(*, user, region: Region, year: int, today: datetime.date | None = None) -> dict:
    """Every figure of `region`'s work year `year` as `user` may see it (DOMAIN.md §9)."""
    today = today or timezone.localdate()
    work = WorkYear(user=user, region=region, year=year)
    units = _units(work)
    covered_ids = units.pop("_covered_ids")
    by_unit = on_time_by_unit(work, today)
    monitoring = _monitoring(work, today, by_unit)
    selfeval = _selfeval(work)
    lint, lint_targets = _lint(work)
    on_time_targets = _on_time_targets(by_unit)
    unit_evaluations, unit_evaluation_grades = _unit_evaluations(work)
    key_evaluations = _key_evaluations(work)
    return {
        "region": region.code,
        "region_name": region.name,
        "year": year,
        "units": units,
        "targets": _targets(work),
        "monitoring": monitoring,
        "selfeval": selfeval,
        "unit_evaluations": unit_evaluations,
        "unit_evaluation_grades": unit_evaluation_grades,
        # The bureau's own evaluations (DOMAIN.md §6.4); `selfeval.special_kinds` lists the
        # special-kind projects the units evaluated themselves.
        "key_evaluations": key_evaluations,
        # The special-kind ones among them, by project with its kinds (the shape of
        # `selfeval.special_kinds`): the same rows as `key_evaluations.special_kinds`.
        "special_kind_evaluations": {
            "count": len(key_evaluations["special_kinds"]),
            "projects": [
                {"code": p["code"], "name": p["name"], "kinds": [p["kind"]]}
                for p in key_evaluations["special_kinds"]
            ],
        },
        "surveys": _surveys(work),
        # Using the results (DOMAIN.md §8): funds adjusted, recovered and redeployed in Y, the
        # rectifications, Y's proposals for Y + 1, the ranking and the disclosures.
        "results": results_figures(region, year, today, user=user),
        "lint": lint,
        "on_time": {
            "targets": on_time_targets,
            "monitoring": {
                "due": monitoring["reports"]["submitted"] + monitoring["reports"]["missing"],
                "late": monitoring["reports"]["late"],
                "on_time_rate": monitoring["reports"]["on_time_rate"],
            },
            "by_unit": [
                {
                    "unit": r["code"],
                    "name": r["name"],
                    "targets_due": r["targets_due"],
                    "targets_late": r["targets_late"],
                    "reports_due": r["reports_due"],
                    "reports_late": r["reports_late"],
                    "reports_missing": r["reports_missing"],
                    "on_time_rate": r["on_time_rate"],
                }
                for r in by_unit
            ],
        },
        "problems": _problems(
            work,
            lint_targets=lint_targets,
            monitoring=monitoring,
            selfeval=selfeval,
            targets_late=on_time_targets["late"],
            today=today,
        ),
        "policy_documents": [
            {
                "number": d.number,
                "title": d.title,
                "date": d.issued_on.isoformat(),
                "issuer": d.issuer,
            }
            for d in work.policy_documents
        ],
        "policy_documents_issued": work.policy_documents_issued.count(),
        "regions": _children(work, covered_ids),
    }


def as_json(value):
    """The contract's JSON: Decimals as strings (money with two decimals, rates with four, as
    `year_stats` already rounded them), everything else as it is."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value
