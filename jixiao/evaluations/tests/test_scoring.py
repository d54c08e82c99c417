"""Tests of self-evaluation scoring (DOMAIN.md §6.2) and of reading self-evaluations from JSON.

Pure: no database. The worked cases of §6.2 as table tests, every rulebook alternative of §10,
deadlines, rounding at the .005 edges, grade edges, hypothesis properties, the unit's own scores,
and a realistic 项目支出绩效自评表 (samples.REAL_TABLE).
"""

import ast
import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jixiao.evaluations.rules  # noqa: F401  (registers "scoring" and "unit_evaluation")
import jixiao.indicators.rules  # noqa: F401  (registers "catalogue")
from jixiao.core import rulebook
from jixiao.evaluations import scoring
from jixiao.evaluations.scoring import ScoringRulesError, grade_for, months_late, score
from jixiao.evaluations.selfeval_data import selfeval_from_data

from .samples import REAL_EXECUTION, REAL_SCORES, REAL_TABLE, REAL_TOTAL

NATIONAL = rulebook.named("national")
RULES = NATIONAL.section("scoring")
CATALOGUE = NATIONAL.section("catalogue")
D = Decimal


def rules_with(**changes) -> dict:
    """The national "scoring" section with some values changed (nested dicts merge)."""
    rules = copy.deepcopy(RULES)
    for key, value in changes.items():
        if isinstance(value, dict):
            rules[key].update(value)
        else:
            rules[key] = value
    return rules


def row(
    target, actual, weight=10, category="产出指标", subcategory="数量指标", name="指标", **extra
) -> dict:
    return {"category": category, "subcategory": subcategory, "name": name, "target": target,
            "actual": actual, "weight": weight, **extra}  # fmt: skip


def evaluate(rows, *, rules=None, budget=None, year=2021, **top):
    budget = {"full_year": "100", "executed": "100"} if budget is None else budget
    data = {"year": year, "budget": budget,
            "indicators": rows, **top}  # fmt: skip
    parsed, errors = selfeval_from_data(data, catalogue=CATALOGUE)
    assert errors == []
    return score(parsed, rules=rules or RULES, catalogue=CATALOGUE)


def one(target, actual, weight=10, *, rules=None, **extra):
    return evaluate([row(target, actual, weight, **extra)], rules=rules).indicators[0]


def codes(issues) -> list[str]:
    return [issue.code for issue in issues]


# ---------------------------------------------------------------------------- worked cases (§6.2)


@pytest.mark.parametrize(
    "target, actual, weight, expected, explanation",
    [
        ("≥100人次", "87", 10, "8.70", "≥100人次, 实际87: 10 × 87/100 = 8.70"),
        ("≤50万元", "60", 8, "6.40", "≤50万元, 实际60: 8 × (1 − (60 − 50)/50) = 6.40"),
        ("≤50万元", "100", 8, "0.00", "≤50万元, 实际100: 100 ≥ 2 × 50, 得 0.00"),
        ("=0起", "1", 5, "0.00", "=0起, 实际1: 1 > 0, 目标为0, 得 0.00"),
        ("=100%", "98%", 10, "9.80", "=100%, 实际98: 10 × 98/100 = 9.80"),
    ],
)
def test_worked_cases_of_domain_6_2(target, actual, weight, expected, explanation):
    result = one(target, actual, weight)
    assert result.score == D(expected)
    assert result.explanation == explanation
    assert result.errors == ()


def test_worked_case_less_than_by_the_ratio_rule():
    rules = rules_with(quantitative={"less_rule": "ratio"})
    result = one("≤50万元", "60", 8, rules=rules)
    assert result.score == D("6.67")
    assert result.explanation == "≤50万元, 实际60: 8 × 50/60 = 6.67"


def test_worked_case_execution_full_year_100_executed_92():
    result = evaluate([], budget={"full_year": 100, "executed": 92})
    assert (result.execution.rate, result.execution.score) == (D("0.9200"), D("9.20"))
    assert "10 × 92/100 = 9.20" in result.execution.explanation


