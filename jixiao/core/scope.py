"""The one scope filter (DESIGN.md, Scope: who sees what).

A user's `Scope` says which rows they may see: whole regions (budget office, performance office,
auditor), the units assigned to business offices (归口), or units (a unit's own staff, with its
level-2 units). Every model that holds budget data uses `ScopedQuerySet` and says, in one
`scope_q` classmethod, how its rows reach a region, an office and a unit. Every view, API
endpoint, export and search starts from `Model.objects.visible_to(user)`; an object outside it
is a 404, never a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    """The rows a user may read. An empty scope reads nothing (system admin, anonymous)."""

    region_paths: tuple[str, ...] = ()
    office_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    # A third-party agency or expert sees only the work assigned to it (DOMAIN.md §3).
    assignee_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.region_paths or self.office_ids or self.unit_ids or self.assignee_id)

    def covers_region_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.region_paths)


EMPTY_SCOPE = Scope()


def scope_of(user) -> Scope:
    """The user's scope; the orgs app gives users a `get_scope()` (core knows no users)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    getter = getattr(user, "get_scope", None)
    return getter() if getter else EMPTY_SCOPE


def scope_filter(
    scope: Scope,
    *,
    region_path: str | None = None,
    unit: str | None = None,
    office: Callable[[frozenset[int]], Q] | None = None,
) -> Q:
    """Build the Q object for a scope from a model's paths.

    `region_path` is the lookup to the row's region path ("region__path"), `unit` the lookup to
    its unit id ("unit_id"), `office` a function giving the condition for rows whose unit is
    assigned to one of the offices (it may depend on the row's year: DOMAIN.md §11).
    """
    parts: list[Q] = []
    if region_path:
        parts += [Q(**{f"{region_path}__startswith": p}) for p in scope.region_paths]
    if unit and scope.unit_ids:
        parts.append(Q(**{f"{unit}__in": sorted(scope.unit_ids)}))
    if office and scope.office_ids:
        parts.append(office(scope.office_ids))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScopedQuerySet:
        scope = scope_of(user)
        if scope.empty:
            return self.none()
        return self.filter(self.model.scope_q(scope))

    def get_visible_or_404(self, user, **lookup):
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def in_work(self, region, year: int | None) -> ScopedQuerySet:
        """The rows of a list's working region and year: those of `region` and the regions
        under it (all for None), of `year` (all for None or 0)."""
        rows = self
        if region is not None:
            rows = rows.filter(region__path__startswith=region.path)
        if year:
            rows = rows.filter(year=year)
        return rows


class RegionReader:
    """A reader that sees one whole region: the CLI's exports use the same selectors as the
    pages, through this stand-in for a signed-in user of the bureau."""

    is_authenticated = True
    is_active = True
    pk = None
    username = "cli"
    role_set = frozenset()

    def __init__(self, region_path: str):
        self._scope = Scope(region_paths=(region_path,))

    def get_scope(self) -> Scope:
        return self._scope

    def has_role(self, *roles) -> bool:
        return False
