"""The lists behind the figures: every chart of the dashboards drills down to one of these
topics, every list exports to xlsx, and the annual summary's appendix prints them.

A topic takes a `WorkYear` and a key (a status, a grade, an alert code …) and yields `Record`s:
the cells of one row, and the page of the object when there is one. The rows come from the same
querysets of `selectors` that the figures of `stats` count, so a figure is always the length (or
the sum) of its list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jixiao.budgets.models import Project
from jixiao.core.grades import glossed_grade
from jixiao.monitoring.models import COUNTED as REPORT_COUNTED
from jixiao.orgs.models import UnitYear

from .selectors import APPROVED, WorkYear, full_year_budget, is_late
from .stats import GRADES, LINT_LABELS, on_time_by_unit, report_counts, unit_names


@dataclass(frozen=True)
class Record:
    cells: tuple
    url: str = ""


class LazyRows:
    """The rows of a queryset, built a slice at a time: a page of 50 out of 40,000 records
    builds 50, and an export walks the queryset in chunks. `build(objects)` turns a list of
    model instances into Records (looking up names and funds for that list only). Django's
    Paginator uses `count()` and slicing, so the lists page without loading everything."""

    CHUNK = 2000

    def __init__(self, queryset, build: Callable[[list], Iterable[Record]]):
        self.queryset = queryset
        self.build = build

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self.build(list(self.queryset[index])))
        return self[index : index + 1][0]

    def __iter__(self) -> Iterator[Record]:
        chunk: list = []
        for obj in self.queryset.iterator(chunk_size=self.CHUNK):
            chunk.append(obj)
            if len(chunk) == self.CHUNK:
                yield from self.build(chunk)
                chunk = []
        if chunk:
            yield from self.build(chunk)


def _display(obj, field: str) -> str:
    """`obj.get_<field>_display()` through a label table built once per model and field: the
    Django method hashes the choices on every call, which costs seconds over 40,000 rows."""
    key = (type(obj), field, get_language())  # labels are in the language of the request
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {
            value: str(label) for value, label in type(obj)._meta.get_field(field).flatchoices
        }
    value = getattr(obj, field)
    return labels.get(value, value)


_LABELS: dict = {}


def _detail_url(name: str) -> Callable[[int], str]:
    """The page of record `pk` by formatting, not by `reverse()` per row (40,000 rows)."""
    template = reverse(name, args=[987654321]).replace("987654321", "{}")
    return template.format


@dataclass(frozen=True)
class Topic:
    slug: str
    label: object  # lazy translation
    headers: tuple
    rows: Callable[[WorkYear, str], Iterable[Record]]
    money_columns: tuple[int, ...] = ()
    keys: Callable[[WorkYear], list[tuple[str, object]]] | None = field(default=None)

    def key_label(self, work: WorkYear, key: str) -> str:
        for value, label in self.keys(work) if self.keys else []:
            if value == key:
                return str(label)
        return key


TOPICS: dict[str, Topic] = {}


def topic(slug, label, headers, *, money_columns=(), keys=None):
    def register(rows):
        TOPICS[slug] = Topic(slug, label, tuple(headers), rows, tuple(money_columns), keys)
        return rows

    return register


def _names(work: WorkYear, unit_ids: Iterable[int], year: int | None = None) -> dict[int, str]:
    """The units' names as they stood in the year of the records."""
    return dict(
        UnitYear.objects.filter(unit_id__in=set(unit_ids), year=year or work.year).values_list(
            "unit_id", "name"
        )
    )


def _project_funds(projects) -> dict[int, Decimal]:
    return dict(
        projects.order_by()
        .values_list("pk")
        .annotate(s=Sum(full_year_budget(), output_field=DecimalField()))
    )


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d") if value else ""


# ── units ─────────────────────────────────────────────────────────────────────────────────────
def _unit_keys(work):
    return [("covered", _("已覆盖")), ("not_covered", _("未覆盖"))]


