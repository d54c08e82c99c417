"""Writes on surveys by their builders (DOMAIN.md §6.4): create one for a subject from a question
set, edit its facts and (while a draft) its questions, add tagged channels, generate one-time
codes, open and close it (closing stores the figures and gives the rate to the subject), and
mark an answer invalid by hand.

Who builds: the performance office any survey of its region; the agency the surveys of the key
evaluations assigned to it; a unit's filer those of its own self-evaluations and whole-unit
evaluation. Everyone else may at most read (`build_refusal`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.core.ticks import register_tick
from jixiao.evaluations.key.workflow import assigned_agency
from jixiao.evaluations.models import KeyEvaluation
from jixiao.orgs.models import Role

from . import subjects
from .models import (
    Channel,
    InvalidReason,
    OneTimeCode,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)
from .rules import rules_in_force

#: Facts a builder edits at any time before closing (questions only while a draft).
FACT_FIELDS = (
    "title",
    "intro",
    "opens_at",
    "closes_at",
    "population",
    "target_sample",
    "needs_code",
)
MAX_CODES = 5000


# --- who builds ----------------------------------------------------------------------------


def build_refusal(subject, user) -> str | None:
    """Why the user may not build (create, edit, open, close) surveys of `subject`; None: they
    may. Scope is checked first by the caller (a subject out of scope is a 404)."""
    if user.has_role(Role.PERFORMANCE) and user.region_id:
        if subject.region.path.startswith(user.region.path):
            return None
    if isinstance(subject, KeyEvaluation):
        if user.has_role(Role.AGENCY) and assigned_agency(subject, user) is None:
            return None
        return _("只有绩效办或承担本评价的第三方机构可以建立和管理问卷。")
    if user.has_role(Role.FILER) and user.unit_id == subject.unit_id:
        return None
    return _("只有绩效办或本单位的填报人员可以建立和管理问卷。")


def may_build(survey: Survey, user) -> bool:
    return build_refusal(subjects.subject_of(survey), user) is None


def _require_builder(survey: Survey, actor) -> None:
    refusal = build_refusal(subjects.subject_of(survey), actor)
    if refusal:
        raise PermissionDenied(refusal)


def _require_status(survey: Survey, *statuses: str, refusal: str) -> None:
    if survey.status not in statuses:
        raise ValidationError(refusal % {"s": survey.get_status_display()})


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update(of=("self",)).get(pk=survey.pk)


# --- create and edit ------------------------------------------------------------------------


def survey_rules(region, year) -> dict:
    return rules_in_force(region, year)


def template_of(kind: str, *, subject: str, rules: Mapping) -> dict:
    """A fresh copy of the question set `kind` (`question_sets.question_set`): its title
    naming the subject, its intro and questions, the scale questions with the rulebook's scale."""
    from . import question_sets

    try:
        return question_sets.question_set(kind, subject=subject, rules=rules or None)
    except KeyError:
        raise ValidationError(_("没有“%(k)s”问卷模板。") % {"k": kind}) from None


@transaction.atomic
def survey_create(*, actor, subject, kind: str) -> Survey:
    """A draft survey about `subject` with a copy of the question set `kind` and the formula
    the rulebook gives now (kept so the figures never move afterwards)."""
    refusal = build_refusal(subject, actor)
    if refusal:
        raise PermissionDenied(refusal)
    subject_kind = subjects.subject_kind_of(subject)
    year = subjects.work_year(subject)
    rules = survey_rules(subject.region, year)
    template = template_of(kind, subject=subjects.subject_title(subject), rules=rules)
    survey = Survey(
        region=subject.region,
        year=year,
        unit=subject.unit,
        subject_kind=subject_kind,
        title=str(template.get("title", ""))[:200],
        intro=str(template.get("intro", "")),
        formula=str(rules.get("formula", "rate")),
        created_by=actor,
        **{subjects.SUBJECT_FIELDS[subject_kind]: subject},
    )
    survey.save()
    questions = template.get("questions", [])
    Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                order=n,
                kind=q["kind"],
                text=str(q["text"])[:300],
                options=list(q.get("options") or []),
                required=bool(q.get("required", True)),
                counts=bool(q.get("counts", False)),
            )
            for n, q in enumerate(questions, start=1)
        ]
    )
    return survey


@transaction.atomic
def survey_update(*, actor, survey: Survey, values: Mapping) -> Survey:
    """Edit the survey's facts (title, intro, times, population, target sample, codes)."""
    survey = _locked(survey)
    _require_builder(survey, actor)
    _require_status(
        survey,
        SurveyStatus.DRAFT,
        SurveyStatus.OPEN,
        refusal=_("问卷处于“%(s)s”状态，不能修改。"),
    )
    for field in FACT_FIELDS:
        if field in values:
            setattr(survey, field, values[field])
    if not str(survey.title).strip():
        raise ValidationError(_("请填写问卷标题。"))
    if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    survey.save()
    return survey


