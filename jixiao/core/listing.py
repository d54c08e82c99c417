"""The filters every document list shares, on its page, in its export and through the API: the
working region and year, a status, a unit and words to look for.

A list selector takes them as keywords beside its own (`**filters: Unpack[ListFilters]`) and
narrows its rows with `narrowed`, saying which statuses it knows and where the words are looked
for, so each filter means the same on every list.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any, TypedDict

from django.db.models import Q


class ListFilters(TypedDict, total=False):
    region: Any  # an orgs.Region: its rows and those of the regions under it (None: all)
    year: int | None  # None or 0: every year
    status: str
    unit: str  # a unit's id; anything but digits filters nothing
    q: str


def narrowed(
    rows,
    *,
    statuses=None,
    search: tuple[str, ...] = (),
    region=None,
    year: int | None = None,
    status: str = "",
    unit: str = "",
    q: str = "",
):
    """`rows` (a `ScopedQuerySet`) of the working `region` and `year`; of `status` if it is one
    of `statuses` (any status given, when None); of the unit with id `unit`; with `q` in one of
    the `search` lookups (a list without `search` takes no words)."""
    rows = rows.in_work(region, year)
    if status and (statuses is None or status in statuses):
        rows = rows.filter(status=status)
    if unit and str(unit).isdigit():
        rows = rows.filter(unit_id=unit)
    if q:
        if not search:
            raise TypeError("this list has no search (q)")
        rows = rows.filter(reduce(or_, (Q(**{f"{lookup}__icontains": q}) for lookup in search)))
    return rows
