"""Reads on rectifications (整改): the list in the user's scope with its filters, one item, what
waits for the user, and "overdue" as of the right day (DOMAIN.md §8.1: a past work year as of
31 December, the live year as of today), on the model queryset's one definition."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Rectification
from .workflow import RECTIFICATION_WORKFLOW

FILTERS = ("status", "source", "unit", "overdue", "q")


def overdue_as_of(year: int, today: date | None = None) -> date:
    """The day "overdue" is judged on for a work year: 31 December of a past year, else today."""
    today = today or timezone.localdate()
    return min(today, date(year, 12, 31))


def overdue_ids(rows: QuerySet, today: date | None = None) -> set[int]:
    """The ids of `rows` overdue, each as of its own year's day (`overdue_as_of`)."""
    ids: set[int] = set()
    for year in rows.order_by().values_list("year", flat=True).distinct():
        as_of = overdue_as_of(year, today)
        ids |= set(rows.filter(year=year).overdue(as_of).values_list("pk", flat=True))
    return ids


def rectification_list(
    user, region=None, year: int | None = None, filters: dict | None = None
) -> QuerySet:
    """The rectifications the user may see, of the working region and year. `filters` takes the
    list page's, the export's and the API's `status`, `source`, `unit` (an id), `overdue`
    ("1": overdue only, "0": not overdue) and `q` (number, problem, unit or project)."""
    rows = (
        Rectification.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "project", "issuer", "region")
        .order_by("-year", "unit__code", "pk")
    )
    f = filters or {}
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
    as_of = overdue_as_of(rectification.year, today)
    return Rectification.objects.filter(pk=rectification.pk).overdue(as_of).exists()


def rectification_get(user, pk) -> Rectification:
    """One rectification the user may see (404 otherwise)."""
    return Rectification.objects.select_related(
        "unit", "project", "issuer", "region", "verified_by"
    ).get_visible_or_404(user, pk=pk)


def rectification_queue(user, region=None, year: int | None = None) -> QuerySet:
    """What waits for this user's action now: the workflow's own answer."""
    return rectification_list(user, region, year).filter(RECTIFICATION_WORKFLOW.waiting_q(user))
