"""Budget linkage (与预算挂钩, DOMAIN.md §8.2): next year's proposed amount of one continuing
project from its latest results, the simulator's totals, and the "similar project" test.

A pure module (DESIGN.md, Pure rules): standard library and pure modules only. Every figure is
the rulebook's "linkage" section (`jixiao/results/rules.py`); money is in 万元, Decimals end to
end.

- `propose(results, section)`: the grade that counts is the first of the section's
  `grade_order` (key evaluation, spot check, reviewer's adjusted grade, rules' grade) that has
  one; its row of `table` gives the rule and the percent (优/良 grow, 中 keeps at most this
  year's amount, 差 −30%), a project without a grade follows `no_grade`. An open rectification
  (`open_rectification_keeps`) or an execution rate below `low_execution_rate` caps a growth at
  "keep": no new money. Cancelling is the budget office's choice: it is proposed only for the
  grades the section lists in `cancel_grades` (none by default). The amount is this year's ×
  (100 + percent) / 100, rounded half up to `rounding`. The reason and every step are Messages
  (Chinese text carrying a code and parameters, `core.rule_messages`).
- `simulate(rows, section)`: the proposals of many projects totalled by unit, by office and
  overall: this year's amount, the proposed amount, the difference, and the count per rule.
- `similarity(a, b)` / `similar(a, b, section)`: two project names alike enough (difflib's
  ratio of the names without spaces, punctuation and years, at least `similar_ratio`) that a
  new project like a one-off project graded 差 is blocked at the budget gate.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher

from jixiao.core.rule_messages import Join, Message

__all__ = [
    "GRADE_SOURCES",
    "RULES",
    "ProjectResults",
    "Proposal",
    "SimulationRow",
    "Simulation",
    "Totals",
    "grade_that_counts",
    "propose",
    "similar",
    "similarity",
    "simulate",
]

#: The places a grade may come from, as `ProjectResults` fields and `grade_order` entries.
GRADE_SOURCES = ("key_evaluation", "spot_check", "reviewed", "rules")
#: The rules of the table (LinkageRule's values).
RULES = ("grow", "keep", "cut", "cancel")

HUNDRED = Decimal("100")
# The fixed words, built once (a Message is an immutable str: the same one serves every step).
_SOURCE = {s: Message(f"linkage.source.{s}") for s in GRADE_SOURCES}
_RULE = {r: Message(f"linkage.rule.{r}") for r in RULES}


@dataclass(frozen=True)
class ProjectResults:
    """What is known of one project when next year's amount is proposed.

    `grades` maps a source of `GRADE_SOURCES` to its grade ("优", "良", "中", "差"; missing or ""
    when that source has none); `execution_rate` is paid ÷ full-year budget (a fraction, None
    when the budget was zero); `current_amount` is this year's full-year budget in 万元."""

    current_amount: Decimal
    grades: Mapping[str, str] = field(default_factory=dict)
    open_rectifications: int = 0
    execution_rate: Decimal | None = None
    key_conclusion: str = ""
    one_off: bool = False


@dataclass(frozen=True)
class Proposal:
    rule: str
    percent: Decimal
    current_amount: Decimal
    proposed_amount: Decimal
    grade: str
    grade_source: str
    reason: Message
    explanation: tuple[Message, ...]

    @property
    def difference(self) -> Decimal:
        """The proposed amount minus this year's."""
        return self.proposed_amount - self.current_amount

    def explanation_rows(self) -> list[dict]:
        """The steps as stored rows: the Chinese text and, beside it, its code and parameters."""
        return [{"text": str(m), "text_i18n": m.to_data()} for m in self.explanation]


def _pct(value: Decimal) -> str:
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"+{text}" if value > 0 else text


def _rate(value: Decimal) -> str:
    return f"{(value * HUNDRED).quantize(Decimal('0.01'), ROUND_HALF_UP):f}%"


def _money(value: Decimal) -> str:
    """An amount in 万元 with two decimals, or more when it has them (98.8863)."""
    cents = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{cents:f}" if cents == value else f"{value.normalize():f}"


def grade_that_counts(grades: Mapping[str, str], section: Mapping) -> tuple[str, str]:
    """(grade, source) of the first source in `grade_order` with a grade of the table; ("", "")
    when none has one."""
    table = section["table"]
    for source in section["grade_order"]:
        grade = (grades.get(source) or "").strip()
        if grade in table:
            return grade, source
    return "", ""


