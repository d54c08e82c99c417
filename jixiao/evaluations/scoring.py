"""Scores and grades of a project self-evaluation (DOMAIN.md §6.2).

A pure module (DESIGN.md, Pure rules): standard library, `jixiao.indicators.values` and
`jixiao.evaluations.selfeval_data` only. `score(selfeval, rules=...)` takes the rulebook's "scoring"
section (jixiao.evaluations.rules) and returns every figure with its explanation, the formula
and the numbers used ("≥100人次, 实际87: 10 × 87/100 = 8.70"). Nothing here holds a weight,
threshold or band: all of them come from the rules.

An actual written in another unit of its target's family is scored in the target's unit, converted
exactly by `parse_actual_value` (jixiao.indicators.units; the real tables of tests/corpus widen
DOMAIN.md §4.2's money-only rule): "≥1公里, 实际870米 = 0.87公里（单位换算）: 10 × 0.87/1 = 8.70".
An actual in a unit of another family is an error on that indicator (unit_mismatch), never a
silent comparison.

What cannot be computed is an error on its indicator (score None) and the rest is still scored;
what leaves the figure computable is a warning (CONTRACT.md). Each indicator score is rounded to
two decimals half up (四舍五入); the total is the sum of the rounded parts. Computations are exact
Decimal arithmetic, multiplying before dividing, so a score of x.xx5 rounds up.

Explanations, errors and warnings are `jixiao.core.rule_messages.Message`s: the Chinese text, with
a code and parameters (templates: `rule_messages.MESSAGES`) so that the web pages render them in
the user's language; `to_data(i18n=True)` stores the codes and parameters beside the texts.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from jixiao.core.rule_messages import Join, Message
from jixiao.indicators.catalogue import CLASSIC_CATALOGUE, place_indicator
from jixiao.indicators.values import Kind, Op

from .selfeval_data import EvaluatedIndicator, Issue, Money, SelfEvalSheet

__all__ = [
    "Band",
    "ExecutionScore",
    "IndicatorScore",
    "ScoreResult",
    "ScoringParams",
    "ScoringRulesError",
    "grade_for",
    "issues_data",
    "round_half_up",
    "score",
    "scoring_params",
    "with_i18n",
]

_PRECISION = 50  # digits for exact ratios of money in 万元 with 6 decimals
_UP = (Op.GE, Op.GT)
_DOWN = (Op.LE, Op.LT)


class ScoringRulesError(ValueError):
    """A "scoring" rulebook value that is not one of the choices DOMAIN.md §10 allows."""


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Band:
    """A qualitative band as shares of the weight (DOMAIN.md §6.2)."""

    label: str
    low: Decimal
    high: Decimal
    high_inclusive: bool
    full_without_score: bool

    def bounds(self, weight: Decimal) -> tuple[Decimal, Decimal]:
        return self.low * weight, self.high * weight

    def holds(self, value: Decimal, weight: Decimal) -> bool:
        low, high = self.bounds(weight)
        return low <= value and (value <= high if self.high_inclusive else value < high)

    def describe(self, weight: Decimal) -> str:
        """'6 ≤ 得分 < 8' for 部分达成 with weight 10."""
        low, high = self.bounds(weight)
        op = "≤" if self.high_inclusive else "<"
        return Message("score.band.range", low=_num(low), op=op, high=_num(high))


@dataclass(frozen=True)
class ScoringParams:
    """The "scoring" rulebook section, read once into Decimals and checked (see rules.py)."""

    execution_weight: Decimal
    denominator: str
    totals: Mapping[str, Decimal]
    share: Mapping[str, str]
    satisfaction: str
    no_satisfaction_to: str
    weight_tolerance: Decimal
    less_rule: str
    equal_penalises_overshoot: bool
    over_achievement: Decimal
    deadline_unit: str
    deadline_size: int
    deadline_deduct: Decimal
    bands: tuple[Band, ...]
    grades: tuple[tuple[str, Decimal], ...]
    places: Decimal
    rate_places: Decimal
    self_score_tolerance: Decimal

    def band(self, label: str) -> Band | None:
        return next((b for b in self.bands if b.label == label), None)


def _choice(value, allowed: tuple, key: str):
    if value not in allowed:
        shown = "、".join(str(a) for a in allowed)
        raise ScoringRulesError(f"规则库 scoring.{key} 的取值“{value}”无效，可选：{shown}")
    return value


def scoring_params(rules: Mapping) -> ScoringParams:
    """Read the rulebook's "scoring" section; raises ScoringRulesError on an unknown choice."""
    quantitative, deadline = rules["quantitative"], rules["deadline"]
    totals = {c: Decimal(v) for c, v in rules["totals"].items()}
    receivers = (*totals, "proportional")
    return ScoringParams(
        execution_weight=Decimal(rules["execution"]["weight"]),
        denominator=_choice(rules["execution"]["denominator"], ("full_year", "received"),
                            "execution.denominator"),
        totals=totals, share=dict(rules["share"]),
        satisfaction=rules["satisfaction_category"],
        no_satisfaction_to=_choice(rules["no_satisfaction_to"], receivers, "no_satisfaction_to"),
        weight_tolerance=Decimal(rules["weight_tolerance"]),
        less_rule=_choice(quantitative["less_rule"], ("linear", "ratio"),
                          "quantitative.less_rule"),
        equal_penalises_overshoot=bool(quantitative["equal_penalises_overshoot"]),
        over_achievement=Decimal(rules["over_achievement"]),
        deadline_unit=_choice(deadline["unit"], ("month", "day"), "deadline.unit"),
        deadline_size=max(int(deadline["size"]), 1),
        deadline_deduct=Decimal(deadline["deduct"]),
        bands=tuple(Band(b["label"], Decimal(b["low"]), Decimal(b["high"]),
                         bool(b["high_inclusive"]), bool(b["full_without_score"]))
                    for b in rules["bands"]),
        grades=tuple((g["grade"], Decimal(g["min"])) for g in rules["grades"]),
        places=Decimal(rules["places"]), rate_places=Decimal(rules["rate_places"]),
        self_score_tolerance=Decimal(rules["self_score_tolerance"]),
    )  # fmt: skip


