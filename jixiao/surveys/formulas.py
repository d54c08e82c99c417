"""The figures of a public survey (公众测评, DOMAIN.md §6.4): the satisfaction rate, its 95%
confidence interval and the sample size needed.

A pure module (DESIGN.md, Pure rules): standard library and pure modules only; the parameters
are the rulebook's "survey" section (`rules.py`). Every result carries its explanation, as a
coded message (`jixiao.core.rule_messages`) whose text is the Chinese one.

What counts (a "valid answer"): one answer to a question marked `counts` (a satisfaction-scale
question that counts for the rate) in a valid response (`validity.py`; invalid responses and
unanswered optional questions are left out). A survey with several counting questions pools
them: `scale_counts` is how many of those answers chose each level, over all counting questions
together, and both formulas are taken over that pool, so
- "rate": (很满意 + 满意) / all counting answers, the share of satisfied answers; with every
  counting question answered by every valid respondent (they are required by default) it equals
  the mean of the questions' own rates;
- "weighted": Σ weight × answers / all counting answers / 100 (weights 100/80/60/30/0); with every
  counting question answered by every respondent it equals the mean of the respondents' own
  mean scores, divided by 100.
Pooling keeps the figure computable from counts alone (one query, or a paper tally) and gives
each answer the same weight. The rate is a fraction 0–1 rounded half up to `places` (four
decimals, CONTRACT.md).

The interval's `n` is the number of valid *responses* (respondents), not of answers: one
person's answers to several questions are not independent trials, so counting answers would
make the interval look narrower than it is.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

from jixiao.core.rule_messages import Message
from jixiao.evaluations.key.figures import as_decimal, percent, plain, round_half_up

__all__ = [
    "Interval",
    "RateResult",
    "SampleSize",
    "confidence_interval",
    "formula_name",
    "satisfaction_rate",
    "sample_size_needed",
    "scale_labels",
    "satisfied_labels",
]

FORMULA_NAMES = {"rate": "survey.formula.rate", "weighted": "survey.formula.weighted"}


def scale_labels(rules: Mapping) -> list[str]:
    """The scale's levels in the order shown to respondents (很满意 … 很不满意)."""
    return [level["label"] for level in rules["scale"]]


def satisfied_labels(rules: Mapping) -> list[str]:
    """The levels that count as satisfied for the "rate" formula (很满意, 满意)."""
    return [level["label"] for level in rules["scale"] if level["satisfied"]]


def formula_name(formula: str) -> str:
    """The formula's name for people (a coded message); raises ValueError for an unknown one."""
    if formula not in FORMULA_NAMES:
        raise ValueError(
            Message("survey.formula.unknown", formula=formula, formulas="、".join(FORMULA_NAMES))
        )
    return Message(FORMULA_NAMES[formula])


def _places(rules: Mapping) -> Decimal:
    return Decimal(rules.get("places", "0.0001"))


@dataclass(frozen=True)
class RateResult:
    """The satisfaction rate of a survey (a fraction, None without any valid answer)."""

    rate: Decimal | None
    valid: int  # valid answers to the counting questions (the denominator)
    explanation: str


def satisfaction_rate(scale_counts: Mapping[str, int], formula: str, rules: Mapping) -> RateResult:
    """The rate from how many counting answers chose each level (see the module's docstring).

    `formula` is "rate" or "weighted"; a level missing from `scale_counts` counts 0. Raises
    ValueError for an unknown formula or level, or a negative count."""
    formula_name(formula)
    levels = {level["label"]: level for level in rules["scale"]}
    for label, count in scale_counts.items():
        if label not in levels:
            raise ValueError(Message("survey.scale.unknown", label=label, labels="、".join(levels)))
        if int(count) < 0:
            raise ValueError(Message("survey.scale.negative", label=label, n=count))
    counts = {label: int(scale_counts.get(label, 0)) for label in levels}
    valid = sum(counts.values())
    if not valid:
        return RateResult(None, 0, Message("survey.rate.none"))
    step = _places(rules)
    if formula == "rate":
        chosen = [label for label in levels if levels[label]["satisfied"]]
        top = sum(counts[label] for label in chosen)
        rate = round_half_up(Decimal(top) / Decimal(valid), step)
        parts = " + ".join(f"{label} {counts[label]}" for label in chosen)
        explanation = Message("survey.rate.rate", parts=parts, valid=valid, top=top,
                              rate=f"{rate:f}", percent=percent(rate))  # fmt: skip
        return RateResult(rate, valid, explanation)
    points = sum(
        (as_decimal(levels[label]["weight"]) * counts[label] for label in levels), Decimal(0)
    )
    rate = round_half_up(points / Decimal(valid) / 100, step)
    parts = " + ".join(
        f"{plain(as_decimal(levels[label]['weight']))} × {counts[label]}" for label in levels
    )
    explanation = Message("survey.rate.weighted", parts=parts, valid=valid, points=plain(points),
                          rate=f"{rate:f}", percent=percent(rate))  # fmt: skip
    return RateResult(rate, valid, explanation)


