"""Writes on monitoring: open rounds, fill and review reports, compute and dispose of alerts,
and the scheduled tick (DESIGN.md: services change state; rules stay in alerts.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import SPECIAL_FUND, Payment, ProgressAmount, Project
from jixiao.budgets.selectors import year_is_open
from jixiao.core import audit, edit_stamp, jobs
from jixiao.core.changes import change_record
from jixiao.core.compiled import KeyedQuery
from jixiao.core.models import AuditLog
from jixiao.core.rule_messages import message_data
from jixiao.core.rulebook import rules_for
from jixiao.core.scope_read import RowById
from jixiao.core.workflow import perform
from jixiao.orgs.models import Region, Role, User
from jixiao.targets.models import Indicator, Target, TargetStatus

from . import alerts as rules_alerts
from .models import Alert, Report, ReportIndicator, Round, RoundExclusion, RoundProject
from .report_data import Amounts, MonitoringReport, indicator_report
from .workflow import REPORT_INDICATORS, REPORT_WORKFLOW

INDICATOR_FIELDS = ("progress", "expected", "likelihood", "cause", "explanation", "measures")


def monitoring_rules(region: Region, year: int):
    """The alert rules in force for the region and year, read once for each resolved rulebook
    (`rules_for` gives the same Rules for the same versions, new Rules for a new version),
    from its read-only "monitoring" section: every report save and payment import asked for
    them, a copy of the section read again each time, and its working-day calendar built anew."""
    rules = rules_for(region.lineage_codes, year)
    kept = _ALERT_RULES.get(id(rules))
    if kept is None or kept[0] is not rules:
        if len(_ALERT_RULES) >= 256:
            _ALERT_RULES.clear()
        section = rules.frozen_section("monitoring")
        kept = _ALERT_RULES[id(rules)] = (rules, rules_alerts.AlertRules.from_section(section))
    return kept[1]


#: id(Rules) → (the Rules, kept alive so that its id is not reused, its AlertRules).
_ALERT_RULES: dict[int, tuple] = {}


# --- rounds --------------------------------------------------------------------------------

#: Reports are opened a chunk of projects at a time, in a fixed number of queries per chunk.
OPEN_CHUNK = 1000


def default_scope(region: Region, year: int):
    """DOMAIN.md §5: every project of kind 专项资金 of the year (carry-over money included)."""
    return Project.objects.filter(region=region, year=year, kinds__code=SPECIAL_FUND).distinct()


def round_check(
    *, actor: User, region: Region, year: int, code: str, period_end: dt.date, deadline: dt.date
) -> None:
    """Raise why `actor` may not open this round (PermissionDenied, ValidationError): the page
    asks before it starts the job, and `round_open` again inside it."""
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以发起监控批次。"))
    if not year_is_open(region=region, year=year):
        raise ValidationError(_("%(y)s 年度已关闭。") % {"y": year})
    if period_end.year != year or deadline < period_end:
        raise ValidationError(_("监控截止日期须在本年度内，填报截止日期不能早于监控截止日期。"))
    if Round.objects.filter(region=region, year=year, code=code).exists():
        raise ValidationError(_("批次编号“%(c)s”已存在。") % {"c": code})


@transaction.atomic
def round_open(
    *,
    actor: User,
    region: Region,
    year: int,
    code: str,
    name: str,
    period_end: dt.date,
    deadline: dt.date,
    extra_projects: Iterable[Project] = (),
    agency: User | None = None,
    key_projects: Iterable[Project] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Round:
    """Open a round: its scope (专项资金 plus projects added by hand) and a draft report for
    every project in it that has an approved target, prefilled from that target and the payment
    data; the others are left out, each with its reason (`RoundExclusion`, see
    `_open_reports`). The same few queries for every OPEN_CHUNK projects, however large the
    round (bench/monitoring.py compares it with a bare bulk insert of the same rows);
    `progress(done, total)` after each chunk of the scope."""
    round_check(
        actor=actor, region=region, year=year, code=code, period_end=period_end, deadline=deadline
    )
    monitoring_round = Round.objects.create(
        region=region,
        year=year,
        code=code,
        name=name,
        period_end=period_end,
        deadline=deadline,
        agency=agency,
        created_by=actor,
    )
    default = list(default_scope(region, year).values_list("pk", flat=True))
    known = set(default)
    extras = dict.fromkeys(
        p.pk for p in extra_projects if p.region_id == region.id and p.year == year
    )
    by_hand = [pk for pk in extras if pk not in known]
    keys = {p.pk for p in key_projects}
    # the reports in the projects' own order (year, code), as they always came; all of them in
    # the round's region and year, whose figures the round's own save marks as changed
    ids = default
    if by_hand:
        in_scope = Q(pk__in=default_scope(region, year).values("pk")) | Q(pk__in=by_hand)
        ids = list(Project.objects.filter(in_scope).values_list("pk", flat=True))
    for start in range(0, len(ids), OPEN_CHUNK):
        _open_reports(
            monitoring_round, ids[start : start + OPEN_CHUNK], by_hand=set(by_hand), keys=keys
        )
        if progress is not None:
            progress(min(start + OPEN_CHUNK, len(ids)), len(ids))
    return monitoring_round


def round_open_job(job, progress) -> dict:
    """`round_open` as a background job of `job.user` (kind "round_open", started by the round
    page): the region by its code among those the user sees, the projects added by hand and
    those for key monitoring by their codes among the user's, the agency by its id (the page
    checked it is one of the region's), dates in ISO form."""
    params, user = job.params, job.user
    region = Region.objects.visible_to(user).filter(code=params["region"]).first()
    if region is None:
        raise PermissionDenied(_("只有绩效办可以发起监控批次。"))
    year = int(params["year"])
    projects = Project.objects.visible_to(user).filter(region=region, year=year)
    monitoring_round = round_open(
        actor=user,
        region=region,
        year=year,
        code=params["code"],
        name=params["name"],
        period_end=dt.date.fromisoformat(params["period_end"]),
        deadline=dt.date.fromisoformat(params["deadline"]),
        extra_projects=projects.filter(code__in=params.get("extra", [])),
        agency=User.objects.filter(pk=params["agency"]).first() if params.get("agency") else None,
        key_projects=projects.filter(code__in=params.get("key", [])),
        progress=progress,
    )
    return {
        "round": monitoring_round.pk,
        "reports": monitoring_round.reports.count(),
        "left_out": monitoring_round.exclusions.count(),
    }


