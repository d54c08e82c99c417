"""Reads on evaluations: lists per role, the reviewer's queue, one self-evaluation."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from jixiao.orgs.models import Region, User

from .models import EvaluationStatus, SelfEvalIndicator, SelfEvaluation, UnitEvaluation
from .workflow import SELFEVAL_WORKFLOW


def selfeval_list(
    *,
    user: User,
    region: Region | None = None,
    year: int | None = None,
    status: str = "",
    grade: str = "",
    unit: str = "",
    q: str = "",
    flagged: str = "",
) -> QuerySet[SelfEvaluation]:
    rows = (
        SelfEvaluation.objects.visible_to(user)
        .select_related("project", "unit", "region")
        .order_by("unit__code", "project__code")
    )
    rows = rows.in_work(region, year)
    if status in EvaluationStatus.values:
        rows = rows.filter(status=status)
    if grade:
        rows = rows.filter(grade=grade)
    if unit and str(unit).isdigit():
        rows = rows.filter(unit_id=unit)
    if q:
        rows = rows.filter(Q(project__name__icontains=q) | Q(project__code__icontains=q))
    if flagged == "self_score":
        rows = rows.filter(indicators__problems__icontains="self_score").distinct()
    return rows


def selfeval_queue(*, user: User, region: Region | None, year: int | None):
    """What waits for this user's action now: the workflow's own answer."""
    rows = selfeval_list(user=user, region=region, year=year)
    return rows.filter(SELFEVAL_WORKFLOW.waiting_q(user))


def selfeval_get(*, user: User, pk: int) -> SelfEvaluation:
    return (
        SelfEvaluation.objects.select_related("project", "unit", "region", "target")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=SelfEvalIndicator.objects.order_by("position").select_related(
                    "reviewed_by"
                ),
            )
        )
        .get_visible_or_404(user, pk=pk)
    )


def unit_evaluation_list(*, user: User, region: Region | None, year: int | None):
    rows = UnitEvaluation.objects.visible_to(user).select_related("unit").order_by("unit__code")
    return rows.in_work(region, year)