def test_worked_case_partly_achieved_with_8_is_rejected():
    result = one("效果明显", "部分达成年度指标并具有一定效果", 10, name="群众获得感", score=8)
    assert result.score is None
    [error] = result.errors
    assert error.code == "score_out_of_band"
    assert "群众获得感" in error.message and "6 ≤ 得分 < 8" in error.message


# ---------------------------------------------------------------------------- quantitative


@pytest.mark.parametrize(
    "target, actual, expected",
    [
        ("≥100个", "120", "10.00"),  # met
        ("≥0个", "0", "10.00"),  # ≥ with t = 0 → w
        (">100个", "100", "10.00"),  # > scored as ≥: meeting the number earns full points
        ("<50万元", "50", "10.00"),  # < scored as ≤
        ("≥100个", "-5", "0.00"),  # negative actual counts as 0
        ("≤50万元", "-5", "10.00"),
        ("≤0起", "0", "10.00"),  # ≤ with t ≤ 0 as "= 0"
        ("≤0起", "2", "0.00"),
        ("=0起", "0", "10.00"),
        ("=100%", "120%", "10.00"),  # = with t > 0 as ≥ (by default)
        ("≤50万元", "75", "5.00"),
        ("≤50万元", "500000元", "10.00"),  # money converts: 50万元
    ],
)
def test_operator_table(target, actual, expected):
    assert one(target, actual, explanation="说明").score == D(expected)


def test_unit_mismatch_is_an_error_on_that_indicator_and_the_rest_is_scored():
    result = evaluate([row("≥100人次", "87个", name="培训人次"), row("≥100人次", "87")])
    first, second = result.indicators
    assert first.score is None and codes(first.errors) == ["unit_mismatch"]
    assert "培训人次" in first.errors[0].message
    assert second.score == D("8.70")
    assert codes(result.errors) == ["unit_mismatch"] and result.errors[0].indicator == 0
    assert not result.complete and result.grade is None


@pytest.mark.parametrize(
    "target, actual, code",
    [("/", "87", "missing_value"), ("≧ %", "87", "unreadable_value"),
     ("≥100个", "", "missing_actual"), ("≥100个", "很多", "unreadable_actual")],
)  # fmt: skip
def test_values_that_cannot_be_read_are_errors(target, actual, code):
    result = one(target, actual)
    assert result.score is None and codes(result.errors) == [code]


def test_an_entered_score_on_a_quantitative_indicator_is_ignored_with_a_warning():
    result = one("≥100个", "87", score=10)
    assert result.score == D("8.70") and "entered_score_ignored" in codes(result.warnings)


def test_an_unreadable_weight_is_an_error_on_its_indicator_only():
    result = evaluate([row("≥100个", "87", weight="十分"), row("≥100个", "87")])
    assert result.indicators[0].score is None
    assert codes(result.indicators[0].errors) == ["weight_unreadable"]
    assert result.indicators[1].score == D("8.70")


def test_an_indicator_without_weight_gets_no_score_and_a_warning():
    result = evaluate([row("≥100个", "87", weight=None), row("≥100个", "87", weight=50)])
    missing = result.indicators[0]
    assert missing.score is None and missing.errors == ()
    assert "no_weight" in codes(missing.warnings)
    assert not result.complete and result.grade is None
    assert "incomplete" in codes(result.warnings)
    assert result.total == D("10.00") + D("43.50")


# ---------------------------------------------------------------------------- over-achievement


@pytest.mark.parametrize(
    "actual, extra, warned",
    [("130", {}, True), ("129.9", {}, False), ("130", {"explanation": "新增一批学员"}, False),
     ("130", {"deviation": "目标偏低，下年调高"}, False)],
)  # fmt: skip
def test_over_achievement_needs_an_explanation(actual, extra, warned):
    result = one("≥100人次", actual, **extra)
    assert result.score == D("10.00")
    assert ("over_achievement_unexplained" in codes(result.warnings)) is warned


