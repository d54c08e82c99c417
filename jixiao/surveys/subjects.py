"""What a survey is about (a project's self-evaluation, a key evaluation, a whole-unit
evaluation) and where its result goes: the subject's satisfaction indicator (DOMAIN.md §6.4).

- Self-evaluation: the indicator of the rulebook's satisfaction category ("scoring" →
  `satisfaction_category`) takes the rate as its actual value ("93.2%"), and the document is
  rescored by the rules, as for any actual value the unit types.
- Key evaluation: nothing is written; the scoring page and the report read the rate through the
  satisfaction slot (`rate_inputs.SATISFACTION_SOURCES`), which `key_rate` answers.
- Whole-unit evaluation: the framework's satisfaction item (a rate row of the rulebook's
  "unit_evaluation" section named like the satisfaction category) takes the rate in %.

Only a document that may still change takes the figure (an editable state and an open year);
a submitted, confirmed or locked one keeps its own, and `write_rate` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.core.rulebook import RulebookError, rules_for
from jixiao.evaluations.key.rate_inputs import SATISFACTION_SOURCES
from jixiao.evaluations.models import KeyEvaluation, SelfEvaluation, UnitEvaluation

from .models import SubjectKind, Survey, SurveyStatus

#: The survey's link field for each kind of subject.
SUBJECT_FIELDS = {
    SubjectKind.SELFEVAL: "selfeval",
    SubjectKind.KEY_EVALUATION: "key_evaluation",
    SubjectKind.UNIT_EVALUATION: "unit_evaluation",
}
SUBJECT_MODELS = {
    SubjectKind.SELFEVAL: SelfEvaluation,
    SubjectKind.KEY_EVALUATION: KeyEvaluation,
    SubjectKind.UNIT_EVALUATION: UnitEvaluation,
}


def subject_kind_of(subject) -> str:
    for kind, model in SUBJECT_MODELS.items():
        if isinstance(subject, model):
            return kind
    raise TypeError(f"not a survey subject: {subject!r}")


def subject_of(survey: Survey):
    return getattr(survey, SUBJECT_FIELDS[survey.subject_kind])


def subject_title(subject) -> str:
    """The subject as people name it: the project, the key evaluation's subject, the unit."""
    if isinstance(subject, SelfEvaluation):
        return subject.project.name
    if isinstance(subject, KeyEvaluation):
        return subject.subject
    return subject.unit.name


def work_year(subject) -> int:
    """The year the survey runs in: a key evaluation's work year; a self-evaluation or a
    whole-unit evaluation of year Y is done in Y + 1."""
    return subject.year if isinstance(subject, KeyEvaluation) else subject.year + 1


def percent(rate: Decimal) -> str:
    """A fraction as the percentage people read, one decimal ("93.2%")."""
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'))}%"


def source_note(survey: Survey) -> str:
    return _("公众测评：有效问卷 %(n)s 份，满意率 %(r)s") % {
        "n": survey.valid_count or 0,
        "r": percent(survey.rate),
    }


@dataclass(frozen=True)
class Written:
    """What became of a closed survey's rate: taken by the subject, or why not."""

    written: bool
    note: str


def _state_refusal(document, workflow) -> str | None:
    """Why the document may not change now, whoever asks (the year lock, or its state)."""
    refusal = workflow.lock_reason(document)
    if refusal:
        return str(refusal)
    if document.status not in workflow.editable:
        return str(workflow.edit_state_refusal) % {"s": workflow.label(document.status)}
    return None


def _write_selfeval(survey: Survey) -> Written:
    from jixiao.evaluations.services import rescore, scoring_rules
    from jixiao.evaluations.workflow import SELFEVAL_WORKFLOW

    selfeval = survey.selfeval
    category = scoring_rules(selfeval)[0]["satisfaction_category"]
    line = selfeval.indicators.filter(category=category).order_by("position").first()
    if line is None:
        return Written(False, _("自评表没有“%(c)s”，满意率未写入。") % {"c": category})
    refusal = _state_refusal(selfeval, SELFEVAL_WORKFLOW)
    if refusal:
        return Written(False, _("自评未写入满意率：%(r)s") % {"r": refusal})
    before = line.actual
    note = source_note(survey)
    line.actual = percent(survey.rate)
    line.actual_source = note[:200]
    line.save(update_fields=["actual", "actual_source"])
    rescore(selfeval)
    audit.record(
        action="update",
        instance=selfeval,
        before={"actual": before, "indicator": line.name},
        after={"actual": line.actual, "indicator": line.name},
        message=note,
    )
    return Written(True, _("已写入自评指标“%(i)s”：%(n)s") % {"i": line.name, "n": note})


