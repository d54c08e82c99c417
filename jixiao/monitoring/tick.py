"""The scheduled job of monitoring (`jixiao tick`, DOMAIN.md §5): late reports raise M07 once the
deadline has passed, and alerts past their disposal deadline suspend the project's funds.

The late reports in bulk: every unsubmitted report of an open round past its deadline gets its
M07 alert, planned against the stored ones and written a chunk at a
time the way a payment import writes its alerts (`payments`), with one audit batch entry for
the run. A province's tick judged and saved 13,000 reports one at a time, about 20 ms each.

A report saved while the tick runs raises its own M07 (`services.refresh_alerts`): when such an
alert is inserted between the tick's read and its write, the chunk's bulk insert meets the
alert's unique key; that chunk is then done again one report at a time (`services.sync_alerts`,
which takes the stored alert), so the tick never fails for a unit's save.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.core import audit, locks
from jixiao.core.changes import changes_record

from . import alerts as rules_alerts
from .models import Alert, Report, Round
from .payments import (
    CHUNK,
    PROJECT_FIELDS,
    REPORT_FIELDS,
    STORED_ALERT_FIELDS,
    ProjectRow,
    ReportRow,
    RulesByRegion,
    among,
    plain_rows,
    write_alerts,
)
from .services import (
    ALERTS_LOCK,
    AlertPlan,
    alert_values,
    monitoring_report_of,
    monitoring_rules,
    plan_alerts,
    sync_alerts,
)

CODES = {"M07"}


def tick(*, today: dt.date) -> dict[str, int]:
    """The scheduled job: M07 on late reports, then funds suspended for overdue alerts. Safe to
    repeat.

    Runs under `ALERTS_LOCK` without waiting: raises `locks.Busy`, doing nothing, while another
    tick (or a payment import's alerts) is at work."""
    with locks.held(ALERTS_LOCK):
        return _tick(today=today)


def _tick(*, today: dt.date) -> dict[str, int]:
    """The tick's work without its lock (a test runs two side by side: the alerts' unique key
    and the one-at-a-time retry keep one alert per key)."""
    late = late_report_alerts(today)
    return {"late_report_alerts": late, "suspended": suspend_overdue(today)}


def suspend_overdue(today: dt.date) -> int:
    """Alerts still open past their disposal deadline suspend their project's funds."""
    with transaction.atomic():
        overdue = list(
            Alert.objects.filter(status=Alert.Status.OPEN, due_date__lt=today)
            .select_related("region", "unit", "project")
            .select_for_update(of=("self",))
        )
        suspended = Alert.objects.filter(pk__in=[a.pk for a in overdue]).update(
            status=Alert.Status.SUSPENDED, suspended_at=timezone.now()
        )
        changes_record(
            overdue, kind="fund_suspension", state="suspended", data=lambda a: {"alert": a.code}
        )
    return suspended


def late_report_alerts(today: dt.date) -> int:
    """Raise M07 on every unsubmitted open-round report past its deadline as of `today`;
    returns how many new alerts were raised (a repeated tick raises none)."""
    ids = list(
        Report.objects.filter(
            round__status=Round.Status.OPEN, submitted_at__isnull=True, round__deadline__lt=today
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rules = RulesByRegion(today)
    raised, changes = 0, []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        try:
            # the driver's own error (PostgreSQL's COPY) as Django's IntegrityError
            with transaction.atomic(), connection.wrap_database_errors:
                new, written = _chunk(chunk, rules, today)
        except IntegrityError:  # a unit's save raised one of them meanwhile
            new, written = _one_at_a_time(chunk, today), []
        raised, changes = raised + new, changes + written
    if changes:
        audit.record_batch(
            changes,
            message=_("逾期未报预警：新增 %(n)s 条") % {"n": raised},
            action="action",
            object_type=Alert._meta.label_lower,
        )
    return raised


def _reports(ids: list[int]) -> list:
    """The chunk's reports with their project and round, each read once, as plain rows the
    way a payment import reads them (`payments.plain_rows`: a model instance a report and
    project, with its amounts converted one by one, cost a third of the tick's own time)."""
    reports = plain_rows(ReportRow, Report.objects.filter(pk__in=among(ids)), REPORT_FIELDS)
    found = {r.project_id for r in reports}
    projects = {
        p.pk: p
        for p in plain_rows(ProjectRow, Project.objects.filter(pk__in=among(found)), PROJECT_FIELDS)
    }
    rounds = Round.objects.only("period_end", "deadline").in_bulk({r.round_id for r in reports})
    for report in reports:
        report.project, report.round = projects[report.project_id], rounds[report.round_id]
    return reports


def stored_alerts(project_ids) -> QuerySet[Alert]:
    """The stored M07 alerts of these projects, by `alert_unique_key`'s leading project (the
    alert table keeps no index on the code alone: a chunk's projects narrow it more).

    With every field planning and the audit read (`STORED_ALERT_FIELDS`): M07's message
    counts the days late, so a daily tick updates every stored M07 of a late report, and
    each deferred field was read by a query of its own (three or four an alert, 0.8 ms of CPU
    together). Unordered: the model's order would sort them in a temporary B-tree."""
    return (
        Alert.objects.filter(project_id__in=among(project_ids), code__in=CODES)
        .only(*STORED_ALERT_FIELDS)
        .order_by()
    )


def _chunk(ids: list[int], rules: RulesByRegion, today: dt.date) -> tuple[int, list[audit.Change]]:
    reports = _reports(ids)
    stored: dict[tuple, list[Alert]] = defaultdict(list)
    for alert in stored_alerts({r.project_id for r in reports}):
        stored[(alert.project_id, alert.round_id)].append(alert)
    rules.load({r.project.region_id for r in reports})
    plan = AlertPlan()
    for report in reports:
        found_rules, due = rules(report.project.region_id, report.year)
        # M07 reads the dates alone: no indicator rows or payments to load
        found = rules_alerts.late_report(
            monitoring_report_of(report, rows=[], payments={}), rules=found_rules, today=today
        )
        plan_alerts(
            project=report.project,
            report=report,
            round=report.round,
            found=found,
            rules=found_rules,
            today=today,
            existing=stored[(report.project_id, report.round_id)],
            codes=CODES,
            due_date=due,
            plan=plan,
            new_alert=alert_values,
        )
    names = {r.project_id: r.project.name for r in reports}
    return len(plan.new), write_alerts(plan, rules, names)


def _one_at_a_time(ids: list[int], today: dt.date) -> int:
    """The chunk as the tick did before, each report's M07 synced and saved alone."""
    raised = 0
    for report in Report.objects.filter(pk__in=ids).select_related(
        "round", "project__unit", "project__region", "region"
    ):
        rules = monitoring_rules(report.region, report.year)
        found = rules_alerts.late_report(
            monitoring_report_of(report, rows=[], payments={}), rules=rules, today=today
        )
        before = Alert.objects.filter(project=report.project, round=report.round, code__in=CODES)
        count = before.count()
        sync_alerts(
            project=report.project,
            report=report,
            round=report.round,
            found=found,
            rules=rules,
            today=today,
            codes=CODES,
        )
        raised += before.count() - count
    return raised