def test_over_achievement_threshold_comes_from_the_rulebook():
    rules = rules_with(over_achievement="1.5")
    assert "over_achievement_unexplained" not in codes(one("≥100", "130", rules=rules).warnings)
    assert "over_achievement_unexplained" in codes(one("≥100", "150", rules=rules).warnings)


def test_reviewer_deduction_is_kept_apart_from_the_score():
    result = evaluate([row("≥100个", "100", weight=50, deduction=2)])
    [line] = result.indicators
    assert line.score == D("50.00") and line.deduction == D("2") and line.reviewed == D("48.00")
    assert result.total == D("60.00") and result.reviewed_total == D("58.00")
    assert line.to_data()["score"] == "50.00" and line.to_data()["reviewed_score"] == "48.00"


# ---------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    "actual, expected, late",
    [
        ("2021年12月20日", "10.00", None),  # on time
        ("按时完成", "10.00", None),
        ("2022-01-05", "8.00", "逾期1个月"),  # part of a month counts as a month
        ("2022-01-31", "8.00", "逾期1个月"),  # exactly one month
        ("2022-02-01", "6.00", "逾期2个月"),  # one month and a day
        ("2022年5月31日", "0.00", "逾期5个月"),  # 100% deducted
        ("2022年6月30日", "0.00", "逾期6个月"),  # floored at 0
    ],
)
def test_deadlines_lose_20_percent_per_month_or_part_of_one(actual, expected, late):
    result = one("12月底前完成", actual, subcategory="时效指标", deviation="说明")
    assert result.score == D(expected)
    if late:
        assert late in result.explanation


def test_a_late_deadline_without_a_date_needs_a_date_or_a_score():
    result = one("12月底前完成", "未完成", subcategory="时效指标")
    assert result.score is None and codes(result.errors) == ["deadline_date_missing"]
    assert one("12月底前完成", "未完成", subcategory="时效指标", score=3).score == D("3.00")
    out = one("12月底前完成", "未完成", subcategory="时效指标", score=12)
    assert codes(out.errors) == ["score_out_of_range"]


def test_deadline_step_comes_from_the_rulebook():
    by_days = rules_with(deadline={"unit": "day", "size": 10, "deduct": "0.10"})
    result = one("12月底前完成", "2022-01-11", subcategory="时效指标", rules=by_days)
    assert result.score == D("8.00")  # 11 days: two steps of 10 days, 10% each
    half = rules_with(deadline={"unit": "month", "size": 1, "deduct": "0.50"})
    assert one("12月底前完成", "2022-01-11", subcategory="时效指标", rules=half).score == D("5.00")


@pytest.mark.parametrize(
    "due, done, months",
    [(date(2021, 12, 31), date(2021, 12, 31), 0), (date(2021, 11, 30), date(2021, 12, 31), 1),
     (date(2021, 11, 30), date(2022, 1, 1), 2), (date(2021, 6, 15), date(2021, 7, 15), 1),
     (date(2021, 6, 15), date(2021, 7, 16), 2), (date(2021, 1, 31), date(2021, 2, 28), 1)],
)  # fmt: skip
def test_months_late_counts_parts_of_a_month(due, done, months):
    assert months_late(due, done) == months


# ---------------------------------------------------------------------------- qualitative


def test_band_from_the_actual_value_verbatim_earns_full_points_without_a_score():
    result = one("效果明显", "达成年度指标")
    assert result.score == D("10.00") and "按实际值" in result.explanation


def test_a_band_is_never_guessed_from_free_text():
    result = one("效果明显", "效果明显，群众普遍满意", name="环境改善")
    assert result.score is None and codes(result.errors) == ["band_required"]
    assert "环境改善" in result.errors[0].message and "不根据" in result.errors[0].message