def _clean_question(
    survey: Survey, kind: str, text: str, options: Sequence[str], counts: bool
) -> list[str]:
    if kind not in QuestionKind.values:
        raise ValidationError(_("题型“%(k)s”无效。") % {"k": kind})
    if not text.strip():
        raise ValidationError(_("请填写题目。"))
    options = [o.strip() for o in options if o and o.strip()]
    if kind == QuestionKind.SCALE:
        from .formulas import scale_labels

        options = scale_labels(survey_rules(survey.region, survey.year))
    elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.GROUP):
        if len(options) < 2:
            raise ValidationError(_("选择题至少需要两个选项（每行一个）。"))
        if len(set(options)) != len(options):
            raise ValidationError(_("选项不能重复。"))
    else:
        options = []
    if counts and kind != QuestionKind.SCALE:
        raise ValidationError(_("只有满意度五级量表题可以计入满意度。"))
    return options


def _draft_questions(survey: Survey, actor) -> Survey:
    survey = _locked(survey)
    _require_builder(survey, actor)
    _require_status(survey, SurveyStatus.DRAFT, refusal=_("问卷处于“%(s)s”状态，题目不能再修改。"))
    return survey


@transaction.atomic
def question_save(
    *,
    actor,
    survey: Survey,
    question: Question | None,
    kind: str,
    text: str,
    options: Sequence[str] = (),
    required: bool = True,
    counts: bool = False,
) -> Question:
    """Add a question at the end (`question` None) or change one, while the survey is a draft."""
    survey = _draft_questions(survey, actor)
    options = _clean_question(survey, kind, text, options, counts)
    if question is None:
        last = survey.questions.aggregate(m=Max("order"))["m"] or 0
        question = Question(survey=survey, order=last + 1)
    question.kind, question.text, question.options = kind, text.strip()[:300], options
    question.required, question.counts = required, counts
    question.save()
    audit.record(action="update", instance=survey, message=_("问卷题目：%(t)s") % {"t": text[:100]})
    return question


@transaction.atomic
def question_remove(*, actor, survey: Survey, question: Question) -> None:
    survey = _draft_questions(survey, actor)
    text = question.text
    question.delete()
    audit.record(action="update", instance=survey, message=_("删除题目：%(t)s") % {"t": text[:100]})


@transaction.atomic
def question_move(*, actor, survey: Survey, question: Question, step: int) -> None:
    """Move a question up (step −1) or down (+1) in the order."""
    survey = _draft_questions(survey, actor)
    questions = list(survey.questions.order_by("order", "pk"))
    at = next(n for n, q in enumerate(questions) if q.pk == question.pk)
    to = at + step
    if 0 <= to < len(questions):
        questions[at], questions[to] = questions[to], questions[at]
    for n, q in enumerate(questions, start=1):
        q.order = n
    Question.objects.bulk_update(questions, ["order"])


@transaction.atomic
def channel_add(*, actor, survey: Survey, name: str, tag: str) -> Channel:
    """A tagged link (poster, SMS, WeChat group), so answers show where they came from."""
    survey = _locked(survey)
    _require_builder(survey, actor)
    _require_status(
        survey,
        SurveyStatus.DRAFT,
        SurveyStatus.OPEN,
        refusal=_("问卷处于“%(s)s”状态，不能再添加渠道。"),
    )
    name, tag = name.strip(), tag.strip().lower()
    if not name or not tag:
        raise ValidationError(_("请填写渠道名称和标识。"))
    from django.core.validators import validate_slug

    try:
        validate_slug(tag)
    except ValidationError:
        raise ValidationError(_("渠道标识只能由字母、数字、下划线和连字符组成。")) from None
    if len(tag) > 20 or len(name) > 50:
        raise ValidationError(_("渠道名称不超过 50 字，标识不超过 20 个字符。"))
    if survey.channels.filter(tag=tag).exists():
        raise ValidationError(_("渠道标识“%(t)s”已被使用。") % {"t": tag})
    channel = Channel.objects.create(survey=survey, name=name, tag=tag)
    audit.record(action="update", instance=survey, message=_("添加渠道：%(n)s") % {"n": name})
    return channel


