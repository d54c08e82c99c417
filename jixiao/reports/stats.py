"""The figures of a work year (DOMAIN.md §9), counted from the querysets of `selectors`.

`year_stats` returns plain data (ints, Decimals, strings, lists, dicts) that the statistics API,
`jixiao summary --format json`, the dashboards and the Word summary all share; the three that
print the special-kind projects one by one read them through `summary_figures`, which adds that
list (the dashboards need its count only). `as_json` turns it into the contract's JSON
(CONTRACT.md): money with two decimals and rates with four, as strings.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Context, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core import statements
from jixiao.core.collector import gc_paused
from jixiao.core.compiled import one_row_aggregate, plain_rows, rows_of_nothing
from jixiao.core.deadlines import day_after
from jixiao.core.grades import GRADES
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
from jixiao.monitoring.models import Alert, Round
from jixiao.orgs.models import Region, UnitYear
from jixiao.results.figures import results_figures
from jixiao.surveys.models import Response as SurveyResponse
from jixiao.surveys.models import Survey, SurveyStatus
from jixiao.targets.lint import CODES as LINT_CODES

from .selectors import APPROVED, WorkYear, full_year_budget

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


#: The compiled SQL of the figures' queries, by what each is built from (`figure_rows`): at most
#: this many, the oldest dropped first (about 9 KB each for a province of a hundred districts,
#: its region ids the most of it; a district's far less).
_COMPILED: dict[tuple, tuple] = {}
COMPILED_KEPT = 512
#: When set (the tests set it), each reuse of a compiled query also builds the query afresh and
#: checks that its SQL and parameters are the same: a key that misses something the query is
#: built from fails there, not in a figure.
CHECK_COMPILED = False


def figure_rows(
    work: WorkYear,
    name: str,
    build,
    *key,
    convert: bool = False,
    ahead: bool = True,
    judge=None,
) -> list[tuple]:
    """The rows of the `values_list` queryset `build()` gives (or of its statement: database,
    SQL and parameters). For a reader who sees the whole
    region its SQL depends only on the region's ids, the year and `key` (whatever else the
    query is built from: the day, the rulebook's values, the deadlines found), so it is
    compiled once a process for those: the recomputation after a change (the figures cache's
    miss, the same region and year) then runs the SQL without building the queryset again,
    about a millisecond of the ORM's each. Other readers' querysets hold their scope, and are
    built each time. `convert`: turn the values as the ORM does (money: SQLite sums binary
    floats), else as the driver gives them (as `plain_rows`). `ahead`: whether the next
    computation may send it ahead (`_send_ahead`); not for a statement run only when something
    changed (the deadlines read again, the counts unpacked). `judge`: a pure function of the
    (converted) rows whose result is returned instead of them, kept with the rows as the
    driver gave them (`_JUDGED`): when the statement gives the very same rows again, as it
    does after a change elsewhere in the work year, the kept result is returned, not judged
    again (the year-end rush's candidates, each converted and judged by M05's rule, 1.4 ms of
    the 6 ms of Python at the small scale). The result must not be changed by its readers."""
    cache_key = None
    if work.sees_whole_region:
        cache_key = (name, tuple(work._region_ids), work.year, *key)
    compiled = _COMPILED.get(cache_key) if cache_key else None
    if compiled is None or CHECK_COMPILED:
        fresh = _compile(build(), convert)
        if compiled is not None and compiled[:3] != fresh[:3]:
            raise AssertionError(f"figure_rows: {name} was compiled from more than its key")
        compiled = fresh
        if cache_key:
            if len(_COMPILED) >= COMPILED_KEPT:
                del _COMPILED[next(iter(_COMPILED))]
            _COMPILED[cache_key] = compiled
    db, sql, params, converters = compiled
    if sql is None:  # a filter that can match nothing (an empty list of ids)
        # no rows, or an aggregate's one row (`_compile`)
        return params if judge is None else judge(params)
    rows = None
    sent = work.__dict__.get("_ahead")
    if sent is not None and cache_key is not None:
        if ahead:
            sent["ran"].append(cache_key)
        rows = sent["rows"].pop(cache_key, None)
    if rows is None:
        rows = statements.rows(db, sql, params)
    if judge is not None:
        judged_key = (cache_key, judge.__qualname__)
        kept = _JUDGED.get(judged_key) if cache_key else None
        if kept is not None and kept[0] == rows:
            return kept[1]
        raw = rows
    if converters:
        rows = _converted(rows, converters, connections[db])
    if judge is None:
        return rows
    judged = judge(rows)
    if cache_key:
        if len(_JUDGED) >= COMPILED_KEPT:
            del _JUDGED[next(iter(_JUDGED))]
        _JUDGED[judged_key] = (raw, judged)
    return judged


#: What `figure_rows`' `judge` made of a kept statement's rows, with those rows as the driver
#: gave them, by the statement's key: (rows, result).
_JUDGED: dict[tuple, tuple] = {}


def _converted(rows: list[tuple], converters: list, connection) -> list[list]:
    """The rows with each column's converters applied, as the ORM's compiler does
    (`SQLCompiler.apply_converters`), from the converters alone: a kept compiler would hold its
    whole query (15 KB more for each query kept, at province scale)."""
    out = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        out.append(row)
    return out


def _compile(queryset: QuerySet | tuple, convert: bool) -> tuple:
    """(database, SQL, parameters, converters) of a queryset, or of a statement given as
    (database, SQL, parameters)."""
    if isinstance(queryset, tuple):
        db, sql, params = queryset
        return db, *(_bound(db, sql, params) if sql else (None, [])), None
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # no SQL: kept as the rows it stands for, in the parameters' place
        return queryset.db, None, rows_of_nothing(queryset), None
    converters = None
    if convert:
        found = compiler.get_converters([column for column, _sql, _a in compiler.select])
        converters = list(found.items())
    return queryset.db, *_bound(queryset.db, sql, params), converters


def _bound(db: str, sql: str, params) -> tuple[str, tuple | None]:
    """The SQL and its parameters as kept: on PostgreSQL the parameters merged into the SQL
    once, as psycopg's client-side binding (Django's) would merge them on every run, which
    cost more of the process's CPU than the rest of a run (a hundred region ids a query)."""
    connection = connections[db]
    if connection.vendor == "postgresql" and params:
        return connection.ops.compose_sql(sql, params), None
    return sql, tuple(params)


def _first_level_of(work: WorkYear) -> dict[int, int]:
    """unit id → its first-level unit in Y (or in Y−1 for a unit that no longer exists in Y,
    so a merged unit's evaluation of last year still covers someone)."""
    return _once(work, "first_level_of", lambda: _roots(work))


