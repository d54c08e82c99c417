"""The region and year a user is working in, chosen in the top bar and kept in the session."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from jixiao.budgets.models import FiscalYear
from jixiao.budgets.selectors import fiscal_years_remembered
from jixiao.core.scope import scope_of
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
    regions, region, years, open_years = _remembered(request, user)
    year = request.session.get(SESSION_YEAR)
    if year not in years and region is not None:
        year = open_years[0] if open_years else years[0]
    elif year not in years:
        year = years[0]
    return WorkContext(region, year, regions, years)


def _read(request, user) -> tuple[list[Region], Region | None, list[int], list[int]]:
    """The regions the user may work in, the one chosen, its budget years and the open ones."""
    regions = list(Region.objects.visible_to(user).order_by("path")[:500])
    by_id = {r.id: r for r in regions}
    region = by_id.get(request.session.get(SESSION_REGION)) or by_id.get(user.region_id)
    if region is None and regions:
        region = regions[0]
    years, open_years = _years_for(region)
    return regions, region, years, open_years


# --- what the top bar reads, remembered a short while ----------------------------------------
# Every signed-in page drew the switcher from two reads (the regions in the user's scope, the
# chosen region's budget years), about a millisecond of CPU on each request. They are kept in
# this process for REMEMBER_SECONDS under the session (a sign-in starts afresh), the user's
# scope (a change of roles, unit or office reads again at once) and the chosen region. A region
# or budget year saved or deleted forgets them all at once in this process; in the others
# (gunicorn's workers), after a bulk change, which sends no signal, and when a unit or office
# moves to another region, they are read again within REMEMBER_SECONDS. A new unit changes no
# one's regions: a level-2 unit is in its parent's region. (The rows a page lists are filtered
# by the scope read afresh on every request: only the switch's choices may lag.)
REMEMBER_SECONDS = 30
_MOST = 5000
_remembered_reads: dict[tuple, tuple[float, tuple]] = {}


def _remembered(request, user) -> tuple[list[Region], Region | None, list[int], list[int]]:
    session_key = getattr(request.session, "session_key", None)
    if not session_key:
        return _read(request, user)
    scope = scope_of(user)
    key = (
        session_key,
        user.pk,
        user.region_id,
        scope.region_paths,
        tuple(sorted(scope.office_ids)),
        # A unit's people see its region: its level-2 units are in the same one (a parent is
        # "本区划内的另一个单位", orgs.services), so the unit stands for its children here.
        user.unit_id if scope.unit_ids else None,
        scope.assignee_id,
        request.session.get(SESSION_REGION),
    )
    now = time.monotonic()
    kept = _remembered_reads.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    if len(_remembered_reads) >= _MOST:
        forget()
    read = _read(request, user)
    _remembered_reads[key] = (now + REMEMBER_SECONDS, read)
    return read


def read_at_sign_in(sender, request=None, user=None, **_kwargs) -> None:
    """A sign-in reads the top bar of its session at once, so that its first page finds it
    remembered as every later one does: what a page reads does not depend on whether it is the
    session's first."""
    if request is not None and getattr(request, "session", None) is not None and user:
        _remembered(request, user)


def forget(**_kwargs) -> None:
    """Read the regions and budget years again on every page's next request (this process)."""
    _remembered_reads.clear()


user_logged_in.connect(read_at_sign_in, dispatch_uid="work-read-at-sign-in")
for _model in (Region, FiscalYear):
    post_save.connect(forget, sender=_model, dispatch_uid=f"work-forget-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"work-forget-del-{_model.__name__}")


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
