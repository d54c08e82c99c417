"""The year lock of the review workflows (DOMAIN.md §4.5): closing a budget year locks its
documents, in one place."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from jixiao.core.workflow import with_q

from .models import FiscalYear
from .selectors import year_is_open


def year_lock(offset: int = 0):
    """Documents of year Y are locked when their region closes year Y + offset (evaluations of
    year Y are done in Y + 1). A year with no budget year yet is open. The lock's filter form
    keeps a closed year's documents out of every queue."""

    def not_locked(user) -> Q:
        years = FiscalYear.objects.filter(
            region=OuterRef("region"), year=OuterRef("year") + offset
        ).exclude(status=FiscalYear.Status.OPEN)
        return ~Q(Exists(years))

    @with_q(not_locked)
    def lock(document) -> str | None:
        year = document.year + offset
        if year_is_open(region=document.region, year=year):
            return None
        if offset:
            return _("%(y)s 年度已关闭，评价已锁定。") % {"y": year}
        return _("%(y)s 年度已关闭，文档已锁定。") % {"y": year}

    return lock
