"""Scores of a unit's overall evaluation (部门整体支出绩效评价, DOMAIN.md §6.3).

A pure module (DESIGN.md, Pure rules): nothing from Django. The framework is the rulebook's
"unit_evaluation" section (jixiao.evaluations.rules): groups 投入/过程/产出/效果 and rule rows.

- A rate-vs-threshold row `{indicator, weight, full_if, step, deduct_per_step}` earns full points
  while the rate meets `full_if` ("≤10%", "≥95%"), then loses `deduct_per_step` for every `step`
  percentage points beyond, floored at 0. Its rate is an input itself (`formula` "rate"), or
  computed from two named inputs: "ratio" 100 × a / b, "change" 100 × (a − b) / b.
- A row without `full_if` is a judgement item: a person picks a band (and a score inside it),
  as for qualitative indicators (§6.2); without a score only the top band is scored.

Every score carries its explanation; what cannot be computed is an error on its item, whose
score is then None, and the total is marked incomplete. Explanations, errors and warnings are
`jixiao.core.rule_messages.Message`s (templates: `rule_messages.MESSAGES`), rendered in the
user's language by the pages; `to_data(i18n=True)` stores their codes and parameters.
"""

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from jixiao.core.rule_messages import Join, Message
from jixiao.core.schema_read import read_decimal
from jixiao.indicators.values import Kind, Op, parse_target_value

from .scoring import Band, grade_for, issues_data, round_half_up, with_i18n
from .selfeval_data import Issue

__all__ = ["ItemScore", "Judgement", "UnitInputs", "UnitScore", "score_unit"]


@dataclass(frozen=True)
class Judgement:
    """A person's judgement of an item: the band label and, optionally, a score in it."""

    band: str | None = None
    score: Decimal | None = None


@dataclass(frozen=True)
class UnitInputs:
    """What a unit reports: named figures (rates in %, "96.5%" or 96.5, or the amounts and
    counts the ratios are made of) and judgements by item name."""

    values: Mapping[str, object] = field(default_factory=dict)
    judgements: Mapping[str, Judgement] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemScore:
    """One framework item's score (None when it cannot be computed) and how it was reached."""

    indicator: str
    group: str
    weight: Decimal
    score: Decimal | None
    explanation: str
    errors: tuple[Issue, ...] = ()
    rate: Decimal | None = None  # the rate in %, for threshold rows

    def to_data(self, i18n: bool = False) -> dict:
        data = {"indicator": self.indicator, "group": self.group, "weight": f"{self.weight:f}",
                "score": None if self.score is None else f"{self.score:f}",
                "rate": None if self.rate is None else f"{self.rate:f}",
                "explanation": self.explanation,
                "errors": issues_data(self.errors, i18n)}  # fmt: skip
        return with_i18n(data, explanation=self.explanation) if i18n else data


@dataclass(frozen=True)
class UnitScore:
    """The whole-unit evaluation: items in framework order, subtotals by group, the total (sum
    of the rounded items) and the grade, given only when every item could be scored."""

    items: tuple[ItemScore, ...]
    groups: tuple[tuple[str, Decimal, Decimal], ...]  # (group, score, weight)
    total: Decimal
    grade: str | None
    complete: bool
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    def to_data(self, i18n: bool = False) -> dict:
        """As JSON; with `i18n`, each text also as code and parameters (`<key>_i18n`)."""
        return {
            "items": [i.to_data(i18n) for i in self.items],
            "groups": [{"group": g, "score": f"{s:f}", "weight": f"{w:f}"}
                       for g, s, w in self.groups],
            "total": f"{self.total:f}", "grade": self.grade, "complete": self.complete,
            "errors": issues_data(self.errors, i18n),
            "warnings": issues_data(self.warnings, i18n),
        }  # fmt: skip


