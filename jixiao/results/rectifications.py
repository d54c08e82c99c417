"""Writes on rectifications (整改, DOMAIN.md §8.1): create a draft from a source, edit it, move it
through `results.workflow`, mark a notice received when the unit first opens it, and the
scheduled work of `jixiao tick` (automatic receipt, reminders, escalation of overdue items).

Deadlines come from the pure `results.deadlines` with the rulebook section "rectification" and
the working calendar of the section "monitoring" of the rectification's region and work year.

There is no message channel in the project: a reminder or an escalation is stamped on the
rectification (`plan_reminded_on`, `due_reminded_on`, `escalated_on`), written to the audit log,
and shown as a to-do to those who must act (`results.navigation`).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit, edit_stamp
from jixiao.core.rulebook import rules_for
from jixiao.core.ticks import register_tick
from jixiao.core.workflow import log_transition, perform
from jixiao.evaluations.key.models import Finding
from jixiao.monitoring.calendar import calendar_from_rules
from jixiao.orgs.models import Office, Unit, UnitYear

from . import deadlines
from .models import Rectification, RectificationSource, RectificationStatus
from .rules import rules_in_force
from .workflow import ISSUER_KIND, ISSUERS, RECTIFICATION_WORKFLOW, unit_of_rectification

S = RectificationStatus

# The link field of each source, and the fields the unit and the issuer write in each state.
SOURCE_FIELD = {
    RectificationSource.ALERT: "alert",
    RectificationSource.SELFEVAL: "selfeval",
    RectificationSource.UNIT_EVALUATION: "unit_evaluation",
    RectificationSource.KEY_EVALUATION: "finding",
    RectificationSource.AUDIT: "audit_finding",
}
EDITABLE_FIELDS = {
    S.DRAFT: ("problem", "required_action"),
    S.RECEIVED: ("plan",),
    S.IN_PROGRESS: ("report",),
}


def rectification_rules(rectification: Rectification) -> dict:
    """The "rectification" rulebook section in force for the rectification's region and year."""
    return rules_in_force(rectification.region, rectification.year, "rectification")


def working_calendar(region, year: int):
    """The working calendar (holidays, make-up days) of the "monitoring" section."""
    return calendar_from_rules(rules_for(region.lineage_codes, year).section("monitoring"))


def feedback_late(rectification: Rectification) -> bool:
    """Issued later than `feedback_days` after its result (the provincial 20-day rule)."""
    if rectification.issued_on is None:
        return False
    rules = rectification_rules(rectification)
    return deadlines.feedback_late(rectification.result_date, rectification.issued_on, rules)


def default_issuer(*, source: str, unit: Unit, year: int) -> Office | None:
    """The office that issues a source's rectifications: the unit's business office (归口) of
    the year for alerts and self-evaluations, the region's performance office otherwise."""
    kind = ISSUER_KIND[source]
    if kind == Office.Kind.BUSINESS:
        row = (
            UnitYear.objects.filter(unit=unit, year__lte=year, office__isnull=False)
            .order_by("-year")
            .select_related("office")
            .first()
        ) or UnitYear.objects.filter(unit=unit, office__isnull=False).order_by("year").first()
        return row.office if row else None
    return Office.objects.filter(region=unit.region, kind=kind).order_by("code").first()


def _require_issuer_staff(actor, unit: Unit) -> None:
    if actor is None:
        return  # the system (the demo, a data migration)
    if not actor.has_role(*ISSUERS):
        raise PermissionDenied(_("只有业务股室和绩效办可以建立整改事项。"))
    if not Unit.objects.visible_to(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("该单位不在您的管理范围内。"))


def existing_for(source: str, obj) -> Rectification | None:
    """The rectification already made from this source object, if any."""
    return Rectification.objects.filter(source=source, **{SOURCE_FIELD[source]: obj}).first()


def source_year(source: str, obj) -> int | None:
    """The work year a source's rectification belongs to: an alert's or an audit finding's
    own year, the year after the evaluated year of a self- or whole-unit evaluation (evaluations
    of Y are done in Y+1), a key evaluation's work year."""
    if source == RectificationSource.KEY_EVALUATION:
        return obj.evaluation.year
    if source in (RectificationSource.SELFEVAL, RectificationSource.UNIT_EVALUATION):
        return obj.year + 1
    return getattr(obj, "year", None)


