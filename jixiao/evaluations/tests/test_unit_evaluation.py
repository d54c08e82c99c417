"""Tests of the whole-unit evaluation (部门整体支出绩效评价, DOMAIN.md §6.3). Pure: no database."""

import copy
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jixiao.evaluations.rules  # noqa: F401  (registers "unit_evaluation")
from jixiao.core import rulebook
from jixiao.evaluations.unit_evaluation import Judgement, UnitInputs, score_unit

RULES = rulebook.named("national").section("unit_evaluation")
D = Decimal

# A district bureau of civil affairs that did well on almost everything (figures in 万元 and
# counts as its 部门整体支出绩效自评 reports them).
VALUES = {
    "在职人数": 48, "编制人数": 50,
    "本年“三公经费”": "18.6", "上年“三公经费”": "20.1",
    "重点项目支出": "3120.5", "项目支出合计": "4210.8",
    "预算完成数": "5876.2314", "预算数": "6012.5",
    "预算调整数": "420", "年初预算数": "5592.5",
    "支付进度率": "100%",
    "结转结余总额": "136.27", "支出预算数": "6012.5",
    "实际支出公用经费": "312.4", "预算安排公用经费": "320",
    "实际政府采购金额": "842.6", "政府采购预算数": "860",
    "实际完成工作数": 36, "计划工作数": 36,
    "及时完成工作数": 35, "质量达标工作数": 36,
    "重点工作办结数": 12, "重点工作交办数": 12,
    "服务对象满意度": "93.4",
}  # fmt: skip
JUDGED = {name: Judgement("达到要求") for name in (
    "目标设置", "管理制度健全性", "资金使用合规性", "预决算信息公开性", "资产管理规范性",
    "履职效益", "能力建设")}  # fmt: skip


def inputs(values=None, judgements=None) -> UnitInputs:
    return UnitInputs({**VALUES, **(values or {})}, {**JUDGED, **(judgements or {})})


def item(result, name):
    return next(i for i in result.items if i.indicator == name)


def test_default_framework_has_the_four_groups_and_100_points():
    assert RULES["groups"] == ["投入", "过程", "产出", "效果"]
    assert sum(D(r["weight"]) for r in RULES["rows"]) == 100
    for row in RULES["rows"]:
        if "full_if" in row:
            assert {"indicator", "weight", "full_if", "step", "deduct_per_step"} <= set(row)


def test_a_unit_that_meets_every_threshold_but_one():
    result = score_unit(inputs(), rules=RULES)
    assert result.complete and result.errors == ()
    timely = item(result, "完成及时率")  # 35/36 = 97.22%: 2.78 points below 100%
    assert timely.score == D("5.17")
    assert "相差2.78个百分点" in timely.explanation
    assert result.total == D("99.17") and result.grade == "优"
    groups = {g: (s, w) for g, s, w in result.groups}
    assert groups["产出"] == (D("29.17"), D("30"))
    assert "weights_invalid" not in [w.code for w in result.warnings]


@pytest.mark.parametrize(
    "name, values, expected",
    [
        ("结转结余率", {"结转结余总额": "601.25"}, "3.00"),  # exactly 10%: full points
        ("结转结余率", {"结转结余总额": "721.5"}, "2.40"),  # 12%: 2 points beyond × 0.3
        ("结转结余率", {"结转结余总额": "6012.5"}, "0.00"),  # 100%: floored at 0
        ("在职人员控制率", {"在职人数": 52}, "1.00"),  # 104%: 4 × 0.5
        ("“三公经费”变动率", {"本年“三公经费”": "20.502"}, "2.00"),  # +2%: 2 × 0.5
        ("“三公经费”变动率", {"本年“三公经费”": "15"}, "3.00"),  # a fall is full points
        ("预算完成率", {"预算完成数": "5411.25"}, "4.00"),  # 90%: 5 below 95% × 0.2
        ("支付进度率", {"支付进度率": "97.5%"}, "2.50"),  # 2.5 below × 0.2
        ("服务对象满意度", {"服务对象满意度": 85}, "4.50"),  # 5 below 90% × 0.3
    ],
)
def test_rate_against_threshold_rows(name, values, expected):
    assert item(score_unit(inputs(values), rules=RULES), name).score == D(expected)


def test_a_part_of_a_step_can_count_as_a_whole_step():
    rules = copy.deepcopy(RULES)
    rules["partial_step"] = "ceil"
    result = score_unit(inputs({"支付进度率": "97.5%"}), rules=rules)
    assert item(result, "支付进度率").score == D("2.40")  # 3 steps × 0.2


def test_missing_or_unreadable_inputs_are_errors_on_their_item():
    values = dict(VALUES)
    del values["编制人数"]
    result = score_unit(UnitInputs({**values, "预算数": "六千"}, JUDGED), rules=RULES)
    assert item(result, "在职人员控制率").score is None
    assert [e.code for e in item(result, "在职人员控制率").errors] == ["missing_input"]
    assert [e.code for e in item(result, "预算完成率").errors] == ["unreadable_input"]
    assert not result.complete and result.grade is None
    assert item(result, "结转结余率").score == D("3.00")


def test_zero_denominator_is_an_error():
    result = score_unit(inputs({"编制人数": 0}), rules=RULES)
    assert [e.code for e in item(result, "在职人员控制率").errors] == ["zero_denominator"]


@pytest.mark.parametrize(
    "judgement, expected, code",
    [
        (Judgement("达到要求"), "5.00", None),
        (Judgement("达到要求", D("4.5")), "4.50", None),
        (Judgement("部分达到要求"), None, "band_score_required"),
        (Judgement("部分达到要求", D("3.5")), "3.50", None),
        (Judgement("部分达到要求", D("4")), None, "score_out_of_band"),
        (Judgement("未达到要求", D("1")), "1.00", None),
        (Judgement(None), None, "band_required"),
    ],
)
def test_judgement_items_use_bands(judgement, expected, code):
    result = score_unit(inputs(judgements={"目标设置": judgement}), rules=RULES)
    target_setting = item(result, "目标设置")
    assert target_setting.score == (None if expected is None else D(expected))
    assert [e.code for e in target_setting.errors] == ([code] if code else [])


def test_a_region_can_replace_the_framework():
    rules = copy.deepcopy(RULES)
    rules["rows"] = [{"indicator": "预算执行率", "group": "过程", "weight": "100",
                      "full_if": "≥90%", "step": "1", "deduct_per_step": "2",
                      "formula": "ratio", "inputs": ["预算完成数", "预算数"]}]  # fmt: skip
    result = score_unit(UnitInputs({"预算完成数": 85, "预算数": 100}), rules=rules)
    assert result.total == D("90.00") and result.grade == "优"
    assert "预算执行率 = 预算完成数85/预算数100 = 85%" in result.items[0].explanation


@settings(max_examples=200, deadline=None)
@given(rate=st.decimals(min_value=0, max_value=300, places=2))
def test_threshold_scores_stay_within_zero_and_the_weight(rate):
    result = score_unit(inputs({"支付进度率": str(rate)}), rules=RULES)
    payment = item(result, "支付进度率")
    assert D(0) <= payment.score <= payment.weight
    assert result.total == sum(i.score for i in result.items)


def test_a_decimal_comma_is_unreadable_not_a_thousands_separator():
    result = score_unit(inputs({"编制人数": "12,5", "预算数": "6,012.5"}), rules=RULES)
    assert [e.code for e in item(result, "在职人员控制率").errors] == ["unreadable_input"]
    assert item(result, "在职人员控制率").score is None
    assert item(result, "预算完成率").score is not None  # "6,012.5" groups thousands
