"""The survey figures (DOMAIN.md §6.4): the satisfaction rate by either formula, its Wilson
interval and the sample size needed. Pure functions, no database; every expected figure is
worked out by hand in the test (the arithmetic is in the comments), never by the code."""

import copy
import math
from decimal import Decimal

import pytest

import jixiao.surveys.rules  # noqa: F401  (registers "survey")
from jixiao.core import rulebook
from jixiao.surveys.formulas import (
    confidence_interval,
    formula_name,
    sample_size_needed,
    satisfaction_rate,
    satisfied_labels,
    scale_labels,
)

D = Decimal


@pytest.fixture
def rules():
    return rulebook.named("national").section("survey")


# 412 valid answers to the one counting question of a survey
COUNTS = {"很满意": 250, "满意": 132, "基本满意": 20, "不满意": 8, "很不满意": 2}


# --- the rulebook's defaults ------------------------------------------------------------------


def test_defaults_give_the_rate_formula_the_five_levels_and_the_satisfied_two(rules):
    assert rules["formula"] == "rate"
    assert set(rules["formulas"]) == {"rate", "weighted"}
    assert scale_labels(rules) == ["很满意", "满意", "基本满意", "不满意", "很不满意"]
    assert [level["weight"] for level in rules["scale"]] == ["100", "80", "60", "30", "0"]
    assert satisfied_labels(rules) == ["很满意", "满意"]
    assert rules["validity"] == {"min_seconds": 30, "straight_min_questions": 3}
    assert rules["rate_limits"]["address"] == {"limit": 20, "seconds": 3600}
    assert rules["rate_limits"]["survey"] == {"limit": 2000, "seconds": 60}
    assert rules["text_chars"] == 500
    assert rules["codes"]["length"] == 8
    assert not set("0O1IL") & set(rules["codes"]["alphabet"])


def test_a_region_may_change_only_known_survey_rules():
    assert rulebook.validate_changes({"survey": {"formula": "weighted"}}) == []
    assert rulebook.validate_changes({"survey": {"validity": {"min_seconds": 60}}}) == []
    assert rulebook.validate_changes({"survey": {"validity": {"min_seconds": "60"}}})
    assert rulebook.validate_changes({"survey": {"no_such_rule": 1}})


# --- the rate -----------------------------------------------------------------------------------


def test_rate_is_very_satisfied_plus_satisfied_over_valid_answers(rules):
    # (250 + 132) / 412 = 382 / 412 = 0.927184… → 0.9272
    result = satisfaction_rate(COUNTS, "rate", rules)
    assert result.rate == D("0.9272")
    assert result.valid == 412
    assert "很满意 250 + 满意 132" in result.explanation
    assert "382 / 412 = 0.9272（92.72%）" in result.explanation


def test_weighted_rate_is_the_mean_of_100_80_60_30_0_divided_by_100(rules):
    # 100×250 + 80×132 + 60×20 + 30×8 + 0×2 = 25000 + 10560 + 1200 + 240 + 0 = 37000
    # 37000 / 412 = 89.805825… points → / 100 = 0.898058… → 0.8981
    result = satisfaction_rate(COUNTS, "weighted", rules)
    assert result.rate == D("0.8981")
    assert result.valid == 412
    assert "37000 / 412 / 100 = 0.8981（89.81%）" in result.explanation


def test_several_counting_questions_are_pooled(rules):
    # Two counting questions, three respondents:
    #   Q1: 很满意, 满意, 基本满意    Q2: 满意, 不满意, 很满意
    # pooled: 很满意 2, 满意 2, 基本满意 1, 不满意 1 → 6 answers
    pooled = {"很满意": 2, "满意": 2, "基本满意": 1, "不满意": 1}
    # rate: (2 + 2) / 6 = 0.66666… → 0.6667 (= the mean of Q1's 2/3 and Q2's 2/3)
    assert satisfaction_rate(pooled, "rate", rules).rate == D("0.6667")
    # weighted: (200 + 160 + 60 + 30) / 6 = 450 / 6 = 75 → 0.75; the respondents' own means are
    # (100+80)/2 = 90, (80+30)/2 = 55, (60+100)/2 = 80, whose mean is 225 / 3 = 75 as well
    weighted = satisfaction_rate(pooled, "weighted", rules)
    assert weighted.rate == D("0.7500") and weighted.valid == 6


