"""Disclosure services (信息公开, DOMAIN.md §8.4): the records of the publishable items of a work
year, the approval dates their deadlines run from, and publishing, withholding and withdrawing.

Years follow the work year of the summary (DOMAIN.md §9; `disclosure_rules` explains them): the
records of year Y are the approved targets of Y's budget, the self-evaluations of the projects
of Y−1 (done in Y, published with the final accounts of Y−1 approved in Y), the key
evaluations of Y archived, and the unit ranking of Y.

What the portal shows is built here once (`disclosure_content`) and kept in `content` when the
item is published, so the page, its CSV and its JSON are one snapshot. Its rows use the field
names of the national 一体化 data elements where one exists (`fiscal_year`, `mof_div_code`,
`agency_code`, `pro_code`, `lv1_perf_ind_name` …, `kpi_val`, `computesign`, `meterunit`,
`total_eval_value`, `dept_score`, see /work/shared/reference/data-elements.md) and ours
otherwise (`grade`, `rank`, `score`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import audit
from jixiao.core.changes import change_record
from jixiao.core.listing import narrowed
from jixiao.core.locks import held
from jixiao.core.sorting import Sorts
from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
from jixiao.indicators.values import OPERATOR_SYMBOLS
from jixiao.orgs.models import Role, UnitYear
from jixiao.targets.models import Target, TargetStatus

from . import disclosure_rules
from .models import ApprovalDates, Disclosure, DisclosureKind, DisclosureStatus, UnitAssessment
from .rules import rules_in_force

# The label of each column (key: the national data-element name where one exists, ours
# otherwise), and the columns of each kind's table in order.
LABELS = {
    "fiscal_year": gettext_lazy("预算年度"),
    "agency_code": gettext_lazy("单位编码"),
    "agency_name": gettext_lazy("单位名称"),
    "pro_code": gettext_lazy("项目编码"),
    "pro_name": gettext_lazy("项目名称"),
    "kpi_target": gettext_lazy("年度总体目标"),
    "lv1_perf_ind_name": gettext_lazy("一级指标"),
    "lv2_perf_ind_name": gettext_lazy("二级指标"),
    "lv3_perf_ind_name": gettext_lazy("三级指标"),
    "computesign": gettext_lazy("计算符号"),
    "kpi_val": gettext_lazy("指标值"),
    "meterunit": gettext_lazy("度量单位"),
    "ind_weight": gettext_lazy("分值"),
    "cur_amt": gettext_lazy("全年预算（万元）"),
    "year_exe_amt": gettext_lazy("执行数（万元）"),
    "total_eval_value": gettext_lazy("单位自评得分"),
    "dept_score": gettext_lazy("审核后得分"),
    "grade": gettext_lazy("评价等级"),
    "eval_score": gettext_lazy("得分"),
    "rank": gettext_lazy("排名"),
    "score": gettext_lazy("考核得分"),
}
_UNIT = ("agency_code", "agency_name")
_PROJECT = ("fiscal_year", *_UNIT, "pro_code", "pro_name")
_INDICATOR = ("lv1_perf_ind_name", "lv2_perf_ind_name", "lv3_perf_ind_name")
COLUMN_KEYS = {
    DisclosureKind.TARGETS: (
        *_PROJECT,
        "kpi_target",
        *_INDICATOR,
        "computesign",
        "kpi_val",
        "meterunit",
        "ind_weight",
    ),
    DisclosureKind.SELFEVAL: (
        *_PROJECT,
        "cur_amt",
        "year_exe_amt",
        "total_eval_value",
        "dept_score",
        "grade",
    ),
    DisclosureKind.KEY_REPORT: (*_INDICATOR, "ind_weight", "eval_score"),
    DisclosureKind.UNIT_RANKING: ("rank", *_UNIT, "score"),
}
COLUMNS = {kind: tuple((key, LABELS[key]) for key in keys) for kind, keys in COLUMN_KEYS.items()}


def _text(value) -> str:
    """A cell as the portal writes it: decimals with their stored places, None as ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


CENTS = Decimal("0.01")


def _money(value) -> Decimal | None:
    """万元 as the published tables show them: two decimals (the stored six rounded half up)."""
    return None if value is None else value.quantize(CENTS, rounding=ROUND_HALF_UP)


def _row(**values) -> dict:
    return {key: _text(value) for key, value in values.items()}


# --------------------------------------------------------------------------- the items


