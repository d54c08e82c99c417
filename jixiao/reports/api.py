"""API: /api/v1/stats?region=&year= — the figures of a work year (DOMAIN.md §9), the same JSON
as `jixiao summary --format json` (CONTRACT.md)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from jixiao.core.api import answers, error

from .schemas import StatsOut
from .selectors import region_for
from .stats import as_json, year_stats

router = Router()

#: Work years a region can be asked about: far enough back for comparisons, never absurd.
FIRST_YEAR = 2000


@router.get(
    "",
    summary="年度绩效管理统计数据（工作总结的全部数字）",
    response=answers(StatsOut, 400, 404),
)
def stats(request, region: str = "", year: int | None = None):
    """`region` defaults to the caller's own region, `year` to the current year. A region
    outside the caller's scope answers 404; a unit's people get their unit's figures only."""
    user = request.user
    try:
        found = region_for(user, region, default=user.region if user.region_id else None)
    except Http404:
        return Status(
            404, error(_("区划“%(r)s”不存在或不在您的权限范围内。") % {"r": region or "—"})
        )
    year = year or timezone.localdate().year
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        return Status(
            400,
            error(
                _("年度 %(y)s 超出范围（%(a)s–%(b)s）。")
                % {"y": year, "a": FIRST_YEAR, "b": timezone.localdate().year + 1}
            ),
        )
    return Status(200, as_json(year_stats(user=user, region=found, year=year)))
