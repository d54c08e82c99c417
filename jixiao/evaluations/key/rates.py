"""Rate indicators of a key evaluation's framework (资金到位率, 预算执行率, 完成率 …): the rate
from its inputs and the score the rule suggests to the experts (DOMAIN.md §6.2, §6.4).

A pure module (DESIGN.md, Pure rules): standard library and pure modules only. A rule is one
entry of the rulebook's `key_evaluation.rate_rules` ({name, formula, inputs, op, target});
`rules` is the "key_evaluation" section (its `places`).

- `ratio`: inputs [a, b] → a ÷ b × 100%;
- `change`: inputs [a, b] → (b − a) ÷ b × 100% (a cost saving: a the actual, b the plan);
- `rate`: inputs [r] → r, given in % (a survey's satisfaction rate, say).

The rate is scored with the self-evaluation engine's "≥ target" rule (`scoring._at_least`:
full at or above the target, else weight × rate ÷ target), from the exact rate; a target of 0
or below (a cost saving must not be negative) takes off the shortfall's share of the weight,
floored at 0. The rate and the score are rounded half up to `places`; a missing input or a
zero denominator gives no score, and the explanation says what is missing, e.g.
"资金到位率 = 实际到位资金 1,800.00 ÷ 预算资金 1,850.00 = 97.30%，≥100%：5 × 97.30% = 4.86".
The experts still give the score; this is only the rule's suggestion.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext

from jixiao.core.rule_messages import Join, Message
from jixiao.evaluations.scoring import _at_least

from .figures import as_decimal, places, plain, round_half_up

__all__ = ["FORMULAS", "RateResult", "rate_score"]

#: The formulas a rule may name, with the number of inputs each takes.
FORMULAS = {"ratio": 2, "change": 2, "rate": 1}
_UP = ("≥", ">=", ">")  # the engine scores > as ≥
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RateResult:
    """The rate in % and its suggested score (both None when they cannot be computed), the
    explanation, and the names of the inputs that were missing."""

    value: Decimal | None
    score: Decimal | None
    explanation: str
    missing: tuple[str, ...] = ()


def _money(number: Decimal) -> str:
    """1800 → '1,800.00'."""
    return f"{round_half_up(number, Decimal('0.01')):,.2f}"


def rate_score(
    rule: Mapping, inputs: Mapping[str, Decimal | None], weight: Decimal, rules: Mapping
) -> RateResult:
    """The rate of `rule` from `inputs` (by input name) and its score out of `weight`."""
    name, formula, op = rule.get("name", ""), rule.get("formula"), rule.get("op", "")
    names = list(rule.get("inputs") or [])
    if formula not in FORMULAS or FORMULAS[formula] != len(names) or op not in _UP:
        text = Message("key.rate.bad_rule", name=name, formula=str(formula), op=op)
        return RateResult(None, None, text)
    values = [inputs.get(n) for n in names]
    missing = tuple(n for n, v in zip(names, values, strict=True) if v is None)
    if missing:
        text = Message("key.rate.missing", name=name, names=Join(missing))
        return RateResult(None, None, text, missing)
    numbers = [as_decimal(v) for v in values]
    if formula != "rate" and numbers[1] <= 0:
        text = Message("key.rate.zero", name=name, b_name=names[1], b=_money(numbers[1]))
        return RateResult(None, None, text)
    step, w, target = places(rules), Decimal(weight), as_decimal(rule.get("target", "100"))
    with localcontext() as ctx:
        ctx.prec = 50
        rate, head = _rate(name, formula, names, numbers, step)
        shown = round_half_up(rate, step)
        params = {"head": head, "op": op, "target": plain(target), "w": plain(w),
                  "rate": f"{shown:f}"}  # fmt: skip
        if rate >= target:
            code, raw = "key.rate.full", w
        elif target > 0:
            code = "key.rate.part_whole" if target == _HUNDRED else "key.rate.part"
            outcome = _at_least(w, max(rate, Decimal(0)), target)
            assert outcome.raw is not None  # `_at_least` always gives points
            raw = outcome.raw
        else:
            gap = target - rate
            code, raw = "key.rate.short", max(w * (1 - gap / _HUNDRED), Decimal(0))
            params["gap"] = f"{round_half_up(gap, step):f}"
        score = round_half_up(raw, step)
    return RateResult(shown, score, Message(code, score=f"{score:f}", **params))


def _rate(name: str, formula: str, names: list[str], values: list[Decimal], step: Decimal):
    """The exact rate in % and the head of the explanation (how it was computed)."""
    if formula == "rate":
        rate = values[0]
        return rate, Message("key.rate.given", name=name, rate=f"{round_half_up(rate, step):f}")
    a, b = values
    rate = (a if formula == "ratio" else b - a) * _HUNDRED / b
    shown = f"{round_half_up(rate, step):f}"
    code = "key.rate.ratio" if formula == "ratio" else "key.rate.change"
    head = Message(code, name=name, a_name=names[0], a=_money(a), b_name=names[1], b=_money(b),
                   rate=shown)  # fmt: skip
    return rate, head