@topic(
    "units",
    _("一级预算单位"),
    [
        _("单位编码"),
        _("单位名称"),
        _("归口股室"),
        _("目标申报"),
        _("运行监控"),
        _("绩效自评"),
        _("是否覆盖"),
    ],
    keys=_unit_keys,
)
def units(work: WorkYear, key: str) -> Iterator[Record]:
    from .stats import first_level_activity

    activity = first_level_activity(work)
    for unit_year in work.first_level_units.order_by("unit__code"):
        done = activity.get(unit_year.unit_id, {})
        covered = any(done.values())
        if (key == "covered" and not covered) or (key == "not_covered" and covered):
            continue
        yield Record(
            (
                unit_year.unit.code,
                unit_year.name,
                unit_year.office.name if unit_year.office_id else "",
                done.get("targets", 0),
                done.get("reports", 0),
                done.get("evaluations", 0),
                _("是") if covered else _("否"),
            ),
            reverse("unit-detail", args=[unit_year.unit_id]),
        )


# ── targets ───────────────────────────────────────────────────────────────────────────────────
def _target_keys(work):
    from jixiao.targets.models import TargetStatus

    return [
        ("declared", _("已申报项目")),
        ("approved", _("已批复项目")),
        ("unit", _("部门整体支出目标")),
        *TargetStatus.choices,
    ]


def _latest_per_project(targets):
    """One declaration per project, its latest version among `targets` (the figures count
    projects, not versions); whole-unit targets are kept as they are."""
    latest = targets.filter(project=OuterRef("project")).order_by("-version").values("pk")[:1]
    return targets.filter(Q(project__isnull=True) | Q(pk=Subquery(latest)))


def _target_rows(work: WorkYear, targets, *, per_project: bool = False) -> LazyRows:
    if per_project:
        targets = _latest_per_project(targets)
    targets = targets.select_related("project", "unit").order_by(
        "unit__code", "project__code", "-version"
    )
    url = _detail_url("target-detail")

    def build(chunk):
        names = _names(work, [t.unit_id for t in chunk])
        for t in chunk:
            subject = t.project.name if t.project_id else _("部门整体支出")
            yield Record(
                (
                    t.project.code if t.project_id else "",
                    str(subject),
                    t.unit.code,
                    names.get(t.unit_id, ""),
                    t.version,
                    _display(t, "status"),
                    t.blocking_count + t.warning_count,
                    _date(t.submitted_at),
                    _date(t.deadline),
                ),
                url(t.pk),
            )

    return LazyRows(targets, build)


TARGET_HEADERS = [
    _("项目编码"),
    _("项目名称"),
    _("单位编码"),
    _("单位名称"),
    _("版本"),
    _("状态"),
    _("质量问题数"),
    _("提交日期"),
    _("申报截止日期"),
]


@topic("targets", _("绩效目标"), TARGET_HEADERS, keys=_target_keys)
def targets(work: WorkYear, key: str) -> Iterable[Record]:
    from jixiao.targets.models import Target, TargetStatus

    if key == "declared":
        return _target_rows(work, work.project_targets, per_project=True)
    if key == "approved":
        return _target_rows(
            work, work.project_targets.filter(status__in=APPROVED), per_project=True
        )
    if key == "unit":
        rows = work.unit_targets
    else:  # the pipeline: every declaration in force, whatever its status
        rows = (
            work._in_region(Target.objects.visible_to(work.user)).filter(year=work.year).current()
        )
        if key in TargetStatus.values:
            rows = rows.filter(status=key)
    return _target_rows(work, rows)


def _lint_keys(work):
    return list(LINT_LABELS.items())


@topic("lint", _("绩效目标质量问题"), TARGET_HEADERS, keys=_lint_keys)
def lint(work: WorkYear, key: str) -> Iterable[Record]:
    return _target_rows(work, work.targets_with_finding(key))