def test_rate_rounds_half_up_to_four_places(rules):
    # 1 / 32 = 0.03125 → 0.0313 (banker's rounding would give 0.0312)
    assert satisfaction_rate({"很满意": 1, "很不满意": 31}, "rate", rules).rate == D("0.0313")


def test_everyone_satisfied_is_a_rate_of_one(rules):
    assert satisfaction_rate({"满意": 7}, "rate", rules).rate == D("1.0000")
    # weighted: 80 × 7 / 7 / 100 = 0.8
    assert satisfaction_rate({"满意": 7}, "weighted", rules).rate == D("0.8000")


def test_no_valid_answer_gives_no_rate(rules):
    result = satisfaction_rate({}, "rate", rules)
    assert result.rate is None and result.valid == 0
    assert "无法计算满意率" in result.explanation


def test_the_rulebook_weights_and_satisfied_levels_are_used(rules):
    changed = copy.deepcopy(rules)
    changed["scale"][3]["weight"] = "40"  # 不满意 40 instead of 30
    changed["scale"][2]["satisfied"] = True  # 基本满意 counts as satisfied
    # rate: (250 + 132 + 20) / 412 = 402 / 412 = 0.975728… → 0.9757
    assert satisfaction_rate(COUNTS, "rate", changed).rate == D("0.9757")
    # weighted: 37000 + 10 × 8 = 37080; 37080 / 412 / 100 = 0.9
    assert satisfaction_rate(COUNTS, "weighted", changed).rate == D("0.9000")


def test_unknown_formula_or_level_or_negative_count_is_refused(rules):
    with pytest.raises(ValueError, match="满意度计算方法“mean”无效"):
        satisfaction_rate(COUNTS, "mean", rules)
    with pytest.raises(ValueError, match="“一般”不是满意度量表的选项"):
        satisfaction_rate({"一般": 3}, "rate", rules)
    with pytest.raises(ValueError, match="不能为负数"):
        satisfaction_rate({"满意": -1}, "rate", rules)


def test_formulas_have_names_for_people():
    assert "很满意 + 满意" in formula_name("rate")
    assert "平均" in formula_name("weighted")


# --- the Wilson interval ------------------------------------------------------------------------