def _first_level_of(region, year: int) -> dict[int, object]:
    """unit id → its first-level unit (itself, or its parent) as the units stood in `year`."""
    rows = UnitYear.objects.filter(unit__region=region, year=year).select_related("unit", "parent")
    return {uy.unit_id: (uy.unit if uy.level == 1 else uy.parent) for uy in rows}


def _grouped(documents, first_level: dict) -> dict:
    """first-level unit → its documents (those of its level-2 units included)."""
    groups: dict = {}
    for document in documents:
        top = first_level.get(document.unit_id)
        if top is not None:
            groups.setdefault(top, []).append(document)
    return groups


def _approved_targets(region, year: int):
    return (
        Target.objects.filter(region=region, year=year, status=TargetStatus.APPROVED)
        .select_related("unit", "project")
        .prefetch_related("indicators")
        .order_by("unit__code", "project__code", "pk")
    )


def _confirmed_selfevals(region, year: int):
    """The self-evaluations done in work year `year`: of the projects of `year` − 1."""
    return (
        SelfEvaluation.objects.filter(
            region=region, year=year - 1, status=EvaluationStatus.CONFIRMED
        )
        .select_related("unit", "project")
        .order_by("unit__code", "project__code", "pk")
    )


def _archived_key_evaluations(region, year: int):
    return KeyEvaluation.objects.filter(
        region=region, year=year, status=KeyStatus.ARCHIVED
    ).select_related("unit", "agency")


def _items(region, year: int) -> list[dict]:
    """Every publishable item of the work year: kind, unit, key evaluation, subject."""
    items = []
    for unit in _grouped(_approved_targets(region, year), _first_level_of(region, year)):
        items.append(
            {
                "kind": DisclosureKind.TARGETS,
                "unit": unit,
                "subject": _("%(year)s年%(unit)s预算绩效目标") % {"year": year, "unit": unit.name},
            }
        )
    for unit in _grouped(_confirmed_selfevals(region, year), _first_level_of(region, year - 1)):
        items.append(
            {
                "kind": DisclosureKind.SELFEVAL,
                "unit": unit,
                "subject": _("%(year)s年度%(unit)s项目支出绩效自评结果")
                % {"year": year - 1, "unit": unit.name},
            }
        )
    for evaluation in _archived_key_evaluations(region, year):
        items.append(
            {
                "kind": DisclosureKind.KEY_REPORT,
                "unit": evaluation.unit,
                "key_evaluation": evaluation,
                "subject": _("%(subject)s绩效评价报告") % {"subject": evaluation.subject},
            }
        )
    if UnitAssessment.objects.filter(region=region, year=year).exists():
        items.append(
            {
                "kind": DisclosureKind.UNIT_RANKING,
                "unit": None,
                "subject": _("%(year)s年度部门预算绩效管理工作考核结果") % {"year": year},
            }
        )
    return items


def _due(kind: str, dates: ApprovalDates | None, evaluation, section: dict):
    return disclosure_rules.due_date(
        kind,
        budget_approved_on=getattr(dates, "budget_approved_on", None),
        accounts_approved_on=getattr(dates, "accounts_approved_on", None),
        archived_on=getattr(evaluation, "archived_on", None),
        section=section,
    )


def disclosures_ensure(*, region, year: int) -> int:
    """One pending record per publishable item of the work year that has none yet; safe to
    repeat (a record is matched by its kind, unit and key evaluation under the region-year's
    lock, since a unique constraint cannot hold the NULLs). Answers how many were created."""
    section = rules_in_force(region, year, "disclosure")
    created = 0
    with held(f"disclosures:{region.code}:{year}", wait=10):
        dates = ApprovalDates.objects.filter(region=region, year=year).first()
        existing = set(
            Disclosure.objects.filter(region=region, year=year).values_list(
                "kind", "unit_id", "key_evaluation_id"
            )
        )
        for item in _items(region, year):
            unit, evaluation = item["unit"], item.get("key_evaluation")
            key = (item["kind"], getattr(unit, "pk", None), getattr(evaluation, "pk", None))
            if key in existing:
                continue
            Disclosure.objects.create(
                region=region,
                year=year,
                kind=item["kind"],
                unit=unit,
                key_evaluation=evaluation,
                subject=item["subject"][:300],
                due=_due(item["kind"], dates, evaluation, section),
            )
            existing.add(key)
            created += 1
    return created


# --------------------------------------------------------------------------- the content


