"""Reads on projects and budget years (DESIGN.md: selectors start from the user's scope)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import router
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from jixiao.core.compiled import KeyedQuery
from jixiao.core.sorting import Sorts
from jixiao.orgs.models import Region, User

from .models import FiscalYear, Project, ProjectKind

#: The columns the project list sorts by (core/sorting.py): the code (the default), the name
#: (in the database's collation), the unit's code, and the two budget totals (annotated).
PROJECT_SORTS = Sorts(
    "code",
    code=("year", "code"),
    name=("name", "code"),
    unit=("unit__code", "code"),
    initial=("initial_sum",),
    full=("full_sum",),
)


def project_list(
    *,
    user: User,
    region: Region | None = None,
    year: int | None = None,
    unit: str | int | None = None,
    kind: str = "",
    office: str | int = "",
    q: str = "",
    sort: str = "",
) -> QuerySet[Project]:
    """Projects in the user's scope, with unit, parent and kinds loaded in a fixed number of
    queries whatever the page size (the list page's query budget is tested), in the order
    `sort` asks for (`PROJECT_SORTS`)."""
    rows = (
        Project.objects.visible_to(user)
        .select_related("unit", "parent", "region")
        .prefetch_related(Prefetch("kinds", queryset=ProjectKind.objects.order_by("order")))
        .with_totals()
    )
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    if year:
        rows = rows.filter(year=year)
    if unit:
        rows = rows.filter(unit_id=unit) if str(unit).isdigit() else rows.filter(unit__code=unit)
    if kind:
        rows = rows.filter(Q(kinds__code=kind) | Q(kinds__label=kind))
    if office and str(office).isdigit():
        from jixiao.orgs.models import units_of_offices

        rows = rows.filter(units_of_offices({int(office)}, unit_ref="unit", year_ref="year"))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return PROJECT_SORTS.apply(rows, sort)


def project_get(*, user: User, pk: int) -> Project:
    return (
        Project.objects.select_related("unit", "parent", "region", "updated_by")
        .prefetch_related("kinds", "children")
        .get_visible_or_404(user, pk=pk)
    )


#: The budget years read while serving one request, by (region id, year): a document page
#: asks whether its year is open once for the page and once for each review step it offers.
_READ: ContextVar[dict | None] = ContextVar("fiscal_years_read", default=None)


@contextmanager
def fiscal_years_remembered() -> Iterator[None]:
    """Within the block (one request), `fiscal_year_get` reads each region's year once. A
    budget year saved or deleted meanwhile forgets what was read."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def _forget(**_kwargs) -> None:
    read = _READ.get()
    if read is not None:
        read.clear()


post_save.connect(_forget, sender=FiscalYear, dispatch_uid="fiscal_years_read_saved")
post_delete.connect(_forget, sender=FiscalYear, dispatch_uid="fiscal_years_read_deleted")


# A document's budget year is asked on every document page, save and review step: its SQL is
# compiled once a process (core/compiled.py). A region has one row a year (`fiscalyear_unique`),
# so the row needs no order (the model's ordering joined the region to order one row).
_BY_REGION_YEAR = KeyedQuery(
    lambda region_id, year: FiscalYear.objects.filter(region_id=region_id, year=year).order_by()[
        :1
    ],
    30001,  # stand-ins within the columns' range (a small integer for the year)
    30002,
)


def _fiscal_year_read(region: Region, year: int) -> FiscalYear | None:
    return _BY_REGION_YEAR.first(region.pk, int(year), using=router.db_for_read(FiscalYear))


def fiscal_year_get(*, region: Region, year: int) -> FiscalYear | None:
    read = _READ.get()
    if read is None:
        return _fiscal_year_read(region, year)
    key = (region.pk, year)
    if key not in read:
        read[key] = _fiscal_year_read(region, year)
    return read[key]


def year_is_open(*, region: Region, year: int) -> bool:
    """A year with no FiscalYear row yet is open: nothing has closed it."""
    fiscal_year = fiscal_year_get(region=region, year=year)
    return fiscal_year is None or fiscal_year.is_open
