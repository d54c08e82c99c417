"""The pure rules of key evaluations and ex-ante assessments (DOMAIN.md §6.4, §7): the default
framework and its checks, the special kinds' sets, the selection ranking, key projects and the
five-year cover, expert-panel aggregation, conflicts of interest, credit codes and the ex-ante
rules. No database; every expected figure is worked out by hand here.
"""

import copy
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jixiao.evaluations.key.defaults  # noqa: F401  (registers "key_evaluation")
import jixiao.evaluations.rules  # noqa: F401  (registers "scoring": the grades)
from jixiao.core import rulebook
from jixiao.evaluations.key.conflicts import (
    AGENCY,
    Blacklisting,
    EvaluationFacts,
    Party,
    Violation,
    conflict_reasons,
)
from jixiao.evaluations.key.credit_code import check_credit_code, normalise_credit_code
from jixiao.evaluations.key.ex_ante import (
    conclusion_refusal,
    ex_ante_conclusion,
    is_new_project,
    needs_ex_ante,
    supports,
)
from jixiao.evaluations.key.framework import (
    FrameworkError,
    IndicatorSpec,
    check_framework,
    default_framework,
)
from jixiao.evaluations.key.panel import aggregate, panel_total, score_refusal
from jixiao.evaluations.key.selection import Candidate, cover_due, is_key_project, rank_candidates

D = Decimal
RULES = rulebook.named().section("key_evaluation")
GRADES = rulebook.named().section("scoring")["grades"]
SPECIAL_KINDS = ["政府投资基金", "政府采购", "政府和社会资本合作", "政府债务", "政府性基金",
                 "国有资本经营", "社会保险基金"]  # fmt: skip


def by_name(specs):
    return {s.level3: s for s in specs}


# --------------------------------------------------------------------------- the framework


def test_default_framework_is_15_25_30_30_with_the_third_level_indicators():
    specs = default_framework(RULES)
    level1 = {}
    for spec in specs:
        level1[spec.level1] = level1.get(spec.level1, D(0)) + spec.weight
    assert level1 == {"决策": 15, "过程": 25, "产出": 30, "效益": 30}
    names = [s.level3 for s in specs]
    assert names[:6] == ["立项依据充分性", "立项程序规范性", "绩效目标合理性", "绩效指标明确性",
                         "预算编制科学性", "资金分配合理性"]  # fmt: skip
    for name in ("资金到位率", "预算执行率", "资金使用合规性", "管理制度健全性", "制度执行有效性",
                 "实际完成率", "质量达标率", "完成及时性", "成本节约率", "实施效益", "满意度"):  # fmt: skip
        assert name in names
    assert [s.order for s in specs] == list(range(1, len(specs) + 1))
    assert all(s.standard and s.level2 for s in specs)
    assert check_framework(specs, RULES) == []


def test_rates_name_a_scoring_rule_and_judgements_do_not():
    specs = by_name(default_framework(RULES))
    assert specs["资金到位率"].rule == "funds_received_rate"
    assert specs["预算执行率"].rule == "budget_execution_rate"
    assert specs["实际完成率"].rule == "completion_rate"
    assert specs["质量达标率"].rule == "quality_rate"
    assert specs["成本节约率"].rule == "cost_saving_rate"
    assert specs["满意度"].rule == "satisfaction_rate"  # the public survey's rate can feed it
    assert specs["立项依据充分性"].rule is None
    for spec in specs.values():
        assert spec.rule is None or spec.rule in RULES["rate_rules"]


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_every_special_kind_adds_two_or_three_indicators_and_keeps_100(kind):
    common = default_framework(RULES)
    specs = default_framework(RULES, kind)
    assert 2 <= len(specs) - len(common) <= 3
    assert sum(s.weight for s in specs) == 100
    assert check_framework(specs, RULES) == []


def test_debt_takes_its_weights_from_named_common_indicators():
    specs = by_name(default_framework(RULES, "政府债务"))
    assert {"偿债资金保障", "债务资金使用合规", "项目收益覆盖"} <= set(specs)
    # 偿债资金保障 2 from 资金到位率 5; 债务资金使用合规 2 from 资金使用合规性 5;
    # 项目收益覆盖 5 from 实施效益 20.
    assert specs["资金到位率"].weight == 3
    assert specs["资金使用合规性"].weight == 3
    assert specs["实施效益"].weight == 15
    assert specs["项目收益覆盖"].level1 == "效益"


