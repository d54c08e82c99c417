"""Writes on evaluations: start a self-evaluation from the approved target, save and score it
by the rules, review adjustments, spot checks, whole-unit evaluations (DOMAIN.md §6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import FUNDING_SOURCES, Payment, Project
from jixiao.core import audit
from jixiao.core.rulebook import rules_for
from jixiao.core.workflow import perform
from jixiao.orgs.models import Role, Unit, User
from jixiao.targets.models import Target, TargetStatus

from .models import SelfEvalIndicator, SelfEvaluation, UnitEvaluation
from .scoring import grade_for, issues_data, round_half_up, score, scoring_params
from .selfeval_data import selfeval_from_data
from .unit_evaluation import Judgement, UnitInputs, score_unit
from .workflow import SELFEVAL_WORKFLOW, UNIT_EVALUATION_WORKFLOW

ROW_FIELDS = ("actual", "band", "entered_score", "explanation", "deviation", "weight", "self_score")
SOURCE_LABELS = dict(FUNDING_SOURCES)


# --- self-evaluations ----------------------------------------------------------------------


@transaction.atomic
def selfeval_create(*, actor: User, project: Project) -> SelfEvaluation:
    """Start the 自评表 of a project with an approved target ("谁支出，谁自评"): the target's
    indicators and weights, and the year's execution from the treasury's payments."""
    draft = SelfEvaluation(region=project.region, year=project.year, unit=project.unit)
    SELFEVAL_WORKFLOW.require_editable(draft, actor)
    if SelfEvaluation.objects.filter(project=project).exists():
        raise ValidationError(_("该项目已有自评。"))
    target = (
        Target.objects.filter(
            project=project, status__in=(TargetStatus.APPROVED, TargetStatus.SUPERSEDED)
        )
        .order_by("-version")
        .first()
    )
    if target is None:
        raise ValidationError(_("项目没有已批复的绩效目标，无法自评。"))
    selfeval = SelfEvaluation(
        region=project.region, year=project.year, unit=project.unit, project=project, target=target
    )
    paid = Payment.objects.filter(project=project).aggregate(s=Sum("amount"))["s"]
    if paid is not None:
        selfeval.executed_current, selfeval.execution_from_payments = paid, True
    selfeval.save()
    SelfEvalIndicator.objects.bulk_create(
        [
            SelfEvalIndicator(
                selfeval=selfeval,
                position=i.position,
                category=i.category,
                subcategory=i.subcategory,
                name=i.name,
                target_text=i.value_text,
                weight=i.weight,
            )
            for i in target.indicators.order_by("position")
        ]
    )
    return rescore(selfeval)


def _decimal(value, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(_("%(f)s“%(v)s”不是数字。") % {"f": label, "v": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(f)s“%(v)s”不是数字。") % {"f": label, "v": value})
    return number


@transaction.atomic
def selfeval_save(
    *,
    actor: User,
    selfeval: SelfEvaluation,
    executed: Mapping[str, object],
    goal_achieved: str = "",
    report: str = "",
    rows: Sequence[Mapping] = (),
) -> SelfEvaluation:
    """Save what the unit filled in and score it by the rules at once."""
    selfeval = SelfEvaluation.objects.select_for_update(of=("self",)).get(pk=selfeval.pk)
    SELFEVAL_WORKFLOW.require_editable(selfeval, actor)
    for source, label in FUNDING_SOURCES:
        if source in executed:
            value = _decimal(executed[source], _("执行数·") + str(label))
            if value is not None and value < 0:
                raise ValidationError(_("执行数不能为负数。"))
            setattr(selfeval, f"executed_{source}", value)
    selfeval.goal_achieved, selfeval.report = goal_achieved.strip(), report.strip()
    selfeval.save()
    lines = {i.position: i for i in selfeval.indicators.all()}
    for values in rows:
        line = lines.get(int(values.get("position", -1)))
        if line is None:
            continue
        _apply_row(line, values)
        line.save()
    return rescore(selfeval)


def _apply_row(line: SelfEvalIndicator, values: Mapping) -> None:
    for field in ROW_FIELDS:
        if field not in values:
            continue
        if field in ("entered_score", "weight", "self_score"):
            number = _decimal(
                values[field], str(SelfEvalIndicator._meta.get_field(field).verbose_name)
            )
            if number is not None and (number < 0 or number > 100):
                raise ValidationError(
                    _("第 %(n)s 行的分数须在 0 到 100 之间。") % {"n": line.position + 1}
                )
            setattr(line, field, number)
        else:
            text = str(values[field] or "").strip()[: _max(field)]
            if field == "actual" and text != line.actual:
                line.actual_source = ""  # a typed value is no longer the survey's measure
            setattr(line, field, text)


def _max(field: str) -> int:
    return SelfEvalIndicator._meta.get_field(field).max_length or 10_000


def _money(value) -> str | None:
    return None if value is None else str(value)


def selfeval_data(selfeval: SelfEvaluation, lines=None) -> dict:
    """The stored self-evaluation in the shape of schemas/selfeval (what `jixiao score` reads),
    so that the page, imports and the CLI score through exactly the same code."""
    project = selfeval.project
    lines = lines if lines is not None else list(selfeval.indicators.all())
    sources = [
        {
            "source": str(label),
            "initial": _money(getattr(project, f"initial_{src}")),
            "full_year": _money(getattr(project, f"full_{src}")),
            "executed": _money(getattr(selfeval, f"executed_{src}")),
        }
        for src, label in FUNDING_SOURCES
    ]
    return {
        "year": selfeval.year,
        "region": selfeval.region.code,
        "unit": {"code": selfeval.unit.code, "name": selfeval.unit.name},
        "project": {"code": project.code, "name": project.name},
        "budget": {
            "initial": _money(project.initial_total),
            "full_year": _money(project.full_total),
            "executed": _money(selfeval.executed_total),
            "sources": sources,
            "self_score": _money(selfeval.self_execution_score),
        },
        "goal": {
            "expected": selfeval.target.goal if selfeval.target_id else None,
            "achieved": selfeval.goal_achieved or None,
        },
        "indicators": [
            {
                "category": i.category,
                "subcategory": i.subcategory,
                "name": i.name,
                "target": i.target_text,
                "actual": i.actual or None,
                "weight": _money(i.weight),
                "band": i.band or None,
                "score": _money(i.entered_score),
                "explanation": i.explanation or None,
                "deviation": i.deviation or None,
                "self_score": _money(i.self_score),
            }
            for i in lines
        ],
        "self_total": _money(selfeval.self_total),
    }


def scoring_rules(selfeval) -> tuple[dict, dict, str]:
    rules = rules_for(selfeval.region.lineage_codes, selfeval.year)
    return rules.section("scoring"), rules.section("catalogue"), rules.label


#: What scoring writes: on each indicator line, and on the self-evaluation.
SCORED_LINE_FIELDS = ("score", "score_explanation", "problems")
SCORED_FIELDS = (
    "result",
    "total",
    "grade",
    "complete",
    "rulebook",
    "reviewed_total",
    "reviewed_grade",
)


def selfeval_score(
    selfeval: SelfEvaluation, lines, *, params, catalogue: Mapping, label: str
) -> bool:
    """Score `selfeval` with its `lines` (in position order) by the scoring rules `params`
    (ScoringParams) and `catalogue` of the rulebook `label`, in memory: the lines' score,
    explanation and problems, and the self-evaluation's SCORED_FIELDS. Writes nothing; the one
    computation of `rescore` and of the batched `rescoring.selfevals_rescore`. True when the
    lines were scored (their SCORED_LINE_FIELDS to save); False when the stored data could not
    be read (`result` then holds the errors and the lines keep their scores)."""
    parsed, errors = selfeval_from_data(selfeval_data(selfeval, lines), catalogue=catalogue)
    if parsed is None:
        selfeval.result = {"errors": errors}
        selfeval.total, selfeval.grade, selfeval.complete = None, "", False
    else:
        result = score(parsed, rules=params, catalogue=catalogue)
        for line, scored in zip(lines, result.indicators, strict=True):
            line.score, line.score_explanation = scored.score, scored.explanation
            line.problems = issues_data((*scored.errors, *scored.warnings), i18n=True)
        selfeval.result = result.to_data(i18n=True)
        selfeval.total, selfeval.grade = result.total, result.grade or ""
        selfeval.complete = result.complete
    selfeval.rulebook = label[:120]
    _reviewed(selfeval, lines, params)
    return parsed is not None


def rescore(selfeval: SelfEvaluation) -> SelfEvaluation:
    """Score by the rulebook of the project's year; keep every figure with its explanation."""
    lines = list(selfeval.indicators.order_by("position"))
    rules, catalogue, label = scoring_rules(selfeval)
    params = scoring_params(rules)
    if selfeval_score(selfeval, lines, params=params, catalogue=catalogue, label=label):
        SelfEvalIndicator.objects.bulk_update(lines, SCORED_LINE_FIELDS)
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(
        **{field: getattr(selfeval, field) for field in SCORED_FIELDS}
    )
    return selfeval