# --------------------------------------------------------------------------- results


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def with_i18n(data: dict, **texts) -> dict:
    """`data` plus `<key>_i18n`: the code and parameters of each text that is a Message."""
    for key, text in texts.items():
        if isinstance(text, Message):
            data[f"{key}_i18n"] = text.to_data()
    return data


def issues_data(issues, i18n: bool = False) -> list[dict]:
    """Issues as JSON (with `message_i18n` when `i18n`, to store and render in any language)."""
    if not i18n:
        return [i.to_data() for i in issues]
    return [with_i18n(i.to_data(), message=i.message) for i in issues]


@dataclass(frozen=True)
class ExecutionScore:
    """Budget execution (预算执行率): the rate as a fraction and its score (DOMAIN.md §6.2)."""

    rate: Decimal | None
    score: Decimal | None
    explanation: str
    self_score: Decimal | None = None
    self_score_differs: bool = False

    def to_data(self, i18n: bool = False) -> dict:
        data = {"rate": _fmt(self.rate), "score": _fmt(self.score),
                "explanation": self.explanation, "self_score": _fmt(self.self_score),
                "self_score_differs": self.self_score_differs}  # fmt: skip
        return with_i18n(data, explanation=self.explanation) if i18n else data


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's score by the rules (None when it cannot be computed), with the unit's own
    score beside it and the reviewer's deduction kept apart (DOMAIN.md §6.1, §6.2)."""

    name: str
    score: Decimal | None
    explanation: str
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    self_score: Decimal | None = None
    self_score_differs: bool = False
    weight: Decimal | None = None
    deduction: Decimal | None = None
    category: str | None = None

    @property
    def rule_score(self) -> Decimal | None:
        """The rule's figure, shown beside a unit's own score that departs from it."""
        return self.score

    @property
    def reviewed(self) -> Decimal | None:
        """The score after the reviewer's deduction, floored at 0; the score itself is kept."""
        if self.score is None or not self.deduction or self.deduction < 0:
            return self.score
        return max(self.score - self.deduction, Decimal("0.00"))

    def to_data(self, i18n: bool = False) -> dict:
        data = {
            "name": self.name, "category": self.category, "weight": _fmt(self.weight),
            "score": _fmt(self.score), "explanation": self.explanation,
            "errors": issues_data(self.errors, i18n),
            "warnings": issues_data(self.warnings, i18n),
            "self_score": _fmt(self.self_score), "self_score_differs": self.self_score_differs,
            "deduction": _fmt(self.deduction), "reviewed_score": _fmt(self.reviewed),
        }  # fmt: skip
        return with_i18n(data, explanation=self.explanation) if i18n else data