jobs.register("round_open", round_open_job, label=gettext_lazy("发起监控批次"))


def _target_states(ids: list[int]) -> dict[int, tuple[int | None, str]]:
    """Per project of `ids` that has a target: (the id of its approved version, or None; the
    status of its latest current version). During an adjustment (调整) the approved version
    stays in force while the new one is reviewed (targets.models), so such a project has both."""
    states: dict[int, tuple[int | None, str]] = {}
    rows = Target.objects.current().filter(project_id__in=ids).order_by("project_id", "-version")
    for project_id, target_id, status in rows.values_list("project_id", "id", "status"):
        approved, latest = states.get(project_id, (None, status))
        if approved is None and status == TargetStatus.APPROVED:
            approved = target_id
        states[project_id] = (approved, latest)
    return states


def _open_reports(
    monitoring_round: Round, ids: list[int], *, by_hand: set[int], keys: set[int]
) -> None:
    """The scope rows and the draft reports of the projects `ids`, in that order. DOMAIN.md §5
    monitors the funds "纳入年度预算绩效目标管理": a project enters the round only with
    an approved target in force; the others are stored as left out with the reason (no target,
    or the status of its current version). The rule has no rulebook key (DOMAIN.md leaves no
    alternative open), so it lives here. Each report gets the approved target's indicators,
    the contract amount and the execution from payments as of the period end, and the audit
    entry a save would write. One query per kind of row for the whole chunk."""
    period_end = monitoring_round.period_end
    projects = {
        p.pk: p for p in Project.objects.filter(pk__in=ids).select_related("unit", "region")
    }
    states = _target_states(ids)
    targets = {pk: states[pk][0] for pk in ids if pk in states and states[pk][0] is not None}
    RoundExclusion.objects.bulk_create(
        [
            RoundExclusion(
                round=monitoring_round,
                project_id=pk,
                region_id=projects[pk].region_id,
                unit_id=projects[pk].unit_id,
                year=projects[pk].year,
                reason=RoundExclusion.Reason.NOT_APPROVED
                if pk in states
                else RoundExclusion.Reason.NO_TARGET,
                target_status=states[pk][1] if pk in states else "",
            )
            for pk in ids
            if pk not in targets
        ]
    )
    ids = [pk for pk in ids if pk in targets]
    RoundProject.objects.bulk_create(
        [
            RoundProject(
                round=monitoring_round,
                project_id=pk,
                added_by_hand=pk in by_hand,
                key_monitoring=pk in keys,
            )
            for pk in ids
        ]
    )
    contract = {}
    progress = ProgressAmount.objects.filter(project_id__in=ids, as_of__lte=period_end)
    for project_id, amount in progress.order_by("project_id", "-as_of", "-id").values_list(
        "project_id", "amount"
    ):
        contract.setdefault(project_id, amount)
    paid = dict(
        Payment.objects.filter(project_id__in=ids, month__lte=period_end.month)
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    reports = Report.objects.bulk_create(
        [
            Report(
                round=monitoring_round,
                project=projects[pk],
                target_id=targets.get(pk),
                region=projects[pk].region,
                unit=projects[pk].unit,
                year=projects[pk].year,
                contract_amount=contract.get(pk),
                executed=paid.get(pk),
                execution_from_payments=paid.get(pk) is not None,
            )
            for pk in ids
        ]
    )
    _audit_created(reports)
    _copy_indicators(reports)


def _audit_created(reports: list[Report]) -> None:
    """The `create` entry of each new report, as `audit` writes it on a save (signals do not
    fire for bulk_create), in the current audit context."""
    ctx = audit.current_context()
    actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                batch=ctx.batch,
                source=ctx.source,
                ip=ctx.ip,
                actor=actor,
                actor_name=getattr(ctx.actor, "username", "") or "",
                action=AuditLog.Action.CREATE,
                object_type=Report._meta.label_lower,
                object_id=str(report.pk),
                object_repr=str(report)[:300],
                region_code=report.audit_region_code,
                after=audit.snapshot(report),
            )
            for report in reports
        ]
    )


