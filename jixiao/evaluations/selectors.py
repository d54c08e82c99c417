"""Reads on evaluations: lists per role, the reviewer's queue, one self-evaluation."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from jixiao.orgs.models import Region, Role, User, units_of_offices

from .models import EvaluationStatus, SelfEvalIndicator, SelfEvaluation, UnitEvaluation


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
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    if year:
        rows = rows.filter(year=year)
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
    rows = selfeval_list(user=user, region=region, year=year)
    waiting = Q(pk__in=[])
    if user.has_role(Role.FILER) and user.unit_id:
        waiting |= Q(
            status__in=(EvaluationStatus.DRAFT, EvaluationStatus.RETURNED), unit_id=user.unit_id
        )
    if user.has_role(Role.LEADER) and user.unit_id:
        waiting |= Q(status=EvaluationStatus.READY, unit_id=user.unit_id)
    if user.has_role(Role.BUSINESS) and user.office_id:
        waiting |= Q(status=EvaluationStatus.SUBMITTED) & units_of_offices(
            {user.office_id}, unit_ref="unit", year_ref="year"
        )
    if user.has_role(Role.BUDGET):
        waiting |= Q(status=EvaluationStatus.FIRST_PASSED)
    return rows.filter(waiting)


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
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    if year:
        rows = rows.filter(year=year)
    return rows
