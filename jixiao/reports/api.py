"""API: /api/v1/stats?region=&year= — the figures of a work year (DOMAIN.md §9), the same JSON
as `jixiao summary --format json` (CONTRACT.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from jixiao.core.api import answers, error
from jixiao.core.job_api import accepted_answers

from .schemas import StatsOut
from .selectors import region_for
from .stats import as_json, summary_figures

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
    asked = _region_year(request.user, region, year)
    if isinstance(asked, Status):
        return asked
    found, year = asked
    return Status(200, as_json(summary_figures(user=request.user, region=found, year=year)))


def _region_year(user, region: str, year: int | None):
    """The region (default: the caller's own) and work year (default: this year) asked for,
    or the 404 of a region out of scope or the 400 of a year out of range."""
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
    return found, year


@router.post(
    "/summary",
    summary="生成年度工作总结（Word），作为后台任务：答复 202 与任务的状态地址",
    response=accepted_answers(400, 404),
)
def summary(request, region: str = "", year: int | None = None):
    """Starts the annual work summary of `region` (default: the caller's own) and work year
    `year` (default: this year) as a background job of the caller, the same as the dashboard's
    button; follow `status_url`, then download its `result_url`. Only the bureau's readers may
    (403 otherwise); a region outside the caller's scope answers 404."""
    from jixiao.core import jobs

    from .navigation import DASHBOARD_READERS

    if not request.user.has_role(*DASHBOARD_READERS):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    asked = _region_year(request.user, region, year)
    if isinstance(asked, Status):
        return asked
    found, year = asked
    params = {"region": found.code, "year": year}
    job = jobs.start(user=request.user, kind="summary", params=params)
    return Status(202, jobs.accepted(job))
