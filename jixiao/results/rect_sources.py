"""Where rectifications come from (DOMAIN.md §8.1): find every result of a work year that should
become one and is not one yet, and make its draft; and send a disposed red alert to
rectification when the office reviewing its disposal asks for it.

The sources of work year Y:
- red monitoring alerts of Y still undisposed at their deadline (funds suspended);
- self-evaluations (of the projects of Y−1, done in Y) confirmed with a grade of the rulebook's
  "rectification".grades (中, 差), the grade that counts being the reviewed grade, else the
  rules' grade; the same for whole-unit evaluations of Y−1;
- the findings of the key evaluations of work year Y, once archived.
Audit findings become rectifications when they are entered (`results.audit_findings`).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core.workflow import history
from jixiao.evaluations.key.models import KeyStatus
from jixiao.evaluations.models import (
    EvaluationStatus,
    Finding,
    KeyEvaluation,
    SelfEvaluation,
    UnitEvaluation,
)
from jixiao.monitoring.models import Alert
from jixiao.orgs.models import Role

from .models import Rectification, RectificationSource
from .rectifications import existing_for, rectification_create
from .rules import rules_in_force

SRC = RectificationSource


def counted_grade(document) -> str:
    """The grade that counts for a rectification: the reviewed grade, else the rules' grade."""
    return getattr(document, "reviewed_grade", "") or document.grade or ""


def _confirmed_on(document, fallback: date) -> date:
    """The day the document was confirmed (its last step), the result's date."""
    last = list(history(document))[-1:]
    return timezone.localdate(last[0].created_at) if last else fallback


def _kinds_for(actor) -> set[str]:
    """The sources this actor's office issues (None: the system, every source)."""
    if actor is None:
        return set(SRC.values)
    kinds: set[str] = set()
    if actor.has_role(Role.BUSINESS):
        kinds |= {SRC.ALERT, SRC.SELFEVAL}
    if actor.has_role(Role.PERFORMANCE):
        kinds |= {SRC.UNIT_EVALUATION, SRC.KEY_EVALUATION}
    return kinds


def _visible(rows, actor):
    return rows if actor is None else rows.visible_to(actor)


def _not_yet(rows, field: str):
    """The source rows no rectification was made from yet."""
    made = Rectification.objects.filter(**{f"{field}__isnull": False}).values(field)
    return rows.exclude(pk__in=made)


def _low_graded(model, field: str, actor, region, year: int, grades: list[str]) -> list:
    """The evaluations of the year before `year` (done in `year`) confirmed with a grade that
    counts among `grades`, not yet sent to rectification."""
    rows = _visible(model.objects, actor).filter(
        region__path__startswith=region.path,
        year=year - 1,
        status=EvaluationStatus.CONFIRMED,
    )
    rows = _not_yet(rows, field).select_related(
        "unit", *(["project"] if field == "selfeval" else [])
    )
    return [row for row in rows if counted_grade(row) in grades]