def _roots(work: WorkYear) -> dict[int, int]:
    # One row a unit: Y's, or Y−1's for a unit not in Y (`_structure`).
    return {
        unit_id: unit_id if level == 1 else parent_id
        for unit_id, _year, level, parent_id, *_r in _structure(work)
    }


def _covered_roots(work: WorkYear, per_unit: dict) -> set[int]:
    """The first-level units `first_level_activity` has an entry for, without counting what
    each did: the units with anything done, then their first-level units (coverage needs only
    which are covered; a province has thousands of units)."""
    roots = _first_level_of(work)
    evaluations = evaluation_counts(work)
    active = {unit_id for unit_id, counts in per_unit["targets"].items() if counts[0]}
    active.update(unit_id for unit_id, counts in per_unit["reports"].items() if counts[0])
    for key in ("selfeval_units", "unit_evaluation_units"):
        active.update(unit_id for unit_id, n in evaluations[key].items() if n)
    return {roots[unit_id] for unit_id in active if unit_id in roots} - {None}


def first_level_activity(work: WorkYear, per_unit: dict | None = None) -> dict[int, dict[str, int]]:
    """First-level unit id → what it (or a unit under it) did in Y that covers it (DOMAIN.md
    §9): declarations of Y, reports in Y's rounds, evaluations done in Y — each submitted or
    beyond. A first-level unit with nothing has no entry. `per_unit`: the counts of
    `unit_counts`, when the caller has them already."""
    roots = _first_level_of(work)
    per_unit = per_unit or unit_counts(work, timezone.localdate())
    sources = [
        ("targets", ((u, t[0]) for u, t in per_unit["targets"].items())),
        ("reports", ((u, r[0]) for u, r in per_unit["reports"].items())),
    ]
    evaluations = evaluation_counts(work)
    for key in ("selfeval_units", "unit_evaluation_units"):
        sources.append(("evaluations", evaluations[key].items()))
    activity: dict[int, dict[str, int]] = {}
    for name, rows in sources:
        for unit_id, n in rows:
            root = roots.get(unit_id)
            if root is not None and n:
                done = activity.setdefault(root, {})
                done[name] = done.get(name, 0) + n
    return activity


def evaluation_counts(work: WorkYear) -> dict:
    """The evaluations done in Y, counted once per work year object: `selfeval_units` unit id
    → its self-evaluations and `grades` each of `GRADES` → the self-evaluations whose standing
    grade it is (the reviewer's where there is one, else the rules', as
    `WorkYear.standing_grades`), both from one GROUP BY by unit; `unit_evaluation_units` unit
    id → its whole-unit evaluations and `unit_evaluation_grades` grade → whole-unit
    evaluations (one GROUP BY by unit and grade). Coverage, the grades of `year_stats` and the
    dashboard's all add these up."""
    return _once(work, "evaluation_counts", lambda: _evaluation_counts(work))


def _evaluation_counts(work: WorkYear) -> dict:
    # The self-evaluations by unit with their grades packed in one sum (`_by_category`): the
    # units by grade were twice the rows, and a separate aggregate of the grades a second
    # scan of the year's self-evaluations.
    units, n, *by_grade = _by_category(
        work,
        "evaluation_counts.selfeval",
        [Q(reviewed_grade=grade) | Q(reviewed_grade="", grade=grade) for grade in GRADES],
        lambda counts: (
            work.selfevals.order_by().values_list("unit_id").annotate(n=Count("id"), **counts)
        ),
    )
    out: dict = {
        "selfeval_units": dict(zip(units, n, strict=True)),
        "grades": {grade: sum(counts) for grade, counts in zip(GRADES, by_grade, strict=True)},
    }
    units = out.setdefault("unit_evaluation_units", {})
    grades = out.setdefault("unit_evaluation_grades", {})
    for unit_id, grade, n in figure_rows(
        work,
        "evaluation_counts.unit_evaluation",
        lambda: (
            work.unit_evaluations.order_by().values_list("unit_id", "grade").annotate(n=Count("id"))
        ),
    ):
        units[unit_id] = units.get(unit_id, 0) + n
        grades[grade] = grades.get(grade, 0) + n
    return out


def _structure(work: WorkYear) -> list[tuple]:
    """(unit id, year, level, parent id, code, name, region id) of every unit of Y in the
    region, and of Y−1 for the units not in Y (`WorkYear.unit_structure`), once per work year
    object: the first-level unit each record belongs to, the first-level units of a reader
    who sees the whole region and the units' names all read these rows (one query for the
    three). The Y−1 rows of the units still in Y would be read and set aside: half the rows
    of a province, a third of the query's time. Those units are a list (`NOT IN`), not a
    correlated `NOT EXISTS`: PostgreSQL priced the latter per row of the units' years and so
    looked up each unit's years by index (11.5 ms at province scale), where with the list it
    hashes the units and reads the years once (7 ms; docs/performance.md, eleventh pass)."""

    def build():  # only when not compiled yet: a queryset costs a few filters to build
        in_year = UnitYear.objects.filter(year=work.year).values("unit_id")
        return (
            work.unit_structure.filter(Q(year=work.year) | ~Q(unit_id__in=in_year))
            .order_by()
            .values_list(
                "unit_id", "year", "level", "parent_id", "unit__code", "name", "unit__region_id"
            )
        )

    return _once(work, "structure", lambda: figure_rows(work, "structure", build))


def _first_level_rows(work: WorkYear) -> list[tuple[int, str, int]]:
    """(unit id, code, region id) of each first-level unit of Y: what coverage counts, and
    the roll-up by region (one query for both; none for a reader who sees the whole region,
    whose first-level units are those of the units' structure)."""
    if work.sees_whole_region:
        return [
            (unit_id, code, region_id)
            for unit_id, year, level, _parent, code, _name, region_id in _structure(work)
            if year == work.year and level == 1
        ]
    return list(
        work.first_level_units.order_by().values_list("unit_id", "unit__code", "unit__region_id")
    )


def _units(work: WorkYear, per_unit: dict, first_level_rows: list[tuple]) -> dict:
    first_level = {unit_id: code for unit_id, code, _region in first_level_rows}
    covered = _covered_roots(work, per_unit) & set(first_level)
    return {
        "first_level": len(first_level),
        "covered": len(covered),
        "coverage_rate": rate(len(covered), len(first_level)),
        "not_covered": sorted(code for uid, code in first_level.items() if uid not in covered),
        "_covered_ids": covered,
    }


