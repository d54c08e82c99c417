"""The fieldwork of a key evaluation (DOMAIN.md §6.4): the work plan, the indicator framework,
the data the unit is asked for, site visits with their photos, findings and the unit's
response to the draft report.

Who may do what, and when:
- the work plan (评价工作方案): the assigned agency, while notified;
- the framework (指标体系): the commissioning office or the agency, until the plan is approved;
- data requests (资料清单): the office or the agency lists and reminds; the evaluated unit's
  filers upload files against each item and mark it answered (`workflow.unit_may_answer`);
- site visits (现场勘查): the assigned agency, during the fieldwork;
- findings: the agency records them during the fieldwork and the draft report; the office
  sets their status (待整改 / 整改中 / 已整改);
- the unit's response (交换意见): the unit's filer writes it on the draft report; the leader
  confirms it with the workflow's `respond`.

Every refusal is a ValidationError or PermissionDenied in Chinese saying why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import attachments, audit, edit_stamp
from jixiao.core.messages import render_message
from jixiao.core.models import Attachment
from jixiao.core.rulebook import rules_for

from .exif import read_photo_facts
from .framework import IndicatorSpec, check_framework
from .models import (
    LEVEL1,
    DataRequest,
    Finding,
    KeyEvaluation,
    KeyStatus,
    PanelIndicator,
    SitePhoto,
    SiteVisit,
)
from .workflow import (
    KEY_WORKFLOW,
    assigned_agency,
    commissioning_office,
    unit_may_answer,
    work_refusal,
)

FRAMEWORK_STATES = frozenset({KeyStatus.DRAFT, KeyStatus.NOTIFIED, KeyStatus.PLAN_SUBMITTED})
REQUEST_STATES = frozenset(
    {KeyStatus.NOTIFIED, KeyStatus.PLAN_SUBMITTED, KeyStatus.FIELDWORK, KeyStatus.DRAFT_REPORT}
)
FINDING_STATES = frozenset({KeyStatus.FIELDWORK, KeyStatus.DRAFT_REPORT})
INDICATOR_FIELDS = ("level1", "level2", "level3", "weight", "standard", "rule")


def rules_of(document) -> dict:
    """The rulebook section "key_evaluation" in force for a key evaluation's (or an ex-ante
    assessment's) region and year."""
    return rules_for(document.region.lineage_codes, document.year).section("key_evaluation")


def grades_of(document) -> list:
    """The grade bands (优/良/中/差) of the "scoring" section, for the panel's total."""
    return rules_for(document.region.lineage_codes, document.year).section("scoring")["grades"]


def _state_refusal(evaluation, states, action: str) -> str | None:
    if evaluation.status in states:
        return None
    return _("评价处于“%(s)s”状态，不能%(a)s。") % {
        "s": KEY_WORKFLOW.label(evaluation.status),
        "a": action,
    }


def _require(*refusals) -> None:
    """Raise the first refusal: PermissionDenied for who, ValidationError for when."""
    for kind, refusal in refusals:
        if refusal:
            raise kind(refusal)


def _log(evaluation, actor, message: str) -> None:
    audit.record(action="update", instance=evaluation, actor=actor, message=message)


# --------------------------------------------------------------------------- who may, now


def plan_refusal(evaluation, user) -> str | None:
    """The work plan is the assigned agency's, written while the evaluation is notified."""
    return assigned_agency(evaluation, user) or _state_refusal(
        evaluation, {KeyStatus.NOTIFIED}, _("修改评价工作方案")
    )


def framework_refusal(evaluation, user) -> str | None:
    return work_refusal(evaluation, user) or _state_refusal(
        evaluation, FRAMEWORK_STATES, _("修改指标体系")
    )


def request_refusal(evaluation, user) -> str | None:
    return work_refusal(evaluation, user) or _state_refusal(
        evaluation, REQUEST_STATES, _("办理资料清单")
    )


def visit_refusal(evaluation, user) -> str | None:
    return assigned_agency(evaluation, user) or _state_refusal(
        evaluation, {KeyStatus.FIELDWORK}, _("记录现场勘查")
    )


def finding_refusal(evaluation, user) -> str | None:
    return assigned_agency(evaluation, user) or _state_refusal(
        evaluation, FINDING_STATES, _("记录评价发现的问题")
    )