def _copy_indicators(reports: list[Report]) -> None:
    """Each report's lines: the indicators of its approved target, in their order."""
    columns = ("position", "category", "subcategory", "name", "value_text", "unit")
    lines = defaultdict(list)
    for target_id, pk, *values in (
        Indicator.objects.filter(target_id__in=[r.target_id for r in reports if r.target_id])
        .order_by("target_id", "position")
        .values_list("target_id", "pk", *columns)
    ):
        lines[target_id].append((pk, dict(zip(columns, values, strict=True))))
    ReportIndicator.objects.bulk_create(
        [
            ReportIndicator(
                report=report,
                indicator_id=pk,
                position=line["position"],
                category=line["category"],
                subcategory=line["subcategory"],
                name=line["name"],
                target_text=line["value_text"],
                unit=line["unit"],
            )
            for report in reports
            for pk, line in lines[report.target_id]
        ]
    )


def payments_to(project: Project, period_end: dt.date) -> Decimal | None:
    total = Payment.objects.filter(project=project, month__lte=period_end.month).aggregate(
        s=Sum("amount")
    )["s"]
    return total


# --- reports -------------------------------------------------------------------------------


# The save's locked read with the rows its checks and alerts read, by SQL compiled once a
# process (core/scope_read.py): the view read the report within the user's scope just before.
_SAVE_READ = RowById(
    lambda: Report.objects.select_for_update(of=("self",)).select_related(
        "round", "project", "region"
    )
)


