"""API: /api/v1/units (CONTRACT.md). A unit is shown as it stood in `year` (default: its
latest year), because its parent and business office can change between years."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jixiao.core.api import answers, paginate, sorted_by
from jixiao.core.api_writes import (
    not_found_problem,
    problem,
    rejected,
    save_with_external_id,
    service_errors,
    write_answers,
)
from jixiao.core.idempotency import unchanged

from .models import Office, Region, Unit, UnitYear
from .selectors import UNIT_SORTS
from .services import unit_year_save

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
    external_id: str | None


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
        "external_id": unit.external_id,
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


def _shown_year(column, year: int | None):
    """A column of the unit list's `UNIT_SORTS` (written for a year's row) read on a unit: from
    the year the list shows it as, `year` or else its latest, as `_serialize` shows it."""
    years = UnitYear.objects.filter(unit=OuterRef("pk"), **({"year": year} if year else {}))
    return Subquery(years.order_by("-year").annotate(column=column).values("column")[:1])


@router.get("", response=answers(UnitList), summary="预算单位列表")
@sorted_by(UNIT_SORTS)
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
        request,
        rows,
        page=page,
        page_size=page_size,
        serialize=lambda u: _serialize(u, year),
        through=lambda column: _shown_year(column, year),
    )


@router.get("/{int:unit_id}", response=answers(UnitOut, 404), summary="预算单位")
def get_unit(request, unit_id: int, year: int | None = None):
    unit = get_object_or_404(_units(request, year), pk=unit_id)
    return _serialize(unit, year)


# --- writes: POST creates, PUT replaces, through services.unit_year_save ---------


class UnitIn(Schema):
    """A unit as GET shows it: its facts in `year`, and the budget system's `external_id`."""

    code: str
    name: str
    level: int
    parent: str | None = None
    office: str | None = None
    region: str
    year: int
    serves_public: bool | None = None
    external_id: str | None = None


def _write_unit(request, body: UnitIn, unit: Unit | None):
    region = get_object_or_404(Region.objects.visible_to(request.user), code=body.region)
    if unit is None and body.external_id:
        known = Unit.objects.filter(region=region, external_id=body.external_id).first()
        if known is not None:  # the same identifier: that unit, if the caller may see it
            unit = get_object_or_404(_units(request, None), pk=known.pk)
            if unchanged(body.model_dump(), _serialize(unit, body.year)):
                return Status(200, _serialize(unit, body.year))
    errors = []
    if unit is not None and (unit.code != body.code or unit.region_id != region.pk):
        errors.append(problem("code", _("单位编码和区划不能修改。"), "immutable"))
    parent = office = None
    if body.parent:
        parent = Unit.objects.filter(region=region, code=body.parent).first()
        if parent is None:
            errors.append(not_found_problem("parent", _("上级单位"), body.parent))
    if body.office:
        office = (
            Office.objects.filter(region=region)
            .filter(Q(code=body.office) | Q(name=body.office))
            .first()
        )
        if office is None:
            errors.append(not_found_problem("office", _("归口股室"), body.office))
    if errors:
        return rejected(errors)
    existed = unit is not None or Unit.objects.filter(region=region, code=body.code).exists()
    saved, refusal = save_with_external_id(
        lambda: (
            unit_year_save(
                actor=request.user,
                region=region,
                code=body.code,
                year=body.year,
                name=body.name,
                level=body.level,
                parent=parent,
                office=office,
                serves_public=body.serves_public,
            ).unit
        ),
        body.external_id,
        refused=service_errors,
    )
    if refusal is not None:
        return refusal
    return Status(200 if existed else 201, _serialize(_reload(request, saved), body.year))


def _reload(request, unit: Unit) -> Unit:
    return _units(request, None).get(pk=unit.pk)


@router.post("", response=write_answers(UnitOut, created=True), summary="新增或更新预算单位")
def create_unit(request, body: UnitIn):
    return _write_unit(request, body, None)


@router.put("/{int:unit_id}", response=write_answers(UnitOut), summary="修改预算单位（按年度）")
def update_unit(request, unit_id: int, body: UnitIn):
    unit = get_object_or_404(_units(request, None), pk=unit_id)
    return _write_unit(request, body, unit)