def test_procurement_and_government_funds_sets():
    assert {"采购程序合规", "采购价格合理性", "履约验收"} <= set(
        by_name(default_framework(RULES, "政府采购"))
    )
    assert {"收支平衡", "专款专用"} <= set(by_name(default_framework(RULES, "政府性基金")))


def test_a_kind_is_found_by_its_code_too_and_an_unknown_one_is_refused():
    assert default_framework(RULES, "debt") == default_framework(RULES, "政府债务")
    assert default_framework(RULES, "ppp") == default_framework(RULES, "政府和社会资本合作")
    with pytest.raises(FrameworkError, match="没有“一般项目”的专项指标"):
        default_framework(RULES, "一般项目")


def test_a_kind_indicator_sits_in_its_level2_group():
    specs = default_framework(RULES, "政府采购")
    groups = [(s.level1, s.level2) for s in specs]
    at = [s.level3 for s in specs].index("履约验收")
    assert groups[at] == ("产出", "产出质量") and groups[at - 1] == ("产出", "产出质量")


def spec(level1, weight, level3="指标", level2="二级"):
    return IndicatorSpec(level1, level2, level3, D(weight))


def test_check_framework_finds_each_rule_broken():
    specs = [spec("决策", "20", "甲"), spec("过程", "30", "乙"), spec("投入", "10", "丙"),
             spec("产出", "25", ""), spec("效益", "0", "丁")]  # fmt: skip
    findings = check_framework(specs, RULES)
    codes = [(f.code, f.indicator) for f in findings]
    # weights 20 + 30 + 10 + 25 + 0 = 85 ≠ 100; 产出 + 效益 = 25 < 60; 投入 is not level 1.
    assert ("K01", None) in codes and ("K02", None) in codes and ("K06", 2) in codes
    assert ("empty_name", 3) in codes and ("weight_invalid", 4) in codes
    k01 = next(f for f in findings if f.code == "K01")
    assert k01.message == "各指标分值合计85分，应为100分"
    k02 = next(f for f in findings if f.code == "K02")
    assert k02.message == "产出、效益指标分值合计25分，低于60分"
    assert "“投入”不在指标体系（决策、过程、产出、效益）中" in next(
        f.message for f in findings if f.code == "K06"
    )


def test_output_and_benefit_of_exactly_60_pass():
    specs = [spec("决策", "15"), spec("过程", "25"), spec("产出", "30"), spec("效益", "30")]
    assert check_framework(specs, RULES) == []
    specs = [spec("决策", "20"), spec("过程", "20"), spec("产出", "30"), spec("效益", "30")]
    assert check_framework(specs, RULES) == []
    specs = [spec("决策", "21"), spec("过程", "20"), spec("产出", "29"), spec("效益", "30")]
    assert [f.code for f in check_framework(specs, RULES)] == ["K02"]


# --------------------------------------------------------------------------- selection


def test_ranking_explains_each_factor_with_its_points_and_weight():
    first = Candidate("城北消防站建设项目", amount=D("1850"), beneficiaries=1000, units=3,
                      attention=True, attention_note="媒体报道", last_evaluated_year=2018,
                      last_grade="中")  # fmt: skip
    second = Candidate("扬子洲绿色廊道项目", amount=D("2350"), beneficiaries=500, units=6)
    ranked = rank_candidates([second, first], RULES, year=2021)
    assert [r.candidate.name for r in ranked] == ["城北消防站建设项目", "扬子洲绿色廊道项目"]
    top = ranked[0]
    # amount 1850 / 2350 = 0.787234… → 78.72 × 30% = 23.62 (23.616 half up)
    assert top.factor("amount").points == D("78.72") and top.factor("amount").weighted == D("23.62")
    # coverage: 1000/1000 → 100 × 0.5 + 3/6 → 50 × 0.5 = 75 → × 20% = 15.00
    assert top.factor("coverage").points == D("75.00") and top.factor("coverage").weighted == 15
    assert top.factor("attention").weighted == 20  # flagged: 100 × 20%
    assert top.factor("years").points == 60  # 3 years of a 5-year cycle
    assert top.factor("last_grade").points == 70  # 中
    assert top.total == D("23.62") + 15 + 20 + 12 + 7 == D("77.62")
    assert top.explanation.startswith("金额 1850万元 = 最大值的 78.7% → 78.72 × 30% = 23.62；")
    assert top.explanation.endswith("合计 77.62")
    other = ranked[1]
    # 100 × 30% + (50 × 0.5 + 100 × 0.5) × 20% + 0 + never → 100 × 20% + none → 60 × 10%
    assert other.total == 30 + 15 + 0 + 20 + 6 == 71
    assert "从未评价" in other.explanation and "无上次评价等级" in other.explanation


