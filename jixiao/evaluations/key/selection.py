"""Choosing key evaluations (重点评价立项, DOMAIN.md §6.4): the ranking of candidates, what a key
project is, and the five-year cover.

A pure module (DESIGN.md, Pure rules): standard library and pure modules only. Every weight, line
and point table comes from the rulebook's "key_evaluation" section
(jixiao.evaluations.key.defaults, whose docstring says how each factor becomes 0..100 points),
and every result explains itself:

    金额 1850万元 = 最大值的 78.8% → 78.80 × 30% = 23.64；覆盖面 …；合计 71.20

Money is in 万元. Each factor's points and its weighted part are rounded half up to the
section's `places`; the total is the sum of the rounded parts.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.core.rule_messages import Join, Message

from .figures import as_decimal, percent, places, plain, round_half_up

__all__ = [
    "FACTORS",
    "Candidate",
    "Cover",
    "Factor",
    "KeyTest",
    "Ranked",
    "cover_due",
    "is_key_project",
    "rank_candidates",
]

#: The selection factors, in the order they are shown (keys of `selection.weights`).
FACTORS = ("amount", "coverage", "attention", "years", "last_grade")

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Candidate:
    """A project or policy that might be chosen. `key` is the caller's (a project id)."""

    name: str
    amount: Decimal | None = None  # 万元
    beneficiaries: int | Decimal | None = None
    units: int | None = None  # units involved
    attention: bool = False
    attention_note: str = ""
    last_evaluated_year: int | None = None
    last_grade: str | None = None
    key: object = None


@dataclass(frozen=True)
class Factor:
    """One factor of a candidate: its points 0..100, its weight in %, the weighted part."""

    name: str  # a key of FACTORS
    points: Decimal
    weight: Decimal
    weighted: Decimal
    explanation: str


@dataclass(frozen=True)
class Ranked:
    """A candidate with its place (1 = first), its factors and total, and how they came about."""

    candidate: Candidate
    rank: int
    factors: tuple[Factor, ...]
    total: Decimal
    explanation: str

    def factor(self, name: str) -> Factor:
        return next(f for f in self.factors if f.name == name)


def rank_candidates(candidates: Iterable[Candidate], rules: Mapping, *, year: int) -> list[Ranked]:
    """The candidates by their weighted total, highest first (ties: the larger amount, then the
    input order). `year` is the plan's year, for the years since each was last evaluated."""
    candidates = list(candidates)
    s = rules["selection"]
    step = places(rules)
    weights = {name: as_decimal(s["weights"][name]) for name in FACTORS}
    largest = {
        "amount": max((c.amount or 0 for c in candidates), default=0),
        "beneficiaries": max((c.beneficiaries or 0 for c in candidates), default=0),
        "units": max((c.units or 0 for c in candidates), default=0),
    }
    scored = []
    for candidate in candidates:
        factors = []
        for name in FACTORS:
            points, shown = _POINTS[name](candidate, s, largest, year, step)
            points = round_half_up(points, step)
            weighted = round_half_up(points * weights[name] / HUNDRED, step)
            explanation = Message("key.sel.factor", shown=shown, points=f"{points:f}",
                                  weight=percent(weights[name] / HUNDRED),
                                  weighted=f"{weighted:f}")  # fmt: skip
            factors.append(Factor(name, points, weights[name], weighted, explanation))
        total = sum((f.weighted for f in factors), Decimal(0))
        explanation = Message("key.sel.total", parts=Join((f.explanation for f in factors),
                                                          "clauses"), total=f"{total:f}")  # fmt: skip
        scored.append((candidate, tuple(factors), total, explanation))
    order = sorted(range(len(scored)), key=lambda i: (-scored[i][2],
                                                      -(scored[i][0].amount or 0), i))  # fmt: skip
    return [Ranked(scored[i][0], rank, scored[i][1], scored[i][2], scored[i][3])
            for rank, i in enumerate(order, start=1)]  # fmt: skip


def _share(value, largest) -> tuple[Decimal, str]:
    """100 × value / largest, and the share as shown ('78.8%')."""
    value, largest = Decimal(value or 0), Decimal(largest or 0)
    if largest <= 0 or value <= 0:
        return Decimal(0), "0%"
    share = value / largest
    return HUNDRED * share, percent(round_half_up(share, Decimal("0.001")))


