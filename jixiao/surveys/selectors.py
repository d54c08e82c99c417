"""Reads on surveys for the builder's pages: the list in the user's scope, one survey, the
subjects a user may build a survey for, and what waits for a builder (to-dos)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from jixiao.core.sorting import Sorts
from jixiao.evaluations.models import KeyEvaluation, SelfEvaluation, UnitEvaluation

from . import services, subjects
from .models import SubjectKind, Survey, SurveyStatus

#: The columns the survey list sorts by (core/sorting.py): the newest first (the default), the
#: title (in the database's collation), the unit's code, the kind of subject, the closing time,
#: the count of answers (invalid ones included, as the list shows it), the target sample and
#: the status. The valid answers, the sample needed and the rate are counted for a page at
#: once, after the order (`results.list_figures`): no order of their own.
SURVEY_SORTS = Sorts(
    "-newest",
    newest=("year",),
    title=("title",),
    unit=("unit__code", "-year"),
    kind=("subject_kind", "-year"),
    closes=("closes_at",),
    answers=("responses_count",),
    target=("target_sample",),
    status=("status", "-year"),
)


def survey_list(
    *, user, region=None, year=None, status: str = "", subject_kind: str = "", sort: str = ""
):
    """The surveys the user may see, of the working region and year, in the order `sort` asks
    for (`SURVEY_SORTS`: newest first unless asked)."""
    rows = (
        Survey.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "region")
        .annotate(responses_count=Count("responses"))
    )
    if status in SurveyStatus.values:
        rows = rows.filter(status=status)
    if subject_kind in SubjectKind.values:
        rows = rows.filter(subject_kind=subject_kind)
    return SURVEY_SORTS.apply(rows, sort)


def survey_get(*, user, pk) -> Survey:
    return Survey.objects.select_related(
        "unit", "region", "selfeval__project", "key_evaluation__agency", "unit_evaluation__unit"
    ).get_visible_or_404(user, pk=pk)


def subject_get(*, user, kind: str, pk):
    """One subject of `kind` in the user's scope (404 otherwise)."""
    model = subjects.SUBJECT_MODELS.get(kind)
    if model is None:
        from django.http import Http404

        raise Http404
    return model.objects.get_visible_or_404(user, pk=pk)


def buildable_subjects(*, user, region, year) -> list[tuple[str, list]]:
    """(kind, subjects) the user may build a survey for in the work year: the key evaluations
    of `year`, the self-evaluations and whole-unit evaluations of `year − 1` (done in `year`)."""
    candidates = [
        (
            SubjectKind.SELFEVAL,
            SelfEvaluation.objects.visible_to(user)
            .in_work(region, year - 1)
            .select_related("project", "unit", "region"),
        ),
        (
            SubjectKind.KEY_EVALUATION,
            KeyEvaluation.objects.visible_to(user)
            .in_work(region, year)
            .select_related("unit", "region", "agency"),
        ),
        (
            SubjectKind.UNIT_EVALUATION,
            UnitEvaluation.objects.visible_to(user)
            .in_work(region, year - 1)
            .select_related("unit", "region"),
        ),
    ]
    groups = []
    for kind, rows in candidates:
        allowed = [s for s in rows if services.build_refusal(s, user) is None]
        if allowed:
            groups.append((kind, allowed))
    return groups


def builder_surveys(*, user, region=None, year=None) -> list[Survey]:
    """The surveys in the user's scope that this user builds."""
    rows = survey_list(user=user, region=region, year=year).select_related(
        "selfeval__project", "key_evaluation__agency", "unit_evaluation"
    )
    return [s for s in rows if services.may_build(s, user)]


def waiting_surveys(*, user, region=None, year=None, days: int = 3) -> QuerySet | list:
    """Open surveys of the user's building that close within `days` days or whose valid
    answers are below the target sample."""
    soon = timezone.now() + dt.timedelta(days=days)
    rows = (
        survey_list(user=user, region=region, year=year, status=SurveyStatus.OPEN)
        .annotate(valid_now=Count("responses", filter=Q(responses__valid=True)))
        .filter(
            Q(closes_at__lte=soon)
            | Q(target_sample__isnull=False, valid_now__lt=F("target_sample"))
        )
        .select_related("selfeval__project", "key_evaluation__agency", "unit_evaluation")
    )
    return [s for s in rows if services.may_build(s, user)]
