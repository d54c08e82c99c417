"""Tests of the target lint T01–T18 (DOMAIN.md §4.4) and of reading declarations from JSON.

Pure: no database. Each code has a case that triggers it and a near-miss that must not. The
realistic declaration is modelled on a district's 项目支出绩效目标申报表 for 老旧小区改造.
"""

import dataclasses
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao.indicators.rules  # noqa: F401  (registers the "catalogue" section)
import jixiao.targets.rules  # noqa: F401  (registers the "lint" section)
from jixiao.core import rulebook
from jixiao.indicators.values import target_value_from_data
from jixiao.targets.declaration import (
    Amounts,
    Declaration,
    IndicatorLine,
    LintContext,
    declaration_from_data,
    indicator_key,
    signature,
)
from jixiao.targets.lint import CODES, lint

CLASSIC = rulebook.named("national")
CENTRAL_2021 = rulebook.named("national-2021")
YEAR = 2022


def line(category, subcategory, name, value, weight=None, year=YEAR, **extra) -> IndicatorLine:
    parsed = target_value_from_data(value, category=category, subcategory=subcategory, year=year)
    weight = None if weight is None else Decimal(str(weight))
    return IndicatorLine(category, subcategory, name, parsed, weight, **extra)


# 南昌市东湖区 2022年老旧小区改造项目 (a level-2 project of the city's 城镇老旧小区改造 programme).
GOOD_ROWS = [
    ("产出指标", "数量指标", "改造老旧小区数量", "≥12个", 10),
    ("产出指标", "数量指标", "惠及居民户数", "≥3000户", 10),
    ("产出指标", "数量指标", "新增停车位", "≥400个", 5),
    ("产出指标", "质量指标", "工程验收合格率", "100%", 10),
    ("产出指标", "时效指标", "改造工程完工时间", "12月底前完成", 5),
    ("产出指标", "成本指标", "户均改造成本", "≤6000元/户", 10),
    ("效益指标", "社会效益指标", "居民居住环境改善情况",
     "小区雨污分流、道路、照明设施全部达到验收标准", 15),
    ("效益指标", "可持续影响指标", "改造设施正常使用年限", "≥10年", 15),
    ("满意度指标", "服务对象满意度指标", "小区居民满意度", "≥90%", 10),
]  # fmt: skip
GOAL = (
    "完成12个老旧小区改造，惠及居民3000户；实施屋面防水、外墙修缮、雨污分流、道路硬化、"
    "增设停车位和路灯，改善居民居住环境。"
)
AMOUNTS = Amounts(Decimal("1800"), Decimal("1500"), Decimal("300"), None)


def rows(weights=False, replace=None, drop=(), add=(), year=YEAR):
    """GOOD_ROWS as lines; `replace` maps a position to a new (category, sub, name, value)."""
    out = []
    for i, (cat, sub, name, value, weight) in enumerate(GOOD_ROWS):
        if i in drop:
            continue
        if replace and i in replace:
            cat, sub, name, value = replace[i]
        out.append(line(cat, sub, name, value, weight if weights else None, year=year))
    return tuple(out) + tuple(add)


def declare(indicators=None, **fields) -> Declaration:
    base = dict(goal=GOAL, amounts=AMOUNTS, serves_public=True, year=YEAR,
                indicators=rows() if indicators is None else indicators,
                project_name="2022年东湖区老旧小区改造项目")  # fmt: skip
    base.update(fields)
    return Declaration(**base)


def run(declaration, rules=CLASSIC, context=None, lint_rules=None):
    return lint(declaration, rules=lint_rules or rules.section("lint"),
                catalogue=rules.section("catalogue"), context=context)  # fmt: skip


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def of(result, code):
    return [f for f in result.findings if f.code == code]