def score_preview(
    *, selfeval: SelfEvaluation, executed: Mapping[str, object], rows: Sequence[Mapping]
) -> dict:
    """The scores the form would get, computed on unsaved copies (nothing is written): the
    same reading and scoring as `rescore`, so the preview never disagrees with the save."""
    lines = list(selfeval.indicators.order_by("position"))
    by_position = {line.position: line for line in lines}
    for values in rows:
        line = by_position.get(int(values.get("position", -1)))
        if line is not None:
            _apply_row(line, values)
    for source, label in FUNDING_SOURCES:
        if source in executed:
            setattr(
                selfeval,
                f"executed_{source}",
                _decimal(executed[source], _("执行数·") + str(label)),
            )
    rules, catalogue, _label = scoring_rules(selfeval)
    parsed, errors = selfeval_from_data(selfeval_data(selfeval, lines), catalogue=catalogue)
    if parsed is None:
        return {"schema_errors": errors}
    return score(parsed, rules=rules, catalogue=catalogue).to_data(i18n=True)


def _reviewed(selfeval: SelfEvaluation, lines, params) -> None:
    """The reviewed total: the rule score with the reviewer's adjustments in their place (none
    without an adjustment), in memory."""
    if not any(line.reviewed_score is not None for line in lines):
        selfeval.reviewed_total, selfeval.reviewed_grade = None, ""
        return
    execution = Decimal((selfeval.result.get("execution") or {}).get("score") or 0)
    total = execution + sum(
        (line.reviewed_score if line.reviewed_score is not None else line.score or Decimal(0))
        for line in lines
    )
    selfeval.reviewed_total = round_half_up(total, params.places)
    selfeval.reviewed_grade = grade_for(selfeval.reviewed_total, params.grades) or ""


