"""Reads on targets: lists per role, the reviewer's queue, one target with its context."""

from __future__ import annotations

from typing import Unpack

from django.db.models import Q, QuerySet

from jixiao.core.compiled import KeyedQuery, prefetched
from jixiao.core.listing import ListFilters, narrowed
from jixiao.core.scope_read import ScopedRow
from jixiao.core.sorting import Sorts
from jixiao.indicators.models import IndicatorTemplate
from jixiao.orgs.models import Region, User

from .models import Indicator, Target, TargetStatus
from .workflow import TARGET_WORKFLOW

#: The columns the target list and the review queue sort by (core/sorting.py): by unit (its
#: code, then the project's), by project code, amount, status, lint findings (the blocking
#: ones first), submission time and deadline.
TARGET_COLUMNS = {
    "unit": ("unit__code", "project__code"),
    "project": ("project__code",),
    "amount": ("amount_total",),
    "status": ("status",),
    "findings": ("blocking_count", "warning_count"),
    "submitted": ("submitted_at", "unit__code"),
    "deadline": ("deadline",),
}
TARGET_SORTS = Sorts("unit", **TARGET_COLUMNS)
#: The review queue: the oldest submission first, unless asked otherwise.
QUEUE_SORTS = Sorts("submitted", **TARGET_COLUMNS)


def target_list(
    *,
    user: User,
    subject: str = "",
    findings: str = "",
    sort: str = "",
    **filters: Unpack[ListFilters],
) -> QuerySet[Target]:
    """The current versions of the declarations the user sees, by the shared list filters
    (words: the project's name or code, the unit's name), the subject (`project`, `unit`) and
    the lint findings (`blocking`, `any`), in the order `sort` asks for (`TARGET_SORTS`)."""
    rows = Target.objects.visible_to(user).current().select_related("unit", "project", "region")
    rows = narrowed(
        rows,
        statuses=TargetStatus.values,
        search=("project__name", "project__code", "unit__name"),
        **filters,
    )
    if subject == "project":
        rows = rows.filter(project__isnull=False)
    elif subject == "unit":
        rows = rows.filter(project__isnull=True)
    if findings == "blocking":
        rows = rows.filter(blocking_count__gt=0)
    elif findings == "any":
        rows = rows.filter(Q(blocking_count__gt=0) | Q(warning_count__gt=0))
    return TARGET_SORTS.apply(rows, sort)


def review_queue(
    *, user: User, region: Region | None, year: int | None, sort: str = ""
) -> QuerySet[Target]:
    """What waits for this user's action now (DOMAIN.md §4.5): the workflow's own answer, the
    oldest submission first unless `sort` asks otherwise (`QUEUE_SORTS`)."""
    rows = target_list(user=user, region=region, year=year)
    return QUEUE_SORTS.apply(rows.filter(TARGET_WORKFLOW.waiting_q(user)), sort)


def target_get(*, user: User, pk: int, indicators: bool = True) -> Target:
    """One target the user sees (404 otherwise) with the rows its pages draw: the unit, the
    project and the region (the year lock, the rulebook). The previous version, the attesting
    user and the parent project are read by no page, so they are not joined; the indicators
    come in one query, in order, unless the caller reads none (`indicators=False`: a save,
    whose service reads them again under its lock)."""
    target = _TARGET_PAGE.get_or_404(user, pk)
    if indicators:
        rows = TARGET_INDICATORS.all(target.pk)
        prefetched(target, "indicators", rows, Indicator.objects.order_by("position"))
    return target


# Read on every page, save and step of a target, by SQL compiled once a process for each
# shape of scope (core/scope_read.py), with the model's own scope filter.
_TARGET_PAGE = ScopedRow(lambda: Target.objects.select_related("unit", "project", "region"))
#: A target's indicators in order, by SQL compiled once a process: the detail page (and every
#: review step that leads to it) and the edit page read them; through the ORM, building the
#: prefetch's query cost more CPU (about 0.5 ms) than the database's answer.
TARGET_INDICATORS = KeyedQuery(
    lambda target_id: Indicator.objects.filter(target_id=target_id).order_by("position"), 30001
)


def target_versions(*, target: Target) -> list[Target]:
    """Every version of the same declaration, newest first, with the columns the detail page
    draws of them (the id, the version, the status; the others deferred), by SQL compiled once
    a process: the page, and every review step that leads to it, read the whole rows (their
    findings and grades decoded) through the ORM."""
    if target.project_id:
        return _PROJECT_VERSIONS.all(target.unit_id, target.year, target.project_id)
    return _UNIT_VERSIONS.all(target.unit_id, target.year)


_VERSION_COLUMNS = ("id", "version", "status", "unit_id", "year", "project_id")


def _project_versions(unit_id, year, project_id):
    rows = Target.objects.filter(unit_id=unit_id, year=year, project_id=project_id)
    return rows.order_by("-version").only(*_VERSION_COLUMNS)


def _unit_versions(unit_id, year):
    rows = Target.objects.filter(unit_id=unit_id, year=year, project__isnull=True)
    return rows.order_by("-version").only(*_VERSION_COLUMNS)


_PROJECT_VERSIONS = KeyedQuery(_project_versions, 30001, 30002, 30003)
_UNIT_VERSIONS = KeyedQuery(_unit_versions, 30001, 30002)


def library_search(
    *,
    q: str = "",
    sector: str = "",
    subcategory: str = "",
    region: Region | None = None,
    limit: int = 50,
) -> QuerySet[IndicatorTemplate]:
    rows = IndicatorTemplate.objects.filter(active=True)
    rows = (
        rows.filter(Q(region__isnull=True) | Q(region=region))
        if region
        else rows.filter(region__isnull=True)
    )
    if sector:
        rows = rows.filter(sector=sector)
    if subcategory:
        rows = rows.filter(subcategory=subcategory)
    if q:
        rows = rows.filter(
            Q(name__icontains=q) | Q(explanation__icontains=q) | Q(subcategory__icontains=q)
        )
    return rows[:limit]


def library_sectors() -> list[str]:
    return list(
        IndicatorTemplate.objects.filter(active=True)
        .values_list("sector", flat=True)
        .distinct()
        .order_by("sector")
    )