def response_refusal(evaluation, user) -> str | None:
    return unit_may_answer(evaluation, user) or _state_refusal(
        evaluation, {KeyStatus.DRAFT_REPORT}, _("填写反馈意见")
    )


# --------------------------------------------------------------------------- work plan


def _locked(evaluation: KeyEvaluation) -> KeyEvaluation:
    """The evaluation as read under its lock: a save of a part of it checks the form's edit
    stamp on this (core/edit_stamp.py); saves of the part take turns."""
    return KeyEvaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)


@transaction.atomic
def work_plan_save(
    *, actor, evaluation: KeyEvaluation, text: str, loaded: str | None = None
) -> KeyEvaluation:
    """The agency's work plan; refused (`edit_stamp.Overwritten`) when the plan was saved
    since the form's `loaded` stamp."""
    _require((PermissionDenied, assigned_agency(evaluation, actor)))
    _require((ValidationError, plan_refusal(evaluation, actor)))
    edit_stamp.check(evaluation, loaded, part=_locked(evaluation).work_plan)
    evaluation.work_plan = text.strip()
    evaluation.save(update_fields=["work_plan", "updated_at"])
    return evaluation


# --------------------------------------------------------------------------- framework


def _weight(raw, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("%(label)s的分值“%(v)s”不是数字。") % {"label": label, "v": raw}
        ) from None
    if not value.is_finite():
        raise ValidationError(_("%(label)s的分值“%(v)s”不是数字。") % {"label": label, "v": raw})
    return value


def framework_specs(rows: list[dict]) -> list[IndicatorSpec]:
    """The edited rows as the framework's specs (weights read as decimals)."""
    specs = []
    for n, row in enumerate(rows, start=1):
        label = _("第%(n)s项指标") % {"n": n}
        specs.append(
            IndicatorSpec(
                level1=str(row.get("level1") or "").strip(),
                level2=str(row.get("level2") or "").strip(),
                level3=str(row.get("level3") or "").strip(),
                weight=_weight(row.get("weight", ""), label),
                standard=str(row.get("standard") or "").strip(),
                rule=str(row.get("rule") or "").strip() or None,
                order=n,
            )
        )
    return specs


def framework_problems(evaluation, specs) -> list[str]:
    """H1's checks of the framework (weights sum to the total, 产出 + 效益 at least the line),
    and each rule one of the rulebook's rate rules."""
    rules = rules_of(evaluation)
    problems = [render_message(f.message) for f in check_framework(specs, rules)]
    for n, spec in enumerate(specs, start=1):
        if spec.rule and spec.rule not in rules["rate_rules"]:
            problems.append(
                _("第%(n)s项指标“%(name)s”的计分规则“%(r)s”不存在。")
                % {"n": n, "name": spec.level3, "r": spec.rule}
            )
    return problems


def framework_drawn(indicators) -> list[list[str]]:
    """The framework's rows as its form draws them: the content of its edit stamp (a save of
    them leaves the evaluation's `updated_at` as it was, core/edit_stamp.py)."""
    return [[str(i.pk), *(str(getattr(i, f)) for f in INDICATOR_FIELDS)] for i in indicators]


@transaction.atomic
def framework_save(
    *, actor, evaluation: KeyEvaluation, rows: list[dict], loaded: str | None = None
) -> list:
    """Replace the evaluation's framework by `rows` (dicts: id for a kept indicator, level1,
    level2, level3, weight, standard, rule). Refused as a whole when a rule breaks, and
    (`edit_stamp.Overwritten`) when it was saved since the form's `loaded` stamp."""
    _require((PermissionDenied, work_refusal(evaluation, actor)))
    _require((ValidationError, framework_refusal(evaluation, actor)))
    _locked(evaluation)  # saves of the framework take turns: each reads the last one's rows
    panel = evaluation.panel
    stored = list(panel.indicators.all())
    edit_stamp.check(evaluation, loaded, part=framework_drawn(stored))
    specs = framework_specs(rows)
    problems = framework_problems(evaluation, specs)
    if problems:
        raise ValidationError(problems)
    existing = {i.pk: i for i in stored}
    kept = []
    for order, (row, spec) in enumerate(zip(rows, specs, strict=True)):
        pk = int(row["id"]) if str(row.get("id") or "").isdigit() else None
        indicator = existing.get(pk) or PanelIndicator(panel=panel)
        indicator.order = order
        for name in INDICATOR_FIELDS:
            value = getattr(spec, name)
            setattr(indicator, name, "" if value is None else value)
        indicator.save()
        kept.append(indicator.pk)
    removed = [i for pk, i in existing.items() if pk not in kept]
    if any(i.raw.exists() for i in removed):
        raise ValidationError(_("已有专家评分的指标不能删除。"))
    for indicator in removed:
        indicator.delete()
    _log(evaluation, actor, _("修改指标体系（%(n)s 项三级指标）") % {"n": len(kept)})
    return list(panel.indicators.all())