@pytest.mark.parametrize(
    "band, entered, expected, code",
    [
        ("达成年度指标", None, "10.00", None),
        ("达成年度指标", 8, "8.00", None),
        ("达成年度指标", "7.99", None, "score_out_of_band"),
        ("部分达成年度指标并具有一定效果", None, None, "band_score_required"),
        ("部分达成年度指标并具有一定效果", 6, "6.00", None),
        ("部分达成年度指标并具有一定效果", "7.99", "7.99", None),
        ("未达成年度指标且效果较差", None, None, "band_score_required"),
        ("未达成年度指标且效果较差", 0, "0.00", None),
        ("未达成年度指标且效果较差", "5.99", "5.99", None),
        ("未达成年度指标且效果较差", 6, None, "score_out_of_band"),
    ],
)
def test_qualitative_bands_and_their_ranges(band, entered, expected, code):
    result = one("效果明显", "已落实", band=band, score=entered)
    assert result.score == (None if expected is None else D(expected))
    assert codes(result.errors) == ([code] if code else [])


def test_a_chosen_band_wins_over_a_different_label_in_the_actual_value():
    result = one("效果明显", "达成年度指标", band="部分达成年度指标并具有一定效果", score=7)
    assert result.score == D("7.00") and "band_conflict" in codes(result.warnings)


# ---------------------------------------------------------------------------- execution


def test_execution_without_a_budget_is_empty_with_a_warning():
    for budget in ({"full_year": 0, "executed": 5}, {"executed": 5}, {}):
        result = evaluate([], budget=budget)
        assert result.execution.score is None and result.execution.rate is None
        assert "no_budget" in codes(result.warnings) and not result.complete


def test_execution_is_capped_at_full_points_and_reads_sources_when_the_total_row_is_empty():
    over = evaluate([], budget={"full_year": "100", "executed": "105"})
    assert (over.execution.rate, over.execution.score) == (D("1.0500"), D("10.00"))
    rows = [{"source": "当年财政拨款", "full_year": "80", "executed": "70"},
            {"source": "上年结转资金", "full_year": "20", "executed": "20"}]  # fmt: skip
    by_source = evaluate([], budget={"sources": rows})
    assert by_source.execution.score == D("9.00")
    mismatch = evaluate([], budget={"full_year": "120", "executed": "90", "sources": rows})
    assert "money_mismatch" in codes(mismatch.warnings)


def test_execution_uses_the_exact_ratio_not_the_rounded_rate():
    # The rate shows 0.9995, but the score comes from 0.99949: 10 × 0.99949 = 9.9949 → 9.99
    # (from the rounded rate it would be 9.995 → 10.00).
    result = evaluate([], budget={"full_year": "100", "executed": "99.949"})
    assert (result.execution.rate, result.execution.score) == (D("0.9995"), D("9.99"))


def test_execution_denominator_alternative_is_the_funds_received():
    rules = rules_with(execution={"weight": "10", "denominator": "received"})
    result = evaluate([], rules=rules, budget={"full_year": 100, "received": 80, "executed": 72})
    assert result.execution.score == D("9.00") and "资金到位数" in result.execution.explanation
    missing = evaluate([], rules=rules, budget={"full_year": 100, "executed": 72})
    assert missing.execution.score is None and "no_budget" in codes(missing.warnings)


# ---------------------------------------------------------------------------- rulebook alternatives


def test_equal_penalising_overshoot_is_selectable():
    assert one("=100%", "110%", explanation="x").score == D("10.00")
    rules = rules_with(quantitative={"less_rule": "linear", "equal_penalises_overshoot": True})
    assert one("=100%", "110%", rules=rules, explanation="x").score == D("9.00")
    ratio = rules_with(quantitative={"less_rule": "ratio", "equal_penalises_overshoot": True})
    assert one("=100%", "125%", rules=ratio, explanation="x").score == D("8.00")
    assert one("=100%", "90%", rules=rules).score == D("9.00")


def test_less_than_ratio_rule_never_reaches_zero():
    rules = rules_with(quantitative={"less_rule": "ratio"})
    assert one("≤50万元", "100", 8, rules=rules).score == D("4.00")


SATISFIED = [row("≥1个", "1", 50), row("≥1个", "1", 30, "效益指标", "社会效益指标"),
             row("≥90%", "95%", 10, "满意度指标", "服务对象满意度指标")]  # fmt: skip
NO_SATISFACTION = [row("≥1个", "1", 60), row("≥1个", "1", 30, "效益指标", "社会效益指标")]