def _family(unit, year: int):
    """The ids of a first-level unit and of its level-2 units as they stood in `year`."""
    return (
        UnitYear.objects.filter(year=year).filter(Q(unit=unit) | Q(parent=unit)).values("unit_id")
    )


def _targets_rows(disclosure: Disclosure) -> list[dict]:
    targets = _approved_targets(disclosure.region, disclosure.year).filter(
        unit_id__in=_family(disclosure.unit, disclosure.year)
    )
    rows = []
    for target in targets:
        project = target.project
        for line in target.indicators.all():
            rows.append(
                _row(
                    fiscal_year=target.year,
                    agency_code=target.unit.code,
                    agency_name=target.unit.name,
                    pro_code=project.code if project else "",
                    pro_name=project.name if project else _("部门整体支出"),
                    kpi_target=target.goal,
                    lv1_perf_ind_name=line.category,
                    lv2_perf_ind_name=line.subcategory,
                    lv3_perf_ind_name=line.name,
                    computesign=OPERATOR_SYMBOLS.get(line.operator, line.operator),
                    kpi_val=line.value_text,
                    meterunit=line.unit,
                    ind_weight=line.weight,
                )
            )
    return rows


def _selfeval_rows(disclosure: Disclosure) -> list[dict]:
    rows = []
    selfevals = _confirmed_selfevals(disclosure.region, disclosure.year).filter(
        unit_id__in=_family(disclosure.unit, disclosure.year - 1)
    )
    for selfeval in selfevals:
        rows.append(
            _row(
                fiscal_year=selfeval.year,
                agency_code=selfeval.unit.code,
                agency_name=selfeval.unit.name,
                pro_code=selfeval.project.code,
                pro_name=selfeval.project.name,
                cur_amt=_money(selfeval.project.full_total),
                year_exe_amt=_money(selfeval.executed_total),
                # The unit's own total where its 自评表 gave one (an import); a self-evaluation
                # filled in on the page has only the total its entries scored by the rules.
                total_eval_value=(
                    selfeval.total if selfeval.self_total is None else selfeval.self_total
                ),
                dept_score=selfeval.reviewed_total,
                grade=selfeval.reviewed_grade or selfeval.grade,
            )
        )
    return rows


def _archived_version(evaluation):
    """The report version the evaluation was archived with: its latest."""
    return evaluation.reports.order_by("-number").first()


def _key_report(disclosure: Disclosure) -> tuple[list[dict], dict]:
    evaluation = disclosure.key_evaluation
    version = _archived_version(evaluation)
    sections = dict(version.sections or {}) if version else {}
    rows = [
        _row(
            lv1_perf_ind_name=r.get("level1"),
            lv2_perf_ind_name=r.get("level2"),
            lv3_perf_ind_name=r.get("level3"),
            ind_weight=r.get("weight"),
            eval_score=r.get("score"),
        )
        for r in sections.get("table", [])
    ]
    report = {
        "title": sections.get("title") or evaluation.subject,
        "parts": sections.get("parts", {}),
        "total": _text(sections.get("total") or evaluation.score),
        "grade": sections.get("grade") or evaluation.grade,
        "version": version.number if version else None,
        "dated": timezone.localtime(version.created_at).date().isoformat() if version else "",
        "agency": evaluation.agency.name if evaluation.agency_id else "",
        "table": sections.get("table", []),
    }
    return rows, report


def _ranking_rows(disclosure: Disclosure) -> list[dict]:
    rows = UnitAssessment.objects.filter(region=disclosure.region, year=disclosure.year)
    return [
        _row(rank=a.rank, agency_code=a.unit.code, agency_name=a.unit.name, score=a.score)
        for a in rows.select_related("unit").order_by("rank", "unit__code")
    ]


def disclosure_content(disclosure: Disclosure) -> dict:
    """What the portal shows of the item, read from its sources now (the preview, and the
    snapshot `disclosure_publish` keeps)."""
    report = None
    if disclosure.kind == DisclosureKind.TARGETS:
        rows = _targets_rows(disclosure)
    elif disclosure.kind == DisclosureKind.SELFEVAL:
        rows = _selfeval_rows(disclosure)
    elif disclosure.kind == DisclosureKind.KEY_REPORT:
        rows, report = _key_report(disclosure)
    else:
        rows = _ranking_rows(disclosure)
    unit = disclosure.unit
    content = {
        "subject": disclosure.subject,
        "kind": disclosure.kind,
        "fiscal_year": disclosure.year,
        "mof_div_code": disclosure.region.code,
        "mof_div_name": disclosure.region.name,
        "agency_code": unit.code if unit else "",
        "agency_name": unit.name if unit else "",
        "columns": [{"key": key, "label": str(label)} for key, label in COLUMNS[disclosure.kind]],
        "rows": rows,
    }
    if report is not None:
        content["report"] = report
    return content