PARENT = declare(
    indicators=(
        line("产出指标", "数量指标", "改造老旧小区数量", "≥50个"),
        line("产出指标", "数量指标", "惠及居民户数", "≥12000户"),
        line("产出指标", "数量指标", "新增停车位数量", "≥1500个"),
        line("产出指标", "质量指标", "改造工程验收合格率", "100%"),
        line("效益指标", "社会效益指标", "居民居住条件改善", "明显改善"),
        line("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%"),
    ),
    project_name="南昌市城镇老旧小区改造",
)
FULL_CONTEXT = LintContext(
    previous_actuals={indicator_key("改造老旧小区数量"): Decimal("10")},
    siblings=[signature(declare(rows(replace={0: ("产出指标", "数量指标", "改造老旧小区数量",
                                                  "≥8个")})), "2022年东湖区背街小巷改造项目")],
    last_year=declare(rows(replace={1: ("产出指标", "数量指标", "惠及居民户数", "≥2500户")})),
    parent=PARENT,
)  # fmt: skip


# ---------------------------------------------------------------------------- the clean case


@pytest.mark.parametrize("weights", [False, True], ids=["without_weights", "with_weights"])
def test_realistic_declaration_has_no_findings_with_full_context(weights):
    result = run(declare(rows(weights=weights)), context=FULL_CONTEXT)
    assert result.findings == () and result.skipped == () and result.notes == ()
    assert not result.blocking


def test_realistic_declaration_from_json_is_clean_and_reads_money_exactly():
    data = {
        "year": YEAR,
        "unit": {"code": "102001", "name": "南昌市东湖区住房和城乡建设局"},
        "project": {"code": "2022-017", "name": "2022年东湖区老旧小区改造项目"},
        "amounts": {"total": "1800.000000", "current": 1500, "carryover": 300.0, "other": None},
        "goal": GOAL,
        "indicators": [
            {"category": c, "subcategory": s, "name": n, "target": v, "weight": w}
            for c, s, n, v, w in GOOD_ROWS
        ],
    }
    declaration, errors = declaration_from_data(data, catalogue=CLASSIC.section("catalogue"))
    assert errors == []
    assert declaration.amounts.carryover == Decimal("300.0")
    assert declaration.indicators[4].value.deadline.isoformat() == "2022-12-31"
    assert not declaration.is_unit_target
    assert run(declaration).findings == ()


# ---------------------------------------------------------------------------- T01–T18 tables

SAME = ("产出指标", "质量指标", "改造老旧小区数量", "≥12个")
NAMELESS_A = line("产出指标", "数量指标", "", "≥95%")
NAMELESS_B = line("产出指标", "时效指标", "", "≥95%")
AMOUNTS_3000 = Amounts(Decimal("3000"), Decimal("2700"), Decimal("300"), None)
WEIGHTS_OFF = rows(weights=True, replace={0: ("产出指标", "数量指标", "改造老旧小区数量", "≥12个")})
WEIGHTS_OFF = (dataclasses.replace(WEIGHTS_OFF[0], weight=Decimal("5")), *WEIGHTS_OFF[1:])
NO_SATISFACTION_WEIGHTED = rows(weights=True, drop={8})
CHILD_WITH_LAMPS = rows(add=[line("产出指标", "数量指标", "路灯维修数量", "≥120盏")])
LINKED_LAMPS = rows(add=[line("产出指标", "数量指标", "路灯维修数量", "≥120盏",
                              parent_indicator="改造老旧小区数量")])  # fmt: skip
WRONG_LINK = rows(add=[line("产出指标", "数量指标", "路灯维修数量", "≥120盏",
                            parent_indicator="城市道路照明")])  # fmt: skip


def ctx(**parts) -> LintContext:
    return LintContext(**parts)