def _candidates(region, year: int, actor, today: date):
    """(source, object, keywords for rectification_create) of every source not yet sent."""
    kinds = _kinds_for(actor)
    grades = list(rules_in_force(region, year, "rectification")["grades"])
    if SRC.ALERT in kinds:
        alerts = _visible(Alert.objects, actor).filter(
            region__path__startswith=region.path,
            year=year,
            level="red",
            status=Alert.Status.SUSPENDED,
        )
        for alert in _not_yet(alerts, "alert").select_related("unit", "project"):
            yield (
                SRC.ALERT,
                {
                    "unit": alert.unit,
                    "project": alert.project,
                    "alert": alert,
                    "result_date": alert.due_date,
                    "problem": _("红色预警逾期未处置（%(code)s）：%(message)s")
                    % {"code": alert.code, "message": alert.message},
                    "required_action": _(
                        "查明执行偏差原因，提出处置意见（继续实施、调整调剂或取消），并制定整改措施。"
                    ),
                },
            )
    if SRC.SELFEVAL in kinds:
        for row in _low_graded(SelfEvaluation, "selfeval", actor, region, year, grades):
            total = row.reviewed_total if row.reviewed_total is not None else row.total
            yield (
                SRC.SELFEVAL,
                {
                    "unit": row.unit,
                    "project": row.project,
                    "selfeval": row,
                    "result_date": _confirmed_on(row, today),
                    "problem": _("%(year)s年度项目自评等级为“%(grade)s”（%(total)s 分）。")
                    % {"year": row.year, "grade": counted_grade(row), "total": total},
                    "required_action": _(
                        "针对自评发现的目标完成和资金使用问题制定整改方案，落实整改并报送整改情况。"
                    ),
                },
            )
    if SRC.UNIT_EVALUATION in kinds:
        for row in _low_graded(UnitEvaluation, "unit_evaluation", actor, region, year, grades):
            yield (
                SRC.UNIT_EVALUATION,
                {
                    "unit": row.unit,
                    "unit_evaluation": row,
                    "result_date": _confirmed_on(row, today),
                    "problem": _(
                        "%(year)s年度部门整体支出绩效评价等级为“%(grade)s”（%(total)s 分）。"
                    )
                    % {"year": row.year, "grade": counted_grade(row), "total": row.total},
                    "required_action": _(
                        "针对部门整体绩效存在的问题完善管理制度，制定整改方案并报送整改情况。"
                    ),
                },
            )
    if SRC.KEY_EVALUATION in kinds:
        evaluations = _visible(KeyEvaluation.objects, actor).filter(
            region__path__startswith=region.path,
            status=KeyStatus.ARCHIVED,
            year=year,
        )
        findings = Finding.objects.filter(evaluation__in=evaluations)
        for finding in _not_yet(findings, "finding").select_related(
            "evaluation__unit", "evaluation__project"
        ):
            evaluation = finding.evaluation
            yield (
                SRC.KEY_EVALUATION,
                {
                    "unit": evaluation.unit,
                    "project": evaluation.project,
                    "finding": finding,
                    "result_date": evaluation.archived_on or today,
                    "problem": finding.problem,
                    "required_action": finding.recommendation
                    or _("按重点评价报告的意见落实整改。"),
                },
            )


def sources_find(*, region, year: int, today: date | None = None, actor=None) -> list:
    """Make a draft for every source of work year `year` in `region` (and below) that has no
    rectification yet, limited to the sources the actor's office issues (business office:
    alerts and self-evaluations of its units; performance office: whole-unit evaluations and
    key-evaluation findings; None: the system, all). Returns the drafts made, in one
    transaction."""
    today = today or timezone.localdate()
    if actor is not None and not _kinds_for(actor):
        raise PermissionDenied(_("只有业务股室和绩效办可以查找整改来源。"))
    made = []
    with transaction.atomic():
        for source, keywords in list(_candidates(region, year, actor, today)):
            made.append(rectification_create(actor=actor, source=source, year=year, **keywords))
    return made


def alert_to_rectification(actor, alert: Alert, problem: str, required_action: str):
    """The office reviewing a disposed red alert sends it to rectification (DOMAIN.md §5):
    a draft of the alert's unit and project, the result dated the day of the disposal.

    Raises ValidationError for an alert that is not red or not disposed (an undisposed one is
    found by `sources_find` at its deadline) or that already has its rectification."""
    if alert.level != "red":
        raise ValidationError(_("只有红色预警可以转入整改。"))
    if alert.status not in (Alert.Status.DISPOSED, Alert.Status.SUSPENDED):
        raise ValidationError(_("预警尚未处置，到期未处置时将自动列入整改。"))
    if existing_for(SRC.ALERT, alert) is not None:
        raise ValidationError(_("该预警已转入整改。"))
    disposed = timezone.localdate(alert.disposed_at) if alert.disposed_at else None
    return rectification_create(
        actor=actor,
        source=SRC.ALERT,
        unit=alert.unit,
        project=alert.project,
        problem=problem,
        required_action=required_action,
        result_date=disposed or timezone.localdate(),
        year=alert.year,
        alert=alert,
    )


def alerts_to_send(user, region, year: int):
    """The red alerts of the year the user may send to rectification: disposed, not sent yet."""
    rows = Alert.objects.visible_to(user).filter(
        region__path__startswith=region.path,
        year=year,
        level="red",
        status=Alert.Status.DISPOSED,
    )
    return _not_yet(rows, "alert").select_related("unit", "project").order_by("unit__code", "pk")
