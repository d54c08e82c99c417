"""Reads on rectifications (整改): the list in the user's scope with its filters, one item, what
waits for the user, and "overdue" as of the right day (DOMAIN.md §8.1: a closed work year as of
31 December, the live year as of today), on the model queryset's one definition."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from jixiao.budgets.models import FiscalYear
from jixiao.core.sorting import Sorts

from .models import Rectification
from .workflow import RECTIFICATION_WORKFLOW

FILTERS = ("status", "source", "unit", "overdue", "q")


def overdue_as_of(year: int, today: date | None = None, region_id: int | None = None) -> date:
    """The day "overdue" is judged on for a work year (DOMAIN.md §8.1): 31 December of a closed
    year (its fiscal year closed, in the region when one is given), today for a live one."""
    today = today or timezone.localdate()
    closed = FiscalYear.objects.filter(year=year, status=FiscalYear.Status.CLOSED)
    if region_id is not None:
        closed = closed.filter(region_id=region_id)
    return min(today, date(year, 12, 31)) if closed.exists() else today


def overdue_ids(rows: QuerySet, today: date | None = None) -> set[int]:
    """The ids of `rows` overdue, each as of its own region's and year's day (`overdue_as_of`)."""
    ids: set[int] = set()
    groups = rows.order_by().values_list("region_id", "year").distinct()
    for region_id, year in groups:
        as_of = overdue_as_of(year, today, region_id)
        late = rows.filter(region_id=region_id, year=year).overdue(as_of)
        ids |= set(late.values_list("pk", flat=True))
    return ids


#: The columns the rectification list sorts by (core/sorting.py): the unit (the year first,
#: the default), number, project code, source, the dates and the status.
RECTIFICATION_SORTS = Sorts(
    "unit",
    unit=("-year", "unit__code"),
    number=("number",),
    project=("project__code",),
    source=("source", "unit__code"),
    issued=("issued_on",),
    plan_due=("plan_due",),
    due=("due",),
    closed=("closed_on",),
    status=("status", "unit__code"),
)


def rectification_list(
    user, region=None, year: int | None = None, filters: dict | None = None
) -> QuerySet:
    """The rectifications the user may see, of the working region and year. `filters` takes the
    list page's, the export's and the API's `status`, `source`, `unit` (an id), `overdue`
    ("1": overdue only, "0": not overdue) and `q` (number, problem, unit or project), and the
    page's and the export's `sort` (`RECTIFICATION_SORTS`)."""
    f = filters or {}
    rows = (
        Rectification.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "project", "issuer", "region")
    )
    rows = RECTIFICATION_SORTS.apply(rows, f.get("sort"))
    if f.get("status"):
        rows = rows.filter(status=f["status"])
    if f.get("source"):
        rows = rows.filter(source=f["source"])
    if str(f.get("unit") or "").isdigit():
        rows = rows.filter(unit_id=f["unit"])
    if f.get("q"):
        q = f["q"]
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(problem__icontains=q)
            | Q(unit__name__icontains=q)
            | Q(project__name__icontains=q)
        )
    flag = str(f.get("overdue") or "")
    if flag in ("1", "true", "0", "false"):
        late = overdue_ids(rows)
        rows = rows.filter(pk__in=late) if flag in ("1", "true") else rows.exclude(pk__in=late)
    return rows


def with_overdue(rows) -> list[Rectification]:
    """The rows as a list, each with its `is_overdue` flag set (for pages and answers)."""
    rows = list(rows)
    if not rows:
        return rows
    late = overdue_ids(Rectification.objects.filter(pk__in=[r.pk for r in rows]))
    for row in rows:
        row.is_overdue = row.pk in late
    return rows


def is_overdue(rectification: Rectification, today: date | None = None) -> bool:
    as_of = overdue_as_of(rectification.year, today, rectification.region_id)
    return Rectification.objects.filter(pk=rectification.pk).overdue(as_of).exists()


def rectification_get(user, pk) -> Rectification:
    """One rectification the user may see (404 otherwise)."""
    return Rectification.objects.select_related(
        "unit", "project", "issuer", "region", "verified_by"
    ).get_visible_or_404(user, pk=pk)


def rectification_queue(user, region=None, year: int | None = None) -> QuerySet:
    """What waits for this user's action now: the workflow's own answer."""
    return rectification_list(user, region, year).filter(RECTIFICATION_WORKFLOW.waiting_q(user))
