"""API (CONTRACT.md, HTTP API, `surveys`): /api/v1/surveys with the survey's figures, and its
actions: open, close, and mark one answer invalid by hand.

Scope is the pages': a survey outside the caller's scope answers 404 (another unit's, an
agency's survey of a key evaluation not assigned to it, anything for an expert). The actions go
through the builder's services, which say who may take them (403 otherwise) and when (409).
URLs in the answers are root-relative: the public page and its QR code need no login.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from jixiao.core.api import ListQuery, answers, error, paginate, sorted_by
from jixiao.orgs.models import Region

from . import services
from .models import Response, Survey
from .results import ListFigures, WithListFigures, survey_figures
from .schemas import InvalidIn, SurveyList, SurveyOut
from .selectors import SURVEY_SORTS

router = Router()

ACTION_ANSWERS = answers(SurveyOut, 400, 404, 409)  # 400: a body that is not JSON


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def subject_of(survey: Survey) -> dict:
    """The document the survey is about, by its id and a name people know it by."""
    if survey.key_evaluation_id:
        document = survey.key_evaluation
        name = document.subject
    elif survey.selfeval_id:
        document = survey.selfeval
        name = document.project.name
    else:
        document = survey.unit_evaluation
        name = document.unit.name
    return {"id": document.pk, "name": name}


def serialize(survey: Survey, figures: ListFigures | None = None) -> dict:
    """The survey in the contract's shape, with its live figures: `figures` when a list counted
    them for its page (`results.list_figures`), else `results.survey_figures`."""
    if figures is None:
        figures = ListFigures.of(survey_figures(survey))
    rate = figures.rate
    return {
        "id": survey.id,
        "year": survey.year,
        "unit": {"code": survey.unit.code, "name": survey.unit.name},
        "subject_kind": survey.subject_kind,
        "subject": subject_of(survey),
        "status": survey.status,
        "public_url": survey.public_url,
        "qr_url": f"{survey.public_url}qr.svg",
        "opens": _iso(survey.opens_at),
        "closes": _iso(survey.closes_at),
        "responses": figures.answers,
        "valid_responses": figures.valid,
        "satisfaction_rate": None if rate is None else f"{rate:.4f}",
        "sample_needed": figures.sample_needed,
    }


def visible(user) -> QuerySet:
    return Survey.objects.visible_to(user).select_related(
        "unit", "region", "key_evaluation", "selfeval__project", "unit_evaluation__unit"
    )


def serialize_listed(survey: Survey) -> dict:
    """A list item: the survey with the figures counted for its page (`WithListFigures`)."""
    return serialize(survey, survey.figures)


@router.get("", response=answers(SurveyList), summary="满意度问卷（公众测评）列表")
@sorted_by(SURVEY_SORTS)
def list_surveys(request, query: Query[ListQuery], status: str = ""):
    rows = visible(request.user).annotate(responses_count=Count("responses"))  # a column
    if query.region:
        region = Region.objects.filter(code=query.region).first()
        rows = rows.in_work(region, None) if region else rows.none()
    rows = rows.in_work(None, query.year)
    if query.unit:
        rows = rows.filter(unit__code=query.unit)
    if status:
        rows = rows.filter(status=status)
    return paginate(
        request,
        WithListFigures(rows),
        page=query.page,
        page_size=query.page_size,
        serialize=serialize_listed,
    )


def _get(request, survey_id: int) -> Survey:
    return visible(request.user).get_visible_or_404(request.user, pk=survey_id)


@router.get(
    "/{int:survey_id}",
    response=answers(SurveyOut, 404),
    summary="满意度问卷（答卷数、有效答卷数、满意率、所需样本量）",
)
def get_survey(request, survey_id: int):
    return serialize(_get(request, survey_id))


def _act(request, survey_id: int, run) -> Status:
    """Do `run(survey)` through the builder's service. Who may act is the service's rule (403
    otherwise); a step the survey's state refuses (opening one that is not a draft, marking an
    answer of a closed survey) answers 409 with the service's reason."""
    survey = _get(request, survey_id)
    try:
        run(survey)
    except ValidationError as exc:
        return Status(409, error("；".join(exc.messages)))
    return Status(200, serialize(_get(request, survey_id)))


def _step(verb: str, service, summary: str) -> None:
    """POST /{id}/<verb>: the builder's `service(actor=, survey=)` on the visible survey."""

    def step(request, survey_id: int):
        return _act(request, survey_id, lambda survey: service(actor=request.user, survey=survey))

    step.__name__ = f"{verb}_survey"
    router.post(f"/{{int:survey_id}}/{verb}", response=ACTION_ANSWERS, summary=summary)(step)


_step("open", services.survey_open, "发布问卷（开始收集）")
_step("close", services.survey_close, "结束问卷（满意率写入测评对象的满意度指标）")


@router.post(
    "/{int:survey_id}/responses/{int:response_id}/invalid",
    response=ACTION_ANSWERS,
    summary="将一份答卷标记为无效（须填写理由）",
)
def mark_response_invalid(request, survey_id: int, response_id: int, body: InvalidIn):
    def run(survey):
        response = get_object_or_404(Response, survey=survey, pk=response_id)
        services.response_mark_invalid(actor=request.user, response=response, note=body.note)

    return _act(request, survey_id, run)