# --------------------------------------------------------------------------- the actions


def _require_office(actor, disclosure: Disclosure) -> None:
    """The performance office of the item's region publishes (DOMAIN.md §3); an item outside
    the actor's scope is not found."""
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以办理信息公开。"))
    Disclosure.objects.get_visible_or_404(actor, pk=disclosure.pk)


def _locked(disclosure: Disclosure) -> Disclosure:
    return (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("region", "unit")
        .get(pk=disclosure.pk)
    )


def _reason(reason: str, refusal: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": refusal})
    return reason


def _require_status(disclosure: Disclosure, *statuses: str, refusal: str) -> None:
    if disclosure.status not in statuses:
        raise ValidationError(refusal % {"s": disclosure.get_status_display()})


def _log(disclosure: Disclosure, actor, message: str) -> None:
    audit.record(
        action="action",
        instance=disclosure,
        actor=actor,
        message=message,
        after={"status": disclosure.status, "reason": disclosure.reason},
    )
    change_record(disclosure, kind="disclosure", state=disclosure.status)


@transaction.atomic
def disclosure_publish(*, actor, disclosure: Disclosure) -> Disclosure:
    """Publish the item today: its content as the portal shows it is kept from now on. A
    pending item may be published, and a withheld one when the office changes its mind."""
    _require_office(actor, disclosure)
    disclosure = _locked(disclosure)
    _require_status(
        disclosure,
        DisclosureStatus.PENDING,
        DisclosureStatus.WITHHELD,
        refusal=_("公开事项处于“%(s)s”状态，不能公开。"),
    )
    content = disclosure_content(disclosure)
    if not content["rows"] and "report" not in content:
        raise ValidationError(_("公开事项没有可公开的内容（表格为空），不能公开。"))
    disclosure.content = content
    disclosure.status = DisclosureStatus.PUBLISHED
    disclosure.published_on = timezone.localdate()
    disclosure.reason = ""
    disclosure.decided_by = actor
    disclosure.save()
    _log(disclosure, actor, _("公开：%(s)s") % {"s": disclosure.subject})
    return disclosure


def disclosure_withhold(*, actor, disclosure: Disclosure, reason: str) -> Disclosure:
    """Decide not to publish a pending item, with the reason (不予公开)."""
    return _set_aside(
        actor,
        disclosure,
        reason=reason,
        missing=_("不予公开须填写理由。"),
        allowed=DisclosureStatus.PENDING,
        refusal=_("公开事项处于“%(s)s”状态，不能设为不予公开。"),
        status=DisclosureStatus.WITHHELD,
        log=_("不予公开：%(r)s"),
    )


def disclosure_withdraw(*, actor, disclosure: Disclosure, reason: str) -> Disclosure:
    """Take a published item off the portal, with the reason (撤回). Its publication stays in
    the record (`published_on`, `content`) and in the audit log."""
    return _set_aside(
        actor,
        disclosure,
        reason=reason,
        missing=_("撤回须填写理由。"),
        allowed=DisclosureStatus.PUBLISHED,
        refusal=_("只有已公开的事项可以撤回（当前为“%(s)s”）。"),
        status=DisclosureStatus.WITHDRAWN,
        log=_("撤回公开：%(r)s"),
    )


@transaction.atomic
def _set_aside(actor, disclosure, *, reason, missing, allowed, refusal, status, log) -> Disclosure:
    """Withhold or withdraw: the office's decision with its reason, from the one state that
    allows it, recorded in the audit log."""
    _require_office(actor, disclosure)
    reason = _reason(reason, missing)
    disclosure = _locked(disclosure)
    _require_status(disclosure, allowed, refusal=refusal)
    disclosure.status = status
    disclosure.reason = reason
    disclosure.decided_by = actor
    disclosure.save()
    _log(disclosure, actor, log % {"r": reason})
    return disclosure


def disclosure_act(*, actor, disclosure: Disclosure, action: str, reason: str = "") -> Disclosure:
    """One of the office's actions by name (`publish`, `withhold`, `withdraw`), for the page
    and the API; the reason goes to those that take one."""
    if action == "publish":
        return disclosure_publish(actor=actor, disclosure=disclosure)
    service = {"withhold": disclosure_withhold, "withdraw": disclosure_withdraw}[action]
    return service(actor=actor, disclosure=disclosure, reason=reason)


@transaction.atomic
def approval_dates_save(
    *, actor, region, year: int, budget_approved_on, accounts_approved_on
) -> ApprovalDates:
    """Record the days the budget of `year` and the final accounts approved in `year` (those
    of `year` − 1) were approved, and set the due days of the year's targets and
    self-evaluation records from them."""
    if not actor.has_role(Role.PERFORMANCE) or not (
        actor.region_id and region.path.startswith(actor.region.path)
    ):
        raise PermissionDenied(_("只有绩效办可以登记预决算批复日期。"))
    for field, day in (
        ("budget_approved_on", budget_approved_on),
        ("accounts_approved_on", accounts_approved_on),
    ):
        if day is not None and day.year != year:
            raise ValidationError(
                {field: _("批复日期须在 %(year)s 年内（%(day)s）。") % {"year": year, "day": day}}
            )
    dates, _created = ApprovalDates.objects.select_for_update().get_or_create(
        region=region, year=year
    )
    dates.budget_approved_on = budget_approved_on
    dates.accounts_approved_on = accounts_approved_on
    dates.save()
    section = rules_in_force(region, year, "disclosure")
    for kind in (DisclosureKind.TARGETS, DisclosureKind.SELFEVAL):
        Disclosure.objects.filter(region=region, year=year, kind=kind).update(
            due=_due(kind, dates, None, section)
        )
    return dates


# --------------------------------------------------------------------------- reading


def overdue_flag(disclosure: Disclosure, as_of=None) -> bool:
    """The list's overdue flag (`disclosure_rules.is_overdue`), as of today by default."""
    return disclosure_rules.is_overdue(
        disclosure.status, disclosure.due, disclosure.published_on, as_of or timezone.localdate()
    )


def pending_near_due(*, user, region, year: int) -> list:
    """The to-dos of pending items the user sees in the working region and year whose due day
    is at most the rulebook's `due_soon_days` away, or past (`disclosure_rules.due_soon`)."""
    from datetime import timedelta

    from django.urls import reverse

    from jixiao.core.navigation import Todo

    today = timezone.localdate()
    days = int(rules_in_force(region, year, "disclosure")["due_soon_days"])
    rows = (
        Disclosure.objects.visible_to(user)
        .in_work(region, year)
        .filter(status=DisclosureStatus.PENDING, due__isnull=False)
        .filter(due__lte=today + timedelta(days=days))
        .order_by("due", "pk")
    )
    return [
        Todo(
            title=_("信息公开：%(s)s") % {"s": d.subject},
            url=reverse("disclosure-detail", args=[d.pk]),
            stage="disclosure",
            deadline=d.due,
            detail=_("已逾期") if d.due < today else "",
            urgent=True,
        )
        for d in rows
        if disclosure_rules.due_soon(d.status, d.due, today, days)
    ]


# ── reads ──────────────────────────────────────────────────────────────────────────────────


#: The columns the disclosure list sorts by (core/sorting.py): the kind, then the unit's code
#: (the default, the model's order within a year), the subject (in the database's collation),
#: the unit's code, the deadline, the date published and the status. A record of the whole
#: region (no unit) comes after the units' in either direction (as PostgreSQL always listed
#: it; SQLite listed it first).
DISCLOSURE_SORTS = Sorts(
    "kind",
    kind=("kind", "unit__code"),
    subject=("subject",),
    unit=("unit__code", "kind"),
    due=("due", "kind", "unit__code"),
    published=("published_on",),
    status=("status", "kind", "unit__code"),
)


def disclosure_list(*, user, region, year, kind: str = "", sort: str = "", **filters):
    """The records the user sees in the working region and year, narrowed by the list's
    filters (status, unit, kind, words of the subject), in the order `sort` asks for
    (`DISCLOSURE_SORTS`)."""
    rows = narrowed(
        Disclosure.objects.visible_to(user).select_related("unit", "region"),
        statuses=DisclosureStatus.values,
        search=("subject",),
        region=region,
        year=year,
        **filters,
    )
    if kind in DisclosureKind.values:
        rows = rows.filter(kind=kind)
    return DISCLOSURE_SORTS.apply(rows, sort)
