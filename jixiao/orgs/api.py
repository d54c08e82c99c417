"""API: /api/v1/units (CONTRACT.md). A unit is shown as it stood in `year` (default: its
latest year), because its parent and business office can change between years."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from jixiao.core.api import answers, paginate

from .models import Region, Unit, UnitYear

router = Router()


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: int | None
    parent: str | None
    office: str | None
    region: str
    year: int | None


class UnitList(Schema):
    count: int
    page: int
    page_size: int
    items: list[UnitOut]


def _serialize(unit: Unit, year: int | None) -> dict:
    years = unit.years_loaded
    row = (
        next((y for y in years if y.year == year), None) if year else (years[0] if years else None)
    )
    return {
        "id": unit.id,
        "code": unit.code,
        "name": row.name if row else unit.name,
        "level": row.level if row else None,
        "parent": row.parent.code if row and row.parent else None,
        "office": row.office.name if row and row.office else None,
        "region": unit.region.code,
        "year": row.year if row else None,
    }


def _units(request, year: int | None):
    years = UnitYear.objects.select_related("parent", "office").order_by("-year")
    if year:
        years = years.filter(year=year)
    return (
        Unit.objects.visible_to(request.user)
        .select_related("region")
        .prefetch_related(Prefetch("years", queryset=years, to_attr="years_loaded"))
        .order_by("region__code", "code")
    )


@router.get("", response=answers(UnitList), summary="预算单位列表")
def list_units(
    request,
    region: str = "",
    year: int | None = None,
    unit: str = "",
    office: str = "",
    level: int | None = None,
    q: str = "",
    page: int = 1,
    page_size: int | None = None,
):
    rows = _units(request, year)
    if region:
        found = Region.objects.filter(code=region).first()
        rows = rows.filter(region__path__startswith=found.path) if found else rows.none()
    if year:
        rows = rows.filter(years__year=year)
    if unit:
        rows = rows.filter(Q(code=unit) | Q(pk=int(unit)) if unit.isdigit() else Q(code=unit))
    if office:
        rows = rows.filter(years__office__code=office, **({"years__year": year} if year else {}))
    if level in (1, 2):
        rows = rows.filter(years__level=level, **({"years__year": year} if year else {}))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code__icontains=q))
    rows = rows.distinct()
    return paginate(
        request, rows, page=page, page_size=page_size, serialize=lambda u: _serialize(u, year)
    )


@router.get("/{int:unit_id}", response=answers(UnitOut, 404), summary="预算单位")
def get_unit(request, unit_id: int, year: int | None = None):
    unit = get_object_or_404(_units(request, year), pk=unit_id)
    return _serialize(unit, year)