# --------------------------------------------------------------------------- data requests


def is_overdue(row: DataRequest, today: dt.date | None = None) -> bool:
    return row.answered_at is None and row.due < (today or timezone.localdate())


@transaction.atomic
def data_request_add(
    *, actor, evaluation: KeyEvaluation, item: str, due: dt.date, description: str = ""
) -> DataRequest:
    _require((PermissionDenied, work_refusal(evaluation, actor)))
    _require((ValidationError, request_refusal(evaluation, actor)))
    if not item.strip():
        raise ValidationError(_("请填写资料名称。"))
    row = DataRequest.objects.create(
        evaluation=evaluation,
        item=item.strip(),
        description=description.strip(),
        due=due,
        requested_by=actor,
    )
    _log(evaluation, actor, _("列出评价资料：%(i)s") % {"i": row.item})
    return row


def _answerable(row: DataRequest, actor) -> None:
    _require((PermissionDenied, unit_may_answer(row.evaluation, actor)))


@transaction.atomic
def data_request_upload(*, actor, row: DataRequest, name: str, data: bytes) -> Attachment:
    """A file of the unit's against the requested item (the shared attachment checks)."""
    _answerable(row, actor)
    return attachments.attachment_add(
        obj=row, name=name, data=data, actor=actor, kind=Attachment.Kind.OTHER, can_change=True
    )


@transaction.atomic
def data_request_answer(*, actor, row: DataRequest, note: str = "") -> DataRequest:
    """The unit marks the item answered: with at least one file or a note saying why none."""
    _answerable(row, actor)
    if not note.strip() and not attachments.attachments_of(row).exists():
        raise ValidationError(
            _("“%(i)s”：请先上传资料，或在说明中写明无法提供的原因。") % {"i": row.item}
        )
    row.answered_at = timezone.now()
    row.answer_note = note.strip()
    row.save(update_fields=["answered_at", "answer_note"])
    _log(row.evaluation, actor, _("单位提交评价资料：%(i)s") % {"i": row.item})
    return row


@transaction.atomic
def data_request_remind(*, actor, row: DataRequest) -> DataRequest:
    """催报: the reminder is dated and the item goes to the top of the unit's to-do list."""
    _require((PermissionDenied, work_refusal(row.evaluation, actor)))
    _require((ValidationError, request_refusal(row.evaluation, actor)))
    if row.answered_at:
        raise ValidationError(_("“%(i)s”单位已提交，无需催报。") % {"i": row.item})
    row.reminded_at = timezone.now()
    row.save(update_fields=["reminded_at"])
    _log(row.evaluation, actor, _("催报评价资料：%(i)s") % {"i": row.item})
    return row


# --------------------------------------------------------------------------- site visits


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _photo_add(visit: SiteVisit, actor, name: str, data: bytes) -> SitePhoto:
    attachment = attachments.attachment_add(
        obj=visit, name=name, data=data, actor=actor, kind=Attachment.Kind.PHOTO, can_change=True
    )
    facts = read_photo_facts(data)
    return SitePhoto.objects.create(
        visit=visit,
        attachment=attachment,
        taken_at=_aware(facts.taken_at),
        latitude=facts.latitude,
        longitude=facts.longitude,
        camera=facts.camera,
    )