# (code, case, declaration, context, expected indicator position or None)
TRIGGERS = [
    ("T01", "no_indicator_rows", declare(()), None, None),
    ("T02", "placeholder_slash", declare(rows(replace={3: (*SAME[:2], "工程验收合格率", "/")})),
     None, 3),
    ("T02", "empty_value", declare(rows(replace={1: ("产出指标", "数量指标", "惠及居民户数", "")})),
     None, 1),
    ("T03", "operator_and_unit_without_number",
     declare(rows(replace={3: ("产出指标", "质量指标", "工程验收合格率", "≧ %")})), None, 3),
    ("T03", "deadline_that_does_not_exist",
     declare(rows(replace={4: ("产出指标", "时效指标", "改造工程完工时间", "2月30日前完成")})),
     None, 4),
    ("T03", "unit_only", declare(rows(replace={2: ("产出指标", "数量指标", "新增绿地", "万亩")})),
     None, 2),
    ("T04", "number_without_unit",
     declare(rows(replace={0: ("产出指标", "数量指标", "改造老旧小区数量", "≥12")})), None, 0),
    ("T05", "same_name_under_quantity_and_quality", declare(rows(replace={3: SAME})), None, 3),
    ("T05", "nameless_rows_with_the_same_value",
     declare(rows(add=[NAMELESS_A, NAMELESS_B])), None, 10),
    ("T06", "no_quality_indicator", declare(rows(drop={3})), None, None),
    ("T06", "no_quantity_indicator", declare(rows(drop={0, 1, 2})), None, None),
    ("T07", "no_benefit_indicator", declare(rows(drop={6, 7})), None, None),
    ("T08", "no_satisfaction_indicator", declare(rows(drop={8})), None, None),
    ("T09", "goal_empty", declare(goal=""), None, None),
    ("T09", "goal_placeholder", declare(goal="——"), None, None),
    ("T10", "boilerplate_as_whole_value",
     declare(rows(replace={6: ("效益指标", "社会效益指标", "居民居住环境改善情况", "效果明显")})),
     None, 6),
    ("T10", "vague_wording",
     declare(rows(replace={6: ("效益指标", "社会效益指标", "居民居住环境改善情况",
                               "居民生活质量进一步提升")})), None, 6),
    ("T10", "hundred_percent_on_a_name_without_rate",
     declare(rows(replace={3: ("产出指标", "质量指标", "改造工程质量", "100%")})), None, 3),
    ("T11", "budget_execution_rate_as_output",
     declare(rows(add=[line("产出指标", "质量指标", "预算执行率", "≥95%")])), None, 9),
    ("T11", "fund_payment_timeliness_as_benefit",
     declare(rows(add=[line("效益指标", "经济效益指标", "项目资金拨付及时率", "100%")])), None, 9),
    ("T12", "le_on_a_coverage_rate",
     declare(rows(add=[line("效益指标", "社会效益指标", "小区雨污分流覆盖率", "≤90%")])), None, 9),
    ("T12", "ge_on_a_cost",
     declare(rows(replace={5: ("产出指标", "成本指标", "户均改造成本", "≥6000元/户")})), None, 5),
    ("T13", "target_below_last_years_actual", declare(),
     ctx(previous_actuals={indicator_key("改造老旧小区数量"): Decimal("15")}), 0),
    ("T13", "cost_ceiling_above_last_years_actual", declare(),
     ctx(previous_actuals={indicator_key("户均改造成本"): Decimal("5500")}), 5),
    ("T14", "output_weights_do_not_add_up", declare(WEIGHTS_OFF), None, None),
    ("T14", "satisfaction_points_not_moved_to_outputs",
     declare(NO_SATISFACTION_WEIGHTED, serves_public=False), None, None),
    ("T15", "same_as_another_project", declare(),
     ctx(siblings=[signature(declare(), "2022年东湖区背街小巷改造项目")]), None),
    ("T15", "same_as_last_year", declare(),
     ctx(last_year=declare(rows(year=2021), year=2021)), None),
    ("T16", "sources_do_not_add_up",
     declare(amounts=Amounts(Decimal("1800"), Decimal("1500"), Decimal("200"), None)), None, None),
    ("T17", "child_indicator_unrelated_to_parent", declare(CHILD_WITH_LAMPS), ctx(parent=PARENT),
     9),
    ("T17", "stated_parent_indicator_not_in_parent", declare(WRONG_LINK), ctx(parent=PARENT), 9),
    ("T18", "unit_cost_times_households_far_from_amount", declare(amounts=AMOUNTS_3000), None, 5),
    ("T19", "satisfaction_filed_as_a_cost",
     declare(rows(add=[line("产出指标", "成本指标", "服务对象满意度", "≥90%")])), None, 9),
    ("T20", "fund_total_counted_as_a_quantity",
     declare(rows(add=[line("产出指标", "数量指标", "项目资金总额", "≥1800万元")])), None, 9),
    ("T21", "coverage_rate_above_100",
     declare(rows(add=[line("效益指标", "社会效益指标", "小区雨污分流覆盖率", "≥105%")])), None, 9),
    ("T22", "annual_goal_restates_the_medium_term_goal", declare(medium_term_goal=GOAL), None,
     None),
]  # fmt: skip

