"""Expert scoring (比对打分) of a key evaluation or an ex-ante assessment (DOMAIN.md §6.4, §7).

A pure module (DESIGN.md, Pure rules): standard library and pure modules only; the parameters
are the rulebook's "key_evaluation" section (`panel`, `places`), the grades the "scoring"
section's.

- `aggregate(raw_scores, weight, rules)`: the mean of the experts' scores, or the trimmed mean
  (one highest and one lowest dropped) from five experts on; rounded half up to two decimals;
  the spread (highest − lowest) above 20% of the weight flags the indicator for discussion.
- `score_refusal(score, weight, reason)`: an expert's score must lie in 0..weight, and a score
  below full needs a reason.
- `panel_total(scores, grades)`: the evaluation's total and grade.

Each result carries its explanation, e.g. "5位专家评分 8、9、7、10、6，去掉最高分10和最低分6，
(8 + 9 + 7) / 3 = 8.00；分差 10 − 6 = 4 > 分值10 × 20% = 2，需讨论".
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.rule_messages import Join, Message

from .figures import as_decimal, grade_for, percent, places, plain, round_half_up

__all__ = ["Aggregate", "PanelTotal", "aggregate", "panel_total", "score_refusal"]


@dataclass(frozen=True)
class Aggregate:
    """The agreed figure of one indicator from its experts' raw scores (kept by the caller)."""

    score: Decimal | None  # None without any score
    used: tuple[Decimal, ...]  # the scores averaged
    dropped: tuple[Decimal, ...]  # those the trimmed mean left out
    spread: Decimal | None
    limit: Decimal  # the spread allowed: share × weight
    flagged: bool  # spread above the limit: to be discussed
    explanation: str


def aggregate(raw_scores: Iterable[Decimal], weight: Decimal, rules: Mapping) -> Aggregate:
    """Mean, or trimmed mean with `panel.trim_from` experts or more; spread flag."""
    scores = [Decimal(s) for s in raw_scores]
    panel = rules["panel"]
    weight = Decimal(weight)
    limit = as_decimal(panel["spread_share"]) * weight
    limit_shown = Message("key.panel.limit", weight=plain(weight),
                          share=percent(as_decimal(panel["spread_share"])),
                          limit=plain(limit))  # fmt: skip
    if not scores:
        return Aggregate(None, (), (), None, limit, False, Message("key.panel.none"))
    trim = int(panel["trim"])
    used, dropped = list(scores), []
    if len(scores) >= int(panel["trim_from"]) and len(scores) > 2 * trim:
        ordered = sorted(scores)
        dropped = ordered[-trim:] + ordered[:trim]
        used = list(scores)
        for value in dropped:
            used.remove(value)
    score = round_half_up(sum(used, Decimal(0)) / len(used), places(rules))
    spread = max(scores) - min(scores)
    flagged = spread > limit
    listed = Join(plain(s) for s in scores)
    how: str
    if dropped:
        high, low = Join(plain(d) for d in dropped[:trim]), Join(plain(d) for d in dropped[trim:])
        how = Message("key.panel.trimmed", high=high, low=low)
    else:
        how = ""
    sum_shown = " + ".join(plain(s) for s in used)
    mean = Message("key.panel.mean", sum=sum_shown, n=len(used), score=f"{score:f}")
    code = "key.panel.flagged" if flagged else "key.panel.within"
    spread_shown = Message(code, high=plain(max(scores)), low=plain(min(scores)),
                           spread=plain(spread), limit=limit_shown)  # fmt: skip
    explanation = Message("key.panel.explanation", n=len(scores), scores=listed, how=how,
                          mean=mean, spread=spread_shown)  # fmt: skip
    return Aggregate(score, tuple(used), tuple(dropped), spread, limit, flagged, explanation)


def score_refusal(score: Decimal | None, weight: Decimal, reason: str | None) -> str | None:
    """Why an expert's score cannot be taken, or None: it must lie in 0..weight, and a score
    below full needs a reason (扣分理由)."""
    weight = Decimal(weight)
    if score is None:
        return Message("key.panel.no_score")
    score = Decimal(score)
    if not 0 <= score <= weight:
        return Message("key.panel.out_of_range", score=plain(score), weight=plain(weight))
    if score < weight and not (reason or "").strip():
        return Message("key.panel.reason_needed", score=plain(score), weight=plain(weight))
    return None


@dataclass(frozen=True)
class PanelTotal:
    """The evaluation's total (the sum of the indicators' agreed scores) and its grade; without
    every indicator's score the total is incomplete and there is no grade."""

    total: Decimal
    grade: str | None
    complete: bool
    explanation: str


def panel_total(scores: Iterable[Decimal | None], grades) -> PanelTotal:
    """Sum of the agreed scores (None: not scored yet) and the grade of the "scoring" section's
    `grades` (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差)."""
    scores = list(scores)
    parts = [Decimal(s) for s in scores if s is not None]
    total = sum(parts, Decimal("0.00"))
    missing = len(scores) - len(parts)
    if missing or not scores:
        explanation = Message("key.panel.total_incomplete", total=f"{total:f}",
                              n=missing)  # fmt: skip
        return PanelTotal(total, None, False, explanation)
    grade = grade_for(total, grades)
    explanation = Message("key.panel.total", n=len(parts), total=f"{total:f}", grade=grade)
    return PanelTotal(total, grade, True, explanation)
