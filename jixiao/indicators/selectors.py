"""Reads of the indicator library (指标库) for its own pages and exports."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jixiao.orgs.models import Region

from .models import IndicatorTemplate


def template_list(
    *,
    region: Region | None,
    sector: str = "",
    subcategory: str = "",
    kind: str = "",
    q: str = "",
    inactive: bool = False,
) -> QuerySet[IndicatorTemplate]:
    """National templates and the working region's own, never another region's (DOMAIN.md §3:
    outside scope does not exist). `inactive` lists the region's deactivated templates instead
    of the active ones (national templates are never deactivated)."""
    own = Q(region=region) if region is not None else Q(pk__in=[])
    rows = IndicatorTemplate.objects.select_related("region")
    if inactive:
        rows = rows.filter(own, active=False)
    else:
        rows = rows.filter(Q(region__isnull=True) | own, active=True)
    if sector:
        rows = rows.filter(sector=sector)
    if subcategory:
        rows = rows.filter(subcategory=subcategory)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(explanation__icontains=q)
                           | Q(value_hint__icontains=q))
    return rows.order_by("sector", "category", "subcategory", "name", "id")


def template_get(*, region: Region | None, pk: int) -> IndicatorTemplate | None:
    """One template the working region may see (national or its own), or None."""
    own = Q(region=region) if region is not None else Q(pk__in=[])
    return (IndicatorTemplate.objects.select_related("region")
            .filter(Q(region__isnull=True) | own, pk=pk).first())


#: The national library's sectors in the order finance bureaus list them; 通用 (common) last.
SECTORS = ("教育", "卫生健康", "农业农村", "城市管理", "住房城乡建设", "民政", "文化旅游",
           "人力资源社会保障", "应急管理", "市场监管", "生态环境", "科技", "交通运输", "政法", "通用")


def sectors(*, region: Region | None) -> list[str]:
    """The sectors of the national library and the region's own templates, in SECTORS order,
    the region's other sectors before 通用."""
    names = set(template_list(region=region).order_by().values_list("sector", flat=True)
                .distinct())
    rank = {name: i for i, name in enumerate(SECTORS)}
    return sorted(names, key=lambda n: (rank.get(n, len(SECTORS) - 1.5), n))