NEAR_MISSES = [
    ("T01", "one_indicator_is_enough", declare(rows()[:1]), None),
    ("T02", "zero_is_a_value",
     declare(rows(add=[line("产出指标", "质量指标", "安全事故", "=0起")])), None),
    ("T03", "readable_percentage", declare(), None),
    ("T03", "deadline_in_a_declaration_without_a_year",
     declare(rows(year=None), year=None), None),
    ("T04", "number_with_unit", declare(), None),
    ("T05", "same_value_under_two_subcategories_with_different_names",
     declare(rows(add=[line("产出指标", "质量指标", "材料抽检合格率", "≥90%")])), None),
    ("T05", "same_name_twice_in_one_subcategory",
     declare(rows(add=[line("产出指标", "数量指标", "改造老旧小区数量", "≥12个")])), None),
    ("T06", "every_output_subcategory_present", declare(), None),
    ("T07", "a_benefit_is_present", declare(rows(drop={7})), None),
    ("T08", "project_serving_no_public", declare(rows(drop={8}), serves_public=False), None),
    ("T09", "goal_given", declare(goal="完成12个老旧小区改造"), None),
    ("T10", "hundred_percent_on_a_rate", declare(), None),
    ("T10", "verifiable_qualitative_value",
     declare(rows(replace={6: ("效益指标", "社会效益指标", "居民居住环境改善情况",
                               "达到《城镇老旧小区改造技术导则》验收标准")})), None),
    ("T11", "project_output_with_a_similar_name",
     declare(rows(add=[line("产出指标", "质量指标", "工程款结算审核完成率", "100%")])), None),
    ("T12", "le_on_an_accident_rate",
     declare(rows(add=[line("产出指标", "质量指标", "施工安全事故发生率", "≤1%")])), None),
    ("T12", "ge_on_a_cost_saving",
     declare(rows(add=[line("产出指标", "成本指标", "节约改造成本比例", "≥5%")])), None),
    ("T13", "target_equal_to_last_years_actual",
     declare(), ctx(previous_actuals={indicator_key("改造老旧小区数量"): Decimal("12")})),
    ("T14", "weights_add_up_to_the_rulebook_totals", declare(rows(weights=True)), None),
    ("T14", "no_weights_at_all", declare(), None),
    ("T14", "outputs_take_sixty_without_satisfaction",
     declare((*rows(weights=True, drop={8})[:5],
              dataclasses.replace(rows(weights=True)[5], weight=Decimal("20")),
              *rows(weights=True, drop={8})[6:]), serves_public=False), None),
    ("T15", "last_year_with_one_value_changed", declare(),
     ctx(last_year=declare(rows(replace={1: ("产出指标", "数量指标", "惠及居民户数",
                                             "≥2500户")})))),
    ("T16", "sources_add_up", declare(), None),
    ("T16", "no_total_given", declare(amounts=Amounts(None, Decimal("1500"), None, None)), None),
    ("T17", "child_indicators_share_words_with_parent", declare(), ctx(parent=PARENT)),
    ("T17", "stated_parent_indicator_exists", declare(LINKED_LAMPS), ctx(parent=PARENT)),
    ("T18", "unit_cost_times_households_matches_amount", declare(), None),
    ("T18", "exactly_twenty_percent_off_is_tolerated",
     declare(amounts=Amounts(Decimal("2250"), Decimal("2250"), None, None)), None),
    ("T19", "timeliness_row_about_time",
     declare(rows(add=[line("产出指标", "时效指标", "按时完成率", "≥95%")])), None),
    ("T20", "equipment_counted_by_number",
     declare(rows(add=[line("产出指标", "数量指标", "购置设备数量", "≥20台")])), None),
    ("T21", "coverage_rate_at_100",
     declare(rows(add=[line("效益指标", "社会效益指标", "小区雨污分流覆盖率", "=100%")])), None),
    ("T22", "medium_term_goal_of_the_whole_programme",
     declare(medium_term_goal="到2025年完成全区50个老旧小区改造，惠及居民12000户。"), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "declaration", "context", "position"),
    [pytest.param(c, d, x, p, id=f"{c}_{name}") for c, name, d, x, p in TRIGGERS],
)
def test_lint_finds(code, declaration, context, position):
    found = of(run(declaration, context=context), code)
    assert found, codes(run(declaration, context=context))
    assert position in [f.indicator for f in found]
    for finding in found:
        assert finding.message and finding.explanation.startswith(f"{code}：")