def _refresh_reviewed(selfeval: SelfEvaluation, lines) -> None:
    """The reviewed total recomputed and saved (after a reviewer's adjustment)."""
    rules, _catalogue, _label = scoring_rules(selfeval)
    _reviewed(selfeval, lines, scoring_params(rules))
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(
        reviewed_total=selfeval.reviewed_total, reviewed_grade=selfeval.reviewed_grade
    )


@transaction.atomic
def review_adjust(
    *,
    actor: User,
    selfeval: SelfEvaluation,
    position: int,
    score_value: Decimal | None,
    reason: str,
) -> SelfEvalIndicator:
    """The reviewer's score for one indicator, kept beside the unit's and the rule's; a reason
    is required (DOMAIN.md §6.1). `score_value` None removes the adjustment."""
    selfeval = SelfEvaluation.objects.select_for_update(of=("self",)).get(pk=selfeval.pk)
    if (
        not actor.has_role(Role.BUSINESS, Role.BUDGET)
        or not SelfEvaluation.objects.visible_to(actor).filter(pk=selfeval.pk).exists()
    ):
        raise PermissionDenied(_("只有审核股室可以调整得分。"))
    if selfeval.status not in ("submitted", "first_passed"):
        raise ValidationError(_("只能在审核中调整得分。"))
    line = selfeval.indicators.get(position=position)
    if score_value is not None:
        if not reason.strip():
            raise ValidationError(_("调整得分须说明理由。"))
        if score_value < 0 or (line.weight is not None and score_value > line.weight):
            raise ValidationError(
                _("调整后的得分须在 0 到该指标分值 %(w)s 之间。") % {"w": line.weight}
            )
    before = {"reviewed_score": _money(line.reviewed_score)}
    line.reviewed_score, line.review_reason = score_value, reason.strip()
    line.reviewed_by = actor
    line.save()
    audit.record(
        action="update",
        instance=selfeval,
        before=before,
        after={"reviewed_score": _money(score_value), "indicator": line.name},
        message=_("审核调整得分：%(r)s") % {"r": reason.strip()[:200]},
    )
    _refresh_reviewed(selfeval, list(selfeval.indicators.order_by("position")))
    return line