@transaction.atomic
def report_save(
    *,
    actor: User,
    report: Report,
    executed: Decimal | None,
    expected_full_year: Decimal | None,
    contract_amount: Decimal | None = None,
    execution_note: str = "",
    indicators: Sequence[Mapping] = (),
    loaded: str | None = None,
) -> Report:
    """Save a draft or returned report and recompute its alerts; refused
    (`edit_stamp.Overwritten`) when it was saved since the form's `loaded` stamp."""
    # The region (the alert rules), round and project come with the locked row, and its save's
    # audit takes this read as the row before.
    report = _SAVE_READ.get(report.pk)
    edit_stamp.check(report, loaded)
    audit.loaded_locked(report)
    REPORT_WORKFLOW.require_editable(report, actor)
    if report.round.status != Round.Status.OPEN:
        raise ValidationError(_("监控批次已结束。"))
    for value, label in (
        (executed, _("执行数")),
        (expected_full_year, _("全年预计执行数")),
        (contract_amount, _("合同或进度应付金额")),
    ):
        if value is not None and value < 0:
            raise ValidationError(_("%(f)s不能为负数。") % {"f": label})
    if not report.execution_from_payments:
        report.executed = executed
    report.expected_full_year, report.execution_note = expected_full_year, execution_note
    if contract_amount is not None:
        report.contract_amount = contract_amount
    report.save()
    rows = _REPORT_ROWS.all(report.pk)
    _save_indicator_rows(rows, indicators)
    refresh_alerts(report, rows=rows)
    return report


# A report save's reads of its rows, its project's payments and its stored alerts, each with
# SQL compiled once a process (core/compiled.py): building them through the ORM cost more CPU
# than the database's answers.
_REPORT_ROWS = REPORT_INDICATORS
_PAYMENTS = KeyedQuery(
    # By month alone: the model's ordering (by project first) joined the project.
    lambda project_id: (
        Payment.objects.filter(project_id=project_id)
        .order_by("month")
        .values_list("month", "amount")
    ),
    30001,
)
_ALERTS_OF = KeyedQuery(
    lambda project_id, round_id: Alert.objects.filter(project_id=project_id, round_id=round_id),
    30001,
    30002,
)


def _save_indicator_rows(rows: Sequence[ReportIndicator], indicators: Sequence[Mapping]) -> None:
    """Write the progress of each row the form changed, its changed fields alone: a save of
    the amounts, or of one row, writes no other row (six UPDATEs of unchanged rows before)."""
    by_position = {r.position: r for r in rows}
    for position, values in enumerate(indicators):
        row = by_position.get(int(values.get("position", position)))
        if row is None:
            continue
        changed = []
        for field in INDICATOR_FIELDS:
            if field in values:
                value = (values[field] or "")[: _max(field)]
                if getattr(row, field) != value:
                    setattr(row, field, value)
                    changed.append(field)
        if changed:
            row.save(update_fields=changed)


def _max(field: str) -> int:
    return ReportIndicator._meta.get_field(field).max_length or 10_000


def monitoring_report_of(report: Report, *, rows=None, payments=None) -> MonitoringReport:
    """The pure module's view of a stored report (`rows` and `payments`, month → amount, may
    come preloaded)."""
    project = report.project
    rows = rows if rows is not None else list(report.indicators.all())
    if payments is None:
        payments = dict(_PAYMENTS.all(project.pk))
    return MonitoringReport(
        period_end=report.round.period_end,
        deadline=report.round.deadline,
        submitted_at=timezone.localdate(report.submitted_at) if report.submitted_at else None,
        amounts=Amounts(
            initial=project.initial_total,
            full_year=project.full_total,
            executed=report.executed,
            expected=report.expected_full_year,
            contract=report.contract_amount,
        ),
        payments=payments or None,
        indicators=tuple(
            indicator_report(
                r.category,
                r.subcategory,
                r.name,
                r.target_text,
                progress=r.progress or None,
                expected=r.expected or None,
                year=report.year,
                likelihood=r.likelihood or None,
                causes=(r.cause,) if r.cause else (),
                explanation=r.explanation or None,
                measures=r.measures or None,
            )
            for r in rows
        ),
        project=project.name,
        project_code=project.code,
        year=report.year,
    )