@dataclass(frozen=True)
class Interval:
    """A confidence interval of a rate (fractions), None without any response."""

    low: Decimal | None
    high: Decimal | None
    explanation: str


def confidence_interval(
    rate: Decimal | None, n: int, z: Decimal | str = "1.96", places: Decimal | str = "0.0001"
) -> Interval:
    """The Wilson score interval of a rate `rate` over `n` valid responses.

    centre = (p + z²/2n) / (1 + z²/n), half-width = z × √(p(1 − p)/n + z²/4n²) / (1 + z²/n);
    the interval is centre ± half-width, rounded half up to `places`. Unlike p ± z√(p(1−p)/n)
    it stays inside 0..1 and is not empty when every answer is satisfied (p = 1). For the
    "weighted" formula the score is treated like a proportion: an approximation."""
    if rate is None or n <= 0:
        return Interval(None, None, Message("survey.ci.none"))
    step = Decimal(places)
    with localcontext() as context:
        context.prec = 28
        p, z, n_ = Decimal(rate), Decimal(z), Decimal(n)
        if not 0 <= p <= 1:
            raise ValueError(Message("survey.ci.out_of_range", rate=f"{p:f}"))
        z2 = z * z
        denominator = 1 + z2 / n_
        centre = (p + z2 / (2 * n_)) / denominator
        half = z * (p * (1 - p) / n_ + z2 / (4 * n_ * n_)).sqrt() / denominator
        low = max(round_half_up(centre - half, step), Decimal(0).quantize(step))
        high = min(round_half_up(centre + half, step), Decimal(1).quantize(step))
        explanation = Message(
            "survey.ci.wilson",
            rate=f"{p:f}",
            n=n,
            z=plain(z),
            centre=f"{round_half_up(centre, step):f}",
            half=f"{round_half_up(half, step):f}",
            low=f"{low:f}",
            high=f"{high:f}",
        )
    return Interval(low, high, explanation)


@dataclass(frozen=True)
class SampleSize:
    """The sample size needed, and the size for an unknown (infinite) population."""

    needed: int
    unlimited: int  # without the finite-population correction (385 at ±5%, 95%)
    explanation: str


def sample_size_needed(
    population: int | None,
    margin: Decimal | str = "0.05",
    z: Decimal | str = "1.96",
    p: Decimal | str = "0.5",
) -> SampleSize:
    """The number of valid responses needed for a margin of ±`margin` at confidence `z`.

    n₀ = z² × p(1 − p) / margin² (1.96² × 0.25 / 0.05² = 384.16 → 385). For a known population
    N the finite-population correction gives n = n₀ / (1 + n₀ / N) (computed from the unrounded
    n₀), rounded up: N = 60 → 52, N = 1000 → 278. (Cochran's variant n₀ / (1 + (n₀ − 1) / N)
    differs by at most one response, e.g. 53 for N = 60; we keep the simpler form that the
    published online calculators use.) Exact arithmetic (fractions), so no rounding step can
    push a whole number up by one."""
    margin_, z_, p_ = (Fraction(Decimal(str(v))) for v in (margin, z, p))
    if margin_ <= 0 or not 0 < p_ < 1:
        raise ValueError(Message("survey.sample.bad", margin=str(margin), p=str(p)))
    base = z_ * z_ * p_ * (1 - p_) / (margin_ * margin_)
    unlimited = _ceil(base)
    shown = {"z": plain(Decimal(str(z))), "p": plain(Decimal(str(p))),
             "q": plain(1 - Decimal(str(p))), "margin": plain(Decimal(str(margin))),
             "n0": _shown(base), "n": unlimited,
             "margin_pct": percent(Decimal(str(margin)))}  # fmt: skip
    explanation = Message("survey.sample.unlimited", **shown)
    if population is None:
        return SampleSize(unlimited, unlimited, explanation)
    if int(population) <= 0:
        raise ValueError(Message("survey.sample.bad_population", population=population))
    population = int(population)
    corrected = base / (1 + base / population)
    needed = _ceil(corrected)
    explanation = Message("survey.sample.finite", unlimited=explanation, population=population,
                          n0=_shown(base), corrected=_shown(corrected, 2),
                          n=needed)  # fmt: skip
    return SampleSize(needed, unlimited, explanation)


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def _shown(value: Fraction, decimals: int | None = None) -> str:
    """A fraction as a decimal: exact when it terminates within 6 places, else `decimals`."""
    number = Decimal(value.numerator) / Decimal(value.denominator)
    exact = number.quantize(Decimal("0.000001"))
    if decimals is None and exact == value:
        return plain(exact)
    step = Decimal(1).scaleb(-(decimals or 2))
    return plain(round_half_up(number, step))