def unit_satisfaction_item(rules: dict, category: str) -> dict | None:
    """The framework's satisfaction row: a rate row whose name holds the satisfaction
    category's word (满意度指标 → 满意度)."""
    word = category.removesuffix("指标")
    for row in rules.get("rows", []):
        if row.get("full_if") and row.get("formula", "rate") == "rate" and word in row["indicator"]:
            return row
    return None


def _write_unit_evaluation(survey: Survey) -> Written:
    from jixiao.evaluations.services import unit_evaluation_rescore, unit_evaluation_rules
    from jixiao.evaluations.workflow import UNIT_EVALUATION_WORKFLOW

    evaluation = survey.unit_evaluation
    rules, _label = unit_evaluation_rules(evaluation.region, evaluation.year)
    try:
        category = rules_for(evaluation.region.lineage_codes, evaluation.year).section("scoring")[
            "satisfaction_category"
        ]
    except RulebookError:
        category = ""
    row = unit_satisfaction_item(rules, category) if category else None
    if row is None:
        return Written(False, _("部门整体评价的指标体系没有满意度评分项，满意率未写入。"))
    refusal = _state_refusal(evaluation, UNIT_EVALUATION_WORKFLOW)
    if refusal:
        return Written(False, _("部门整体评价未写入满意率：%(r)s") % {"r": refusal})
    name = row.get("inputs", [row["indicator"]])[0]
    values = dict(evaluation.values or {})
    before = values.get(name)
    values[name] = percent(survey.rate)
    UnitEvaluation.objects.filter(pk=evaluation.pk).update(values=values)
    evaluation.values = values
    unit_evaluation_rescore(evaluation)
    note = source_note(survey)
    audit.record(
        action="update",
        instance=evaluation,
        before={name: before},
        after={name: values[name]},
        message=note,
    )
    return Written(True, _("已写入部门整体评价“%(i)s”：%(n)s") % {"i": row["indicator"], "n": note})


def _key_written(survey: Survey) -> Written:
    from jixiao.evaluations.key.workflow import KEY_WORKFLOW

    evaluation = survey.key_evaluation
    if evaluation.status not in KEY_WORKFLOW.editable:
        return Written(
            False,
            _("重点评价已“%(s)s”，评分不再变动；满意率仅作记录。")
            % {"s": KEY_WORKFLOW.label(evaluation.status)},
        )
    return Written(True, _("重点评价的满意度评分取此满意率：%(n)s") % {"n": source_note(survey)})


def write_rate(survey: Survey) -> Written:
    """Give a closed survey's rate to its subject (see the module's text); audited on the
    survey with the outcome, which the survey's page shows."""
    if survey.rate is None:
        outcome = Written(False, _("没有有效的满意度回答，未写入满意率。"))
    elif survey.subject_kind == SubjectKind.SELFEVAL:
        outcome = _write_selfeval(survey)
    elif survey.subject_kind == SubjectKind.UNIT_EVALUATION:
        outcome = _write_unit_evaluation(survey)
    else:
        outcome = _key_written(survey)
    audit.record(
        action="update",
        instance=survey,
        after={"subject_note": outcome.note, "written": outcome.written},
        message=outcome.note,
    )
    return outcome


def written_note(survey: Survey) -> Written | None:
    """The outcome `write_rate` recorded when the survey closed (None before)."""
    from jixiao.core.models import AuditLog

    row = (
        AuditLog.objects.filter(
            object_type=survey._meta.label_lower,
            object_id=str(survey.pk),
            after__has_key="subject_note",
        )
        .order_by("-pk")
        .first()
    )
    if row is None:
        return None
    return Written(bool(row.after.get("written")), row.after["subject_note"])


def key_rate(owner) -> Decimal | None:
    """The satisfaction slot of key evaluations: the rate of the evaluation's latest closed
    survey (a fraction 0–1) that the evaluation took (one closed after the evaluation was
    archived is kept for the record only), or None."""
    if not isinstance(owner, KeyEvaluation):
        return None
    rows = Survey.objects.filter(
        key_evaluation=owner, status=SurveyStatus.CLOSED, rate__isnull=False
    ).order_by("-closed_at", "-pk")
    for survey in rows.only("pk", "rate"):
        outcome = written_note(survey)
        if outcome is None or outcome.written:
            return survey.rate
    return None


if key_rate not in SATISFACTION_SOURCES:
    SATISFACTION_SOURCES.append(key_rate)
