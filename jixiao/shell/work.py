"""The region and year a user is working in, chosen in the top bar and kept in the session."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from jixiao.budgets.models import FiscalYear
from jixiao.budgets.selectors import fiscal_years_remembered
from jixiao.orgs.models import Region

SESSION_REGION = "work_region_id"
SESSION_YEAR = "work_year"


@dataclass
class WorkContext:
    region: Region | None
    year: int
    regions: list[Region]
    years: list[int]


def _years_for(region: Region | None) -> tuple[list[int], list[int]]:
    """The region's budget years, latest first, and those of them still open: one read of its
    fiscal years (a page asks it on every request)."""
    current = timezone.localdate().year
    if region is None:
        return [current], []
    # A province or city has no budget years of its own: it works in its districts' years.
    rows = set(
        FiscalYear.objects.filter(region__path__startswith=region.path)
        .order_by()
        .values_list("year", "status")
        .distinct()
    )
    years = sorted({year for year, _status in rows} or {current}, reverse=True)
    return years, sorted({year for year, status in rows if status == "open"}, reverse=True)


def work_context_for(request) -> WorkContext:
    user = request.user
    if not user.is_authenticated:
        return WorkContext(None, timezone.localdate().year, [], [])
    regions = list(Region.objects.visible_to(user).order_by("path")[:500])
    by_id = {r.id: r for r in regions}
    region = by_id.get(request.session.get(SESSION_REGION)) or by_id.get(user.region_id)
    if region is None and regions:
        region = regions[0]
    years, open_years = _years_for(region)
    year = request.session.get(SESSION_YEAR)
    if year not in years and region is not None:
        year = open_years[0] if open_years else years[0]
    elif year not in years:
        year = years[0]
    return WorkContext(region, year, regions, years)


class WorkContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.work = SimpleLazyObject(lambda: work_context_for(request))
        with fiscal_years_remembered():  # a page reads each budget year it asks about once
            return self.get_response(request)


def work_context(request):
    """Context processor: the work context for the top bar of every signed-in page."""
    work = getattr(request, "work", None)
    user = getattr(request, "user", None)
    if work is None or user is None or not user.is_authenticated:
        return {}
    return {"work": work}