def test_weights_adding_up_to_the_category_totals_give_no_warning():
    assert "weights_invalid" not in codes(evaluate(SATISFIED).warnings)
    assert "weights_invalid" not in codes(evaluate(NO_SATISFACTION).warnings)


def test_weights_not_adding_up_are_a_warning_and_the_scores_stand():
    rows = [row("≥1个", "1", 40), row("≥1个", "1", 30, "效益指标", "社会效益指标")]
    result = evaluate(rows)
    [warning] = [w for w in result.warnings if w.code == "weights_invalid"]
    assert "产出指标分值合计40分，应为60分" in warning.message
    assert result.total == D("80.00") and result.complete and result.grade == "良"


def test_satisfaction_points_can_go_to_benefits_or_be_spread():
    to_benefits = rules_with(no_satisfaction_to="效益指标")
    assert "weights_invalid" in codes(evaluate(NO_SATISFACTION, rules=to_benefits).warnings)
    rows = [row("≥1个", "1", 50), row("≥1个", "1", 40, "效益指标", "社会效益指标")]
    assert "weights_invalid" not in codes(evaluate(rows, rules=to_benefits).warnings)
    spread = rules_with(no_satisfaction_to="proportional")
    rows = [row("≥1个", "1", "56.25"), row("≥1个", "1", "33.75", "效益指标", "社会效益指标")]
    assert "weights_invalid" not in codes(evaluate(rows, rules=spread).warnings)


def test_2021_catalogue_cost_shares_the_output_points():
    central = rulebook.named("national-2021")
    rows = [row("≥1个", "1", 40), row("≤5万元", "5", 10, "成本指标", "经济成本指标"),
            row("≥1个", "1", 30, "效益指标", "社会效益指标"),
            row("≥90%", "95%", 10, "满意度指标", "服务对象满意度指标")]  # fmt: skip
    data = {"year": 2021, "budget": {"full_year": 1, "executed": 1}, "indicators": rows}
    parsed, _errors = selfeval_from_data(data, catalogue=central.section("catalogue"))
    result = score(parsed, rules=central.section("scoring"), catalogue=central.section("catalogue"))
    assert result.total == D("100.00") and "weights_invalid" not in codes(result.warnings)


def test_grade_bands_come_from_the_rulebook():
    strict = rules_with(
        grades=[
            {"grade": "优", "min": "95"},
            {"grade": "良", "min": "85"},
            {"grade": "中", "min": "70"},
            {"grade": "差", "min": "0"},
        ]
    )
    rows = [row("≥100个", "80", 50), *SATISFIED[1:]]
    assert evaluate(rows).grade == "优"  # 10 + 40 + 30 + 10 = 90
    assert evaluate(rows, rules=strict).grade == "良"


def test_an_unknown_alternative_is_refused():
    with pytest.raises(ScoringRulesError, match="less_rule"):
        evaluate(
            [],
            rules=rules_with(
                quantitative={"less_rule": "square", "equal_penalises_overshoot": False}
            ),
        )


# ---------------------------------------------------------------------------- rounding and grades


@pytest.mark.parametrize(
    "target, actual, weight, expected",
    [
        ("≥1000个", "125", 1, "0.13"),  # 0.125 → 0.13 (banker's rounding would give 0.12)
        ("≥200个", "49.3", 10, "2.47"),  # 2.465 → 2.47 (banker's: 2.46)
        ("≥8个", "1.876", 10, "2.35"),  # 2.345 → 2.35 (banker's: 2.34)
        ("≥1000个", "124.9", 1, "0.12"),
        ("≤40万元", "40.9", 10, "9.78"),  # 10 × 39.1/40 = 9.775 → 9.78
    ],
)
def test_rounding_is_half_up_at_the_005_edge(target, actual, weight, expected):
    assert one(target, actual, weight).score == D(expected)


def test_execution_and_entered_scores_round_half_up_too():
    result = evaluate([], budget={"full_year": "200", "executed": "182.5"})
    assert result.execution.score == D("9.13")  # 9.125
    assert one("效果明显", "x", band="达成年度指标", score="8.125").score == D("8.13")