@transaction.atomic
def site_visit_create(*, actor, evaluation: KeyEvaluation, photos=(), **fields) -> SiteVisit:
    """A site visit with its photos, `photos` as (file name, bytes). The photos' EXIF time,
    place and camera are kept whatever the form's coordinates say; a photo without EXIF is
    kept too. One refused photo refuses the whole visit (nothing is written)."""
    _require((PermissionDenied, assigned_agency(evaluation, actor)))
    _require((ValidationError, visit_refusal(evaluation, actor)))
    visit = SiteVisit.objects.create(evaluation=evaluation, recorded_by=actor, **fields)
    for name, data in photos:
        try:
            _photo_add(visit, actor, name, data)
        except ValidationError as exc:
            raise ValidationError(
                _("照片“%(n)s”：%(e)s") % {"n": name, "e": "；".join(exc.messages)}
            ) from None
    _log(evaluation, actor, _("记录现场勘查：%(p)s") % {"p": visit.place})
    return visit


@transaction.atomic
def site_visit_photos_add(*, actor, visit: SiteVisit, photos) -> list[SitePhoto]:
    """More photos of a recorded visit (during the fieldwork, by the agency)."""
    _require((PermissionDenied, assigned_agency(visit.evaluation, actor)))
    _require((ValidationError, visit_refusal(visit.evaluation, actor)))
    if not photos:
        raise ValidationError(_("请选择照片。"))
    added = []
    for name, data in photos:
        try:
            added.append(_photo_add(visit, actor, name, data))
        except ValidationError as exc:
            raise ValidationError(
                _("照片“%(n)s”：%(e)s") % {"n": name, "e": "；".join(exc.messages)}
            ) from None
    return added


# --------------------------------------------------------------------------- findings


@transaction.atomic
def finding_add(
    *,
    actor,
    evaluation: KeyEvaluation,
    level1: str,
    problem: str,
    indicator: PanelIndicator | None = None,
    evidence: str = "",
    recommendation: str = "",
) -> Finding:
    _require((PermissionDenied, assigned_agency(evaluation, actor)))
    _require((ValidationError, finding_refusal(evaluation, actor)))
    if level1 not in dict(LEVEL1):
        raise ValidationError(_("请选择一级指标（决策、过程、产出、效益）。"))
    if indicator is not None and indicator.panel_id != evaluation.panel_id:
        raise ValidationError(_("所选指标不属于本评价。"))
    if not problem.strip():
        raise ValidationError(_("请填写发现的问题。"))
    finding = Finding.objects.create(
        evaluation=evaluation,
        level1=level1,
        indicator=indicator,
        problem=problem.strip(),
        evidence=evidence.strip(),
        recommendation=recommendation.strip(),
        order=evaluation.findings.count(),
    )
    _log(evaluation, actor, _("记录评价发现的问题：%(p)s") % {"p": finding.problem[:40]})
    return finding


@transaction.atomic
def finding_status_set(*, actor, finding: Finding, status: str) -> Finding:
    """The office follows the finding's rectification (待整改 / 整改中 / 已整改)."""
    _require((PermissionDenied, commissioning_office(finding.evaluation, actor)))
    if status not in Finding.Status.values:
        raise ValidationError(_("未知的整改状态。"))
    finding.status = status
    finding.save(update_fields=["status"])
    _log(
        finding.evaluation,
        actor,
        _("问题整改状态改为“%(s)s”：%(p)s")
        % {"s": finding.get_status_display(), "p": finding.problem[:40]},
    )
    return finding


# --------------------------------------------------------------------------- the unit's response


@transaction.atomic
def response_save(
    *, actor, evaluation: KeyEvaluation, text: str, loaded: str | None = None
) -> KeyEvaluation:
    """The evaluated unit's response to the draft report (交换意见), confirmed by its leader
    with the workflow's `respond`; refused (`edit_stamp.Overwritten`) when the response was
    saved since the form's `loaded` stamp."""
    _require((PermissionDenied, unit_may_answer(evaluation, actor)))
    _require((ValidationError, response_refusal(evaluation, actor)))
    edit_stamp.check(evaluation, loaded, part=_locked(evaluation).unit_response)
    evaluation.unit_response = text.strip()
    evaluation.save(update_fields=["unit_response", "updated_at"])
    return evaluation