# ── monitoring ────────────────────────────────────────────────────────────────────────────────
@topic(
    "monitored",
    _("运行监控项目"),
    [
        _("项目编码"),
        _("项目名称"),
        _("单位名称"),
        _("监控批次"),
        _("全年预算（万元）"),
        _("执行数（万元）"),
        _("执行率"),
        _("报告状态"),
        _("提交日期"),
    ],
    money_columns=(4, 5),
)
def monitored(work: WorkYear, key: str) -> LazyRows:
    reports = work.reports.select_related("project", "round").order_by(
        "unit__code", "project__code", "round__period_end"
    )
    today = timezone.localdate()
    if key == "missing":
        reports = reports.exclude(status__in=REPORT_COUNTED).filter(round__deadline__lt=today)
    elif key == "late":
        late = [
            pk
            for pk, submitted, deadline in reports.filter(status__in=REPORT_COUNTED).values_list(
                "pk", "submitted_at", "round__deadline"
            )
            if is_late(submitted, deadline)
        ]
        reports = reports.filter(pk__in=late)
    url = _detail_url("report-detail")

    def build(chunk):
        funds = _project_funds(Project.objects.filter(pk__in=[r.project_id for r in chunk]))
        names = _names(work, [r.unit_id for r in chunk])
        for r in chunk:
            full = funds.get(r.project_id, Decimal(0))
            executed = r.executed
            rate = f"{executed / full * 100:.2f}%" if executed is not None and full else ""
            yield Record(
                (
                    r.project.code,
                    r.project.name,
                    names.get(r.unit_id, ""),
                    r.round.name,
                    full,
                    executed,
                    rate,
                    _display(r, "status"),
                    _date(r.submitted_at),
                ),
                url(r.pk),
            )

    return LazyRows(reports, build)


def _alert_keys(work):
    from jixiao.monitoring.alerts import CODES
    from jixiao.monitoring.models import Alert

    return [
        *((c, c) for c in CODES),
        ("yellow", _("黄色")),
        ("red", _("红色")),
        *Alert.Status.choices,
        ("overdue", _("逾期未处置")),
    ]


@topic(
    "alerts",
    _("预警"),
    [
        _("预警代码"),
        _("等级"),
        _("项目编码"),
        _("项目名称"),
        _("单位名称"),
        _("预警内容"),
        _("处置期限"),
        _("状态"),
        _("处置方式"),
    ],
    keys=_alert_keys,
)
def alerts(work: WorkYear, key: str) -> LazyRows:
    from jixiao.monitoring.models import Alert

    rows = work.alerts
    if key == "overdue":
        rows = work.alerts_overdue(timezone.localdate())
    elif key in ("yellow", "red"):
        rows = rows.filter(level=key)
    elif key in Alert.Status.values:
        rows = rows.filter(status=key)
    elif key:
        rows = rows.filter(code=key)
    rows = rows.select_related("project").order_by("code", "unit__code", "project__code")
    url = _detail_url("alert-detail")

    def build(chunk):
        names = _names(work, [a.unit_id for a in chunk])
        for a in chunk:
            yield Record(
                (
                    a.code,
                    _display(a, "level"),
                    a.project.code,
                    a.project.name,
                    names.get(a.unit_id, ""),
                    a.message,
                    _date(a.due_date),
                    _display(a, "status"),
                    _display(a, "disposal"),
                ),
                url(a.pk),
            )

    return LazyRows(rows, build)


# ── evaluations ───────────────────────────────────────────────────────────────────────────────
def _grade_keys(work):
    return [(g, glossed_grade(g)) for g in GRADES]


SELFEVAL_HEADERS = [
    _("项目编码"),
    _("项目名称"),
    _("单位名称"),
    _("全年预算（万元）"),
    _("自评得分"),
    _("按规则得分"),
    _("审核后得分"),
    _("评价等级"),
    _("状态"),
]


def selfeval_rows(work: WorkYear, rows) -> LazyRows:
    rows = rows.select_related("project").order_by("unit__code", "project__code")
    url = _detail_url("selfeval-detail")

    def build(chunk):
        funds = _project_funds(Project.objects.filter(pk__in=[s.project_id for s in chunk]))
        names = _names(work, [s.unit_id for s in chunk], work.evaluated_year)
        for s in chunk:
            yield Record(
                (
                    s.project.code,
                    s.project.name,
                    names.get(s.unit_id, ""),
                    funds.get(s.project_id, Decimal(0)),
                    s.self_total,
                    s.total,
                    s.reviewed_total,
                    s.reviewed_grade or s.grade,
                    _display(s, "status"),
                ),
                url(s.pk),
            )

    return LazyRows(rows, build)