def _wilson_by_hand(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The textbook formula, in floats, written out independently of the code under test."""
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


def test_wilson_interval_of_90_percent_over_100_responses():
    # z² = 3.8416, z²/n = 0.038416, 1 + z²/n = 1.038416
    # centre = (0.9 + 3.8416/200) / 1.038416 = 0.919208 / 1.038416 = 0.885202…
    # half = 1.96 × √(0.09/100 + 3.8416/40000) / 1.038416 = 1.96 × √0.00099604 / 1.038416
    #      = 1.96 × 0.0315601… / 1.038416 = 0.0595694…
    # [0.885202 − 0.059569, 0.885202 + 0.059569] = [0.825632…, 0.944771…] → [0.8256, 0.9448]
    interval = confidence_interval(D("0.9"), 100)
    assert (interval.low, interval.high) == (D("0.8256"), D("0.9448"))
    low, high = _wilson_by_hand(0.9, 100)
    assert abs(float(interval.low) - low) < 0.00005 and abs(float(interval.high) - high) < 0.00005
    assert "[0.8256, 0.9448]" in interval.explanation and "n = 100" in interval.explanation


def test_wilson_interval_is_not_empty_when_everyone_is_satisfied():
    # p = 1, n = 10: centre = (1 + 3.8416/20) / 1.38416 = 1.19208 / 1.38416 = 0.861229…
    # half = 1.96 × √(3.8416/400) / 1.38416 = 1.96 × 0.098 / 1.38416 = 0.138770…
    # [0.722459…, 1] → [0.7225, 1.0000]
    interval = confidence_interval(D("1"), 10)
    assert (interval.low, interval.high) == (D("0.7225"), D("1.0000"))


def test_interval_narrows_as_responses_grow_and_holds_the_rate():
    widths = []
    for n in (10, 100, 1000):
        interval = confidence_interval(D("0.9272"), n)
        assert interval.low < D("0.9272") < interval.high
        widths.append(interval.high - interval.low)
    assert widths[0] > widths[1] > widths[2]


def test_no_responses_give_no_interval():
    assert confidence_interval(None, 0).low is None
    assert confidence_interval(D("0.9"), 0).high is None


# --- the sample size ----------------------------------------------------------------------------


def test_sample_for_five_percent_at_95_percent_is_385():
    # n₀ = 1.96² × 0.5 × 0.5 / 0.05² = 3.8416 × 0.25 / 0.0025 = 0.9604 / 0.0025 = 384.16 → 385
    result = sample_size_needed(None)
    assert (result.needed, result.unlimited) == (385, 385)
    assert "384.16" in result.explanation and "385" in result.explanation


@pytest.mark.parametrize(
    ("population", "needed"),
    [
        # n = n₀ / (1 + n₀/N) = n₀ × N / (N + n₀), n₀ = 384.16, rounded up
        (60, 52),  # 384.16 × 60 / 444.16 = 23049.6 / 444.16 = 51.89… → 52
        (1000, 278),  # 384160 / 1384.16 = 277.54… → 278
        (100, 80),  # 38416 / 484.16 = 79.34… → 80
        (10, 10),  # 3841.6 / 394.16 = 9.74… → 10 (never more than the population)
        (1_000_000, 385),  # 384160000 / 1000384.16 = 384.01… → 385
    ],
)
def test_finite_population_correction(population, needed):
    result = sample_size_needed(population)
    assert result.needed == needed
    assert result.unlimited == 385
    assert result.needed <= population


def test_sample_explanation_shows_the_correction():
    text = sample_size_needed(60).explanation
    assert "384.16 / (1 + 384.16 / 60) ≈ 51.89" in text and "向上取整为52份" in text


def test_other_margins_and_confidence_levels():
    # ±3% at 95%: 3.8416 × 0.25 / 0.0009 = 1067.11… → 1068
    assert sample_size_needed(None, "0.03").needed == 1068
    # ±5% at 99% (z = 2.576): 6.635776 × 0.25 / 0.0025 = 663.5776 → 664
    assert sample_size_needed(None, "0.05", "2.576").needed == 664
    # p = 0.8: 3.8416 × 0.16 / 0.0025 = 245.8624 → 246
    assert sample_size_needed(None, "0.05", "1.96", "0.8").needed == 246


def test_a_whole_number_is_not_pushed_up_by_rounding():
    # z = 2: 4 × 0.25 / 0.0025 = 400 exactly → 400, not 401; with N = 400: 400 / (1 + 1) = 200
    assert sample_size_needed(None, "0.05", "2").needed == 400
    assert sample_size_needed(400, "0.05", "2").needed == 200


def test_the_rulebook_sample_rules_give_385(rules):
    sample = rules["sample"]
    assert sample_size_needed(None, sample["margin"], sample["z"], sample["p"]).needed == 385


def test_impossible_sample_parameters_are_refused():
    with pytest.raises(ValueError):
        sample_size_needed(0)
    with pytest.raises(ValueError):
        sample_size_needed(None, "0")
    with pytest.raises(ValueError):
        sample_size_needed(None, "0.05", "1.96", "1")