@pytest.mark.parametrize(
    "total, grade",
    [("100", "优"), ("90.00", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"),
     ("60", "中"), ("59.99", "差"), ("0", "差")],
)  # fmt: skip
def test_grade_band_edges(total, grade):
    assert grade_for(D(total), RULES["grades"]) == grade


@pytest.mark.parametrize(
    "outputs, benefits, satisfaction, total, grade",
    [("100", "90", "95", "100.00", "优"), ("100", "90", "0", "90.00", "优"),
     ("99.98", "90", "0", "89.99", "良"), ("100", "60", "0", "80.00", "良"),
     ("99.98", "60", "0", "79.99", "中"), ("100", "0", "0", "60.00", "中"),
     ("99.98", "0", "0", "59.99", "差")],
)  # fmt: skip
def test_grades_of_whole_self_evaluations_at_the_edges(outputs, benefits, satisfaction, total,
                                                        grade):  # fmt: skip
    rows = [
        row("≥100个", outputs, 50, deviation="x"),
        row("≥90个", benefits, 30, "效益指标", "社会效益指标", deviation="x"),
        row("≥90%", satisfaction, 10, "满意度指标", "服务对象满意度指标", deviation="x"),
    ]
    result = evaluate(rows)
    assert (result.total, result.grade, result.complete) == (D(total), grade, True)


# ---------------------------------------------------------------------------- the unit's own scores


def test_realistic_self_evaluation_is_scored_and_explained():
    parsed, errors = selfeval_from_data(REAL_TABLE, catalogue=CATALOGUE)
    assert errors == []
    result = score(parsed, rules=RULES, catalogue=CATALOGUE)
    assert [str(line.score) for line in result.indicators] == REAL_SCORES
    assert (str(result.execution.rate), str(result.execution.score)) == REAL_EXECUTION
    assert str(result.total) == REAL_TOTAL and result.grade == "优" and result.complete
    assert result.errors == ()
    assert "weights_invalid" not in codes(result.warnings)
    assert all(line.explanation for line in result.indicators)
    assert "逾期1个月" in result.indicators[4].explanation
    assert result.indicators[5].explanation == (
        "≤140元/吨, 实际143.6: 10 × (1 − (143.6 − 140)/140) = 9.74"
    )


def test_self_scores_that_depart_from_the_rules_are_flagged_with_the_rule_figure():
    parsed, _errors = selfeval_from_data(REAL_TABLE, catalogue=CATALOGUE)
    result = score(parsed, rules=RULES, catalogue=CATALOGUE)
    flagged = [(i, line.self_score, line.rule_score) for i, line in enumerate(result.indicators)
               if line.self_score_differs]  # fmt: skip
    assert flagged == [(4, D("5"), D("4.00")), (8, D("9"), D("7.00"))]
    messages = [w.message for w in result.warnings if w.code == "self_score_differs"]
    assert any("自评5分，按规则应为4.00分" in m for m in messages)
    assert "self_total_differs" in codes(result.warnings)
    assert "self_grade_differs" not in codes(result.warnings)
    assert not result.execution.self_score_differs


def test_self_score_tolerance_comes_from_the_rulebook():
    result = one("≥100个", "98", self_score="9.9", deviation="x")
    assert result.self_score_differs
    lenient = rules_with(self_score_tolerance="0.1")
    assert not one(
        "≥100个", "98", self_score="9.9", deviation="x", rules=lenient
    ).self_score_differs


def test_result_shape_follows_the_contract():
    parsed, _errors = selfeval_from_data(REAL_TABLE, catalogue=CATALOGUE)
    data = score(parsed, rules=RULES, catalogue=CATALOGUE).to_data()
    assert {"execution", "indicators", "total", "grade", "errors", "warnings"} <= set(data)
    assert {"rate", "score", "explanation"} <= set(data["execution"])
    assert data["execution"]["rate"] == "0.9761" and data["total"] == "94.50"
    assert all({"name", "score", "explanation", "errors"} <= set(i) for i in data["indicators"])
    assert len(data["indicators"]) == len(REAL_TABLE["indicators"])


# ---------------------------------------------------------------------------- reading JSON


@pytest.mark.parametrize(
    "data, words",
    [
        ("a table", "应为 JSON 对象"),
        ({}, "indicators"),
        ({"indicators": {}}, "应为列表"),
        ({"indicators": [3]}, "第1条指标"),
        ({"indicators": [row("≥1", "1", band="很好")]}, "评价档次"),
        ({"indicators": [row("≥1", "1", weight=[10])]}, "分值"),
        ({"indicators": [row("≥1", {"op": "≈"})]}, "op"),
        ({"indicators": [], "budget": {"full_year": True}}, "全年预算数"),
        ({"indicators": [], "self_grade": "A"}, "自评等级"),
        ({"indicators": [], "budget": {"sources": [{"initial": 1}]}}, "source"),
    ],
)
def test_objects_off_the_schema_are_refused_with_chinese_errors(data, words):
    parsed, errors = selfeval_from_data(data)
    assert parsed is None and errors
    assert all(e["code"] == "schema" for e in errors)
    assert words in " ".join(e["message"] for e in errors)


@pytest.mark.parametrize(
    "data",
    [
        REAL_TABLE,
        {**REAL_TABLE, "indicators": [row("≥1", "1", weight="十分")]},  # a problem, no error
        {"indicators": [row("≥1", "1", band="很好"), 3, row("≥1", {"op": "≈"})]},
        {"indicators": [row("≥1", "1", weight=[10])], "self_grade": "A", "year": "二〇二二"},
        {"indicators": [], "budget": {"sources": [{"initial": 1}], "full_year": True}},
    ],
)
def test_checking_the_schema_alone_finds_the_same_errors_and_reads_no_values(data):
    """`values=False` (what the self-evaluation import checks a file's objects with): the
    errors of the full reading, word for word, and a sheet without indicators when none."""
    parsed, errors = selfeval_from_data(data)
    checked, check_errors = selfeval_from_data(data, values=False)
    assert check_errors == errors
    assert (checked is None) == (parsed is None)
    if parsed is not None:
        assert checked.indicators == () and len(parsed.indicators) >= 1
        assert (checked.year, checked.money) == (parsed.year, parsed.money)


def test_values_in_parsed_form_and_numbers_are_read_exactly():
    rows = [row({"op": ">=", "number": "100", "unit": "人次"}, {"op": ">=", "number": 87.5}),
            row({"op": "deadline", "date": "2021-12-31"}, {"op": "deadline", "date": "2022-01-10"},
                subcategory="时效指标", deviation="x"),
            row({"op": "qualitative", "text": "明显改善"}, {"op": "qualitative",
                                                          "text": "达成年度指标"})]  # fmt: skip
    result = evaluate(rows, budget={"full_year": 0.1, "executed": 0.07})
    assert [line.score for line in result.indicators] == [D("8.75"), D("8.00"), D("10.00")]
    assert result.execution.score == D("7.00")


def test_scoring_holds_no_weight_or_threshold_literal():
    tree = ast.parse(Path(scoring.__file__).read_text(encoding="utf-8"))
    numbers = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and type(n.value) in (int, float)}  # fmt: skip
    # 0/1/2 (the operator table's 2t), 12 months, 100 for percentages, the arithmetic precision.
    assert numbers <= {0, 1, 2, 12, 100, scoring._PRECISION}, numbers
    text = Path(scoring.__file__).read_text(encoding="utf-8")
    for literal in ('"0.8"', '"1.3"', '"90"', '"0.20"', "达成年度指标", "满意度指标"):
        assert literal not in text