def _amount(c: Candidate, s, largest, year, step) -> tuple[Decimal, str]:
    points, share = _share(c.amount, largest["amount"])
    return points, Message("key.sel.amount", amount=plain(Decimal(c.amount or 0)), share=share)


def _coverage(c: Candidate, s, largest, year, step) -> tuple[Decimal, str]:
    mix = {k: as_decimal(v) for k, v in s["coverage_mix"].items()}
    people, people_share = _share(c.beneficiaries, largest["beneficiaries"])
    units, units_share = _share(c.units, largest["units"])
    points = people * mix["beneficiaries"] + units * mix["units"]
    shown = Message("key.sel.coverage", people=plain(Decimal(c.beneficiaries or 0)),
                    people_share=people_share, units=c.units or 0, units_share=units_share,
                    people_mix=percent(mix["beneficiaries"]), units_mix=percent(mix["units"]))  # fmt: skip
    return points, shown


def _attention(c: Candidate, s, largest, year, step) -> tuple[Decimal, str]:
    if c.attention:
        note = Message("key.sel.note", note=c.attention_note) if c.attention_note else ""
        return as_decimal(s["attention"]["flagged"]), Message("key.sel.attention", note=note)
    return as_decimal(s["attention"]["not_flagged"]), Message("key.sel.no_attention")


def _years(c: Candidate, s, largest, year, step) -> tuple[Decimal, str]:
    if c.last_evaluated_year is None:
        return as_decimal(s["years"]["never"]), Message("key.sel.never")
    cycle = int(s["years"]["cycle"])
    years = max(year - c.last_evaluated_year, 0)
    points = HUNDRED * min(Decimal(years) / cycle, Decimal(1)) if cycle > 0 else HUNDRED
    return points, Message("key.sel.years", last=c.last_evaluated_year, years=years, cycle=cycle)


def _last_grade(c: Candidate, s, largest, year, step) -> tuple[Decimal, str]:
    grade = (c.last_grade or "").strip()
    if grade and grade in s["last_grade"]:
        return as_decimal(s["last_grade"][grade]), Message("key.sel.grade", grade=grade)
    return as_decimal(s["last_grade_none"]), Message("key.sel.no_grade")


_POINTS = {"amount": _amount, "coverage": _coverage, "attention": _attention, "years": _years,
           "last_grade": _last_grade}  # fmt: skip


# --------------------------------------------------------------------------- key projects


@dataclass(frozen=True)
class KeyTest:
    """Whether a project is a key project, and why; true as a boolean when it is."""

    is_key: bool
    explanation: str

    def __bool__(self) -> bool:
        return self.is_key


def is_key_project(amount: Decimal | None, kinds: Iterable[str], rules: Mapping) -> KeyTest:
    """A key project: a full-year budget (万元) at or above the line, or a special fund (one of
    the kinds the rulebook names: 专项资金 by default)."""
    line = as_decimal(rules["key_project"]["line"])
    special = [k for k in kinds if k in rules["key_project"]["kinds"]]
    amount_shown = plain(Decimal(amount)) if amount is not None else "—"
    if amount is not None and Decimal(amount) >= line:
        return KeyTest(True, Message("key.keyp.amount", amount=amount_shown, line=plain(line)))
    if special:
        return KeyTest(True, Message("key.keyp.kind", kinds=Join(special)))
    return KeyTest(False, Message("key.keyp.not", amount=amount_shown, line=plain(line),
                                  kinds=Join(rules["key_project"]["kinds"])))  # fmt: skip


@dataclass(frozen=True)
class Cover:
    """The five-year cover of a key project in `year`: whether it must be evaluated this year
    (`due`), the last year by which it must be evaluated again (`by`), and why."""

    due: bool
    by: int | None
    explanation: str = field(default="")


def cover_due(last_evaluated_year: int | None, year: int, rules: Mapping) -> Cover:
    """Each key project is evaluated at least once in `cover_cycle` years: never evaluated, or
    last evaluated `cover_cycle` or more years before `year`, it is due this year."""
    cycle = int(rules["cover_cycle"])
    if last_evaluated_year is None:
        return Cover(True, year, Message("key.cover.never", cycle=cycle))
    by = last_evaluated_year + cycle
    if year >= by:
        return Cover(True, year, Message("key.cover.due", last=last_evaluated_year,
                                         years=year - last_evaluated_year, cycle=cycle))  # fmt: skip
    return Cover(False, by, Message("key.cover.later", last=last_evaluated_year, by=by,
                                    cycle=cycle))  # fmt: skip