def refresh_alerts(
    report: Report, *, today: dt.date | None = None, rows: Sequence[ReportIndicator] | None = None
) -> list[Alert]:
    """Recompute a report's alerts: new ones are raised, ones that no longer apply and were
    not yet disposed of are cleared, the rest stay as they are (with their disposal). `rows`:
    the report's indicator rows as just saved, in order (by default they are read)."""
    today = today or timezone.localdate()
    rules = monitoring_rules(report.region, report.year)
    rows = list(rows) if rows is not None else list(report.indicators.all())
    result = rules_alerts.alerts(monitoring_report_of(report, rows=rows), rules=rules, today=today)
    _keep_unjudged(report, result.warnings, rows)
    return sync_alerts(
        project=report.project,
        report=report,
        round=report.round,
        found=result.alerts,
        rules=rules,
        today=today,
    )


def _keep_unjudged(report: Report, warnings: Sequence, rows: Sequence[ReportIndicator]) -> None:
    """Keep on the report the indicators the check could not judge for what was typed in them
    (a progress like "12,5%" or "很好", a target that cannot divide): which one, what, why. They were
    dropped, so an unreadable progress raised no M03 and no one was told. Written only when
    they change (one UPDATE, not audited: they follow from the saved rows)."""
    kept = []
    for warning in warnings:
        if warning.indicator is None or warning.indicator >= len(rows):
            continue  # the budget's warnings: the rates on the page already show "—"
        row = rows[warning.indicator]
        message = warning.message
        on_target = getattr(message, "code", "") == "alert.no_denominator"
        typed = row.target_text if on_target else row.progress
        if not typed:
            continue  # a progress not yet filled in: nothing was typed to correct
        kept.append(
            {
                "indicator": warning.indicator + 1,
                "name": row.name,
                "typed": typed,
                "message": str(message),
                "message_i18n": message_data(message),
            }
        )
    if kept != report.alert_warnings:
        Report.objects.filter(pk=report.pk).update(alert_warnings=kept)
        report.alert_warnings = kept


def sync_alerts(
    *,
    project: Project,
    report: Report | None,
    round: Round | None,
    found: Sequence,
    rules,
    today: dt.date,
    codes: Iterable[str] | None = None,
    existing: Iterable[Alert] | None = None,
) -> list[Alert]:
    """Make the stored alerts of (project, round) match `found`, limited to `codes`;
    `existing` are that pair's stored alerts when the caller has loaded them already. Saves
    each alert (audited one by one); a payment import writes its plans in bulk instead
    (`payments.payments_changed`)."""
    if existing is None:
        stored = (
            _ALERTS_OF.all(project.pk, round.pk)
            if round is not None
            else Alert.objects.filter(project=project, round=None)
        )
        existing = _with_rows_of(stored, project, report)
    plan = plan_alerts(
        project=project,
        report=report,
        round=round,
        found=found,
        rules=rules,
        today=today,
        codes=codes,
        existing=existing,
    )
    stored = {id(alert): _stored_once(alert) for alert in plan.new}
    for alert, fields, _before in plan.changed:
        alert.save(update_fields=fields)
    return [stored.get(id(alert), alert) for alert in plan.kept]


def _with_rows_of(alerts, project: Project, report: Report | None) -> list[Alert]:
    """The stored alerts with their project and region, as the caller read them: a changed
    alert's audit entry names both (`__str__`, `audit_region_code`), a query each otherwise."""
    region = report.region if report is not None and Report.region.is_cached(report) else None
    alerts = list(alerts)
    for alert in alerts:
        if alert.project_id == project.pk:
            alert.project = project
        if region is not None and alert.region_id == region.pk:
            alert.region = region
    return alerts


