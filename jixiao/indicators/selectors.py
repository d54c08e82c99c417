"""Reads of the indicator library (指标库) for its own pages and exports."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from jixiao.core.compiled import KeyedQuery
from jixiao.orgs.models import Region

from .catalogue import CATALOGUE_2021, CLASSIC_CATALOGUE
from .models import IndicatorTemplate

#: The national library's sectors in the order finance bureaus list them; 通用 (common) last.
SECTORS = (
    "教育",
    "卫生健康",
    "农业农村",
    "城市管理",
    "住房城乡建设",
    "民政",
    "文化旅游",
    "人力资源社会保障",
    "应急管理",
    "市场监管",
    "生态环境",
    "科技",
    "交通运输",
    "政法",
    "通用",
)
#: 一级 and 二级 names of both catalogues (DOMAIN.md §4.1), classic first.
CATEGORIES = list(dict.fromkeys([*CLASSIC_CATALOGUE, *CATALOGUE_2021]))
SUBCATEGORIES = list(
    dict.fromkeys(
        sub
        for catalogue in (CLASSIC_CATALOGUE, CATALOGUE_2021)
        for subs in catalogue.values()
        for sub in subs
    )
)


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
    own = _own(region)
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
        rows = rows.filter(
            Q(name__icontains=q) | Q(explanation__icontains=q) | Q(value_hint__icontains=q)
        )
    return rows.annotate(
        sector_rank=_rank("sector", SECTORS),
        category_rank=_rank("category", CATEGORIES),
        subcategory_rank=_rank("subcategory", SUBCATEGORIES),
    ).order_by(
        "sector_rank", "sector", "category_rank", "subcategory_rank", "subcategory", "name", "id"
    )


def _own(region: Region | None) -> Q:
    """The region's own templates; nothing when there is no working region."""
    return Q(region=region) if region is not None else Q(pk__in=[])


def _rank(field: str, names) -> Case:
    """Order by a fixed list (the catalogue's, DOMAIN.md §4.1), unknown names last."""
    return Case(
        *(When(**{field: name}, then=Value(i)) for i, name in enumerate(names)),
        default=Value(len(names)),
        output_field=IntegerField(),
    )


def template_get(*, region: Region | None, pk: int) -> IndicatorTemplate | None:
    """One template the working region may see (national or its own), or None."""
    return (
        IndicatorTemplate.objects.select_related("region")
        .filter(Q(region__isnull=True) | _own(region), pk=pk)
        .first()
    )


def sectors(*, region: Region | None) -> list[str]:
    """The sectors of the national library and the region's own templates, in SECTORS order,
    the region's other sectors before 通用."""
    names = set(
        IndicatorTemplate.objects.filter(Q(region__isnull=True) | _own(region), active=True)
        .order_by()
        .values_list("sector", flat=True)
        .distinct()
    )
    rank = {name: i for i, name in enumerate(SECTORS)}
    return sorted(names, key=lambda n: (rank.get(n, len(SECTORS) - 1.5), n))


def library_entries(region: Region | None) -> list[dict]:
    """The active templates a region may use (national and its own) as plain rows, for the
    lint's suggestions (jixiao.targets.lint_suggest): one query of a few hundred short rows,
    read on every target save, by SQL compiled once a process (building it through the ORM
    cost more CPU than the database's answer)."""
    return [dict(zip(LIBRARY_COLUMNS, row, strict=True)) for row in library_rows(region)]


def library_rows(region: Region | None) -> list[tuple]:
    """`library_entries` as tuples of the `LIBRARY_COLUMNS`: a caller that keeps the library
    by its content (targets/adapters.library_of) makes its dicts only for new content."""
    return _NATIONAL_LIBRARY.all() if region is None else _REGION_LIBRARY.all(region.pk)


LIBRARY_COLUMNS = ("category", "subcategory", "name", "value_hint", "sector")


def _library(region_id: int | None):
    own = Q(region_id=region_id) if region_id is not None else Q(pk__in=[])
    rows = IndicatorTemplate.objects.filter(Q(region__isnull=True) | own, active=True)
    return rows.order_by("id").values_list(*LIBRARY_COLUMNS)


_NATIONAL_LIBRARY = KeyedQuery(lambda: _library(None))
_REGION_LIBRARY = KeyedQuery(_library, 30001)


#: The bundled national library (the file `jixiao load_library` loads by default).
LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "library.json"


@lru_cache(maxsize=1)
def national_library_file() -> tuple[dict, ...]:
    """The bundled national library's rows, for the lint's suggestions where there is no
    database (`jixiao lint FILE.json`)."""
    return tuple(json.loads(LIBRARY_FILE.read_text(encoding="utf-8")))