@transaction.atomic
def rectification_create(
    *,
    actor,
    source: str,
    unit: Unit,
    project=None,
    problem: str,
    required_action: str,
    result_date: date,
    year: int | None = None,
    issuer: Office | None = None,
    alert=None,
    selfeval=None,
    unit_evaluation=None,
    finding=None,
    audit_finding=None,
) -> Rectification:
    """A draft rectification of `unit` from one source object (the one `source` names), for
    the work year `year` (default: the source's, `source_year`). The issuer defaults from the
    source (`default_issuer`).

    Raises ValidationError (in Chinese, naming the field) for a missing source object, a
    missing problem or required action, no issuing office, or a duplicate: one source object
    becomes one rectification. PermissionDenied when the actor is not office staff who see the
    unit."""
    if source not in SOURCE_FIELD:
        raise ValidationError({"source": _("未知的整改来源：%(s)s") % {"s": source}})
    links = {
        "alert": alert,
        "selfeval": selfeval,
        "unit_evaluation": unit_evaluation,
        "finding": finding,
        "audit_finding": audit_finding,
    }
    field = SOURCE_FIELD[source]
    obj = links[field]
    if obj is None:
        label = RectificationSource(source).label
        raise ValidationError({field: _("来源为“%(s)s”时须关联其来源记录。") % {"s": label}})
    _require_issuer_staff(actor, unit)
    errors = {}
    if not (problem or "").strip():
        errors["problem"] = _("请填写存在问题。")
    if not (required_action or "").strip():
        errors["required_action"] = _("请填写整改要求。")
    if errors:
        raise ValidationError(errors)
    duplicate = existing_for(source, obj)
    if duplicate is not None:
        raise ValidationError(
            {field: _("该来源已建立整改事项（%(n)s），不能重复建立。") % {"n": duplicate}}
        )
    year = year or source_year(source, obj) or result_date.year
    issuer = issuer or default_issuer(source=source, unit=unit, year=year)
    if issuer is None:
        raise ValidationError({"issuer": _("找不到下达整改的股室，请先设置单位的归口股室。")})
    row = Rectification(
        region=unit.region,
        year=year,
        unit=unit,
        project=project,
        source=source,
        issuer=issuer,
        problem=problem.strip(),
        required_action=required_action.strip(),
        result_date=result_date,
        **{field: obj},
    )
    row.save()
    row.number = f"ZG{year}-{row.pk:05d}"
    row.save(update_fields=["number"])
    return row


@transaction.atomic
def rectification_update(
    *, actor, rectification: Rectification, loaded: str | None = None, **fields
) -> Rectification:
    """Change the text its editor may write now: the problem and required action of a draft
    (the issuer), the plan while received and the report while in progress (the unit's filer).

    Raises PermissionDenied/ValidationError (`Workflow.require_editable`), ValidationError
    for a field this state does not write, and `edit_stamp.Overwritten` when it was saved since
    the form's `loaded` stamp."""
    row = Rectification.objects.select_for_update(of=("self",)).get(pk=rectification.pk)
    if not Rectification.objects.visible_to(actor).filter(pk=row.pk).exists():
        raise PermissionDenied(_("无权修改该整改事项。"))
    RECTIFICATION_WORKFLOW.require_editable(row, actor)
    edit_stamp.check(row, loaded)
    allowed = EDITABLE_FIELDS.get(row.status, ())
    wrong = sorted(set(fields) - set(allowed))
    if wrong:
        raise ValidationError(
            {
                name: _("整改事项处于“%(s)s”状态，不能修改此项。")
                % {"s": RECTIFICATION_WORKFLOW.label(row.status)}
                for name in wrong
            }
        )
    for name, value in fields.items():
        setattr(row, name, (value or "").strip())
    if row.status == S.DRAFT:
        errors = {n: _("此项不能为空。") for n in allowed if not getattr(row, n)}
        if errors:
            raise ValidationError(errors)
    row.save()
    return row


def rectification_transition(
    *, actor, rectification: Rectification, name: str, comment: str = "", attest: bool = False
) -> Rectification:
    """Move the rectification (`results.workflow`); the dates are stamped by the hooks below,
    whichever way it moves (pages, API, demo). Raises TransitionError or Http404."""
    return perform(
        obj=rectification,
        name=name,
        actor=actor,
        workflow=RECTIFICATION_WORKFLOW,
        comment=comment,
        attest=attest,
    )


def _stamp_received(row: Rectification, on: date) -> list[str]:
    rules = rectification_rules(row)
    calendar = working_calendar(row.region, row.year)
    row.received_on = on
    row.plan_due = deadlines.plan_due(on, rules, calendar)
    row.due = deadlines.completion_due(on, rules, calendar)
    return ["received_on", "plan_due", "due"]


def _dated(row: Rectification, transition, actor) -> None:
    """Each step's date: issued, received (and the deadlines from it), plan confirmed, report
    confirmed, closed (and by whom, with the issuer's note); a return reopens the work."""
    today = timezone.localdate()
    name = transition.name
    fields: list[str] = []
    if name == "issue":
        row.issued_on, fields = today, ["issued_on"]
    elif name == "receive":
        fields = _stamp_received(row, today)
    elif name == "confirm_plan":
        row.planned_on, fields = today, ["planned_on"]
    elif name == "confirm_report":
        row.reported_on, fields = today, ["reported_on"]
    elif name == "verify":
        row.closed_on, row.verified_by = today, actor
        fields = ["closed_on", "verified_by"]
        row.verification_note = transition_comment(row) or row.verification_note
        fields.append("verification_note")
    elif name == "return":
        row.reported_on, row.verification_note = None, row.return_reason
        fields = ["reported_on", "verification_note"]
    if fields:
        row.save(update_fields=fields)
    _finding_follows(row, name)