@transaction.atomic
def spot_check(
    *, actor: User, selfeval: SelfEvaluation, total: Decimal, note: str
) -> SelfEvaluation:
    """抽查复核: the performance office re-reviews a sampled self-evaluation and records its
    score beside the others."""
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以抽查复核。"))
    if total < 0 or total > 100:
        raise ValidationError(_("复核得分须在 0 到 100 之间。"))
    if not note.strip():
        raise ValidationError(_("请填写复核意见。"))
    selfeval = SelfEvaluation.objects.select_for_update(of=("self",)).get(pk=selfeval.pk)
    selfeval.spot_check_total, selfeval.spot_check_note = total, note.strip()
    selfeval.spot_checked_by, selfeval.spot_checked_at = actor, timezone.now()
    selfeval.save()
    return selfeval


def selfeval_transition(
    *, actor: User, selfeval: SelfEvaluation, name: str, comment: str = "", attest: bool = False
) -> SelfEvaluation:
    return perform(
        obj=selfeval,
        name=name,
        actor=actor,
        workflow=SELFEVAL_WORKFLOW,
        comment=comment,
        attest=attest,
    )


# --- whole-unit evaluations ----------------------------------------------------------------


def unit_evaluation_rules(region, year) -> tuple[dict, str]:
    rules = rules_for(region.lineage_codes, year)
    return rules.section("unit_evaluation"), rules.label


@transaction.atomic
def unit_evaluation_save(
    *, actor: User, unit: Unit, year: int, values: Mapping, judgements: Mapping
) -> UnitEvaluation:
    """Save a unit's figures and judgements and score them by the framework (DOMAIN.md §6.3)."""
    evaluation, _created = UnitEvaluation.objects.select_for_update(of=("self",)).get_or_create(
        unit=unit, year=year, defaults={"region": unit.region}
    )
    UNIT_EVALUATION_WORKFLOW.require_editable(evaluation, actor)  # a refusal rolls back
    evaluation.values = {k: str(v) for k, v in values.items() if v not in (None, "")}
    evaluation.judgements = {
        k: {"band": j.get("band") or None, "score": j.get("score") or None}
        for k, j in judgements.items()
        if j.get("band") or j.get("score")
    }
    evaluation.save()
    return unit_evaluation_rescore(evaluation)


def unit_evaluation_rescore(evaluation: UnitEvaluation) -> UnitEvaluation:
    rules, label = unit_evaluation_rules(evaluation.region, evaluation.year)
    judgements = {}
    for name, j in (evaluation.judgements or {}).items():
        judgements[name] = Judgement(
            band=j.get("band"), score=Decimal(j["score"]) if j.get("score") else None
        )
    result = score_unit(
        UnitInputs(values=dict(evaluation.values or {}), judgements=judgements), rules=rules
    )
    evaluation.result = result.to_data(i18n=True)
    evaluation.total, evaluation.grade = result.total, result.grade or ""
    evaluation.rulebook = label[:120]
    UnitEvaluation.objects.filter(pk=evaluation.pk).update(
        result=evaluation.result,
        total=evaluation.total,
        grade=evaluation.grade,
        rulebook=evaluation.rulebook,
    )
    return evaluation


def unit_evaluation_transition(
    *, actor: User, evaluation: UnitEvaluation, name: str, comment: str = "", attest: bool = False
) -> UnitEvaluation:
    return perform(
        obj=evaluation,
        name=name,
        actor=actor,
        workflow=UNIT_EVALUATION_WORKFLOW,
        comment=comment,
        attest=attest,
    )