def score_unit(inputs: UnitInputs, *, rules: Mapping) -> UnitScore:
    """Score a unit by the framework of the rulebook's "unit_evaluation" section (§6.3)."""
    places = Decimal(rules["places"])
    bands = tuple(
        Band(b["label"], Decimal(b["low"]), Decimal(b["high"]), bool(b["high_inclusive"]),
             bool(b["full_without_score"]))
        for b in rules["bands"]
    )  # fmt: skip
    with localcontext() as ctx:
        ctx.prec = 50
        items = tuple(
            _item(index, row, inputs, rules, bands, places)
            for index, row in enumerate(rules["rows"])
        )
    total = sum((i.score for i in items if i.score is not None), Decimal("0.00"))
    total = round_half_up(total, places)
    complete = all(i.score is not None for i in items)
    grade = grade_for(total, rules["grades"]) if complete else None
    errors = tuple(e for i in items for e in i.errors)
    return UnitScore(items, _groups(items, rules["groups"]), total, grade, complete, errors,
                     tuple(_warnings(items, total, complete, inputs)))  # fmt: skip


def _groups(items, order) -> tuple[tuple[str, Decimal, Decimal], ...]:
    names = list(order) + [i.group for i in items if i.group not in order]
    result = []
    for name in dict.fromkeys(names):
        mine = [i for i in items if i.group == name]
        scored = sum((i.score for i in mine if i.score is not None), Decimal("0.00"))
        result.append((name, scored, sum((i.weight for i in mine), Decimal(0))))
    return tuple(result)


def _warnings(items, total, complete, inputs: UnitInputs) -> list[Issue]:
    found = []
    weights = sum((i.weight for i in items), Decimal(0))
    if weights != 100:
        message = Message("unit.weights_invalid", total=_num(weights))
        found.append(Issue("weights_invalid", message))
    if not complete:
        missing = sum(i.score is None for i in items)
        message = Message("score.incomplete", n=missing, total=str(total))
        found.append(Issue("incomplete", message))
    known = {i.indicator for i in items}
    for name in inputs.judgements:
        if name not in known:
            found.append(Issue("unknown_item", Message("unit.unknown_item", name=name)))
    return found