def _finding_follows(row: Rectification, name: str) -> None:
    """A key-evaluation finding shows its rectification's progress (整改中, 已整改)."""
    if not row.finding_id or name not in ("issue", "verify"):
        return
    status = Finding.Status.CLOSED if name == "verify" else Finding.Status.RECTIFYING
    Finding.objects.filter(pk=row.finding_id).update(status=status)


def transition_comment(row: Rectification) -> str:
    """The comment of the last step (the verifier's note)."""
    from jixiao.core.workflow import history

    last = list(history(row))[-1:]
    return last[0].comment if last else ""


RECTIFICATION_WORKFLOW.on_transition.append(_dated)


def rectification_open_notice(actor, rectification: Rectification) -> Rectification:
    """The unit's first view of an issued notice marks it received (DOMAIN.md §8.1). Anyone
    else's view, or a later one, changes nothing."""
    if rectification.status != S.ISSUED or unit_of_rectification(rectification, actor):
        return rectification
    if not RECTIFICATION_WORKFLOW.get("receive").allowed_for(actor):
        return rectification
    return rectification_transition(actor=actor, rectification=rectification, name="receive")


# ── the scheduled work (`jixiao tick`) ─────────────────────────────────────────────────


def _auto_receive(today: date) -> int:
    """Issued notices never opened count as received `receipt_days` after issue."""
    done = 0
    for row in Rectification.objects.filter(status=S.ISSUED).select_related("region"):
        on = deadlines.received_by_default(row.issued_on or today, rectification_rules(row))
        if on > today:
            continue
        with transaction.atomic():
            locked = Rectification.objects.select_for_update(of=("self",)).get(pk=row.pk)
            if locked.status != S.ISSUED:
                continue
            locked.status = S.RECEIVED
            fields = _stamp_received(locked, on)
            locked.save(update_fields=["status", *fields, "updated_at"])
            log_transition(
                obj=locked,
                transition="receive",
                source=S.ISSUED,
                target=S.RECEIVED,
                actor=None,
                comment=_("逾期未签收，视为已于 %(d)s 接收。") % {"d": on.isoformat()},
            )
        done += 1
    return done


def _remind(today: date) -> int:
    """The reminders before each deadline, each once (`deadlines.reminders_due`): the plan's
    while it is not confirmed, the completion's while the item is open."""
    sent = 0
    rows = Rectification.objects.filter(
        status__in=[S.RECEIVED, S.PLAN_READY, S.IN_PROGRESS, S.REPORT_READY, S.REPORTED]
    ).select_related("region")
    for row in rows:
        pending = {"due": row.due}
        if row.planned_on is None:
            pending["plan"] = row.plan_due
        last = {"plan": row.plan_reminded_on, "due": row.due_reminded_on}
        names = deadlines.reminders_due(today, pending, rectification_rules(row), last)
        if not names:
            continue
        fields = []
        for name in names:
            setattr(row, f"{name}_reminded_on", today)
            fields.append(f"{name}_reminded_on")
            deadline = row.plan_due if name == "plan" else row.due
            what = _("整改方案") if name == "plan" else _("整改完成")
            audit.record(
                action="action",
                instance=row,
                message=_("整改提醒：%(what)s期限为 %(d)s。")
                % {"what": what, "d": deadline.isoformat()},
            )
            sent += 1
        row.save(update_fields=fields)
    return sent


def _escalate(today: date) -> int:
    """Overdue items escalate, once, to the unit's leader and its business office: stamped
    `escalated_on`, audited, and shown in their to-dos."""
    done = 0
    for row in Rectification.objects.overdue(today).filter(escalated_on__isnull=True):
        row.escalated_on = today
        row.save(update_fields=["escalated_on"])
        audit.record(
            action="action",
            instance=row,
            message=_("整改逾期督办：已提示单位负责人和归口业务股室。"),
        )
        done += 1
    return done


@register_tick
def rectifications_tick(now) -> str:
    """The scheduled job's part (`jixiao tick`): automatic receipt, reminders, escalation."""
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    received, reminded, escalated = _auto_receive(today), _remind(today), _escalate(today)
    if not (received or reminded or escalated):
        return ""
    return _("整改事项：自动接收 %(r)s 件，到期提醒 %(m)s 次，逾期督办 %(e)s 件。") % {
        "r": received,
        "m": reminded,
        "e": escalated,
    }
