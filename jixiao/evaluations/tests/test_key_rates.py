"""Rate indicators of a key evaluation (rates.rate_score), with hand-computed figures: the rate
from its inputs, the "≥ target" score of the self-evaluation engine rounded half up, and what
is missing when the rate cannot be computed."""

from __future__ import annotations

from decimal import Decimal

from jixiao.evaluations.key.defaults import KEY_EVALUATION_DEFAULTS, RATE_RULES
from jixiao.evaluations.key.rates import rate_score

RULES = KEY_EVALUATION_DEFAULTS
D = Decimal


def _score(code: str, weight: str, **inputs):
    """The default rule `code` scored out of `weight` from `inputs` (by input name)."""
    values = {name: None if v is None else D(v) for name, v in inputs.items()}
    return rate_score(RATE_RULES[code], values, D(weight), RULES)


def test_funds_received_below_the_target_scores_the_weight_times_the_exact_rate():
    # 1800 / 1850 = 0.972972…; 5 × 0.972972… = 4.8648… → 4.86 (not 5 × 97.30% = 4.865)
    result = _score("funds_received_rate", "5", 实际到位资金="1800", 预算资金="1850")
    assert result.value == D("97.30")
    assert result.score == D("4.86")
    assert result.missing == ()
    assert result.explanation == (
        "资金到位率 = 实际到位资金 1,800.00 ÷ 预算资金 1,850.00 = 97.30%，≥100%：5 × 97.30% = 4.86"
    )


def test_a_rate_at_or_above_the_target_takes_the_full_weight():
    result = _score("budget_execution_rate", "5", 实际支出资金="1900", 实际到位资金="1850")
    assert (result.value, result.score) == (D("102.70"), D("5.00"))
    assert "得满分 5.00" in result.explanation


def test_the_score_is_rounded_half_up_not_to_even():
    # 869 / 1000 = 86.9%; 5 × 0.869 = 4.345 → 4.35 (banker's rounding would give 4.34)
    result = _score("completion_rate", "5", 实际产出数="869", 计划产出数="1000")
    assert (result.value, result.score) == (D("86.90"), D("4.35"))


def test_cost_saving_is_full_when_saved_and_loses_the_overspent_share_otherwise():
    rule = RATE_RULES["cost_saving_rate"]
    saved = rate_score(rule, {"实际成本": D("90"), "计划成本": D("100")}, D("6"), RULES)
    assert (saved.value, saved.score) == (D("10.00"), D("6.00"))
    # (100 − 110) / 100 = −10%: 6 × (1 − 10%) = 5.40
    over = rate_score(rule, {"实际成本": D("110"), "计划成本": D("100")}, D("6"), RULES)
    assert (over.value, over.score) == (D("-10.00"), D("5.40"))
    assert "(计划成本 100.00 − 实际成本 110.00) ÷ 计划成本 100.00 = -10.00%" in over.explanation
    # 2.5 times the plan: the deduction floors at 0
    far = rate_score(rule, {"实际成本": D("250"), "计划成本": D("100")}, D("6"), RULES)
    assert far.score == D("0.00")


def test_satisfaction_is_a_given_rate_scored_against_ninety_percent():
    rule = RATE_RULES["satisfaction_rate"]
    # 10 × 85 / 90 = 9.444… → 9.44
    low = rate_score(rule, {"满意度": D("85")}, D("10"), RULES)
    assert (low.value, low.score) == (D("85.00"), D("9.44"))
    assert low.explanation == "满意度 = 85.00%，≥90%：10 × 85.00% ÷ 90% = 9.44"
    high = rate_score(rule, {"满意度": D("92.35")}, D("10"), RULES)
    assert high.score == D("10.00")


def test_missing_inputs_give_no_score_and_are_named():
    result = rate_score(RATE_RULES["quality_rate"], {"质量达标产出数": None}, D("8"), RULES)
    assert (result.value, result.score) == (None, None)
    assert result.missing == ("质量达标产出数", "实际产出数")
    assert result.explanation == "质量达标率：缺少质量达标产出数、实际产出数，无法计算建议得分"


def test_a_zero_denominator_gives_no_score_and_says_so():
    result = _score("funds_received_rate", "5", 实际到位资金="100", 预算资金="0")
    assert (result.value, result.score) == (None, None)
    assert "预算资金为0.00" in result.explanation


def test_a_rule_the_engine_cannot_compute_gives_no_score():
    rule = {**RATE_RULES["completion_rate"], "op": "≤"}
    result = rate_score(rule, {"实际产出数": D("1"), "计划产出数": D("2")}, D("5"), RULES)
    assert result.score is None
    assert "运算符“≤”" in result.explanation