@topic("selfevals", _("绩效自评项目"), SELFEVAL_HEADERS, money_columns=(3,), keys=_grade_keys)
def selfevals(work: WorkYear, key: str) -> Iterable[Record]:
    rows = work.selfevals_graded([key]) if key in GRADES else work.selfevals
    return selfeval_rows(work, rows)


@topic("special-kinds", _("特殊类别项目绩效自评"), SELFEVAL_HEADERS, money_columns=(3,))
def special_kinds(work: WorkYear, key: str) -> Iterable[Record]:
    return selfeval_rows(work, work.special_kind_selfevals)


@topic(
    "year-end-rush",
    _("年末突击拨款项目"),
    [
        _("项目编码"),
        _("项目名称"),
        _("单位名称"),
        _("全年支付（万元）"),
        _("12月支付（万元）"),
        _("12月占比"),
    ],
    money_columns=(3, 4),
)
def year_end_rush(work: WorkYear, key: str) -> Iterator[Record]:
    rushed = work.year_end_rush
    projects = Project.objects.filter(pk__in=list(rushed)).order_by("unit__code", "code")
    names = _names(work, projects.values_list("unit_id", flat=True), work.evaluated_year)
    for p in projects:
        row = rushed[p.pk]
        share = f"{row['december'] / row['total'] * 100:.2f}%" if row["total"] else ""
        yield Record(
            (p.code, p.name, names.get(p.unit_id, ""), row["total"], row["december"], share),
            reverse("project-detail", args=[p.pk]),
        )


@topic(
    "unit-evaluations",
    _("部门整体支出绩效评价"),
    [_("单位编码"), _("单位名称"), _("得分"), _("评价等级"), _("状态")],
    keys=_grade_keys,
)
def unit_evaluations(work: WorkYear, key: str) -> Iterator[Record]:
    rows = work.unit_evaluations.select_related("unit").order_by("unit__code")
    if key in GRADES:
        rows = rows.filter(grade=key)
    names = _names(work, rows.values_list("unit_id", flat=True), work.evaluated_year)
    for e in rows:
        yield Record(
            (e.unit.code, names.get(e.unit_id, ""), e.total, e.grade, _display(e, "status")),
            reverse("unit-evaluation", args=[e.unit_id, e.year]),
        )


# ── policy documents ──────────────────────────────────────────────────────────────────────────
@topic("policies", _("制度文件"), [_("文号"), _("标题"), _("印发日期"), _("发文机关")])
def policies(work: WorkYear, key: str) -> Iterator[Record]:
    for d in work.policy_documents:
        yield Record(
            (d.number, d.title, _date(d.issued_on), d.issuer), reverse("policy-detail", args=[d.pk])
        )


# ── units behind ──────────────────────────────────────────────────────────────────────────────
# A topic of units declares its columns once, as (key of the row, header) pairs.
UNIT_COLUMNS = (("code", _("单位编码")), ("name", _("单位名称")))


def _headers(columns) -> list:
    return [header for _key, header in columns]


def _unit_records(rows: Iterable[dict], columns) -> Iterator[Record]:
    """One record per unit row: the values of `columns`, linking to the unit's page."""
    for row in rows:
        yield Record(
            tuple(row[key] for key, _header in columns),
            reverse("unit-detail", args=[row["unit_id"]]),
        )


BEHIND_COLUMNS = (
    *UNIT_COLUMNS,
    ("targets_pending", _("目标未提交")),
    ("reports_missing", _("监控报告未报")),
    ("reports_late", _("监控报告迟报")),
    ("alerts_overdue", _("逾期未处置预警")),
    ("selfevals_pending", _("自评未提交")),
)