@dataclass(frozen=True)
class ScoreResult:
    """A self-evaluation's scores (DOMAIN.md §6.2). `total` sums the parts that could be scored;
    `complete` is False when a part could not, and then there is no `grade`. `errors` and
    `warnings` hold every issue, those of indicators with their 0-based position."""

    execution: ExecutionScore
    indicators: tuple[IndicatorScore, ...]
    total: Decimal
    grade: str | None
    complete: bool
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def reviewed_total(self) -> Decimal:
        """The total after reviewer deductions (the computed total stays as it is)."""
        parts = [i.reviewed for i in self.indicators if i.reviewed is not None]
        return sum(parts, self.execution.score or Decimal("0.00"))

    def to_data(self, i18n: bool = False) -> dict:
        """The `jixiao score --json` shape of CONTRACT.md (plus `complete` and details); with
        `i18n`, each text also as code and parameters (`<key>_i18n`), as the pages store it."""
        return {
            "execution": self.execution.to_data(i18n),
            "indicators": [i.to_data(i18n) for i in self.indicators],
            "total": _fmt(self.total), "grade": self.grade, "complete": self.complete,
            "reviewed_total": _fmt(self.reviewed_total),
            "errors": issues_data(self.errors, i18n),
            "warnings": issues_data(self.warnings, i18n),
        }  # fmt: skip


# --------------------------------------------------------------------------- helpers


def round_half_up(value: Decimal, places: Decimal) -> Decimal:
    """四舍五入 to `places` (Decimal("0.01")): 0.125 → 0.13, never banker's rounding."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _num(number: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros (1.50 → 1.5)."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(share: Decimal) -> str:
    return f"{_num(share * 100)}%"


def _label(index: int, name: str) -> str:
    name = (name or "").strip()
    if name:
        return Message("score.label", n=index + 1, name=name)
    return Message("score.label_unnamed", n=index + 1)


def grade_for(total: Decimal, grades) -> str | None:
    """The first grade whose minimum `total` reaches (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60).

    `grades` is a ScoringParams.grades tuple or the rulebook's list of {"grade", "min"}."""
    pairs = [(g["grade"], Decimal(g["min"])) if isinstance(g, Mapping) else g for g in grades]
    return next((grade for grade, low in pairs if total >= low), None)


@dataclass
class _Outcome:
    """What a rule computed for one indicator: the unrounded score (None when it could not)
    and the formula: a message code and its parameters but the rounded score."""

    raw: Decimal | None = None
    formula: tuple[str, dict] = ("", {})
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


# --------------------------------------------------------------------------- the entry point


def score(
    selfeval: SelfEvalSheet,
    *,
    rules: Mapping | ScoringParams,
    catalogue: Mapping | None = None,
) -> ScoreResult:
    """Score a self-evaluation by DOMAIN.md §6.2; never raises on any self-evaluation.

    `rules` is the rulebook's "scoring" section (or ScoringParams read from it); `catalogue` its
    "catalogue" section, used to place rows that were not placed when read (classic default).
    """
    p = rules if isinstance(rules, ScoringParams) else scoring_params(rules)
    chosen: Mapping = catalogue if catalogue is not None else CLASSIC_CATALOGUE
    categories = dict(chosen.get("categories", chosen))
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        execution = _execution(selfeval.money, p)
        lines = tuple(_indicator(i, line, p, categories) for i, line in
                      enumerate(selfeval.indicators))  # fmt: skip
        return _result(selfeval, execution, lines, p)