@pytest.mark.parametrize(
    ("code", "declaration", "context"),
    [pytest.param(c, d, x, id=f"{c}_{name}") for c, name, d, x in NEAR_MISSES],
)
def test_lint_does_not_find(code, declaration, context):
    assert of(run(declaration, context=context), code) == []


def test_every_code_has_a_trigger_and_a_near_miss():
    assert {c for c, *_ in TRIGGERS} == set(CODES) == {c for c, *_ in NEAR_MISSES}


# ---------------------------------------------------------------------------- details


@pytest.mark.parametrize(
    ("code", "blocking"),
    [("T01", True), ("T02", True), ("T03", True), ("T04", False), ("T05", True), ("T07", True),
     ("T08", False), ("T09", True), ("T10", False), ("T11", False), ("T12", False),
     ("T13", False), ("T14", False), ("T15", False), ("T16", True), ("T17", False),
     ("T18", False), ("T19", False), ("T20", False), ("T21", False), ("T22", False)],
)  # fmt: skip
def test_default_severity_follows_the_domain_table(code, blocking):
    declaration, context = next((d, x) for c, _n, d, x, _p in TRIGGERS if c == code)
    assert {f.blocking for f in of(run(declaration, context=context), code)} == {blocking}


def test_t06_gives_one_finding_per_missing_subcategory_and_only_quantity_blocks():
    result = run(declare(rows(drop={0, 1, 2, 3, 4, 5})))
    found = {f.message.split("：")[0]: f.blocking for f in of(result, "T06")}
    assert found == {"缺少数量指标": True, "缺少质量指标": False, "缺少时效指标": False,
                     "缺少成本指标": False}  # fmt: skip


def test_t01_alone_when_there_are_no_indicators():
    assert codes(run(declare(()))) == ["T01"]


CLASSIC_COST = line("产出指标", "成本指标", "户均改造成本", "≤6000元/户")
COST_2021 = line("成本指标", "经济成本指标", "户均改造成本", "≤6000元/户")