def _num(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _item(index, row: Mapping, inputs: UnitInputs, rules, bands, places) -> ItemScore:
    weight = Decimal(row["weight"])
    if row.get("full_if"):
        raw, text, rate, errors = _threshold(index, row, weight, inputs, rules)
    else:
        raw, text, errors = _judged(index, row, weight, inputs, bands)
        rate = None
    points = None if errors or raw is None else round_half_up(raw, places)
    if points is not None:
        code, params = text
        text = Message(code, score=str(points), **params)
    else:
        text = Message("unit.errors", errors=Join((e.message for e in errors), "clauses"))
    return ItemScore(row["indicator"], row.get("group", ""), weight, points, text,
                     tuple(errors), rate)  # fmt: skip


# --------------------------------------------------------------------------- thresholds


#: A comma in a typed figure only between groups of three digits ("1,234.5"): "12,5" is a
#: decimal comma, read as 125 before (an 在职人员控制率 of 96% from 120 staff of 12.5 posts).
_GROUPED = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


def _figure(inputs: UnitInputs, name: str) -> Decimal | None:
    """A named input as Decimal ("96.5%" → 96.5); None when absent; ValueError if unreadable."""
    value = inputs.values.get(name)
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip().removesuffix("%")
        if "," in value and not _GROUPED.fullmatch(value):
            raise ValueError(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError
    return read_decimal(value)


def _rate(index, row: Mapping, inputs: UnitInputs) -> tuple[Decimal | None, str, list[Issue]]:
    """The row's rate in % and how it was computed."""
    names, formula, label = list(row["inputs"]), row.get("formula", "rate"), row["indicator"]
    figures = []
    for name in names:
        try:
            figure = _figure(inputs, name)
        except ValueError:
            shown = inputs.values.get(name)
            message = Message("unit.unreadable_input", label=label, name=name, shown=str(shown))
            return None, "", [Issue("unreadable_input", message, index)]
        if figure is None:
            message = Message("unit.missing_input", label=label, name=name)
            return None, "", [Issue("missing_input", message, index)]
        figures.append(figure)
    if formula == "rate":
        return figures[0], f"{label} {_num(figures[0])}%", []
    a, b = figures
    if b == 0:
        message = Message("unit.zero_denominator", label=label, name=names[1])
        return None, "", [Issue("zero_denominator", message, index)]
    if formula == "ratio":
        rate = 100 * a / b
        return rate, f"{label} = {names[0]}{_num(a)}/{names[1]}{_num(b)} = {_pct(rate)}", []
    rate = 100 * (a - b) / b
    shown = f"({names[0]}{_num(a)} − {names[1]}{_num(b)})/{_num(b)}"
    return rate, f"{label} = {shown} = {_pct(rate)}", []


def _pct(rate: Decimal) -> str:
    return f"{_num(round_half_up(rate, Decimal('0.01')))}%"


def _threshold(index, row: Mapping, weight: Decimal, inputs: UnitInputs, rules):
    """Full points while the rate meets `full_if`, then `deduct_per_step` per `step` points."""
    full = parse_target_value(row["full_if"])
    if full.kind != Kind.QUANTITATIVE or full.number is None:
        why = Message("unit.rule_invalid", label=row["indicator"], full_if=row["full_if"])
        return None, "", None, [Issue("rule_invalid", why, index)]
    rate, head, errors = _rate(index, row, inputs)
    if errors or rate is None:  # no rate comes with its errors
        return None, "", None, errors
    t, op = full.number, full.operator
    gap = t - rate if op in (Op.GE, Op.GT) else rate - t
    if op == Op.EQ:
        gap = abs(rate - t)
    condition = full.display()
    if gap <= 0:
        return weight, ("unit.f.met", {"head": head, "condition": condition}), rate, []
    step, deduct = Decimal(row["step"]), Decimal(row["deduct_per_step"])
    steps = gap / step
    if rules["partial_step"] == "ceil":
        steps = Decimal(math.ceil(steps))
    raw = max(weight - steps * deduct, Decimal(0))
    params = {"head": head, "condition": condition,
              "gap": _num(round_half_up(gap, Decimal("0.01"))), "step": _num(step),
              "deduct": _num(deduct), "w": _num(weight),
              "steps": _num(round_half_up(steps, Decimal("0.0001"))),
              "floor": Message("unit.floor") if raw == 0 else ""}  # fmt: skip
    return raw, ("unit.f.deduct", params), rate, []


# --------------------------------------------------------------------------- judgements


def _judged(index, row: Mapping, weight: Decimal, inputs: UnitInputs, bands):
    label = row["indicator"]
    judgement = inputs.judgements.get(label)
    chosen = judgement.band if judgement else None
    band = next((b for b in bands if b.label == chosen), None)
    if band is None or judgement is None:  # no judgement chooses no band
        labels = Join(f"“{b.label}”" for b in bands)
        why = Message("unit.no_such_band", band=chosen) if chosen else Message("score.no_band")
        message = Message("unit.band_required", label=label, why=why, labels=labels)
        return None, "", [Issue("band_required", message, index)]
    allowed = band.describe(weight)
    entered = judgement.score
    if entered is None and band.full_without_score:
        return band.bounds(weight)[1], ("unit.f.band_top", {"band": band.label}), []
    if entered is None:
        why = Message("unit.band_score_required", label=label, band=band.label, allowed=allowed)
        return None, "", [Issue("band_score_required", why, index)]
    if not band.holds(entered, weight):
        why = Message("unit.out_of_band", label=label, band=band.label, allowed=allowed,
                      entered=_num(entered))  # fmt: skip
        return None, "", [Issue("score_out_of_band", why, index)]
    params = {"band": band.label, "allowed": allowed}
    return entered, ("unit.f.band_entered", params), []