@transaction.atomic
def codes_generate(*, actor, survey: Survey, count: int) -> list[OneTimeCode]:
    """`count` new one-time codes (each answers once), printed for a known population."""
    survey = _locked(survey)
    _require_builder(survey, actor)
    _require_status(
        survey,
        SurveyStatus.DRAFT,
        SurveyStatus.OPEN,
        refusal=_("问卷处于“%(s)s”状态，不能再生成作答码。"),
    )
    if count < 1 or count > MAX_CODES:
        raise ValidationError(_("一次可生成 1 至 %(m)s 个作答码。") % {"m": MAX_CODES})
    shape = survey_rules(survey.region, survey.year)["codes"]
    alphabet, length = shape["alphabet"], int(shape["length"])
    taken = set(survey.codes.values_list("code", flat=True))
    fresh: list[str] = []
    while len(fresh) < count:
        code = "".join(secrets.choice(alphabet) for _n in range(length))
        if code not in taken:
            taken.add(code)
            fresh.append(code)
    rows = OneTimeCode.objects.bulk_create([OneTimeCode(survey=survey, code=c) for c in fresh])
    audit.record(action="update", instance=survey, message=_("生成作答码 %(n)s 个") % {"n": count})
    return rows


# --- open, close, invalid -------------------------------------------------------------------


@transaction.atomic
def survey_open(*, actor, survey: Survey) -> Survey:
    """Publish the survey (its public URL and QR code answer from now). It needs a counting
    satisfaction-scale question."""
    survey = _locked(survey)
    _require_builder(survey, actor)
    _require_status(survey, SurveyStatus.DRAFT, refusal=_("问卷处于“%(s)s”状态，不能发布。"))
    if not survey.questions.filter(kind=QuestionKind.SCALE, counts=True).exists():
        raise ValidationError(
            _(
                "问卷没有计入满意度的五级量表题，无法计算满意率：请至少将一道量表题设为“计入满意度”。"
            )
        )
    now = timezone.now()
    if survey.closes_at and survey.closes_at <= now:
        raise ValidationError(_("结束时间已过，请先修改结束时间。"))
    survey.status = SurveyStatus.OPEN
    if survey.opens_at is None:  # a later opening time set by the builder is kept
        survey.opens_at = now
    survey.save()
    return survey


def figures(survey: Survey) -> tuple[int, object]:
    """(valid answers, rate as a fraction or None) by the survey's formula."""
    from .results import survey_figures

    result = survey_figures(survey)
    return result.valid, result.rate.value


@transaction.atomic
def survey_close(*, actor, survey: Survey) -> tuple[Survey, subjects.Written]:
    """End the survey: store its figures (valid answers, rate) and give the rate to the
    subject's satisfaction indicator (`subjects.write_rate`, which says what became of it)."""
    survey = _locked(survey)
    _require_builder(survey, actor)
    _require_status(survey, SurveyStatus.OPEN, refusal=_("问卷处于“%(s)s”状态，不能结束。"))
    return _close(survey, timezone.now())


def _close(survey: Survey, now) -> tuple[Survey, subjects.Written]:
    survey.valid_count, survey.rate = figures(survey)
    survey.status, survey.closed_at = SurveyStatus.CLOSED, now
    survey.save()
    return survey, subjects.write_rate(survey)


@register_tick
def surveys_close_due(now) -> str:
    """The scheduled job's part: an open survey whose closing time has passed is closed as its
    builder would close it (the public page already refuses answers after that time)."""
    closed = 0
    for pk in Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            survey = Survey.objects.select_for_update(of=("self",)).get(pk=pk)
            if survey.status == SurveyStatus.OPEN:  # another run may have closed it meanwhile
                _close(survey, survey.closes_at)
                closed += 1
    return _("到期结束的满意度问卷 %(n)s 份。") % {"n": closed} if closed else ""


@transaction.atomic
def response_mark_invalid(*, actor, response: Response, note: str) -> Response:
    """Mark an answer invalid by hand, with the reason; it is kept, and no longer counts."""
    survey = _locked(response.survey)
    _require_builder(survey, actor)
    _require_status(
        survey, SurveyStatus.OPEN, refusal=_("问卷处于“%(s)s”状态，不能再标记无效问卷。")
    )
    note = note.strip()
    if not note:
        raise ValidationError(_("请说明标记无效的原因。"))
    response = Response.objects.select_for_update(of=("self",)).get(pk=response.pk)
    if not response.valid:
        raise ValidationError(_("该答卷已是无效答卷。"))
    response.valid, response.invalid_reason = False, InvalidReason.MANUAL
    response.invalid_note, response.marked_by = note[:200], actor
    response.save()
    audit.record(
        action="update",
        instance=survey,
        after={"response": response.pk, "valid": False},
        message=_("标记无效答卷：%(n)s") % {"n": note[:200]},
    )
    return response