@pytest.mark.parametrize(
    ("cost_row", "rules", "cost_missing"),
    [
        pytest.param(CLASSIC_COST, CLASSIC, False, id="classic_cost_under_classic"),
        pytest.param(CLASSIC_COST, CENTRAL_2021, True, id="classic_cost_under_2021"),
        pytest.param(COST_2021, CENTRAL_2021, False, id="first_level_cost_under_2021"),
        pytest.param(COST_2021, CLASSIC, False, id="first_level_cost_under_classic"),
        pytest.param(None, CLASSIC, True, id="no_cost_under_classic"),
        pytest.param(None, CENTRAL_2021, True, id="no_cost_under_2021"),
    ],
)
def test_t06_cost_follows_the_catalogue(cost_row, rules, cost_missing):
    indicators = rows(drop={5}) + ((cost_row,) if cost_row else ())
    found = [f for f in of(run(declare(indicators), rules), "T06") if "成本指标" in f.message]
    assert bool(found) == cost_missing
    assert all(not f.blocking for f in found)
    if cost_row is CLASSIC_COST and found:
        assert "经济成本指标" in found[0].message  # says where it belongs in 2021


def test_t05_message_names_both_rows_and_subcategories():
    [finding] = of(run(declare(rows(replace={3: SAME}))), "T05")
    assert "第1条" in finding.message and "数量指标" in finding.message
    assert "质量指标" in finding.message and "改造老旧小区数量" in finding.message


def test_t10_and_t12_messages_quote_the_value():
    vague = rows(replace={6: ("效益指标", "社会效益指标", "居民居住环境改善情况", "效果明显")})
    assert "“效果明显”" in of(run(declare(vague)), "T10")[0].message
    cost = rows(replace={5: ("产出指标", "成本指标", "户均改造成本", "≥6000元/户")})
    assert "≥6000元/户" in of(run(declare(cost)), "T12")[0].message


def test_t14_names_the_category_and_the_expected_total():
    [finding] = of(run(declare(WEIGHTS_OFF)), "T14")
    assert "产出指标分值合计45分" in finding.message and "应为50分" in finding.message


def test_t14_says_satisfaction_points_went_to_outputs():
    [finding] = of(run(declare(NO_SATISFACTION_WEIGHTED, serves_public=False)), "T14")
    assert "应为60分" in finding.message and "没有满意度指标" in finding.message


def test_t16_reads_float_money_exactly():
    data = {"amounts": {"total": 0.3, "current": 0.1, "carryover": 0.2}, "goal": GOAL,
            "indicators": []}  # fmt: skip
    declaration, _ = declaration_from_data(data, catalogue=CLASSIC.section("catalogue"))
    assert of(run(declaration), "T16") == []


def test_t18_explanation_shows_the_formula():
    [finding] = of(run(declare(amounts=AMOUNTS_3000)), "T18")
    assert "6000 × 3000 = 1800万元" in finding.explanation
    assert "40%" in finding.message


@pytest.mark.parametrize(
    ("context", "skipped"),
    [
        pytest.param(None, ("T13", "T15", "T17"), id="no_context"),
        pytest.param(LintContext(), ("T13", "T15", "T17"), id="empty_context"),
        pytest.param(LintContext(siblings=[]), ("T13", "T17"), id="siblings_only"),
        pytest.param(LintContext(last_year=declare()), ("T13", "T17"), id="last_year_only"),
        pytest.param(FULL_CONTEXT, (), id="full_context"),
    ],
)
def test_context_checks_are_skipped_without_their_context(context, skipped):
    assert run(declare(), context=context).skipped == skipped


def test_context_checks_run_with_context():
    declaration = declare(CHILD_WITH_LAMPS)
    context = LintContext(
        previous_actuals={indicator_key("改造老旧小区数量"): Decimal("15")},
        siblings=[signature(declaration, "另一个项目")],
        parent=PARENT,
    )
    assert {"T13", "T15", "T17"} <= set(codes(run(declaration, context=context)))
    assert not {"T13", "T15", "T17"} & set(codes(run(declaration)))


def test_findings_are_ordered_by_code_then_indicator():
    messy = rows(replace={0: ("产出指标", "数量指标", "改造老旧小区数量", "≥12"),
                          3: ("产出指标", "数量指标", "改造老旧小区数量", "/")})  # fmt: skip
    result = run(declare(messy, goal="", amounts=AMOUNTS_3000))
    keys = [(f.code, -1 if f.indicator is None else f.indicator) for f in result.findings]
    assert keys == sorted(keys) and len(set(codes(result))) >= 4