def _result(selfeval, execution: ExecutionScore, lines, p: ScoringParams) -> ScoreResult:
    parts = [line.score for line in lines if line.score is not None]
    total = sum(parts, execution.score if execution.score is not None else Decimal("0.00"))
    total = round_half_up(total, p.places)
    complete = execution.score is not None and len(parts) == len(lines)
    grade = grade_for(total, p.grades) if complete else None
    errors = [issue for line in lines for issue in line.errors]
    warnings = list(selfeval.problems) + list(selfeval.money.problems)
    warnings += _execution_warnings(execution, selfeval.money, p)
    warnings += [issue for line in lines for issue in line.warnings]
    warnings += _weight_warnings(lines, p)
    warnings += _total_warnings(selfeval, lines, execution, total, grade, complete)
    return ScoreResult(execution, lines, total, grade, complete, tuple(errors), tuple(warnings))


def _total_warnings(selfeval, lines, execution, total, grade, complete) -> list[Issue]:
    found = []
    if not complete:
        missing = sum(line.score is None for line in lines) + (execution.score is None)
        message = Message("score.incomplete", n=missing, total=str(total))
        found.append(Issue("incomplete", message))
    if complete and selfeval.self_total is not None and selfeval.self_total != total:
        own = _num(selfeval.self_total)
        message = Message("score.self_total_differs", own=own, total=str(total))
        found.append(Issue("self_total_differs", message))
    if complete and selfeval.self_grade and selfeval.self_grade != grade:
        message = Message("score.self_grade_differs", own=selfeval.self_grade, grade=grade)
        found.append(Issue("self_grade_differs", message))
    return found


# --------------------------------------------------------------------------- execution


def _money_figure(money: Money, key: str) -> tuple[Decimal | None, str]:
    """A money figure, or the sum of the funding-source rows when the total row is empty."""
    value = getattr(money, key)
    if value is not None or key == "received":
        return value, ""
    rows = [getattr(row, key) for row in money.sources if getattr(row, key) is not None]
    if not rows:
        return None, ""
    return sum(rows, Decimal(0)), Message("score.exec.from_sources")


def _execution(money: Money, p: ScoringParams) -> ExecutionScore:
    """Execution score = weight × min(executed / denominator, 1), from the exact ratio."""
    w = p.execution_weight
    name = Message("score.full_year" if p.denominator == "full_year" else "score.received")
    denominator, how = _money_figure(money, p.denominator)
    executed, how_executed = _money_figure(money, "executed")
    if denominator is None:
        text = Message("score.exec.no_denominator", name=name)
        return _execution_score(None, None, text, money, p)
    if denominator <= 0:
        text = Message("score.exec.zero_denominator", name=name, amount=_num(denominator))
        return _execution_score(None, None, text, money, p)
    if executed is None:
        return _execution_score(None, None, Message("score.exec.no_executed"), money, p)
    head = Message("score.exec.head", name=name, d=_num(denominator), how=how,
                   e=_num(executed), how_e=how_executed)  # fmt: skip
    if executed < 0:
        executed, head = Decimal(0), Message("score.negative_as_zero", n=head)
    rate = executed / denominator
    shown_rate = round_half_up(rate, p.rate_places)
    if executed >= denominator:
        points = round_half_up(w, p.places)
        text = Message("score.exec.full", head=head, rate=str(shown_rate), points=str(points))
    else:
        points = round_half_up(w * executed / denominator, p.places)
        text = Message("score.exec.part", head=head, e=_num(executed), d=_num(denominator),
                       rate=str(shown_rate), w=_num(w), points=str(points))  # fmt: skip
    return _execution_score(shown_rate, points, text, money, p)


