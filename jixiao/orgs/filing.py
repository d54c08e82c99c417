"""Who may file a stage document, and 代录 (filing on a unit's behalf) (DOMAIN.md §3).

Filling a target declaration, a monitoring report or a self-evaluation is the unit filer's
right: a filer files for their own unit and its level-2 units. The budget and performance
offices may import a region's documents on the units' behalf through the command line (代录):
each document is saved as its unit's filer account, so the unit's leader still attests and
submits it. The page import is for filers only (`as_filer=True`): on screen the bureau reviews
what units write, it does not write it.

The document importers (`core.document_imports.DocumentImporter`) take this module as their `filing`:
core knows nothing of roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .models import Role
from .selectors import filers_for_units

#: The offices that may file on the units' behalf (代录), through the command line.
FILING_OFFICES = (Role.BUDGET, Role.PERFORMANCE)


def is_filer(actor) -> bool:
    return actor.has_role(Role.FILER)


def is_bureau(actor, *, as_filer: bool) -> bool:
    """The budget or performance office importing for the units (never on the page)."""
    return not as_filer and actor.has_role(*FILING_OFFICES)


def may_import(actor, *, as_filer: bool) -> bool:
    """A filer, or (代录, not on the page) the budget or performance office."""
    return is_filer(actor) or is_bureau(actor, as_filer=as_filer)


def may_file(actor, unit_id: int, region_path: str, *, as_filer: bool) -> bool:
    """May the actor file this unit's document (of a unit in the region at `region_path`)?
    A filer of the unit (or of its level-1 unit), or the bureau whose scope covers the region."""
    scope = actor.get_scope()
    if is_filer(actor) and unit_id in scope.unit_ids:
        return True
    return is_bureau(actor, as_filer=as_filer) and scope.covers_region_path(region_path)


def assign_filers(forms: Iterable, unit_of: Callable[[object], tuple[int, int]], *, actor) -> list:
    """Set each form's `filer`, the account that saves it: the importing filer for their own
    units, else (代录) the unit's filer account for the year (`unit_of(form)` → (unit id,
    year)). Returns the forms whose unit has no filer account (an error for the importer)."""
    scope = actor.get_scope()
    pending = []
    for form in forms:
        if is_filer(actor) and unit_of(form)[0] in scope.unit_ids:
            form.filer = actor
        else:
            pending.append(form)
    if not pending:
        return []
    filers = filers_for_units(unit_of(form) for form in pending)
    missing = []
    for form in pending:
        form.filer = filers.get(unit_of(form)[0])
        if form.filer is None:
            missing.append(form)
    return missing