def test_ranking_weights_come_from_the_rulebook():
    rules = copy.deepcopy(RULES)
    rules["selection"]["weights"] = {"amount": "100", "coverage": "0", "attention": "0",
                                     "years": "0", "last_grade": "0"}  # fmt: skip
    small = Candidate("小", amount=D("100"), attention=True)
    big = Candidate("大", amount=D("400"))
    ranked = rank_candidates([small, big], rules, year=2021)
    assert [r.candidate.name for r in ranked] == ["大", "小"]
    assert [r.total for r in ranked] == [100, 25]


def test_ties_keep_the_larger_amount_then_the_input_order():
    a, b, c = Candidate("甲", amount=D(0)), Candidate("乙", amount=D(0)), Candidate("丙")
    assert [r.candidate.name for r in rank_candidates([a, b, c], RULES, year=2021)] == [
        "甲", "乙", "丙"]  # fmt: skip
    assert [r.rank for r in rank_candidates([a, b, c], RULES, year=2021)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("last", "grade", "years_points", "grade_points"),
    [(None, None, 100, 60), (2021, "优", 0, 10), (2019, "良", 40, 40), (2010, "差", 100, 100)],
)
def test_years_and_last_grade_points(last, grade, years_points, grade_points):
    ranked = rank_candidates([Candidate("甲", last_evaluated_year=last, last_grade=grade)], RULES,
                             year=2021)[0]  # fmt: skip
    assert ranked.factor("years").points == years_points
    assert ranked.factor("last_grade").points == grade_points


@pytest.mark.parametrize(
    ("amount", "kinds", "key"),
    [(D("500"), [], True), (D("499.99"), [], False), (D("20"), ["专项资金"], True),
     (D("20"), ["一般项目"], False), (None, [], False)],
)  # fmt: skip
def test_key_project_line_and_special_funds(amount, kinds, key):
    result = is_key_project(amount, kinds, RULES)
    assert bool(result) is key and result.explanation


def test_key_project_explanations():
    assert is_key_project(D("500"), [], RULES).explanation == (
        "全年预算500万元 ≥ 重点项目标准500万元，是重点项目"
    )
    assert is_key_project(D("20"), ["专项资金"], RULES).explanation == "属于专项资金，是重点项目"


@pytest.mark.parametrize(
    ("last", "year", "due", "by"),
    [(None, 2021, True, 2021), (2016, 2021, True, 2021), (2017, 2021, False, 2022),
     (2021, 2021, False, 2026)],
)  # fmt: skip
def test_five_year_cover(last, year, due, by):
    cover = cover_due(last, year, RULES)
    assert (cover.due, cover.by) == (due, by)
    assert cover.explanation


# --------------------------------------------------------------------------- the panel


def test_five_experts_give_the_trimmed_mean_and_a_wide_spread_is_flagged():
    result = aggregate([D(8), D(9), D(7), D(10), D(6)], D(10), RULES)
    # drop 10 and 6: (8 + 9 + 7) / 3 = 8.00; spread 10 − 6 = 4 > 20% × 10 = 2
    assert result.score == D("8.00") and str(result.score) == "8.00"
    assert result.spread == 4 and result.flagged
    assert sorted(result.dropped) == [6, 10]
    assert result.explanation == (
        "5位专家评分 8、9、7、10、6，去掉最高分10和最低分6，(8 + 9 + 7) / 3 = 8.00；"
        "分差 10 − 6 = 4 > 分值10 × 20% = 2，需讨论"
    )


def test_three_experts_give_the_mean_and_a_spread_of_exactly_20_percent_is_not_flagged():
    result = aggregate([D(4), D(5), D("4.5")], D(5), RULES)
    assert result.score == D("4.50") and result.dropped == ()
    assert result.spread == 1 and not result.flagged  # 1 is not above 5 × 20% = 1
    assert "≤ 分值5 × 20% = 1" in result.explanation


def test_mean_rounds_half_up():
    # (1 + 2 + 2) / 3 = 1.666… → 1.67; (0.005 × 2) / 2 = 0.005 → 0.01
    assert aggregate([D(1), D(2), D(2)], D(5), RULES).score == D("1.67")
    assert aggregate([D("0.005"), D("0.005")], D(5), RULES).score == D("0.01")