def _execution_score(rate, points, text: str, money: Money, p: ScoringParams) -> ExecutionScore:
    own = money.self_score
    differs = own is not None and points is not None and abs(own - points) > p.self_score_tolerance
    return ExecutionScore(rate, points, text, own, differs)


def _execution_warnings(execution: ExecutionScore, money: Money, p: ScoringParams) -> list:
    found = []
    if execution.score is None:
        found.append(Issue("no_budget", Message("score.no_budget", why=execution.explanation)))
    if execution.self_score_differs and execution.self_score is not None:  # differs: it has one
        message = Message("score.exec.self_score_differs", own=_num(execution.self_score),
                          points=str(execution.score))  # fmt: skip
        found.append(Issue("self_score_differs", message))
    for key, label in (("full_year", "score.full_year"), ("executed", "score.executed")):
        rows = [getattr(r, key) for r in money.sources if getattr(r, key) is not None]
        total = getattr(money, key)
        if rows and total is not None and sum(rows, Decimal(0)) != total:
            message = Message("score.money_mismatch", label=Message(label),
                              sum=_num(sum(rows, Decimal(0))), total=_num(total))  # fmt: skip
            found.append(Issue("money_mismatch", message))
    return found


# --------------------------------------------------------------------------- indicators


def _indicator(index: int, line: EvaluatedIndicator, p: ScoringParams, categories):
    label = _label(index, line.name)
    placement = line.placement or place_indicator(line.category, line.subcategory, categories)
    errors = list(line.problems) + _readability(index, label, line)
    warnings = list(line.notices)
    if placement.problems:
        problems = Join(placement.problems, "clauses")
        warnings.append(Issue("placement", Message("score.problems", label=label,
                                                   problems=problems), index))  # fmt: skip
    w = line.weight
    if w is not None and w == 0 and errors:
        # A zero weight carries no points whatever the value says (e.g. a target left empty
        # that the unit took out of the scoring): what cannot be read is only noted.
        warnings += errors
        errors = []
        warnings.append(Issue("zero_weight", Message("score.zero_weight", label=label), index))
    if w is not None and w < 0:
        message = Message("score.weight_invalid", label=label, w=_num(w))
        errors.append(Issue("weight_invalid", message, index))
    if w is None and not line.problems:
        warnings.append(Issue("no_weight", Message("score.no_weight", label=label), index))
    outcome = _Outcome()
    if w is not None and w == 0 and not errors:
        outcome = _Outcome(raw=Decimal(0), formula=("score.f.zero_weight", {}))
    elif w is not None and not errors:
        outcome = _rule(index, label, line, w, p)
    errors += outcome.errors
    points = None if errors or outcome.raw is None else round_half_up(outcome.raw, p.places)
    explanation = _explain(line, outcome, points, errors, w)
    warnings += outcome.warnings + _after_warnings(index, label, line, w, points, p)
    differs = _differs(line.self_score, points, p)
    return IndicatorScore(
        line.name,
        points,
        explanation,
        tuple(errors),
        tuple(warnings),
        line.self_score,
        differs,
        w,
        line.deduction,
        placement.category,
    )


def _explain(line, outcome: _Outcome, points, errors, weight) -> str:
    head = _head(line)
    if points is not None:
        code, params = outcome.formula
        formula = Message(code, score=str(points), **params)
        return Message("score.explanation", head=head, formula=formula)
    if weight is None:
        return Message("score.explanation.no_weight", head=head)
    errors = Join((e.message for e in errors), "clauses")
    return Message("score.explanation.errors", head=head, errors=errors)


# Notes of `parse_actual_value` that convert an actual into its target's unit (units.py).
_CONVERTED = ("value.unit_converted", "value.money_converted")


