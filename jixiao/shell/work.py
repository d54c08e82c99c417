"""The region and year a user is working in, chosen in the top bar and kept in the session."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from jixiao.budgets.models import FiscalYear
from jixiao.orgs.models import Region

SESSION_REGION = "work_region_id"
SESSION_YEAR = "work_year"


@dataclass
class WorkContext:
    region: Region | None
    year: int
    regions: list[Region]
    years: list[int]


def _years_for(region: Region | None) -> list[int]:
    current = timezone.localdate().year
    if region is None:
        return [current]
    # A province or city has no budget years of its own: it works in its districts' years.
    years = list(
        FiscalYear.objects.filter(region__path__startswith=region.path)
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years) or {current}, reverse=True)


def work_context_for(request) -> WorkContext:
    user = request.user
    if not user.is_authenticated:
        return WorkContext(None, timezone.localdate().year, [], [])
    regions = list(Region.objects.visible_to(user).order_by("path")[:500])
    by_id = {r.id: r for r in regions}
    region = by_id.get(request.session.get(SESSION_REGION)) or by_id.get(user.region_id)
    if region is None and regions:
        region = regions[0]
    years = _years_for(region)
    year = request.session.get(SESSION_YEAR)
    if year not in years and region is not None:
        open_years = FiscalYear.objects.filter(
            region__path__startswith=region.path, status="open"
        ).order_by("-year")
        year = open_years.values_list("year", flat=True).first() or years[0]
    elif year not in years:
        year = years[0]
    return WorkContext(region, year, regions, years)


class WorkContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.work = SimpleLazyObject(lambda: work_context_for(request))
        return self.get_response(request)


def work_context(request):
    """Context processor: the work context for the top bar of every signed-in page."""
    work = getattr(request, "work", None)
    user = getattr(request, "user", None)
    if work is None or user is None or not user.is_authenticated:
        return {}
    return {"work": work}
