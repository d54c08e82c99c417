"""The lint's context for the many declarations of one file (`jixiao lint --region R --year Y`):
each declaration's project is found in the region and year by code, else by unit and name, as
the pages find it, with the reads done once a file.

A province or city office lints its districts' declarations in one file: each declaration is
looked up in the region it names (its `region`, the 区划代码 an export writes) when that region
lies within the one given (`FileContexts`), else in the one given.

Looking each declaration up alone cost two queries or more (the earlier
`adapters.context_in_region`), and a province-year's file holds 40,000 declarations. Here the
region's units and the year's projects are read once and looked up in memory, and a unit's T15
signatures are read and parsed once a unit and shared by its declarations (a found project
leaves its own out); a found project's context is otherwise `adapters.project_context`, as on
its page.
"""

from __future__ import annotations

from jixiao.budgets.models import Project
from jixiao.orgs.models import Region, Unit, UnitYear

from .adapters import project_context, signatures_by_unit, unit_signatures
from .declaration import Declaration, LintContext


class RegionContexts:
    """(parties, declaration) → the declaration's `LintContext` in `region` and `year`, or
    None when neither its unit nor its project is there (`parties`: core.schema_read.Parties);
    found by code, else (the unit found by its code, else its latest or that year's name) by the
    unit and the project's name; a unit alone gives T15 against its projects."""

    def __init__(self, region, year: int):
        self.year = year
        names = dict(
            UnitYear.objects.filter(unit__region=region, year=year).values_list("unit_id", "name")
        )
        self.unit_by_code: dict[str, Unit] = {}
        self.unit_by_name: dict[str, Unit] = {}
        # In Unit's order, the first of each code or name is the one `.first()` gave; a unit
        # is found by its latest name or by that year's.
        for unit in Unit.objects.filter(region=region):
            self.unit_by_code.setdefault(unit.code, unit)
            for name in (unit.name, names.get(unit.pk)):
                if name is not None:
                    self.unit_by_name.setdefault(name, unit)
        self.project_by_code: dict[str, Project] = {}
        self.project_by_name: dict[tuple[int, str], Project] = {}
        for project in Project.objects.filter(region=region, year=year).select_related("unit"):
            self.project_by_code.setdefault(project.code, project)
            self.project_by_name.setdefault((project.unit_id, project.name), project)
        self.region_id = region.pk
        self._siblings: dict[int, list] | None = None
        # The projects of the year before, as `history.same_project_last_year` matches them
        # (same code, else same unit and name): a project matching none of them has no target
        # or self-evaluation of last year to read, as in a region's first year on Jixiao.
        before = Project.objects.filter(region=region, year=year - 1)
        self.last_year_codes = set(before.exclude(code="").values_list("code", flat=True))
        self.last_year_names = set(before.values_list("unit_id", "name"))

    def __call__(self, parties, declaration: Declaration) -> LintContext | None:
        unit = self._unit(parties)
        project = None
        if parties.has_project and parties.project_code:
            project = self.project_by_code.get(parties.project_code)
        if parties.has_project and project is None and unit is not None and parties.project_name:
            project = self.project_by_name.get((unit.pk, parties.project_name))
        if project is not None:
            return project_context(
                project,
                declaration,
                unit_signatures=self._signatures(project.unit_id),
                had_last_year=self._had_last_year(project),
            )
        if unit is None:
            return None
        if not parties.has_project:
            return LintContext(siblings=[])  # a whole unit's target, as on its page
        return LintContext(siblings=[sig for _pk, sig in self._signatures(unit.pk)])

    def _had_last_year(self, project: Project) -> bool:
        return (bool(project.code) and project.code in self.last_year_codes) or (
            project.unit_id,
            project.name,
        ) in self.last_year_names

    def _signatures(self, unit_id: int) -> list:
        """The unit's T15 signatures, read and parsed once a file rather than once for each
        of its declarations (a unit declares several projects): the region's units all at
        once, at the first one asked; a unit of another region (a project filed under one)
        alone."""
        if self._siblings is None:
            self._siblings = signatures_by_unit(self.year, unit__region_id=self.region_id)
            for unit in self.unit_by_code.values():
                self._siblings.setdefault(unit.pk, [])
        if unit_id not in self._siblings:
            self._siblings[unit_id] = unit_signatures(unit_id, self.year)
        return self._siblings[unit_id]

    def _unit(self, parties) -> Unit | None:
        """The unit named by `parties`: by code, else by its name."""
        if parties.unit_code:
            return self.unit_by_code.get(parties.unit_code)
        if parties.unit_name:
            return self.unit_by_name.get(parties.unit_name)
        return None


class FileContexts:
    """(parties, declaration) → the declaration's `LintContext` for `jixiao lint --region R
    --year Y`: found in the region the declaration names when it lies within R (R itself or a
    district under it), else in R, as `RegionContexts` finds it there. Without this a province's
    file, whose declarations all belong to its districts, found none of them in the province
    itself and skipped T13, T15 and T17 for every one."""

    def __init__(self, region, year: int):
        self.region, self.year = region, year
        self._within = {
            r.code: r for r in Region.objects.filter(path__startswith=region.path).only("code")
        }
        self._contexts: dict[int, RegionContexts] = {}

    def __call__(self, parties, declaration: Declaration) -> LintContext | None:
        where = self._within.get(parties.region or "") or self.region
        if where.pk not in self._contexts:
            self._contexts[where.pk] = RegionContexts(where, self.year)
        return self._contexts[where.pk](parties, declaration)