# ---------------------------------------------------------------------------- properties

OPS = ["≥", ">", "=", "≤", "<"]
numbers = st.decimals(min_value=-50, max_value=5000, places=2, allow_nan=False)
targets = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)
weights = st.decimals(min_value=0, max_value=60, places=2, allow_nan=False)
variants = st.sampled_from([
    rules_with(quantitative={"less_rule": rule, "equal_penalises_overshoot": eq})
    for rule in ("linear", "ratio") for eq in (False, True)
])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(op=st.sampled_from(OPS), t=targets, a=numbers, w=weights, rules=variants)
def test_a_score_is_within_zero_and_the_weight(op, t, a, w, rules):
    result = one(f"{op}{t}个", f"{a}个", str(w), rules=rules)
    assert result.errors == ()
    assert D(0) <= result.score <= w.quantize(D("0.01"))


@settings(max_examples=300, deadline=None)
@given(t=targets, a=numbers, more=st.decimals(min_value=0, max_value=500, places=2),
       w=weights, op=st.sampled_from(["≥", ">"]))  # fmt: skip
def test_for_at_least_a_score_never_falls_as_the_actual_rises(t, a, more, w, op):
    low = one(f"{op}{t}个", f"{a}", str(w)).score
    high = one(f"{op}{t}个", f"{a + more}", str(w)).score
    assert high >= low


