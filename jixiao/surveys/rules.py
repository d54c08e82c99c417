"""The rulebook section "survey": public satisfaction surveys (公众测评, DOMAIN.md §6.4).

Every figure the survey modules use lives here once (DESIGN.md, Pure rules); a region changes
them through the rulebook. Decimals are strings so JSON keeps them exact. The pure modules that
read this section are `formulas.py` (rate, interval, sample size) and `validity.py`.

Where each default comes from:
- `formula` "rate": 满意率 = (很满意 + 满意) / valid answers, the usual published definition
  (DOMAIN.md §6.4); the alternative "weighted" (the mean of 100/80/60/30/0, divided by 100) is
  the other one DOMAIN.md §10 asks to be selectable. `formulas` lists the values allowed.
- `scale`: the five-level scale 很满意 / 满意 / 基本满意 / 不满意 / 很不满意, in the order shown to
  respondents, with the weights 100/80/60/30/0 of the weighted formula and which levels count
  as satisfied for the rate (很满意, 满意) (DOMAIN.md §6.4).
- `validity.min_seconds` 30: an online answer given in under 30 seconds is invalid (DOMAIN.md
  §6.4, "ours"); paper answers are not timed.
- `validity.straight_min_questions` 3: every scale question given the same option is
  straight-lining only when the respondent answered at least 3 scale questions (ours: with one
  or two questions the same answer is an ordinary one).
- `sample`: the sample needed for a margin of ±5% at 95% confidence (z = 1.96) with the most
  cautious proportion p = 0.5, which gives 385 (DOMAIN.md §6.4), reduced by the finite
  population correction when the population is known (`formulas.sample_size_needed`).
- `rate_limits`: at most 20 submissions per source address per survey per hour, and 2,000 per
  survey per minute (ours: a household or an office behind one address answers well below 20,
  and 2,000 a minute is far above a poster campaign's peak while it stops a flood).
- `text_chars` 500: the longest free-text answer kept, in characters (ours).
- `codes`: one-time codes of 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L)
  (ours: 31⁸ ≈ 8.5 × 10¹¹ codes, easy to type from a printed slip).
- `places` "0.0001": the rate and its interval are fractions with four decimals (CONTRACT.md,
  `satisfaction_rate`).
"""

from jixiao.core.rulebook import register_choices, register_defaults

SURVEY_DEFAULTS = {
    "formula": "rate",
    "formulas": ["rate", "weighted"],
    "scale": [
        {"label": "很满意", "weight": "100", "satisfied": True},
        {"label": "满意", "weight": "80", "satisfied": True},
        {"label": "基本满意", "weight": "60", "satisfied": False},
        {"label": "不满意", "weight": "30", "satisfied": False},
        {"label": "很不满意", "weight": "0", "satisfied": False},
    ],
    "validity": {"min_seconds": 30, "straight_min_questions": 3},
    "sample": {"margin": "0.05", "confidence": "0.95", "z": "1.96", "p": "0.5"},
    "rate_limits": {
        "address": {"limit": 20, "seconds": 3600},  # per source address, per survey
        "survey": {"limit": 2000, "seconds": 60},  # per survey, all addresses together
    },
    "text_chars": 500,
    "codes": {"length": 8, "alphabet": "ABCDEFGHJKMNPQRSTUVWXYZ23456789"},
    # A builder's to-do: an open survey closing within this many days (ours).
    "closing_soon_days": 3,
    "places": "0.0001",
}

register_defaults("survey", SURVEY_DEFAULTS)
register_choices(
    {"survey.formula": SURVEY_DEFAULTS["formulas"], "survey.formulas": SURVEY_DEFAULTS["formulas"]}
)


def rules_in_force(region, year: int) -> dict:
    """The section "survey" in force for a region and year: the region's (and its parents')
    versions over these defaults (`core.rulebook.rules_for`)."""
    from jixiao.core.rulebook import rules_for

    return rules_for(region.lineage_codes, year).section("survey")