def _head(line: EvaluatedIndicator) -> str:
    target, actual = line.target, line.actual
    if target.kind == Kind.QUANTITATIVE and actual.number is not None:
        shown = _num(actual.number)
        if actual.number < 0:
            shown = Message("score.negative_as_zero", n=shown)
        else:  # an actual in another unit of the target's family: "870米 = 0.87公里（单位换算）"
            shown = next((n for n in actual.notes if getattr(n, "code", "") in _CONVERTED), shown)
        return Message("score.head", target=target.display(), actual=shown)
    written = (line.actual_text or "").strip() or Message("score.not_filled")
    return Message("score.head", target=target.display(), actual=written)


def _differs(own: Decimal | None, points: Decimal | None, p: ScoringParams) -> bool:
    return own is not None and points is not None and abs(own - points) > p.self_score_tolerance


def _after_warnings(index, label, line, w, points, p: ScoringParams) -> list[Issue]:
    found = []
    if _differs(line.self_score, points, p):
        message = Message("score.self_score_differs", label=label, own=_num(line.self_score),
                          points=str(points))  # fmt: skip
        found.append(Issue("self_score_differs", message, index))
    if points is not None and points < w and not _written(line.deviation):
        message = Message("score.deviation_missing", label=label)
        found.append(Issue("deviation_missing", message, index))
    if line.deduction is not None and line.deduction < 0:
        message = Message("score.deduction_invalid", label=label)
        found.append(Issue("deduction_invalid", message, index))
    return found


def _written(text: str | None) -> bool:
    return bool(text and text.strip())


def _readability(index: int, label: str, line: EvaluatedIndicator) -> list[Issue]:
    """Errors for values that leave nothing to compute (DOMAIN.md §4.2; CONTRACT.md)."""
    target, actual = line.target, line.actual
    if target.kind == Kind.MISSING:
        return [Issue("missing_value", Message("score.missing_value", label=label), index)]
    if not target.ok:
        problems = Join(target.problems, "clauses")
        message = Message("score.unreadable_value", label=label, problems=problems)
        return [Issue("unreadable_value", message, index)]
    if target.kind == Kind.QUALITATIVE:
        return []
    if actual.kind == Kind.MISSING:
        return [Issue("missing_actual", Message("score.missing_actual", label=label), index)]
    if actual.problems:
        code = "unit_mismatch" if actual.kind == Kind.QUANTITATIVE else "unreadable_actual"
        problems = Join(actual.problems, "clauses")
        return [Issue(code, Message("score.problems", label=label, problems=problems), index)]
    if target.kind == Kind.QUANTITATIVE and actual.number is None:
        message = Message("score.actual_not_number", label=label)
        return [Issue("unreadable_actual", message, index)]
    return []


def _rule(index: int, label: str, line: EvaluatedIndicator, w: Decimal, p: ScoringParams):
    if line.target.kind == Kind.QUANTITATIVE:
        return _quantitative(index, label, line, w, p)
    if line.target.kind == Kind.DEADLINE:
        return _deadline(index, label, line, w, p)
    return _qualitative(index, label, line, w, p)


# --------------------------------------------------------------------------- quantitative


def _quantitative(index, label, line: EvaluatedIndicator, w: Decimal, p: ScoringParams):
    """The operator table of DOMAIN.md §6.2; > as ≥, < as ≤, negative actuals as 0."""
    t, actual, op = line.target.number, line.actual.number, line.target.operator
    # `_readability` let through only a readable quantitative target, which has its number and
    # operator (values.py builds no other), and an actual with a number.
    assert t is not None and actual is not None and op is not None
    a = max(actual, Decimal(0))
    if op in _UP:
        outcome = _at_least(w, a, t)
    elif op == Op.EQ and t <= 0:
        outcome = _equal_zero(w, a)
    elif op == Op.EQ:
        overshoot = p.equal_penalises_overshoot and a > t
        outcome = _at_most(w, a, t, p) if overshoot else _at_least(w, a, t)
    elif t <= 0:
        outcome = _equal_zero(w, a)
    else:
        outcome = _at_most(w, a, t, p)
    over = op in (*_UP, Op.EQ) and t > 0 and a >= p.over_achievement * t
    if over and not (_written(line.explanation) or _written(line.deviation)):
        message = Message("score.over_achievement", label=label, a=_num(a), t=_num(t),
                          k=_num(p.over_achievement))  # fmt: skip
        outcome.warnings.append(Issue("over_achievement_unexplained", message, index))
    if line.entered_score is not None:
        message = Message("score.entered_score_ignored", label=label)
        outcome.warnings.append(Issue("entered_score_ignored", message, index))
    return outcome


