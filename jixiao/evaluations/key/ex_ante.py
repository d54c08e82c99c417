"""Ex-ante assessment (事前绩效评估, DOMAIN.md §7): who needs one, and the conclusion its scores
suggest.

A pure module (DESIGN.md, Pure rules): standard library and pure modules only; the line, the
five dimensions with their weights and the conclusion bands are the rulebook's "key_evaluation"
section (`ex_ante`). Money is in 万元.

- `is_new_project(previous_year_budget)`: new = no budget in the previous year.
- `needs_ex_ante(is_new, amount, is_policy, rules)`: new projects of the line or more, and new
  policies, need an assessment before their budget request; the reason, or None.
- `ex_ante_conclusion(dimension_scores, rules)`: the total of the five dimensions and the
  suggested conclusion (予以支持 ≥ 80, 调整后支持 ≥ 60, else 不予支持 by default). The office may
  conclude otherwise with a reason: `conclusion_refusal(chosen, suggested, reason, rules)`.
- `supports(conclusion, rules)`: whether a conclusion lets the project request a budget.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.rule_messages import Join, Message

from .figures import as_decimal, places, plain, round_half_up

__all__ = [
    "ExAnteResult",
    "conclusion_refusal",
    "ex_ante_conclusion",
    "is_new_project",
    "needs_ex_ante",
    "supports",
]


def is_new_project(previous_year_budget: Decimal | None) -> bool:
    """A project is new when it had no budget in the previous year (none, or zero)."""
    return previous_year_budget is None or Decimal(previous_year_budget) <= 0


def needs_ex_ante(
    is_new: bool, amount: Decimal | None, is_policy: bool, rules: Mapping
) -> str | None:
    """Why the project or policy needs an ex-ante assessment before its budget request, or
    None when it does not."""
    line = as_decimal(rules["ex_ante"]["line"])
    if is_policy and is_new:
        return Message("key.exante.policy")
    if is_new and amount is not None and Decimal(amount) >= line:
        return Message("key.exante.project", amount=plain(Decimal(amount)), line=plain(line))
    return None


@dataclass(frozen=True)
class ExAnteResult:
    """The dimensions' total and the suggested conclusion (None when a dimension is missing or
    out of range: `errors` says which)."""

    total: Decimal | None
    conclusion: str | None
    explanation: str
    errors: tuple[str, ...] = ()


def ex_ante_conclusion(dimension_scores: Mapping[str, Decimal | None], rules: Mapping):
    """The total of the five dimensions (each within 0..its weight) and the first conclusion
    band whose minimum it reaches."""
    ex_ante = rules["ex_ante"]
    step = places(rules)
    errors: list[str] = []
    parts: list[tuple[str, Decimal]] = []
    for dimension in ex_ante["dimensions"]:
        name, weight = dimension["name"], as_decimal(dimension["weight"])
        score = dimension_scores.get(name)
        if score is None:
            errors.append(Message("key.exante.missing", name=name))
            continue
        score = Decimal(score)
        if not 0 <= score <= weight:
            errors.append(Message("key.exante.out_of_range", name=name, score=plain(score),
                                  weight=plain(weight)))  # fmt: skip
            continue
        parts.append((name, score))
    known = {d["name"] for d in ex_ante["dimensions"]}
    errors += [Message("key.exante.unknown", name=n) for n in dimension_scores if n not in known]
    if errors:
        explanation = Message("key.exante.errors", errors=Join(errors, "clauses"))
        return ExAnteResult(None, None, explanation, tuple(errors))
    total = round_half_up(sum((s for _n, s in parts), Decimal(0)), step)
    sum_shown = Join(Message("key.exante.part", name=n, score=plain(s)) for n, s in parts)
    for band in ex_ante["conclusions"]:
        least = as_decimal(band["min"])
        if total >= least:
            explanation = Message("key.exante.explanation", sum=sum_shown, total=f"{total:f}",
                                  least=plain(least), conclusion=band["conclusion"])  # fmt: skip
            return ExAnteResult(total, band["conclusion"], explanation)
    explanation = Message("key.exante.no_band", sum=sum_shown, total=f"{total:f}")
    return ExAnteResult(total, None, explanation, (explanation,))


def conclusion_refusal(
    chosen: str, suggested: str | None, reason: str | None, rules: Mapping
) -> str | None:
    """The office's conclusion must be one of the bands', and departing from the suggested one
    needs a reason; why not, or None."""
    allowed = [band["conclusion"] for band in rules["ex_ante"]["conclusions"]]
    if chosen not in allowed:
        return Message("key.exante.bad_conclusion", chosen=chosen, allowed=Join(allowed))
    if suggested and chosen != suggested and not (reason or "").strip():
        return Message("key.exante.reason_needed", chosen=chosen, suggested=suggested)
    return None


def supports(conclusion: str | None, rules: Mapping) -> bool:
    """Whether the conclusion lets the project request a budget (予以支持, 调整后支持)."""
    return conclusion in rules["ex_ante"]["supporting"]