def propose(results: ProjectResults, section: Mapping) -> Proposal:
    """The proposal for one project (see the module's text for the rule)."""
    table = section["table"]
    grade, source = grade_that_counts(results.grades, section)
    steps: list[Message] = []
    known = [
        Message(
            "linkage.grade.of",
            source=_SOURCE[s],
            grade=(results.grades.get(s) or "").strip() or "—",
        )
        for s in section["grade_order"]
    ]
    if grade:
        row = table[grade]
        steps.append(
            Message(
                "linkage.step.grade",
                grades=Join(known),
                source=_SOURCE[source],
                grade=grade,
            )
        )
    else:
        row = section["no_grade"]
        steps.append(Message("linkage.step.no_grade", grades=Join(known)))
    rule, percent = row["rule"], Decimal(str(row["percent"]))
    if rule == "keep":
        percent = min(percent, Decimal("0"))  # 中: at most this year's amount
    steps.append(
        Message(
            "linkage.step.row",
            grade=grade or Message("linkage.no_grade"),
            rule=_RULE[rule],
            percent=_pct(percent),
        )
    )
    clauses: list[Message] = [
        Message("linkage.reason.grade", source=_SOURCE[source], grade=grade)
        if grade
        else Message("linkage.reason.no_grade")
    ]
    if grade and grade in section.get("cancel_grades", []):
        rule, percent = "cancel", -HUNDRED
        steps.append(Message("linkage.step.cancel", grade=grade))
    grows = percent > 0
    if grows and results.open_rectifications and section.get("open_rectification_keeps"):
        rule, percent = "keep", Decimal("0")
        steps.append(Message("linkage.step.rectification", n=results.open_rectifications))
        clauses.append(Message("linkage.reason.rectification", n=results.open_rectifications))
    low = Decimal(str(section["low_execution_rate"]))
    if grows and results.execution_rate is not None and results.execution_rate < low:
        rule, percent = "keep", Decimal("0")
        rate, line = _rate(results.execution_rate), _rate(low)
        steps.append(Message("linkage.step.execution", rate=rate, line=line))
        clauses.append(Message("linkage.reason.execution", rate=rate, line=line))
    step = Decimal(str(section["rounding"]))
    current = Decimal(results.current_amount)
    proposed = (current * (HUNDRED + percent) / HUNDRED).quantize(step, ROUND_HALF_UP)
    proposed = max(proposed, Decimal("0").quantize(step))
    steps.append(
        Message(
            "linkage.step.amount",
            current=_money(current),
            percent=_pct(percent),
            proposed=_money(proposed),
        )
    )
    if results.key_conclusion:
        steps.append(Message("linkage.step.conclusion", conclusion=results.key_conclusion))
    if results.one_off:
        steps.append(Message("linkage.step.one_off"))
    clauses.append(
        Message(
            "linkage.reason.rule",
            rule=_RULE[rule],
            percent=_pct(percent),
            proposed=_money(proposed),
        )
    )
    return Proposal(
        rule=rule,
        percent=percent,
        current_amount=current,
        proposed_amount=proposed,
        grade=grade,
        grade_source=source,
        reason=Message("linkage.reason", clauses=Join(clauses, "clauses")),
        explanation=tuple(steps),
    )


# --------------------------------------------------------------------------- the simulator


@dataclass
class Totals:
    """This year's amounts, the proposed ones and the projects per rule of a group."""

    current: Decimal = Decimal("0")
    proposed: Decimal = Decimal("0")
    projects: int = 0
    rules: dict = field(default_factory=lambda: dict.fromkeys(RULES, 0))

    @property
    def difference(self) -> Decimal:
        return self.proposed - self.current

    def add(self, current: Decimal, proposal: Proposal) -> None:
        self.current += current
        self.proposed += proposal.proposed_amount
        self.projects += 1
        self.rules[proposal.rule] = self.rules.get(proposal.rule, 0) + 1


@dataclass(frozen=True)
class SimulationRow:
    """One project to simulate: its unit and office (any labels, e.g. codes) and its results."""

    unit: str
    office: str
    results: ProjectResults


@dataclass
class Simulation:
    by_unit: dict = field(default_factory=dict)
    by_office: dict = field(default_factory=dict)
    total: Totals = field(default_factory=Totals)


def simulate(rows: Iterable[SimulationRow], section: Mapping) -> Simulation:
    """Every row's proposal under `section`, totalled by unit, by office and overall."""
    sim = Simulation()
    for row in rows:
        proposal = propose(row.results, section)
        current = Decimal(row.results.current_amount)
        sim.by_unit.setdefault(row.unit, Totals()).add(current, proposal)
        sim.by_office.setdefault(row.office, Totals()).add(current, proposal)
        sim.total.add(current, proposal)
    return sim


# --------------------------------------------------------------------------- similar projects

_NOISE = re.compile(r"[\s\d()（）\[\]【】《》“”\"'、，,。.·\-—_/]+|年度|年")


def _normal(name: str) -> str:
    return _NOISE.sub("", name or "")


def similarity(name_a: str, name_b: str) -> Decimal:
    """difflib's ratio of the two names without spaces, punctuation, digits and "年(度)", to
    two decimals (1.00 for the same name)."""
    a, b = _normal(name_a), _normal(name_b)
    if not a or not b:
        return Decimal("0.00")
    ratio = Decimal(str(SequenceMatcher(None, a, b).ratio()))
    return ratio.quantize(Decimal("0.01"), ROUND_HALF_UP)


def similar(name_a: str, name_b: str, section: Mapping) -> bool:
    """Whether two project names are alike by the section's `similar_ratio`."""
    return similarity(name_a, name_b) >= Decimal(str(section["similar_ratio"]))