def _at_least(w: Decimal, a: Decimal, t: Decimal) -> _Outcome:
    shown = {"w": _num(w), "a": _num(a), "t": _num(t)}
    if a >= t:
        return _Outcome(w, ("score.f.at_least_full", shown))
    return _Outcome(w * a / t, ("score.f.at_least", shown))


def _equal_zero(w: Decimal, a: Decimal) -> _Outcome:
    if a <= 0:
        return _Outcome(w, ("score.f.zero_full", {"a": _num(a)}))
    return _Outcome(Decimal(0), ("score.f.zero_over", {"a": _num(a)}))


def _at_most(w: Decimal, a: Decimal, t: Decimal, p: ScoringParams) -> _Outcome:
    shown = {"w": _num(w), "a": _num(a), "t": _num(t)}
    if a <= t:
        return _Outcome(w, ("score.f.at_most_full", shown))
    if p.less_rule == "ratio":
        return _Outcome(w * t / a, ("score.f.at_most_ratio", shown))
    if a >= 2 * t:
        return _Outcome(Decimal(0), ("score.f.at_most_double", shown))
    return _Outcome(w * (2 * t - a) / t, ("score.f.at_most_linear", shown))


# --------------------------------------------------------------------------- deadlines


def _add_months(day: date, months: int) -> date:
    """`day` moved by `months`; the last day of a month stays the last day."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if at_end else min(day.day, last))


def months_late(due: date, done: date) -> int:
    """Months or parts of a month from `due` to `done` (0 when on time)."""
    if done <= due:
        return 0
    months = max((done.year - due.year) * 12 + done.month - due.month - 1, 0)
    while _add_months(due, months) < done:
        months += 1
    return months


def _deadline(index, label, line: EvaluatedIndicator, w: Decimal, p: ScoringParams):
    """Met → w; late → `deduct` of w per step (a month by default) or part of one, floor 0."""
    actual, due = line.actual, line.target.deadline
    if actual.on_time:
        return _Outcome(w, ("score.f.on_time", {}))
    if actual.date is None:
        return _deadline_by_person(index, label, line, w)
    # `_readability` let through only a readable deadline target, which has its date (values.py)
    assert due is not None
    if p.deadline_unit == "month":
        late = months_late(due, actual.date)
    else:
        late = (actual.date - due).days
    steps = -(-late // p.deadline_size)
    share = p.deadline_deduct * steps
    per = _step_words(p.deadline_unit, p.deadline_size)
    pct = _percent(p.deadline_deduct)
    head = Message(f"score.late.{p.deadline_unit}", late=late, per=per, pct=pct)
    if share >= 1:
        return _Outcome(Decimal(0), ("score.f.late_floor", {"head": head}))
    shown = {"head": head, "w": _num(w), "steps": steps, "pct": pct}
    return _Outcome(w * (1 - share), ("score.f.late", shown))


def _step_words(unit: str, size: int) -> str:
    """'每月或不足一月', '每2个月或不足2个月', '每天', '每10天或不足10天'."""
    if size == 1:
        return Message(f"score.step.{unit}")
    return Message(f"score.steps.{unit}", n=size)


def _deadline_by_person(index, label, line: EvaluatedIndicator, w: Decimal) -> _Outcome:
    """Late without a completion date: only a person's score within [0, w] can stand."""
    entered = line.entered_score
    if entered is None:
        message = Message("score.deadline_date_missing", label=label)
        return _Outcome(errors=[Issue("deadline_date_missing", message, index)])
    if not 0 <= entered <= w:
        message = Message("score.out_of_range", label=label, w=_num(w), entered=_num(entered))
        return _Outcome(errors=[Issue("score_out_of_range", message, index)])
    return _Outcome(entered, ("score.f.by_person", {}))


