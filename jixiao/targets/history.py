"""Last year's actual values of a project, for T13 under_ambitious (DOMAIN.md §4.4).

T13 compares this year's target with what the same project achieved last year. The actual
values are recorded in the self-evaluations (`evaluations`), a later stage than targets, and
imports run towards earlier stages only (DESIGN.md); so, as with the budget gate's checks
(`core.gates`), the later stage registers a provider here when it starts, and the lint asks
every registered provider without knowing who it is.

A provider is `provider(project, year)` → `{indicator_key(name): PreviousActual}`: the readable
quantitative actuals recorded for the same project in `year - 1`, each in the unit it was
read in. `in_target_units` then expresses them in the units of this year's targets; an actual
whose unit does not convert to the target's is left out, never compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.indicators.values import Kind, convert_number

from .declaration import Declaration, indicator_key

__all__ = [
    "PreviousActual",
    "in_target_units",
    "previous_actuals",
    "register_previous_actuals",
    "same_project_last_year",
    "unregister_previous_actuals",
]


@dataclass(frozen=True)
class PreviousActual:
    """An actual value recorded last year: the number and the unit it is in (None: no unit)."""

    number: Decimal
    unit: str | None = None


# provider(project, year) → indicator_key → last year's actual (None or {} when none recorded)
Provider = Callable[[object, int], Mapping[str, PreviousActual] | None]

_PROVIDERS: list[Provider] = []


def register_previous_actuals(provider: Provider) -> Provider:
    """Add a provider (usable as a decorator); registering the same function twice adds it
    once."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister_previous_actuals(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def previous_actuals(
    subject, year: int | None = None, *, had_last_year: bool = True
) -> dict[str, PreviousActual] | None:
    """Last year's actuals of the project of `subject` (a project, or a document of one such
    as a target), `year` being the year of the declaration (default: the subject's year).

    None when no provider is registered (T13 is then skipped); an empty mapping when nothing
    was recorded (T13 runs and finds nothing). Where two providers know the same indicator,
    the first registered wins. Providers read the same project a year earlier
    (`same_project_last_year`); `had_last_year=False`, from a caller that knows the region has
    no such project, answers the empty mapping without asking them.
    """
    if not _PROVIDERS:
        return None
    project = subject.project if hasattr(subject, "project_id") else subject
    if project is None or not had_last_year:  # no project (a whole unit's target) or none last year
        return {}
    year = project.year if year is None else year
    found: dict[str, PreviousActual] = {}
    for provider in _PROVIDERS:
        for key, actual in (provider(project, year) or {}).items():
            found.setdefault(key, actual)
    return found


def in_target_units(
    actuals: Mapping[str, PreviousActual], declaration: Declaration
) -> dict[str, Decimal]:
    """`indicator_key` → last year's actual in the unit of this year's quantitative target of
    the same name (`convert_number`: 万元 ↔ 元, and every conversion the unit table knows).

    Left out: an indicator whose target is not quantitative, whose units do not convert, or
    that appears twice this year in units giving two different numbers (which one T13 should
    compare with is then unclear).
    """
    converted: dict[str, Decimal] = {}
    unclear: set[str] = set()
    for line in declaration.indicators:
        key = indicator_key(line.name)
        actual = actuals.get(key)
        if actual is None or line.value.kind != Kind.QUANTITATIVE:
            continue
        number = convert_number(actual.number, actual.unit, line.value.unit)
        if number is None:
            continue
        if key in converted and converted[key] != number:
            unclear.add(key)
        converted.setdefault(key, number)
    return {key: number for key, number in converted.items() if key not in unclear}


def same_project_last_year(rows, project, year: int, field: str = "project"):
    """The row of `rows` (a queryset of documents with a `field` foreign key to a project) that
    belongs to the same project in `year - 1`, in the same region: the project with the same
    code first, else the one of the same unit with the same name (a code may change between
    years); None when there is none."""
    rows = rows.filter(**{f"{field}__region_id": project.region_id, f"{field}__year": year - 1})
    same_code = rows.filter(**{f"{field}__code": project.code}).first() if project.code else None
    if same_code is not None:
        return same_code
    return rows.filter(
        **{f"{field}__unit_id": project.unit_id, f"{field}__name": project.name}
    ).first()
