"""Reads on organisations (DESIGN.md: selectors start from the user's scope)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from jixiao.core import audit
from jixiao.core.models import AuditLog
from jixiao.core.sorting import Sorts

from .models import Office, Region, Role, Unit, UnitYear, User

#: The columns the unit list sorts by (core/sorting.py): the code (the default), the name (in
#: the database's collation), the level, the parent unit's and the office's codes.
UNIT_SORTS = Sorts(
    "code",
    code=("unit__code",),
    name=("name", "unit__code"),
    level=("level", "unit__code"),
    parent=("parent__code", "unit__code"),
    office=("office__code", "unit__code"),
)


def unit_year_list(
    *,
    user: User,
    region: Region,
    year: int,
    office: str = "",
    level: str = "",
    q: str = "",
    sort: str = "",
) -> QuerySet[UnitYear]:
    """Units as they stood in `year` in the region, within the user's scope, in the order
    `sort` asks for (`UNIT_SORTS`)."""
    rows = (
        UnitYear.objects.visible_to(user)
        .filter(year=year, unit__region=region)
        .select_related("unit", "parent", "office")
    )
    if office:
        rows = rows.filter(office_id=office)
    if level in {"1", "2"}:
        rows = rows.filter(level=int(level))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(unit__code__icontains=q))
    return UNIT_SORTS.apply(rows, sort)


def unit_history(*, unit: Unit) -> QuerySet[UnitYear]:
    return unit.years.select_related("parent", "office").order_by("-year")


def business_offices(*, region: Region | None) -> QuerySet[Office]:
    return Office.objects.filter(region=region, kind=Office.Kind.BUSINESS).order_by("code")


def audit_log_list(
    *,
    user: User,
    q: str = "",
    action: str = "",
    object_type: str = "",
    actor: str = "",
    batch: str = "",
    since: str = "",
    until: str = "",
    sort: str = "",
) -> audit.EntryList | QuerySet[AuditLog]:
    """The audit log for auditors: entries of the regions they oversee (DOMAIN.md §3), with the
    changes of batch entries (imports) listed one per object, as single entries are. `since`
    and `until` are days (2022-03-01), both included, in the site's time zone; a day that is
    no date is no filter (the page's date inputs send only dates). `sort` orders them
    (`audit.ENTRY_SORTS`: newest first unless asked)."""
    if not user.has_role(Role.AUDITOR):
        return AuditLog.objects.none()
    codes = Region.objects.visible_to(user).values("code")
    conditions = [Q(region_code__in=codes) | Q(region_code="")]
    if action:
        conditions.append(Q(action=action))
    if object_type:
        conditions.append(Q(object_type=object_type))
    if actor:
        conditions.append(Q(actor_name=actor))
    if batch:
        try:
            conditions.append(Q(batch=uuid.UUID(batch)))
        except ValueError:
            return AuditLog.objects.none()
    if q:
        conditions.append(Q(object_repr__icontains=q) | Q(message__icontains=q))
    if (first := _day_start(since)) is not None:
        conditions.append(Q(created_at__gte=first))
    if (last := _day_start(until, after=1)) is not None:
        conditions.append(Q(created_at__lt=last))
    return audit.EntryList(*conditions, sort=sort)


def audit_log_rows(*, user: User, region=None, year=None, type: str = "", **filters):
    """`audit_log_list` as a list page calls its selector (the working region and year, which
    the log does not follow: an auditor reads every region of theirs, every year)."""
    return audit_log_list(user=user, object_type=type, **filters)


def _day_start(text: str, *, after: int = 0):
    """The first moment of the day `text` names (plus `after` days), in the site's time zone;
    None when it names none."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateparse import parse_date

    try:
        day = parse_date((text or "").strip())
    except ValueError:
        return None
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=after), dt.time()))


def filers_for_units(unit_years) -> dict[int, User]:
    """For (unit id, year) pairs, the filer account that records documents on a unit's behalf
    (代录): an active filer of the unit, else of its level-1 unit that year. Units with
    neither are missing from the result."""
    from collections import defaultdict

    unit_years = list(unit_years)
    parents = dict(
        UnitYear.objects.filter(
            unit_id__in={u for u, _y in unit_years}, year__in={y for _u, y in unit_years}
        ).values_list("unit_id", "parent_id")
    )
    candidates = defaultdict(list)
    wanted = {*(p for p in parents.values() if p), *(u for u, _y in unit_years)}
    for user in User.objects.filter(is_active=True, unit_id__in=wanted).order_by("username"):
        if user.has_role(Role.FILER):
            candidates[user.unit_id].append(user)
    found = {}
    for unit, _year in unit_years:
        users = candidates.get(unit) or candidates.get(parents.get(unit)) or []
        if users:
            found[unit] = users[0]
    return found


def unit_names(documents) -> dict[tuple[int, int], tuple[str, str]]:
    """For documents with `unit_id` and `year`: (unit, year) → (the unit's name that year, its
    主管部门: the level-1 unit over it), as the official forms print them."""
    found = {}
    rows = (
        UnitYear.objects.filter(
            unit_id__in={d.unit_id for d in documents}, year__in={d.year for d in documents}
        )
        .select_related("parent")
        .only("unit_id", "year", "name", "parent__name")
    )
    for uy in rows:
        found[(uy.unit_id, uy.year)] = (uy.name, uy.parent.name if uy.parent_id else uy.name)
    return found


def unit_choices(*, user: User, region: Region, year: int) -> QuerySet[UnitYear]:
    """The units of a list page's unit filter: those of the region this user sees that year."""
    return (
        UnitYear.objects.visible_to(user)
        .filter(year=year, unit__region=region)
        .select_related("unit")
        .order_by("unit__code")
    )


def rows_for_region_code(selector, *, user: User, region: str, **filters):
    """A list selector's rows for the region with this code (the API's `region` parameter):
    every region the user sees for "", none for a code that names no region."""
    found = Region.objects.filter(code=region).first() if region else None
    rows = selector(user=user, region=found, **filters)
    return rows.none() if region and found is None else rows


def rows_for_list_query(selector, *, user: User, query, **filters):
    """A list selector's rows for an API list's shared parameters (`core.api.ListQuery`): the
    region by its code (`rows_for_region_code`), the year, and the unit by its code."""
    rows = rows_for_region_code(
        selector, user=user, region=query.region, year=query.year, **filters
    )
    return rows.filter(unit__code=query.unit) if query.unit else rows