# --------------------------------------------------------------------------- qualitative


def _qualitative(index, label, line: EvaluatedIndicator, w: Decimal, p: ScoringParams):
    """The band from `band`, or from the actual value when it is a band label verbatim; never
    guessed from free text. Without a score only a `full_without_score` band is scored."""
    outcome = _Outcome()
    written = (line.actual_text or "").strip()
    from_actual = written if p.band(written) else None
    chosen = line.band or from_actual
    if line.band and from_actual and from_actual != line.band:
        message = Message("score.band_conflict", label=label, actual=from_actual, band=line.band)
        outcome.warnings.append(Issue("band_conflict", message, index))
    band = p.band(chosen) if chosen else None
    if band is None:
        labels = Join(f"“{b.label}”" for b in p.bands)
        why = Message("score.no_such_band", band=chosen) if chosen else Message("score.no_band")
        message = Message("score.band_required", label=label, why=why, labels=labels)
        outcome.errors.append(Issue("band_required", message, index))
        return outcome
    source = "" if line.band else Message("score.band.from_actual")
    return _band_score(index, label, line.entered_score, band, w, source, outcome)


def _band_score(index, label, entered, band: Band, w, source: str, outcome: _Outcome):
    allowed = band.describe(w)
    if entered is None and band.full_without_score:
        outcome.raw = band.bounds(w)[1]
        outcome.formula = ("score.f.band_top", {"band": band.label, "source": source})
    elif entered is None:
        message = Message("score.band_score_required", label=label, band=band.label,
                          allowed=allowed)  # fmt: skip
        outcome.errors.append(Issue("band_score_required", message, index))
    elif not band.holds(entered, w):
        message = Message("score.out_of_band", label=label, band=band.label, allowed=allowed,
                          entered=_num(entered))  # fmt: skip
        outcome.errors.append(Issue("score_out_of_band", message, index))
    else:
        outcome.raw = entered
        params = {"band": band.label, "source": source, "allowed": allowed}
        outcome.formula = ("score.f.band_entered", params)
    return outcome


# --------------------------------------------------------------------------- weights


def _expected_totals(present: set[str], p: ScoringParams) -> dict[str, Decimal]:
    """Category totals; without a satisfaction indicator its points move as the rules say."""
    expected = dict(p.totals)
    if p.satisfaction in present or p.satisfaction not in expected:
        return expected
    moved = expected.pop(p.satisfaction)
    if p.no_satisfaction_to != "proportional":
        expected[p.no_satisfaction_to] = expected.get(p.no_satisfaction_to, Decimal(0)) + moved
        return expected
    rest = sum(expected.values(), Decimal(0))
    return {c: v + moved * v / rest for c, v in expected.items()} if rest else expected


def _weight_warnings(lines: tuple[IndicatorScore, ...], p: ScoringParams) -> list[Issue]:
    """Weights must add up to the category totals (DOMAIN.md §6.2); a warning, not an error."""
    if all(line.weight is None for line in lines):
        return []
    sums: dict[str, Decimal] = {}
    for line in lines:
        group = p.share.get(line.category, line.category) if line.category is not None else None
        if group is not None:
            sums[group] = sums.get(group, Decimal(0)) + (line.weight or 0)
    expected = _expected_totals(set(sums), p)
    found = []
    for group, total in expected.items():
        have = sums.get(group, Decimal(0))
        if abs(have - total) > p.weight_tolerance:
            message = Message("score.weights_invalid", group=group, have=_num(have),
                              total=_num(round_half_up(total, p.places)))  # fmt: skip
            found.append(Issue("weights_invalid", message, None))
    stray = [g for g in sums if g not in expected]
    found += [Issue("weights_invalid", Message("score.stray_category", group=g)) for g in stray]
    return found