@dataclass
class AlertPlan:
    """What making the stored alerts match the ones found takes: `new` alerts (unsaved),
    `changed` stored ones as (alert, the fields set, their values before), and `kept`, every
    alert found in order (stored or new)."""

    new: list = dataclass_field(default_factory=list)
    changed: list = dataclass_field(default_factory=list)
    kept: list = dataclass_field(default_factory=list)

    def change(self, alert: Alert, **values) -> None:
        before = {name: getattr(alert, name) for name in values}
        for name, value in values.items():
            setattr(alert, name, value)
        self.changed.append((alert, list(values), before))


def plan_alerts(
    *,
    project: Project,
    report: Report | None,
    round: Round | None,
    found: Sequence,
    rules,
    today: dt.date,
    existing: Iterable[Alert],
    codes: Iterable[str] | None = None,
    due_date: dt.date | None = None,
    plan: AlertPlan | None = None,
    new_alert: Callable | None = None,
) -> AlertPlan:
    """The plan (added to `plan` when given) that makes the stored alerts of (project, round),
    `existing`, match `found`, limited to `codes`: a new alert for each new finding, a cleared
    one that applies again reopened with a fresh disposal deadline (`due_date` when the caller
    has computed it for `today`), a changed level or message updated, and an open alert that
    no longer applies cleared; the rest stay as they are (with their disposal). A new alert is
    an unsaved `Alert`, or what `new_alert` makes of the same arguments as `_new_alert` (a
    payment import takes `alert_values`, plain values it inserts in bulk)."""
    plan = plan if plan is not None else AlertPlan()
    new_alert = new_alert or _new_alert
    existing = {a.key: a for a in existing if codes is None or a.code in codes}
    project_pk, round_pk = project.pk, round.pk if round else None  # once, not per finding
    for item in found:
        alert = existing.pop((project_pk, round_pk, item.code, item.indicator), None)
        if alert is None or alert.status == Alert.Status.CLEARED:
            due_date = due_date or rules_alerts.disposal_deadline(today, rules=rules)
        if alert is None:
            alert = new_alert(project, report, round, item, due_date=due_date)
            plan.new.append(alert)
        elif alert.status == Alert.Status.CLEARED:
            # It applies again: a fresh alert with a fresh disposal deadline.
            plan.change(
                alert,
                status=Alert.Status.OPEN,
                level=item.level,
                message=item.message,
                explanation=item.explanation,
                texts_i18n=item.texts_data(),
                due_date=due_date,
            )
        elif (alert.level, alert.message) != (item.level, item.message):
            plan.change(
                alert,
                level=item.level,
                message=item.message,
                explanation=item.explanation,
                texts_i18n=item.texts_data(),
            )
        plan.kept.append(alert)
    for stale in existing.values():
        if stale.status == Alert.Status.OPEN:
            plan.change(stale, status=Alert.Status.CLEARED)
    return plan


def alert_values(project, report, round, item, *, due_date) -> dict:
    """A new alert's values by field attname (the other fields keep their defaults): `item`
    (an `AlertFinding`) raised on `project`, in `round` and `report` (None for M05)."""
    return {
        "region_id": project.region_id,
        "year": project.year,
        "unit_id": project.unit_id,
        "project_id": project.pk,
        "round_id": round.pk if round else None,
        "report_id": report.pk if report else None,
        "code": item.code,
        "level": item.level,
        "indicator": item.indicator,
        "message": item.message,
        "explanation": item.explanation,
        "texts_i18n": item.texts_data(),
        "due_date": due_date,
    }


def _new_alert(project: Project, report: Report | None, round: Round | None, item, *, due_date):
    alert = Alert(**alert_values(project, report, round, item, due_date=due_date))
    alert.project, alert.round, alert.report = project, round, report
    for name in ("region", "unit"):  # loaded with the project: the audit reads them
        if Project._meta.get_field(name).is_cached(project):
            setattr(alert, name, getattr(project, name))
    return alert