def test_unplaced_rows_are_reported_not_crashed():
    odd = rows(add=[line("其他指标", "杂项", "宣传报道", "≥3篇")])
    result = run(declare(odd))
    assert [n.indicator for n in result.notes] == [9]
    assert "其他指标" in result.notes[0].message


# ---------------------------------------------------------------------------- rules drive it


def test_thresholds_and_severities_come_from_the_rules():
    rules = CLASSIC.section("lint")
    rules["T18"]["tolerance"] = "0.50"
    rules["T04"]["blocking"] = True
    rules["T10"]["boilerplate"] = rules["T10"]["grading_endings"] = []
    rules["T10"]["vague_words"] = rules["T10"]["few_words_categories"] = []
    vague = rows(replace={6: ("效益指标", "社会效益指标", "居民居住环境改善情况", "效果明显"),
                          0: ("产出指标", "数量指标", "改造老旧小区数量", "≥12")})  # fmt: skip
    result = run(declare(vague, amounts=AMOUNTS_3000), lint_rules=rules)
    assert of(result, "T18") == [] and of(result, "T10") == []
    assert [f.blocking for f in of(result, "T04")] == [True]


def test_lint_section_is_registered_with_every_code_and_string_decimals():
    section = CLASSIC.section("lint")
    assert set(section) == set(CODES)
    assert section["T18"]["tolerance"] == "0.20"
    assert section["T14"]["totals"] == {"产出指标": "50", "效益指标": "30", "满意度指标": "10"}
    assert section["T14"]["execution"] == "10"


# ---------------------------------------------------------------------------- schema errors

CATALOGUE = CLASSIC.section("catalogue")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param({"goal": "x"}, "indicators", id="indicators_missing"),
        pytest.param({"indicators": {"a": 1}}, "应为列表", id="indicators_not_a_list"),
        pytest.param({"indicators": [], "amounts": {"total": "一千万"}}, "合计", id="money_text"),
        pytest.param({"indicators": [], "amounts": {"total": True}}, "合计", id="money_boolean"),
        pytest.param({"indicators": [], "amounts": [1]}, "金额应为对象", id="amounts_list"),
        pytest.param({"indicators": [{"category": "产出指标", "subcategory": "数量指标"}]},
                     "三级指标", id="indicator_without_name"),
        pytest.param({"indicators": ["≥50个"]}, "第1条指标", id="indicator_not_an_object"),
        pytest.param({"indicators": [{"category": "产出指标", "subcategory": "数量指标",
                                      "name": "x", "weight": "十分"}]}, "分值", id="weight_text"),
        pytest.param({"indicators": [{"category": "产出指标", "subcategory": "数量指标",
                                      "name": "x", "target": {"op": "约"}}]}, "op",
                     id="unknown_operator"),
        pytest.param({"indicators": [], "year": "2022"}, "year", id="year_as_text"),
        pytest.param({"indicators": [], "serves_public": "否"}, "serves_public", id="serves_text"),
        pytest.param([], "JSON 对象", id="not_an_object"),
    ],
)  # fmt: skip
def test_objects_that_do_not_fit_the_schema_get_chinese_errors(data, fragment):
    declaration, errors = declaration_from_data(data, catalogue=CATALOGUE)
    assert declaration is None and errors
    assert all(e["code"] == "schema" for e in errors)
    assert any(fragment in e["message"] for e in errors), errors


