"""Frequencies and targets relative to a named reference (issue 15 part 4): values a reviewer reads
that the parser called unreadable ("每季度" under 时效, "≤预算" under 成本), their explanations,
and how a row with such a target scores against an actual. Expectations are written by hand."""

from decimal import Decimal

import pytest

from jixiao.evaluations.scoring import score, scoring_params
from jixiao.evaluations.selfeval_data import selfeval_from_data
from jixiao.indicators.values import (
    Kind,
    Op,
    parse_actual_value,
    parse_target_value,
    target_value_from_data,
)

TIMELY = {"category": "产出指标", "subcategory": "时效指标", "year": 2023}
COST = {"category": "产出指标", "subcategory": "成本指标", "year": 2023}


# --------------------------------------------------------------------------- frequencies


@pytest.mark.parametrize(
    ("text", "number", "unit", "words"),
    [
        ("每季度", "1", "次/季度", None),
        ("每月", "1", "次/月", None),
        ("每年", "1", "次/年", None),
        ("每半年", "1", "次/半年", None),
        ("每周", "1", "次/周", None),
        ("每学期", "1", "次/学期", None),
        ("按季度", "1", "次/季度", None),
        ("按月", "1", "次/月", None),
        ("每季度一次", "1", "次/季度", None),
        ("每季度两次", "2", "次/季度", None),
        ("一年一次", "1", "次/年", None),
        ("每季度末", "1", "次/季度", None),
        ("按季度报送", "1", "次/季度", "报送"),
        ("每月按时发放", "1", "次/月", "按时发放"),
        ("报送频次每季度", "1", "次/季度", "报送频次"),
    ],
)
def test_a_frequency_without_a_number_reads_as_at_least_once_per_its_period(
    text, number, unit, words
):
    value = parse_target_value(text, **TIMELY)
    assert (value.kind, value.operator, value.number, value.unit) == (
        Kind.QUANTITATIVE, Op.GE, Decimal(number), unit,
    )  # fmt: skip
    assert value.ok and not value.operator_implied
    assert f"“{text}”是频次，按“≥{number}次/{unit.split('/')[1]}”读取" in value.explain()
    if words:
        assert f"“{words}”是说明文字" in value.explain()


def test_a_frequency_with_its_number_in_digits_reads_as_before_without_a_frequency_note():
    value = parse_target_value("每季度1次", **TIMELY)
    assert (value.operator, value.number, value.unit) == (Op.GE, Decimal(1), "次/季度")
    assert "频次" not in value.explain()


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("按年度计划完成", Kind.QUALITATIVE, None),  # a plan, not a frequency
        ("不按月发放", Kind.QUALITATIVE, None),
        ("每人每月", Kind.UNREADABLE, "只有度量单位"),  # a rate's units, no number
        ("季度", Kind.UNREADABLE, "只有度量单位"),  # a unit alone stays T03 (DOMAIN.md §4.2)
    ],
)
def test_words_that_are_not_a_frequency_are_not_read_as_one(text, kind, words):
    value = parse_target_value(text, **TIMELY)
    assert value.kind == kind
    if words:
        assert f"“{text}”{words}" in value.problems[0]


def test_an_actual_frequency_compares_with_a_frequency_target_in_the_same_family():
    target = parse_target_value("每季度", **TIMELY)
    same = parse_actual_value("按季度报送", target)
    half = parse_actual_value("每半年一次", target)  # 1次/半年 = 0.5次/季度
    assert (same.number, same.unit, same.ok) == (Decimal(1), "次/季度", True)
    assert (half.number, half.unit, half.ok) == (Decimal("0.5"), "次/季度", True)


@pytest.mark.parametrize("actual", ["按时完成", "已完成", "如期完成"])
def test_an_actual_saying_done_on_time_meets_a_frequency_as_it_meets_a_deadline(actual):
    value = parse_actual_value(actual, parse_target_value("每季度", **TIMELY))
    assert (value.kind, value.number, value.unit, value.ok) == (
        Kind.QUANTITATIVE, Decimal(1), "次/季度", True,
    )  # fmt: skip
    assert f"实际值“{actual}”未写次数，按每期都已完成、达到“≥1次/季度”计" in value.explain()


def test_an_actual_saying_not_done_against_a_frequency_stays_unreadable():
    value = parse_actual_value("未完成", parse_target_value("每季度", **TIMELY))
    assert value.kind == Kind.UNREADABLE and "“未完成”不是数值" in value.problems[0]


# --------------------------------------------------------------------------- relative targets


@pytest.mark.parametrize(
    ("text", "relation", "reference"),
    [
        ("≤上年", Op.LE, "上年"),
        ("≤预算", Op.LE, "预算"),
        ("≤概算", Op.LE, "概算"),
        ("≤批复数", Op.LE, "批复数"),
        ("≤合同价", Op.LE, "合同价"),
        ("不超过预算", Op.LE, "预算"),
        ("不超预算", Op.LE, "预算"),
        ("不高于上年", Op.LE, "上年"),
        ("低于上年同期", Op.LE, "上年同期"),
        ("≤年初预算", Op.LE, "年初预算"),
        ("≤上年实际数", Op.LE, "上年"),
        ("控制在预算内", Op.LE, "预算"),
        ("在预算范围内", Op.LE, "预算"),
        ("不低于上年水平", Op.GE, "上年"),
        ("高于全省平均水平", Op.GE, "全省平均"),
    ],
)
def test_a_bound_by_a_named_reference_is_read_and_kept_qualitative(text, relation, reference):
    value = parse_target_value(text, **COST)
    assert (value.kind, value.operator, value.text) == (Kind.QUALITATIVE, Op.QUALITATIVE, text)
    assert (value.relation, value.reference) == (relation, reference)
    assert value.ok and value.number is None
    bound = "不超过" if relation == Op.LE else "不低于"
    limit = "上限" if relation == Op.LE else "下限"
    assert (
        f"读作{bound}“{reference}”的相对{limit}；表中没有“{reference}”的数额，按定性指标评分"
        in value.explain()
    )