def _targets(work: WorkYear) -> dict:
    """Y's declarations: projects and units declared and approved and the funds approved in
    one query (`_targets_statement`; two on PostgreSQL, `_targets_apart`), and the versions in
    force by status (`_current`)."""
    from jixiao.targets.models import Target

    names = ("projects_declared", "projects_approved", "units_declared", "units_approved")
    if connections[router.db_for_read(Target)].vendor == "postgresql":
        *counts, funds = _targets_apart(work)
    else:
        rows = figure_rows(work, "targets.counts", lambda: _targets_statement(work))
        *counts, funds = rows[0] if rows else (0, 0, 0, 0, None)
    return {
        **dict(zip(names, (int(n or 0) for n in counts), strict=True)),
        "funds_approved": money(_decimal(funds)),
        "by_status": _current(work)[0],
    }


def _current(work: WorkYear) -> tuple[dict[str, int], dict[str, int]]:
    """Y's versions in force (every status but superseded) by status, and the findings' codes
    (`Target.finding_codes`) of those counted (`WorkYear.current_targets`) with any, by codes:
    one statement of two GROUP BYs read from the declarations' covering index
    (`target_figures`), each sorting only what it groups (one GROUP BY of the pairs of status
    and codes cost 20 ms against 15 at province scale). The statuses are grouped by region
    too, the order in which SQLite reads the index (region, year, status, …), so it counts
    them without a sort (6 ms against 10 at province scale), and the few hundred rows are added
    up here. The counts by status and `_lint` read it."""
    from jixiao.targets.models import Target

    def build():
        statuses = (
            work.rows_of(Target)
            .filter(year=work.year)
            .current()
            .order_by()
            .annotate(part=Value(1))
            .values("region_id", "part", "status")
            .annotate(n=Count("id"))
            .values_list("part", "status", "n")
        )
        codes = (
            work.current_targets.exclude(finding_codes="")
            .order_by()
            .annotate(part=Value(2))
            .values_list("part", "finding_codes")
            .annotate(n=Count("id"))
        )
        return statuses.union(codes, all=True)

    def split():
        parts: tuple[dict, dict] = ({}, {})
        for part, value, n in figure_rows(work, "targets.current", build):
            parts[part - 1][value] = parts[part - 1].get(value, 0) + n
        return parts

    return _once(work, "targets.current", split)


def _targets_statement(work: WorkYear) -> tuple[str, str | None, list]:
    """(database, SQL, parameters) of the declarations' counts and the funds approved, in one
    scan of the declarations (was two: the distinct counts, then the approved projects as a
    subquery of the projects' sum): the declarations grouped by project (a unit's own, by
    unit), a group approved when any of its versions is (`APPROVED`), then the groups counted
    and the approved projects' full-year budgets summed. No SQL when it can match nothing."""
    from jixiao.budgets.models import FUNDING_SOURCES, Project

    groups = (
        work.targets.order_by()
        .annotate(
            own_unit=Case(When(project__isnull=True, then=F("unit_id"))),
            approved=Case(When(status__in=APPROVED, then=Value(1)), default=Value(0)),
        )
        .values("project_id", "own_unit")
        .annotate(a=Max("approved"))
        .values_list("project_id", "own_unit", "a")
    )
    try:
        sql, params = groups.query.get_compiler(groups.db).as_sql()
    except EmptyResultSet:
        return groups.db, None, []
    column = {f.name: f.column for f in Project._meta.fields}
    funds = " + ".join(f"COALESCE(p.{column[f'full_{src}']}, 0)" for src, _l in FUNDING_SOURCES)
    query = (
        "SELECT COUNT(g.project_id), "
        "COALESCE(SUM(CASE WHEN g.project_id IS NOT NULL THEN g.a END), 0), "
        "COUNT(g.own_unit), COALESCE(SUM(CASE WHEN g.own_unit IS NOT NULL THEN g.a END), 0), "
        f"SUM({funds}) FROM ({sql}) g "
        f"LEFT JOIN {Project._meta.db_table} p ON p.id = g.project_id AND g.a = 1"
    )
    return groups.db, query, params


def _targets_apart(work: WorkYear) -> tuple:
    """`_targets_statement`'s counts and funds on PostgreSQL, as two statements sent together
    (`_send_ahead`): the distinct projects and units declared and approved, and the approved
    projects' full-year budgets summed over the projects whose id is among theirs. PostgreSQL
    hashes the year's declarations for the distinct counts and the approved ones for the sum
    faster than it groups them by project and joins the groups to every project (20 ms
    against 31 at province scale: the join hashes the projects of both years); SQLite is the
    other way round (`_targets_statement`, the seventh pass)."""
    from jixiao.budgets.models import Project

    approved = Q(status__in=APPROVED)
    own = Q(project__isnull=True)
    ((projects, projects_approved, units, units_approved),) = figure_rows(
        work,
        "targets.counts.apart",
        lambda: one_row_aggregate(
            work.targets,
            Count("project_id", distinct=True),
            Count("project_id", distinct=True, filter=approved),
            Count("unit_id", distinct=True, filter=own),
            Count("unit_id", distinct=True, filter=own & approved),
        ),
    )
    ((funds,),) = figure_rows(
        work,
        "targets.funds",
        lambda: one_row_aggregate(
            Project.objects.filter(pk__in=work.targets.filter(approved).values("project_id")),
            _funds_sum(),
        ),
        convert=True,
    )
    return projects, projects_approved, units, units_approved, funds


def _funds_sum(prefix: str = ""):
    """The sum of the full-year budgets (DOMAIN.md §9) of the projects at `prefix`: on
    PostgreSQL the sum of each funding source's sum, which is exact (numeric) and spares the
    additions of each row (1.2 ms of a statement's 13 over a province's 13,000 reports); on
    SQLite, whose sums are binary floats, the sum of each row's budget, as before, so that no
    sum is added up in another order."""
    from jixiao.budgets.models import FUNDING_SOURCES, Project

    if connections[router.db_for_read(Project)].vendor != "postgresql":
        return Sum(full_year_budget(prefix), output_field=DecimalField())
    first, *rest = (Sum(f"{prefix}full_{src}") for src, _label in FUNDING_SOURCES)
    total = first
    for each in rest:
        total = total + each
    total.empty_result_set_value = None  # no rows: NULL, as a sum (`one_row_aggregate`)
    return total


#: How the ORM reads a decimal sum of SQLite's, a binary float (`DatabaseOperations.
#: get_decimalfield_converter`), so that a sum read by plain SQL comes out the same.
_FROM_FLOAT = Context(prec=15).create_decimal_from_float