def test_no_scores_yet():
    result = aggregate([], D(5), RULES)
    assert result.score is None and not result.flagged and result.explanation == "尚无专家评分"


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=9))
def test_aggregate_stays_between_the_lowest_and_highest_score(raw):
    scores = [D(v) / 100 for v in raw]
    result = aggregate(scores, D(10), RULES)
    assert min(scores) - D("0.005") <= result.score <= max(scores) + D("0.005")
    assert len(result.used) == (len(scores) - 2 if len(scores) >= 5 else len(scores))


@pytest.mark.parametrize(
    ("score", "weight", "reason", "refused"),
    [(D(5), D(5), "", None), (D(4), D(5), "", "得分4低于满分5，须填写扣分理由"),
     (D(4), D(5), "台账不全", None), (D(6), D(5), "x", "得分6应在0至5之间"),
     (D(-1), D(5), "x", "得分-1应在0至5之间"), (None, D(5), "", "未录入得分")],
)  # fmt: skip
def test_score_refusal(score, weight, reason, refused):
    assert score_refusal(score, weight, reason) == refused


def test_panel_total_and_grade():
    result = panel_total([D("12.50"), D("20"), D("28"), D("25")], GRADES)
    assert result.total == D("85.50") and result.grade == "良" and result.complete
    incomplete = panel_total([D("12.50"), None], GRADES)
    assert incomplete.grade is None and not incomplete.complete and incomplete.total == D("12.50")


# --------------------------------------------------------------------------- conflicts

ON = date(2021, 6, 1)
EVALUATION = EvaluationFacts(unit="101", unit_name="区城管局", year=2021, on=ON,
                             level2_units=frozenset({"101001"}),
                             commissioning_unit="900")  # fmt: skip


def test_an_unrelated_expert_and_agency_have_no_conflict():
    assert conflict_reasons(Party("张三", employer="202"), EVALUATION, RULES) == []
    assert conflict_reasons(Party("某评估公司", kind=AGENCY), EVALUATION, RULES) == []


def test_expert_employed_by_the_unit_or_its_level2_unit():
    own = conflict_reasons(Party("张三", employer="101"), EVALUATION, RULES)
    assert own == ["专家张三的工作单位是被评价单位“区城管局”，应回避"]
    level2 = conflict_reasons(Party("李四", employer="101001"), EVALUATION, RULES)
    assert len(level2) == 1 and "二级单位" in level2[0]


def test_agency_that_did_the_units_self_evaluation_or_consulting_that_year():
    agency = Party("某评估公司", kind=AGENCY, self_evaluations=frozenset({("101", 2021)}),
                   consulting=frozenset({("101001", 2021)}))  # fmt: skip
    reasons = conflict_reasons(agency, EVALUATION, RULES)
    assert len(reasons) == 2
    assert "做过绩效自评" in reasons[0] and "提供过咨询服务" in reasons[1]
    earlier = Party("某评估公司", kind=AGENCY, self_evaluations=frozenset({("101", 2020)}))
    assert conflict_reasons(earlier, EVALUATION, RULES) == []


def test_blacklisted_agency_within_its_period_only():
    entry = Blacklisting("出具虚假报告", date(2021, 1, 1), date(2021, 12, 31))
    agency = Party("某评估公司", kind=AGENCY, blacklist=(entry,))
    assert conflict_reasons(agency, EVALUATION, RULES) == [
        "第三方机构某评估公司在黑名单中（2021-01-01至2021-12-31），原因：出具虚假报告"
    ]
    lapsed = Party("某评估公司", kind=AGENCY,
                   blacklist=(Blacklisting("旧事", date(2019, 1, 1), date(2020, 12, 31)),))  # fmt: skip
    assert conflict_reasons(lapsed, EVALUATION, RULES) == []


def test_major_violation_in_the_last_three_years():
    recent = Violation(date(2018, 6, 2), "报告严重失实")
    old = Violation(date(2018, 6, 1), "报告严重失实")  # exactly 3 years before: out
    minor = Violation(date(2021, 1, 1), "资料归档不及时", major=False)
    reasons = conflict_reasons(Party("甲", kind=AGENCY, violations=(recent,)), EVALUATION, RULES)
    assert len(reasons) == 1 and "近3年内有评价工作重大违规" in reasons[0]
    assert conflict_reasons(Party("甲", kind=AGENCY, violations=(old, minor)), EVALUATION,
                            RULES) == []  # fmt: skip
    rules = copy.deepcopy(RULES)
    rules["agency"]["violation_years"] = 4
    assert conflict_reasons(Party("甲", kind=AGENCY, violations=(old,)), EVALUATION, rules)