def test_the_operator_column_gives_a_bare_reference_its_direction():
    value = parse_target_value("上年", operator="≤", **COST)
    assert (value.kind, value.relation, value.reference) == (Kind.QUALITATIVE, Op.LE, "上年")


def test_a_relative_target_stored_as_qualitative_reads_back_with_its_reference():
    stored = parse_target_value("≤预算", **COST).to_data()
    again = target_value_from_data(stored, **COST)
    assert stored == {"op": "qualitative", "number": None, "unit": None, "text": "≤预算",
                      "date": None}  # fmt: skip
    assert (again.kind, again.relation, again.reference) == (Kind.QUALITATIVE, Op.LE, "预算")


def test_a_share_of_a_named_reference_reads_as_the_share_with_its_base_noted():
    value = parse_target_value("不超过预算的95%", **COST)
    assert (value.kind, value.operator, value.number, value.unit) == (
        Kind.QUANTITATIVE, Op.LE, Decimal(95), "%",
    )  # fmt: skip
    assert "数值是相对于“预算”的" in value.explain()


@pytest.mark.parametrize(
    ("text", "context", "words"),
    [
        ("≤良好", {}, "“≤良好”的计算符号后“良好”不是数值"),  # no reference named
        ("≥预算", {"operator": "≤"}, "“≥预算”的计算符号后“预算”不是数值"),  # two directions
        ("≤****000元", {}, "“≤****000元”的计算符号后“****000元”不是数值"),  # a masked number
        ("≤上年的", {}, "“≤上年的”的计算符号后“上年的”不是数值"),  # the share was cut off
    ],
)
def test_what_stays_unreadable_says_which_part_could_not_be_read(text, context, words):
    value = parse_target_value(text, **{**COST, **context})
    assert value.kind == Kind.UNREADABLE and value.reference is None
    assert words in value.problems[0]


def test_words_naming_a_reference_without_a_bound_stay_plain_text():
    value = parse_target_value("按预算执行", **COST)
    assert (value.kind, value.relation, value.reference) == (Kind.QUALITATIVE, None, None)


# --------------------------------------------------------------------------- scores


def _scores(rows: list[dict]):
    from jixiao.core import rulebook

    rules = rulebook.named(rulebook.NATIONAL)
    document = {
        "year": 2023, "unit": {"name": "测试单位"}, "project": {"name": "测试项目"},
        "budget": {"initial": "100", "full_year": "100", "executed": "100"},
        "goal": {"expected": "按季度报送信息", "achieved": "已按季度报送"},
        "indicators": [
            {"category": "产出指标", "subcategory": "数量指标", "name": "报送次数",
             "target": "≥4次", "actual": "4次", "weight": "20"},
            *rows,
        ],
    }  # fmt: skip
    sheet, errors = selfeval_from_data(document, catalogue=rules.section("catalogue"))
    assert sheet is not None, errors
    params = scoring_params(rules.section("scoring"))
    return score(sheet, rules=params, catalogue=rules.section("catalogue")).indicators


def _row(subcategory: str, name: str, target: str, actual: str, **more) -> dict:
    return {"category": "产出指标", "subcategory": subcategory, "name": name, "target": target,
            "actual": actual, "weight": "10", **more}  # fmt: skip


def test_a_frequency_target_scores_as_a_quantity_against_its_actual():
    met, half, on_time = _scores(
        [_row("时效指标", "报送时效", "每季度", "每季度"),
         _row("时效指标", "更新时效", "每季度", "每半年一次"),
         _row("时效指标", "发放时效", "按月", "按时完成")]
    )[1:]  # fmt: skip
    assert met.score == Decimal("10.00")  # 1 ≥ 1: w
    assert half.score == Decimal("5.00")  # 10 × 0.5 / 1
    assert on_time.score == Decimal("10.00")  # done on time every month: 1 ≥ 1
    assert "0.5" in str(half.explanation) and "1" in str(half.explanation)


def test_a_relative_ceiling_scores_as_a_qualitative_target():
    # DOMAIN.md §6.2 says nothing of relative targets: the band of a qualitative indicator. An
    # actual "未超预算" is evidence for the evaluator, not a band the system picks from the text.
    by_label, by_band, unscored = _scores(
        [_row("成本指标", "项目成本", "≤预算", "达成年度指标"),
         _row("成本指标", "运行成本", "不高于上年", "未超上年", band="部分达成年度指标并具有一定效果",
              score="7"),
         _row("成本指标", "建设成本", "≤概算", "未超概算")]
    )[1:]  # fmt: skip
    assert by_label.score == Decimal("10.00")  # 达成年度指标 without an entered score: w
    assert by_band.score == Decimal("7.00")  # within [0.6w, 0.8w)
    assert unscored.score is None
    assert any(issue.code == "band_required" for issue in unscored.errors)