def _decimal(value) -> Decimal:
    """A sum read by plain SQL as the ORM reads it: PostgreSQL's numeric as it is, SQLite's
    float (or integer) through the ORM's conversion."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else _FROM_FLOAT(value)


def _projects_by_region(
    work: WorkYear, name: str, kinds: tuple[str, ...] = ()
) -> dict[int, tuple[int, Decimal, int]]:
    """region id → how many projects, their full-year budgets (DOMAIN.md §9) and how many of
    them are of one of the project kinds `kinds` (codes), of the work year's projects `name`
    (`monitored_projects`, `selfevaluated_projects`), in one grouped query: the totals and
    the roll-up by region both add these up. Each project is one row here, so the kinds'
    counts add up to the distinct projects of those kinds (a separate COUNT(DISTINCT) of the
    self-evaluations' projects cost a scan and a sort of its own)."""
    from jixiao.budgets.models import Project

    def build():
        rows = (
            getattr(work, name)
            .order_by()
            .values_list("region_id")
            .annotate(n=Count("id"), funds=_funds_sum())
        )
        if not kinds:
            return rows
        of_kinds = Project.kinds.through.objects.filter(projectkind__code__in=kinds)
        return rows.annotate(of_kinds=Count("id", filter=Q(id__in=of_kinds.values("project_id"))))

    rows = figure_rows(work, name, build, kinds, convert=True)
    # without `kinds`, no count of them: 0 for each region
    return {region_id: (n, funds or Decimal(0), sum(k)) for region_id, n, funds, *k in rows}


def _total(by_region: dict[int, tuple[int, Decimal, int]]) -> tuple[int, Decimal, int]:
    """How many projects, their funds and those of the kinds asked for over every region of
    `_projects_by_region`."""
    return (
        sum(n for n, _funds, _k in by_region.values()),
        sum((funds for _n, funds, _k in by_region.values()), Decimal(0)),
        sum(k for _n, _funds, k in by_region.values()),
    )


def _monitoring(
    work: WorkYear, today: datetime.date, per_unit: dict, monitored: dict[int, tuple]
) -> dict:
    report_counts = report_totals(work, today)
    late = sum(late for _submitted, late, _missed in per_unit["reports"].values())
    by_code = dict.fromkeys(ALERT_CODES, 0)
    by_level = {"yellow": 0, "red": 0}
    by_status = dict.fromkeys([s for s in Alert.Status.values if s != Alert.Status.CLEARED], 0)
    disposals = dict.fromkeys(Alert.Disposal.values, 0)
    # One GROUP BY for the four breakdowns and the alerts overdue (`WorkYear.alerts_overdue`):
    # a few dozen groups, added up here.
    overdue_alerts = 0
    for code, level, status, disposal, n, overdue in figure_rows(
        work,
        "alerts",
        lambda: (
            work.alerts.order_by()
            .values_list("code", "level", "status", "disposal")
            .annotate(n=Count("id"), overdue=Count("id", filter=work.overdue_q(today)))
        ),
        today,
    ):
        overdue_alerts += overdue
        for counts, key in ((by_code, code), (by_level, level), (by_status, status)):
            counts[key] = counts.get(key, 0) + n
        if disposal:
            disposals[disposal] = disposals.get(disposal, 0) + n
    projects, funds, _k = _total(monitored)
    ((n_rounds, latest),) = figure_rows(
        work,
        "rounds",
        lambda: one_row_aggregate(work.rounds, Count("id"), Max("period_end")),
        convert=True,
    )
    return {
        "rounds": n_rounds,
        "projects": projects,
        "funds": money(funds),
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
        "overdue_alerts": overdue_alerts,
        "execution": _execution(work, latest),
    }


def _execution(work: WorkYear, latest: datetime.date | None) -> dict:
    """Execution of the latest round's reports (`latest`: its period end) against its time
    progress (DOMAIN.md §5)."""
    from jixiao.monitoring.alerts import time_progress

    if latest is None:
        return {
            "period_end": None,
            "time_progress": None,
            "funds": money(0),
            "executed": money(0),
            "rate": None,
        }
    ((funds, executed),) = figure_rows(
        work,
        "execution",
        lambda: one_row_aggregate(
            work.reports.filter(round__period_end=latest),
            _funds_sum("project__"),
            Sum("executed"),
        ),
        latest,
        convert=True,
    )
    progress, _text = time_progress(latest, work.rules.get("monitoring.time_progress"))
    funds, executed = funds or Decimal(0), executed or Decimal(0)
    return {
        "period_end": latest.isoformat(),
        "time_progress": (Decimal(progress.numerator) / Decimal(progress.denominator)).quantize(
            RATE, rounding=ROUND_HALF_UP
        ),
        "funds": money(funds),
        "executed": money(executed),
        "rate": rate(executed, funds),
    }


def _selfeval(work: WorkYear, selfevaluated: dict[int, tuple]) -> dict:
    standing = evaluation_counts(work)["grades"]
    grades = {g: standing.get(g, 0) for g in GRADES}
    projects, funds, special = _total(selfevaluated)
    return {
        "year": work.evaluated_year,
        "projects": projects,
        "funds": money(funds),
        "grades": grades,
        # how many special-kind projects were evaluated; the list is `special_kind_projects`
        "special_kinds": {"count": special},
    }


def _unit_evaluations(work: WorkYear) -> tuple[int, dict]:
    by_grade = evaluation_counts(work)["unit_evaluation_grades"]
    return sum(by_grade.values()), {g: by_grade.get(g, 0) for g in GRADES}


def special_kind_projects(work: WorkYear) -> list[dict]:
    """The special-kind projects evaluated, each with its code, name, kinds and standing grade,
    by project code: one row per project and kind from the database (values, not model
    instances: a province has thousands)."""
    kinds = work.rules.get("summary.special_kinds")
    rows = plain_rows(
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
    return list(projects.values())


def counted_key_evaluations(work: WorkYear) -> QuerySet:
    """The bureau's key evaluations of work year Y (DOMAIN.md §9, "key evaluations and the
    projects chosen"): those of Y notified or beyond. A draft is a pick the office has not yet
    announced to the unit, so it is not counted.

    Department evaluations (部门评价: a first-level unit commissions them on its own projects,
    `commissioner` set) run on the same machinery but are the unit's, not the bureau's key
    evaluations: they are left out here. The figures and the summary's appendix list both read
    this queryset."""
    return (
        work.rows_of(KeyEvaluation)
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
    Two queries whatever the number of evaluations: the rows with what was done, then (when
    there are any) the findings grouped by the database."""
    rows = figure_rows(
        work,
        "key_evaluations",
        lambda: with_key_facts(counted_key_evaluations(work).order_by("pk")).values_list(
            "project__code",
            "project__name",
            "subject",
            "special_kind",
            "visited",
            "scored",
            "reported",
            "surveyed",
        ),
        convert=True,
    )
    projects = [{"code": code, "name": name or subject} for code, name, subject, *_r in rows]
    special = [
        {"kind": kind, **project}
        for project, (_c, _n, _s, kind, *_r) in zip(projects, rows, strict=True)
        if kind
    ]
    findings = dict.fromkeys(KEY_LEVEL1, 0)
    for level1, n in (
        figure_rows(
            work,
            "key_evaluations.findings",
            lambda: (
                Finding.objects.filter(evaluation__in=counted_key_evaluations(work))
                .order_by()
                .values_list("level1")
                .annotate(n=Count("id"))
            ),
        )
        if rows
        else ()
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
    units' self-evaluations and whole-unit evaluations). One query: the surveys joined to
    their answers, the surveys counted once each."""
    ((count, valid),) = figure_rows(
        work,
        "surveys",
        lambda: one_row_aggregate(
            work.rows_of(Survey)
            .filter(status__in=SURVEY_COUNTED)
            .filter(
                Q(key_evaluation__year=work.year)
                | Q(selfeval__year=work.evaluated_year)
                | Q(unit_evaluation__year=work.evaluated_year)
            ),
            Count("id", distinct=True),
            Count("responses", filter=Q(responses__valid=True)),
        ),
    )
    return {"count": count, "valid_responses": valid}


def _lint(work: WorkYear) -> tuple[dict, int]:
    """Findings by code (each time found, as the 2021 summary counts 处) and the number of
    declarations with any finding, as `WorkYear.findings` counts them, from the findings'
    codes each declaration keeps beside them (`Target.finding_codes`, "code;" a finding),
    grouped by the database (`_current`): no JSON is parsed, by the database or here."""
    times: dict[str, int] = {}
    with_findings = 0
    for codes, n in _current(work)[1].items():
        with_findings += n
        for code in codes.split(";")[:-1]:
            times[code] = times.get(code, 0) + n
    return {code: times.get(code, 0) for code in LINT_CODES}, with_findings


def _on_time_targets(per_unit: dict) -> dict:
    due = sum(due for _n, due, _late in per_unit["targets"].values())
    late = sum(late for _n, _due, late in per_unit["targets"].values())
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
    lagging_codes = tuple(work.rules.get("summary.lagging_codes"))
    ((lag_projects, lag_red),) = figure_rows(
        work,
        "execution_lag",
        lambda: one_row_aggregate(
            work.alerts.filter(code__in=lagging_codes),
            Count("project_id", distinct=True),
            Count("project_id", distinct=True, filter=Q(level="red")),
        ),
        lagging_codes,
    )
    rush = year_end_rush(work)
    low = work.rules.get("summary.low_grades")
    return {
        "lint_targets": lint_targets,
        "execution_lag": {"projects": lag_projects, "red": lag_red},
        "year_end_rush": {
            "year": work.evaluated_year,
            "projects": len(rush),
            "december": money(sum((r["december"] for r in rush.values()), Decimal(0))),
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


#: Relative slack of the database's pre-selection of the year-end rush: SQLite sums money as
#: binary floats, so a project exactly at a bound may come out a hair below it.
RUSH_SLACK = Decimal("0.999999")


def year_end_rush(work: WorkYear) -> dict[int, dict]:
    """Project id → its payments (`total`, `december`) for the Y−1 projects evaluated whose
    December payments trip M05 (突击拨款), as `WorkYear.year_end_rush` gives them, but found by
    the database: it sums each project's payments and keeps only those whose December exceeds
    the lower of M05's two bounds as a share of the year (December > share × year, or above
    `multiple` × the January–November average, i.e. December > multiple / (11 + multiple) ×
    year); the pure rule then judges these few exactly.

    The payments are those of the projects with a self-evaluation counted
    (`WorkYear.evaluated_projects_payments`), asked as an `EXISTS` for each payment row that
    passes the bound, not as a list of the self-evaluations' projects: SQLite then reads the
    year totals once and looks up the few candidates' self-evaluations by project (the
    project is unique there), where it read the year's counted self-evaluations into a list
    and each project's totals by it (2.2 → 0.7 ms at the small scale, 27 → 11 ms at province
    scale). PostgreSQL plans both as the same semi-join."""
    from jixiao.budgets.models import PaymentTotal
    from jixiao.monitoring.alerts import AlertRules, is_year_end_rush

    rules = AlertRules.from_section(work.rules.get("monitoring"))
    share, multiple = rules.m05
    bound = min(share, multiple / (11 + multiple))  # 11 months before December
    least = Decimal(bound.numerator) / Decimal(bound.denominator) * RUSH_SLACK

    def judge(candidates):
        return {
            project_id: {"project_id": project_id, "total": total, "december": december}
            for project_id, total, december in candidates
            if is_year_end_rush(december, total or 0, rules=rules)
        }

    return figure_rows(
        work,
        "year_end_rush",
        lambda: (
            PaymentTotal.objects.filter(
                Exists(work.selfevals.filter(project_id=OuterRef("project_id")))
            )
            .filter(december__gt=0)
            .filter(december__gt=F("total") * Value(least, output_field=DecimalField()))
            .order_by()
            .values_list("project_id", "total", "december")
        ),
        least,
        rules.m05,
        convert=True,
        judge=judge,
    )


def _children(
    work: WorkYear, covered_ids: set[int], first_level_rows: list[tuple], funds: dict[str, dict]
) -> list[dict]:
    """Roll-up: the figures of each region directly under a city or province, from the rows
    the totals were counted from (`first_level_rows`; `funds`: figure → `_projects_by_region`)
    and the regions the work year read for its filter (`WorkYear.regions`)."""
    regions = sorted(work.regions, key=lambda r: r[3])
    children = [r for r in regions if r[1] == work.region.id]
    if not children:
        return []
    child_of = {}
    for region_id, _parent, path, _code, _name in regions:
        for child_id, _p, child_path, _c, _n in children:
            if path.startswith(child_path):
                child_of[region_id] = child_id
    out = {
        child_id: {
            "code": code,
            "name": name,
            "first_level": 0,
            "covered": 0,
            "selfeval_funds": Decimal(0),
            "monitored_funds": Decimal(0),
        }
        for child_id, _p, _path, code, name in children
    }
    for unit_id, _code, region_id in first_level_rows:
        row = out.get(child_of.get(region_id))
        if row:
            row["first_level"] += 1
            row["covered"] += unit_id in covered_ids
    for key, by_region in funds.items():
        for region_id, (_n, total, _k) in by_region.items():
            row = out.get(child_of.get(region_id))
            if row:
                row[key] += total
    for row in out.values():
        row["coverage_rate"] = rate(row["covered"], row["first_level"])
        row["selfeval_funds"] = money(row["selfeval_funds"])
        row["monitored_funds"] = money(row["monitored_funds"])
    return list(out.values())


def _late(deadlines, *, deadline: str = "deadline", submitted: str = "submitted_at") -> Q:
    """Late as `core.deadlines.is_late` rules it, as one SQL condition: submitted at or after
    the start of the day after its deadline. An OR over the few distinct deadlines, so the
    database compares each row's time with a constant and converts no time to a local date
    (the same on SQLite and PostgreSQL)."""
    condition = Q(pk__isnull=True)  # nothing (a primary key is never null)
    for day in deadlines:
        condition |= Q(**{deadline: day, f"{submitted}__gte": day_after(day)})
    return condition


def _distinct(work: WorkYear, name: str, queryset, field: str) -> tuple:
    """The distinct values of `field` of `queryset()` (sorted: they are part of a key), read
    only when they changed (`_with_deadlines`): never sent ahead."""
    rows = figure_rows(
        work,
        name,
        lambda: queryset().order_by().values_list(field).distinct(),
        convert=True,
        ahead=False,
    )
    return tuple(sorted(value for (value,) in rows))


def unit_counts(work: WorkYear, today: datetime.date) -> dict[str, dict[int, tuple]]:
    """Per unit, in one GROUP BY query each (`_with_deadlines` reads the distinct deadlines
    only when they changed): `targets` unit id → (declarations submitted or beyond, those with
    a deadline, late) and `reports` unit id → (submitted or beyond, late, missing past the
    deadline), the reports still open before their deadline left out. What coverage and
    timeliness count."""
    has_deadline = Q(deadline__isnull=False)
    units, n, late, on_time = _with_deadlines(
        work,
        "targets.deadlines",
        lambda: _distinct(
            work, "targets.deadlines", lambda: work.targets.filter(has_deadline), "deadline"
        ),
        lambda deadlines: _by_category(
            work,
            "targets.by_unit",
            # a deadline not known (`_with_deadlines`), else late, else with a deadline (on
            # time): due is the last two
            [_not_among(deadlines), has_deadline & _late(deadlines), has_deadline],
            lambda counts: (
                work.targets.order_by().values_list("unit_id").annotate(n=Count("id"), **counts)
            ),
            deadlines,
        ),
    )
    due = [a + b for a, b in zip(late, on_time, strict=True)]
    return {
        "targets": dict(zip(units, zip(n, due, late, strict=True), strict=True)),
        "reports": report_counts(work, today),
    }


#: The bits of each count in a packed sum (`_by_category`): four fit in SQLite's signed 64-bit
#: integer while no group has 2**15 rows; a group with more is counted again unpacked.
PACK_BITS = 15


def _by_category(work: WorkYear, name: str, categories: list[Q], rows_of, *key) -> list[tuple]:
    """The columns (groups, n, the count of each category) of the rows of `rows_of(counts)`:
    a one-column `values_list` annotated with `n=Count("id")` and `counts`. By column, so the
    callers add up and unpack the counts with a loop a column, not a call a row (thousands of
    units). Each row is counted in the first of `categories` it meets (their order decides, as
    a CASE's). The counts are one SUM of a CASE that adds 1 << PACK_BITS·i for category i
    (`_packed`), not a COUNT … FILTER each: SQLite spends about as much on each aggregate as
    on the scan of the year's rows (4–5 ms each over a province's 26,000 reports or 36,000
    declarations). No count can spill into the next while its group has fewer than
    2**PACK_BITS rows; when one has more, the query runs again with a COUNT … FILTER each."""
    none = [()] * (2 + len(categories))
    rows = figure_rows(
        work, name, lambda: rows_of({"packed": _packed(categories)}), PACK_BITS, *key
    )
    if not rows:
        return none
    group, n, packed = zip(*rows, strict=True)
    if max(n) >= 1 << PACK_BITS:
        rows = figure_rows(
            work, f"{name}.unpacked", lambda: rows_of(_counts(categories)), *key, ahead=False
        )
        return list(zip(*rows, strict=True)) or none
    mask = (1 << PACK_BITS) - 1
    counts = [[value >> PACK_BITS * i & mask for value in packed] for i in range(len(categories))]
    return [group, n, *counts]


def _packed(categories: list[Q]) -> Cast:
    """`_by_category`'s counts in one integer, category i's from bit PACK_BITS·i. The sum is
    cast to a bigint: PostgreSQL's SUM of a bigint is a numeric, which the driver read as a
    Decimal and the counts then turned into an int (0.2 ms of the process's CPU for each of
    the 700 units' rows at the small scale). The packed counts fit in a bigint as they fit in
    SQLite's integers, whose SUM fails past them alike."""
    return Cast(
        Sum(
            Case(
                *(When(q, then=Value(1 << PACK_BITS * i)) for i, q in enumerate(categories)),
                default=Value(0),
                output_field=BigIntegerField(),
            )
        ),
        BigIntegerField(),
    )


def _counts(categories: list[Q]) -> dict[str, Count]:
    """`_by_category`'s counts one COUNT … FILTER each, a row in the first it meets."""
    counts, before = {}, None
    for i, q in enumerate(categories):
        counts[f"c{i}"] = Count("id", filter=q if before is None else q & ~before)
        before = q if before is None else before | q
    return counts


#: The distinct deadlines last found per query, region and year (`_with_deadlines`).
_DEADLINES: dict[tuple, tuple] = {}


def _with_deadlines(work: WorkYear, name: str, find, run) -> list[tuple]:
    """The columns of `run(deadlines)` (`_by_category`'s) but the third: a GROUP BY whose late
    counts are built from `deadlines` (`_late`) and whose first category (the third column)
    counts the rows with a deadline not among them (`_not_among`), before any other category,
    so that none of them is counted elsewhere. When that column is all zeros the other
    categories are as they would be without it: a category of its own, in the packed sum,
    costs SQLite nothing more a row, where a COUNT … FILTER of its own cost 4–5 ms at province
    scale. The deadlines are those `find()` read last time for this region and year, so the
    read of them (a scan of the year's rows) is saved while they stay the same, as they mostly
    do. When a row has another deadline, or none were read yet in this process, `find()` reads
    them and the query runs again: the late counts are exact either way (a deadline kept that
    no row has any more matches nothing)."""
    key = (name, tuple(work._region_ids), work.year)
    deadlines = _DEADLINES.get(key)
    columns = run(deadlines) if deadlines is not None else None
    if columns is None or any(columns[2]):
        deadlines = find()
        columns = run(deadlines)
        if len(_DEADLINES) >= COMPILED_KEPT:
            del _DEADLINES[next(iter(_DEADLINES))]
        _DEADLINES[key] = deadlines
    return [*columns[:2], *columns[3:]]


def _not_among(deadlines, *, deadline: str = "deadline") -> Q:
    """A deadline set and not one of `deadlines` (`_with_deadlines`' check)."""
    condition = Q(**{f"{deadline}__isnull": False})
    return condition & ~Q(**{f"{deadline}__in": deadlines}) if deadlines else condition


def _once(work: WorkYear, key, compute):
    """`compute()` once per work year object: the dashboard computes its own figures and
    `year_stats` from one, and both count the reports by unit and name the units."""
    store = work.__dict__.setdefault("_computed", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def report_counts(work: WorkYear, today: datetime.date) -> dict[int, tuple[int, int, int]]:
    """unit id → its reports of Y (submitted or beyond, late, missing past the deadline), in
    one GROUP BY query (and one for the rounds' distinct deadlines when they changed:
    `_with_deadlines`); a unit with only reports
    still open before their deadline has no entry. Late as `core.deadlines.is_late` rules it
    (`_late`), so the lists that judge each report in Python count the same. Once per work
    year object and day."""
    return _counted_reports(work, today)[0]


def report_totals(work: WorkYear, today: datetime.date) -> dict[str, int]:
    """Y's reports: `total`, `submitted` (or beyond) and `missing` past the deadline, added
    up from the same GROUP BY as `report_counts`."""
    return _counted_reports(work, today)[1]


def _counted_reports(work: WorkYear, today: datetime.date) -> tuple[dict, dict]:
    return _once(work, ("report_counts", today), lambda: _report_counts(work, today))


def _report_counts(
    work: WorkYear, today: datetime.date
) -> tuple[dict[int, tuple[int, int, int]], dict[str, int]]:
    counted = Q(status__in=REPORT_COUNTED)
    overdue = ~counted & Q(round__deadline__lt=today)
    units, n, late, on_time, missing = _with_deadlines(
        work,
        "rounds.deadlines",
        lambda: _distinct(
            work,
            "rounds.deadlines",
            lambda: Round.objects.filter(pk__in=work.reports.order_by().values("round_id")),
            "deadline",
        ),
        lambda deadlines: _by_category(
            work,
            "reports.by_unit",
            # a deadline not known (`_with_deadlines`), else submitted late, else submitted (on
            # time), else missing past the deadline
            [
                _not_among(deadlines, deadline="round__deadline"),
                counted & _late(deadlines, deadline="round__deadline"),
                counted,
                overdue,
            ],
            lambda counts: (
                work.reports.order_by().values_list("unit_id").annotate(n=Count("id"), **counts)
            ),
            deadlines,
            today,
        ),
    )
    submitted = [a + b for a, b in zip(late, on_time, strict=True)]
    totals = {"total": sum(n), "submitted": sum(submitted), "missing": sum(missing)}
    by_unit = {
        unit_id: counts
        for unit_id, counts in zip(units, zip(submitted, late, missing, strict=True), strict=True)
        if counts[0] or counts[2]  # only reports still open before their deadline: no entry
    }
    return by_unit, totals


def unit_names(work: WorkYear, unit_ids) -> dict[int, tuple[str, str]]:
    """unit id → (code, name in Y) for `unit_ids`: the units of the region's year in one query
    by region (a province names thousands, each a parameter of the query in a list of ids), and
    by id only any not found there."""
    wanted = set(unit_ids)
    region_units = _once(
        work,
        "unit_names",
        lambda: {
            unit_id: (code, name)
            for unit_id, year, _level, _parent, code, name, _region in _structure(work)
            if year == work.year
        },
    )
    names = {unit_id: region_units[unit_id] for unit_id in wanted if unit_id in region_units}
    if missing := sorted(wanted - set(names)):
        names.update(
            (unit_id, (code, name))
            for unit_id, code, name in UnitYear.objects.filter(
                unit_id__in=missing, year=work.year
            ).values_list("unit_id", "unit__code", "name")
        )
    return names


def on_time_by_unit(
    work: WorkYear, today: datetime.date, per_unit: dict | None = None
) -> list[dict]:
    """Per unit, DOMAIN.md §8.3 timeliness: declarations with a deadline and monitoring reports
    whose deadline has passed, how many came late or not at all, and the on-time rate
    ((due − late − missing) / due). Lowest rate first. Counted by the database
    (`unit_counts`, or the caller's `per_unit` from it)."""
    return [
        {
            "targets_due": targets_due,
            "targets_late": targets_late,
            "reports_due": reports_due,
            "reports_late": reports_late,
            "reports_missing": reports_missing,
            "unit_id": unit_id,
            "code": code,
            "name": name,
            "on_time_rate": on_time_rate,
        }
        for (
            _order,
            code,
            name,
            unit_id,
            on_time_rate,
            targets_due,
            targets_late,
            reports_due,
            reports_late,
            reports_missing,
        ) in _timeliness(work, today, per_unit)
    ]


def _timeliness(work: WorkYear, today: datetime.date, per_unit: dict | None) -> list[tuple]:
    """`on_time_by_unit`'s rows as tuples in its order, sorted as they are (no key function)
    and read by `year_stats` into its own rows: a province has thousands of units, each row
    is made once. Each is (order: the on-time rate, or 2 when nothing was due, last; code;
    name; unit id, unique, so that the sort never compares past it; the on-time rate;
    declarations due; late; reports due; late; missing): plain tuples, made and read by
    position (a named tuple's constructor and attributes cost 0.2 ms of the small scale's
    700 units)."""
    per_unit = per_unit or unit_counts(work, today)
    targets, reports = per_unit["targets"], per_unit["reports"]
    # A unit with declarations due, or with reports due (`report_counts` has no other).
    wanted = {unit_id for unit_id, (_n, due, _late) in targets.items() if due}
    wanted.update(reports)
    units = unit_names(work, wanted)
    rates: dict[tuple[int, int], Decimal | None] = {}  # units share a few (on time, due) pairs
    rows = []
    none = (0, 0, 0)
    for unit_id in wanted:
        _n, targets_due, targets_late = targets.get(unit_id, none)
        submitted, reports_late, missed = reports.get(unit_id, none)
        due = targets_due + submitted + missed
        good = due - targets_late - reports_late - missed
        if (good, due) not in rates:
            rates[good, due] = rate(good, due)
        on_time_rate = rates[good, due]
        code, name = units.get(unit_id, ("", ""))
        # codes are unique within a district only: the name and the id settle a tie
        rows.append(
            (
                2 if on_time_rate is None else on_time_rate,
                code,
                name,
                unit_id,
                on_time_rate,
                targets_due,
                targets_late,
                submitted + missed,
                reports_late,
                missed,
            )
        )
    rows.sort()
    return rows


def year_stats(
    *,
    user,
    region: Region,
    year: int,
    today: datetime.date | None = None,
    work: WorkYear | None = None,
) -> dict:
    """Every figure of `region`'s work year `year` as `user` may see it (DOMAIN.md §9), from
    the figures cache unless the data of that region and year changed since they were
    computed (`figures_cache`: by region, year, data version, day and the reader's scope).
    `work`: the same reader's work year of `region` and `year`, when the caller computes other
    figures from it too (the dashboard), so what both count is counted once."""
    from .figures_cache import cached_figures

    today = today or timezone.localdate()
    return cached_figures(
        "year_stats",
        user=user,
        region=region,
        year=year,
        today=today,
        compute=lambda: compute_year_stats(
            user=user, region=region, year=year, today=today, work=work
        ),
    )


def summary_figures(*, user, region: Region, year: int, today: datetime.date | None = None) -> dict:
    """`year_stats` with the list of the special-kind projects evaluated
    (`selfeval.special_kinds.projects`): the figures the summaries print, the statistics API
    and `jixiao summary` (CONTRACT.md). The list is cached as the figures are, apart from
    them, so the dashboard's first read after a change does not read it."""
    from .figures_cache import cached_figures

    today = today or timezone.localdate()
    figures = year_stats(user=user, region=region, year=year, today=today)
    projects = cached_figures(
        "special_kind_projects",
        user=user,
        region=region,
        year=year,
        today=today,
        compute=lambda: special_kind_projects(WorkYear(user=user, region=region, year=year)),
    )
    special = {**figures["selfeval"]["special_kinds"], "projects": projects}
    return {**figures, "selfeval": {**figures["selfeval"], "special_kinds": special}}


def compute_year_stats(
    *, user, region: Region, year: int, today: datetime.date, work: WorkYear | None = None
) -> dict:
    """Every figure of `year_stats`, computed from the database (a few aggregate queries a
    section), without the cache."""
    work = work or WorkYear(user=user, region=region, year=year)
    # The collector paused: the rows read (12,600 counts by unit at province scale, each a
    # tuple) are freed by their counts, and its passes over them cost 1–4 ms at province scale.
    with gc_paused():
        _send_ahead(work)
        try:
            return _compute_year_stats(work, user=user, region=region, year=year, today=today)
        finally:
            _remember(work)


#: The kept statements (`_COMPILED` keys, in their order) that the last computation of a
#: region and year ran, for a reader who sees the whole region (`_send_ahead`).
_RAN: dict[tuple, list] = {}


def _send_ahead(work: WorkYear) -> None:
    """On a database that sends statements together (PostgreSQL's pipeline:
    `core.statements.rows_together`), send at once the kept statements the last computation of
    this region and year ran, before computing: `figure_rows` then takes their rows instead of
    running each on its own (25 round trips, the server idle while the client reads each
    answer). A statement is sent ahead only with the very SQL and parameters it would run with
    now (its key holds the day, the deadlines found and every other input), so its rows are
    those it would give; one whose inputs changed since (a new day, new deadlines) is not
    asked for and runs anew, and its rows sent ahead are dropped. Every statement ran is
    recorded (`_remember`) for the next computation.

    The regions under the region and the rulebook, which every computation reads first, are
    read in the same pipeline, after the statements (`rows_together`'s `meanwhile`): two
    round trips fewer (0.8 ms at the small scale). The statements are chosen by the region
    and year, not by the regions' ids read: a statement of other ids than those read now is
    not asked for by any figure, and its rows are dropped as those of changed inputs are."""
    ahead = work.__dict__["_ahead"] = {"ran": [], "rows": {}}
    if not work.sees_whole_region:
        return
    keys = [key for key in _RAN.get(_year_key(work), ()) if key in _COMPILED]
    by_db: dict[str, list] = {}
    for key in keys:
        by_db.setdefault(_COMPILED[key][0], []).append(key)
    first = router.db_for_read(Region)
    for db, sent in by_db.items():
        if statements.sends_together(db) and len(sent) > 1:
            found = statements.rows_together(
                db,
                [_COMPILED[key][1:3] for key in sent],
                meanwhile=(lambda: (work.regions, work.rules)) if db == first else None,
            )
            ahead["rows"].update(zip(sent, found, strict=True))


def _remember(work: WorkYear) -> None:
    ahead = work.__dict__.pop("_ahead", None)
    if ahead is not None and work.sees_whole_region:
        if len(_RAN) >= COMPILED_KEPT:
            del _RAN[next(iter(_RAN))]
        _RAN[_year_key(work)] = ahead["ran"]


def _year_key(work: WorkYear) -> tuple:
    return (work.region.pk, work.region.path, work.year)


def _compute_year_stats(
    work: WorkYear, *, user, region: Region, year: int, today: datetime.date
) -> dict:
    """`compute_year_stats` on its work year."""
    per_unit = unit_counts(work, today)
    first_level_rows = _first_level_rows(work)
    units = _units(work, per_unit, first_level_rows)
    covered_ids = units.pop("_covered_ids")
    by_unit = _timeliness(work, today, per_unit)
    funds = {
        "monitored_funds": _projects_by_region(work, "monitored_projects"),
        "selfeval_funds": _projects_by_region(
            work, "selfevaluated_projects", tuple(work.rules.get("summary.special_kinds"))
        ),
    }
    monitoring = _monitoring(work, today, per_unit, funds["monitored_funds"])
    selfeval = _selfeval(work, funds["selfeval_funds"])
    lint, lint_targets = _lint(work)
    on_time_targets = _on_time_targets(per_unit)
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
        "results": results_figures(
            region,
            year,
            today,
            user=user,
            region_ids=work._region_ids,
            run=lambda name, build, *key, convert=False: figure_rows(
                work, name, build, *key, convert=convert
            ),
        ),
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
                    "unit": code,
                    "name": name,
                    "targets_due": targets_due,
                    "targets_late": targets_late,
                    "reports_due": reports_due,
                    "reports_late": reports_late,
                    "reports_missing": reports_missing,
                    "on_time_rate": on_time_rate,
                }
                for (
                    _order,
                    code,
                    name,
                    _unit_id,
                    on_time_rate,
                    targets_due,
                    targets_late,
                    reports_due,
                    reports_late,
                    reports_missing,
                ) in by_unit
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
            {"number": number, "title": title, "date": issued_on.isoformat(), "issuer": issuer}
            for number, title, issued_on, issuer in figure_rows(
                work,
                "policy_documents",
                lambda: work.policy_documents.values_list("number", "title", "issued_on", "issuer"),
                convert=True,
            )
        ],
        "policy_documents_issued": figure_rows(
            work,
            "policy_documents_issued",
            lambda: one_row_aggregate(work.policy_documents_issued, Count("id")),
        )[0][0],
        "regions": _children(work, covered_ids, first_level_rows, funds),
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