def test_value_objects_and_unit_targets_are_read():
    data = {"indicators": [{"category": "产出指标", "subcategory": "数量指标", "name": "培训人次",
                            "target": {"op": ">=", "number": "200", "unit": "人次"}}],
            "unit": {"name": "东湖区人力资源和社会保障局"}, "goal": "开展技能培训"}  # fmt: skip
    declaration, errors = declaration_from_data(data, catalogue=CATALOGUE)
    assert errors == [] and declaration.is_unit_target
    assert declaration.indicators[0].value.display() == "≥200人次"
    assert declaration.project_name == "东湖区人力资源和社会保障局"


# ---------------------------------------------------------------------------- properties

CATEGORIES = ["产出指标", "产出指标(50分)", "产出", "效益指标", "效益", "满意度指标", "成本指标",
              "其他", "", "一级指标"]  # fmt: skip
SUBCATEGORIES = ["数量指标", "数量指标(必填)", "数量值", "质量", "时效指标", "成本指标",
                 "经济成本指标", "社会效益指标", "服务对象满意度指标", "可持续影响", "",
                 "杂项"]  # fmt: skip
NAMES = ["改造老旧小区数量", "工程验收合格率", "预算执行率", "户均改造成本", "居民满意度",
         "小区雨污分流覆盖率", "", "资金拨付及时率", "新增停车位", "惠及居民户数"]  # fmt: skip
VALUES = ["≥50个", "≥ 95 %", "≤90万元", "=0起", "不低于90%", "100%", "达成预期指标", "效果明显",
          "12月底前完成", "/", "—", "≧ %", "万亩", "≤6000元/户", "≥3000户", "", None, 95,
          "进一步提升", "2021年1月-12月"]  # fmt: skip
TEXT = st.text(alphabet="0123456789.%≥≤<>=个户人万元/年月底前完成提升率数量成本 ", max_size=12)
DECIMALS = st.none() | st.decimals(min_value=-1000, max_value=10**7, places=2, allow_nan=False)

INDICATOR = st.builds(
    lambda c, s, n, v, w: line(c, s, n, v, w),
    st.sampled_from(CATEGORIES) | TEXT,
    st.sampled_from(SUBCATEGORIES) | TEXT,
    st.sampled_from(NAMES) | TEXT,
    st.sampled_from(VALUES) | TEXT,
    DECIMALS,
)
DECLARATION = st.builds(
    lambda ind, goal, amounts, serves: declare(tuple(ind), goal=goal, amounts=Amounts(*amounts),
                                               serves_public=serves),
    st.lists(INDICATOR, max_size=12),
    st.none() | st.sampled_from([GOAL, "", "/"]),
    st.tuples(DECIMALS, DECIMALS, DECIMALS, DECIMALS),
    st.none() | st.booleans(),
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    declaration=DECLARATION,
    rules=st.sampled_from([CLASSIC, CENTRAL_2021]),
    parent=st.none() | DECLARATION,
    actual=st.none() | st.decimals(min_value=0, max_value=10**6, places=1),
)
def test_lint_never_raises_and_points_inside_the_list(declaration, rules, parent, actual):
    context = LintContext(
        previous_actuals={indicator_key(n): actual for n in NAMES} if actual is not None else None,
        siblings=[signature(declaration, "同名项目")],
        last_year=parent,
        parent=parent,
    )
    for ctx_ in (None, context):
        result = run(declaration, rules, context=ctx_)
        n = len(declaration.indicators)
        assert all(f.indicator is None or 0 <= f.indicator < n for f in result.findings)
        assert all(f.code in CODES and f.message for f in result.findings)
        keys = [(f.code, -1 if f.indicator is None else f.indicator) for f in result.findings]
        assert keys == sorted(keys)
        json.dumps(result.to_data(), ensure_ascii=False)


@settings(max_examples=100, deadline=None)
@given(data=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["indicators", "amounts", "goal", "category", "name",
                                       "subcategory", "target", "weight", "total", "op"]),
                      children, max_size=5),
    max_leaves=15,
))  # fmt: skip
def test_reading_any_json_never_raises(data):
    declaration, errors = declaration_from_data(data, catalogue=CATALOGUE)
    assert (declaration is None) == bool(errors)