@settings(max_examples=300, deadline=None)
@given(t=targets, a=numbers, more=st.decimals(min_value=0, max_value=500, places=2),
       w=weights, op=st.sampled_from(["≤", "<"]), rules=variants)  # fmt: skip
def test_for_at_most_a_score_never_rises_as_the_actual_rises(t, a, more, w, op, rules):
    low = one(f"{op}{t}万元", f"{a}", str(w), rules=rules).score
    high = one(f"{op}{t}万元", f"{a + more}", str(w), rules=rules).score
    assert high <= low


rows_strategy = st.lists(
    st.tuples(st.sampled_from(OPS), targets, numbers, st.one_of(st.none(), weights),
              st.booleans()),
    max_size=8,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(rows=rows_strategy, executed=st.decimals(min_value=0, max_value=200, places=4))
def test_totals_equal_the_sum_of_the_parts(rows, executed):
    built = [row(f"{op}{t}个", f"{a}{'个' if ok else '人'}", None if w is None else str(w))
             for op, t, a, w, ok in rows]  # fmt: skip
    result = evaluate(built, budget={"full_year": "100", "executed": str(executed)})
    parts = [line.score for line in result.indicators if line.score is not None]
    assert result.total == sum(parts, result.execution.score)
    assert len(result.indicators) == len(rows)
    assert result.complete == (len(parts) == len(rows))
    assert result.grade == (grade_for(result.total, RULES["grades"]) if result.complete else None)


@given(total=st.decimals(min_value=0, max_value=100, places=2))
def test_grades_follow_the_bands(total):
    expected = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    assert grade_for(total, RULES["grades"]) == expected


def test_zero_weight_indicator_carries_no_points_even_with_an_empty_target():
    from jixiao.core.rulebook import named
    from jixiao.evaluations.scoring import score
    from jixiao.evaluations.selfeval_data import selfeval_from_data

    data = {
        "budget": {"full_year": "100", "executed": "90"},
        "indicators": [
            {
                "category": "产出指标",
                "subcategory": "数量指标",
                "name": "a",
                "target": "≥10个",
                "actual": "10",
                "weight": "50",
            },
            {
                "category": "产出指标",
                "subcategory": "质量指标",
                "name": "b",
                "target": "",
                "actual": "",
                "weight": "0",
            },
            {
                "category": "效益指标",
                "subcategory": "社会效益指标",
                "name": "c",
                "target": "≥10个",
                "actual": "10",
                "weight": "30",
            },
            {
                "category": "满意度指标",
                "subcategory": "服务对象满意度指标",
                "name": "d",
                "target": "≥90%",
                "actual": "95%",
                "weight": "10",
            },
        ],
    }
    parsed, errors = selfeval_from_data(data)
    result = score(parsed, rules=named().section("scoring"))
    assert not result.errors and str(result.total) == "99.00" and result.grade == "优"
    assert str(result.indicators[1].score) == "0.00"
    assert "zero_weight" in {w.code for w in result.indicators[1].warnings}