@topic("behind", _("进度落后的单位"), _headers(BEHIND_COLUMNS))
def behind(work: WorkYear, key: str) -> Iterator[Record]:
    """Units with something outstanding, most outstanding first (DOMAIN.md §8.3 timeliness)."""
    yield from _unit_records(units_behind(work, timezone.localdate()), BEHIND_COLUMNS)


def units_behind(work: WorkYear, today: datetime.date) -> list[dict]:
    """Per unit: declarations not yet submitted, reports missing or late, alerts overdue and
    self-evaluations not yet submitted — counted by the database, one query per kind."""
    from jixiao.evaluations.models import COUNTED as SELFEVAL_COUNTED
    from jixiao.evaluations.models import SelfEvaluation
    from jixiao.orgs.review import EDITABLE
    from jixiao.targets.models import Target, TargetStatus

    def per_unit(queryset) -> dict[int, int]:
        return dict(queryset.order_by().values_list("unit_id").annotate(n=Count("id")))

    region_targets = work.rows_of(Target).filter(year=work.year).current()
    pending_targets = per_unit(region_targets.filter(status__in=[*EDITABLE, TargetStatus.READY]))
    # the reports late and missing by unit, as the timeliness figures count them (one GROUP BY)
    reports = report_counts(work, today)
    missing = {unit_id: n for unit_id, (_in, _late, n) in reports.items() if n}
    late = {unit_id: n for unit_id, (_in, n, _missing) in reports.items() if n}
    overdue = per_unit(work.alerts_overdue(today))
    selfevals_pending = per_unit(
        work.rows_of(SelfEvaluation)
        .filter(year=work.evaluated_year)
        .exclude(status__in=SELFEVAL_COUNTED)
    )
    unit_ids = (
        set(pending_targets) | set(missing) | set(late) | set(overdue) | set(selfevals_pending)
    )
    units = unit_names(work, unit_ids)
    rows = [
        {
            "unit_id": u,
            "code": units.get(u, ("", ""))[0],
            "name": units.get(u, ("", ""))[1],
            "targets_pending": pending_targets.get(u, 0),
            "reports_missing": missing.get(u, 0),
            "reports_late": late.get(u, 0),
            "alerts_overdue": overdue.get(u, 0),
            "selfevals_pending": selfevals_pending.get(u, 0),
        }
        for u in unit_ids
    ]
    for row in rows:
        row["total"] = sum(v for k, v in row.items() if k not in ("unit_id", "code", "name"))
    return sorted(rows, key=lambda r: (-r["total"], r["code"]))


ON_TIME_COLUMNS = (
    *UNIT_COLUMNS,
    ("targets_due", _("目标应报")),
    ("targets_late", _("目标迟报")),
    ("reports_due", _("监控报告应报")),
    ("reports_late", _("监控报告迟报")),
    ("reports_missing", _("监控报告未报")),
    ("on_time_rate", _("按时报送率")),
)


@topic("on-time", _("按单位的按时报送率"), _headers(ON_TIME_COLUMNS))
def on_time(work: WorkYear, key: str) -> Iterator[Record]:
    rows = on_time_by_unit(work, timezone.localdate())
    yield from _unit_records(
        ({**row, "on_time_rate": _percent(row["on_time_rate"])} for row in rows), ON_TIME_COLUMNS
    )


def _percent(rate) -> str:
    return f"{rate * 100:.2f}%" if rate is not None else ""


# ── using the results (DOMAIN.md §8) ──────────────────────────────────────────────────────────
# The lists behind `results_figures`: the same querysets of `results.figures.ResultsYear`.
def optional_detail_url(name: str) -> Callable[[int], str]:
    """The page of record `pk` as `_detail_url`, or no link while no page has that name."""
    from django.urls import NoReverseMatch

    try:
        return _detail_url(name)
    except NoReverseMatch:
        return lambda pk: ""


@dataclass(frozen=True)
class DatedWorkYear(WorkYear):
    """A work year whose results lists are taken on `today` instead of the real today, as its
    figures were (the summary dated by `jixiao summary --today`)."""

    today: datetime.date | None = None