def _stored_once(alert: Alert) -> Alert:
    """Store a new alert, or give the one with its key (`Alert.key`, unique) that another
    transaction stored meanwhile: a tick and a save, or a payment import, may find it at once."""
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
        return alert
    except IntegrityError:
        return Alert.objects.get(
            project=alert.project_id,
            round=alert.round_id,
            code=alert.code,
            indicator=alert.indicator,
        )


# --- workflow ------------------------------------------------------------------------------


def report_transition(
    *, actor: User, report: Report, name: str, comment: str = "", attest: bool = False
) -> Report:
    row = perform(
        obj=report, name=name, actor=actor, workflow=REPORT_WORKFLOW, comment=comment, attest=attest
    )
    if name == "submit":
        refresh_alerts(row)  # M07 looks at the submission date
    return row


@transaction.atomic
def agency_findings_save(*, actor: User, report: Report, findings: str) -> Report:
    """Third-party key monitoring: the assigned agency's findings join the report's review."""
    report = (
        Report.objects.select_for_update(of=("self",)).select_related("round").get(pk=report.pk)
    )
    audit.loaded_locked(report)  # its save's audit takes this read as the row before
    if (
        not actor.has_role(Role.AGENCY)
        or report.round.agency_id != actor.pk
        or not Report.objects.visible_to(actor).filter(pk=report.pk).exists()
    ):
        raise PermissionDenied(_("只有受托的第三方机构可以填写重点监控意见。"))
    if report.round.status != Round.Status.OPEN:
        raise ValidationError(_("监控批次已结束。"))
    if not findings.strip():
        raise ValidationError(_("请填写监控意见。"))
    report.agency_findings = findings.strip()[:5000]
    report.save(update_fields=["agency_findings", "updated_at"])
    return report


@transaction.atomic
def round_close(*, actor: User, round: Round) -> Round:
    """End a round: its reports can no longer change; late-report alerts stay as they are."""
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以结束监控批次。"))
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if round.status == Round.Status.CLOSED:
        raise ValidationError(_("监控批次已结束。"))
    round.status = Round.Status.CLOSED
    round.save(update_fields=["status"])
    return round


# --- disposal and the tick -------------------------------------------------------------------


@transaction.atomic
def alert_dispose(*, actor: User, alert: Alert, disposal: str, reason: str) -> Alert:
    """The unit's answer to an alert (continue, adjust, cancel) lifts any suspension."""
    alert = Alert.objects.select_for_update(of=("self",)).get(pk=alert.pk)
    if (
        not actor.has_role(Role.FILER, Role.LEADER)
        or alert.unit_id not in actor.get_scope().unit_ids
    ):
        raise PermissionDenied(_("只有本单位可以处置预警。"))
    if alert.status not in (Alert.Status.OPEN, Alert.Status.SUSPENDED):
        raise ValidationError(_("该预警已处置或已解除。"))
    if disposal not in Alert.Disposal.values:
        raise ValidationError(_("请选择处置方式：继续实施、调整调剂或取消项目。"))
    if not reason.strip():
        raise ValidationError(_("请填写处置理由。"))
    before = alert.status
    alert.status, alert.disposal, alert.disposal_reason = (
        Alert.Status.DISPOSED,
        disposal,
        reason.strip(),
    )
    alert.disposed_by, alert.disposed_at = actor, timezone.now()
    alert.save()
    if before == Alert.Status.SUSPENDED:
        audit.record(action="action", instance=alert, message=_("处置后恢复资金拨付"))
        change_record(alert, kind="fund_suspension", state="released", data={"alert": alert.code})
    return alert


#: Held by whatever recomputes many projects' alerts at once (the tick, payment imports), so
#: that two nodes never do that work side by side.
ALERTS_LOCK = "monitoring.alerts"
#: How long a payment import waits for a running tick before it is refused.
ALERTS_LOCK_WAIT = 60.0


def suspended_projects(region: Region, year: int):
    return Project.objects.filter(
        alerts__status=Alert.Status.SUSPENDED, region=region, year=year
    ).distinct()
