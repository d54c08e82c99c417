"""Conflicts of interest (回避) when an agency or an expert is assigned to a key evaluation
(DOMAIN.md §6.4; 财预〔2021〕6号, 财监〔2021〕4号).

A pure module (DESIGN.md, Pure rules): standard library and pure modules only, on plain
dataclasses the caller fills from its models. `conflict_reasons(person, evaluation, rules)`
lists every reason the person cannot be assigned, each a Chinese sentence; an empty list means
no conflict. The reasons:

- an expert whose employer is the evaluated unit or one of its level-2 units;
- an agency that did the unit's self-evaluation, or consulting for it, in the evaluation's year;
- a blacklisted agency, while its blacklist period runs;
- an agency with a major violation in evaluation work in the last `agency.violation_years`
  years (the rulebook's "key_evaluation" section; 3 by default);
- anyone with a declared tie to the unit or one of its level-2 units;
- the commissioning unit is never the evaluated unit (whoever is assigned).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from jixiao.core.rule_messages import Message

__all__ = ["Blacklisting", "EvaluationFacts", "Party", "Violation", "conflict_reasons"]

EXPERT, AGENCY = "expert", "agency"


@dataclass(frozen=True)
class Blacklisting:
    """A blacklist entry: from `start` to `end` (inclusive; None = open-ended), and why."""

    reason: str
    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Violation:
    """A violation in evaluation work found against an agency."""

    on: date
    description: str
    major: bool = True


@dataclass(frozen=True)
class Party:
    """An expert or an agency, as far as conflicts go. Units are named by their codes."""

    name: str
    kind: str = EXPERT  # EXPERT or AGENCY
    employer: str | None = None  # an expert's employer unit
    ties: frozenset[str] = frozenset()  # units the person declared a tie with
    self_evaluations: frozenset[tuple[str, int]] = frozenset()  # (unit, year) done for the unit
    consulting: frozenset[tuple[str, int]] = frozenset()  # (unit, year) consulting for the unit
    blacklist: tuple[Blacklisting, ...] = ()
    violations: tuple[Violation, ...] = ()


@dataclass(frozen=True)
class EvaluationFacts:
    """The evaluation being staffed: the evaluated unit, its level-2 units, the year, the day of
    the assignment and the commissioning unit (委托方)."""

    unit: str
    year: int
    on: date
    unit_name: str = ""
    level2_units: frozenset[str] = field(default_factory=frozenset)
    commissioning_unit: str | None = None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def conflict_reasons(person: Party, evaluation: EvaluationFacts, rules: Mapping) -> list[str]:
    """Every reason `person` cannot be assigned to `evaluation` (empty: no conflict)."""
    unit = evaluation.unit_name or evaluation.unit
    units = {evaluation.unit} | set(evaluation.level2_units)
    reasons: list[str] = []
    if evaluation.commissioning_unit and evaluation.commissioning_unit == evaluation.unit:
        reasons.append(Message("key.conflict.commissioning", unit=unit))
    if person.kind == EXPERT and person.employer in units:
        code = "key.conflict.employer" if person.employer == evaluation.unit else \
            "key.conflict.employer_level2"  # fmt: skip
        reasons.append(Message(code, name=person.name, unit=unit, employer=person.employer))
    if person.kind == AGENCY:
        reasons += _agency_reasons(person, evaluation, unit, units, rules)
    tied = sorted(person.ties & units)
    if tied:
        reasons.append(Message("key.conflict.tie", name=person.name, unit=unit))
    return reasons


def _agency_reasons(person: Party, evaluation: EvaluationFacts, unit: str, units: set,
                    rules: Mapping) -> list[str]:  # fmt: skip
    reasons: list[str] = []
    year = evaluation.year
    if any(u in units and y == year for u, y in person.self_evaluations):
        reasons.append(Message("key.conflict.self_evaluation", name=person.name, unit=unit,
                               year=year))  # fmt: skip
    if any(u in units and y == year for u, y in person.consulting):
        reasons.append(Message("key.conflict.consulting", name=person.name, unit=unit,
                               year=year))  # fmt: skip
    for entry in person.blacklist:
        if entry.covers(evaluation.on):
            period = _period(entry)
            reasons.append(Message("key.conflict.blacklist", name=person.name, period=period,
                                   reason=entry.reason))  # fmt: skip
    years = int(rules["agency"]["violation_years"])
    since = _years_before(evaluation.on, years)
    for violation in person.violations:
        if violation.major and since < violation.on <= evaluation.on:
            reasons.append(Message("key.conflict.violation", name=person.name, years=years,
                                   on=violation.on.isoformat(),
                                   description=violation.description))  # fmt: skip
    return reasons


def _period(entry: Blacklisting) -> str:
    start = entry.start.isoformat() if entry.start else ""
    if entry.end is None:
        return Message("key.conflict.since", start=start) if start else ""
    return Message("key.conflict.period", start=start, end=entry.end.isoformat())