def test_declared_tie_and_commissioning_unit():
    tied = Party("王五", ties=frozenset({"101001"}))
    assert conflict_reasons(tied, EVALUATION, RULES) == [
        "王五已申报与被评价单位“区城管局”存在利害关系，应回避"
    ]
    self_commissioned = EvaluationFacts(unit="101", unit_name="区城管局", year=2021, on=ON,
                                        commissioning_unit="101")  # fmt: skip
    assert conflict_reasons(Party("张三"), self_commissioned, RULES) == [
        "委托方不能是被评价单位“区城管局”本身"
    ]


# --------------------------------------------------------------------------- credit codes


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L",
                                  " 91110000600037341l ", "９１１１００００６０００３７３４１Ｌ"])  # fmt: skip
def test_real_credit_codes_pass(code):
    assert check_credit_code(code) is None


def test_normalised_credit_code():
    assert normalise_credit_code(" 91110000600037341l ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("code", "reason"),
    [("91110000600037341M", "校验位应为“L”，实际为“M”"),
     ("91350100M000100Y44", "校验位应为“3”，实际为“4”"),
     ("91110000600037341", "应为18位，实际为17位"),
     ("9111000060003734IL", "不允许的字符“I”"),
     ("", "未填写统一社会信用代码")],
)  # fmt: skip
def test_broken_credit_codes_are_refused_with_the_reason(code, reason):
    assert reason in check_credit_code(code)


def test_a_swapped_pair_of_digits_is_caught():
    assert check_credit_code("91110000600073341L") is not None


# --------------------------------------------------------------------------- ex-ante


@pytest.mark.parametrize(
    ("is_new", "amount", "is_policy", "needed"),
    [(True, D(500), False, True), (True, D("499.99"), False, False),
     (False, D(5000), False, False), (True, None, True, True), (False, None, True, False)],
)  # fmt: skip
def test_who_needs_an_ex_ante_assessment(is_new, amount, is_policy, needed):
    reason = needs_ex_ante(is_new, amount, is_policy, RULES)
    assert (reason is not None) is needed


def test_ex_ante_reason_names_the_amount_and_line():
    assert needs_ex_ante(True, D(800), False, RULES) == (
        "新增项目（上年无预算），金额800万元 ≥ 事前评估标准500万元，须在预算申报前开展事前绩效评估"
    )


def test_new_means_no_budget_in_the_previous_year():
    assert is_new_project(None) and is_new_project(D(0))
    assert not is_new_project(D("0.01"))


SCORES = {"立项必要性": 18, "投入经济性": 16, "绩效目标合理性": 15, "实施方案可行性": 14,
          "筹资合规性": 12}  # fmt: skip


@pytest.mark.parametrize(
    ("scores", "total", "conclusion"),
    [(SCORES, D(75), "调整后支持"), ({**SCORES, "筹资合规性": 17}, D(80), "予以支持"),
     ({k: 11 for k in SCORES}, D(55), "不予支持"), ({k: 12 for k in SCORES}, D(60), "调整后支持")],
)  # fmt: skip
def test_ex_ante_conclusion_bands(scores, total, conclusion):
    result = ex_ante_conclusion({k: D(v) for k, v in scores.items()}, RULES)
    assert (result.total, result.conclusion) == (total, conclusion)
    assert result.explanation.startswith("立项必要性 ")


def test_ex_ante_missing_or_out_of_range_dimension_gives_no_conclusion():
    scores = {k: D(v) for k, v in SCORES.items() if k != "筹资合规性"}
    scores["立项必要性"] = D(21)
    result = ex_ante_conclusion(scores, RULES)
    assert result.conclusion is None and result.total is None
    assert "“筹资合规性”未评分" in result.errors
    assert "“立项必要性”的得分21应在0至20之间" in result.errors


def test_office_may_conclude_otherwise_with_a_reason():
    assert conclusion_refusal("予以支持", "调整后支持", "", RULES) == (
        "结论“予以支持”与建议的“调整后支持”不同，须说明理由"
    )
    assert conclusion_refusal("予以支持", "调整后支持", "已补充论证", RULES) is None
    assert conclusion_refusal("同意", "调整后支持", "x", RULES) is not None
    assert supports("调整后支持", RULES) and not supports("不予支持", RULES)
