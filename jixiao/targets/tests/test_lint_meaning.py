"""What an indicator measures (T19–T22, DOMAIN.md §4.4): triggers and, above all, near misses.

Pure: no database. Rows are worded as published declarations word them; each case says what a
reviewer reads in it. The declaration around them is test_lint's clean 老旧小区改造 project.
"""

import copy
import json
from pathlib import Path

import pytest

from jixiao.core import rulebook
from jixiao.targets.tests.test_lint import (
    CENTRAL_2021,
    CLASSIC,
    GOAL,
    declare,
    line,
    of,
    rows,
    run,
)

MEANING = ("T19", "T20", "T21", "T22")


def with_row(category, subcategory, name, value, rules=CLASSIC):
    return run(declare(rows(add=[line(category, subcategory, name, value)])), rules)


# ---------------------------------------------------------------------------- T19


@pytest.mark.parametrize(
    ("category", "subcategory", "name", "value", "home"),
    [
        # a satisfaction level filed as a cost
        ("产出指标", "成本指标", "服务对象满意度", "≥90%", "服务对象满意度指标"),
        # a satisfaction level filed as a social effect, although it speaks of the public
        ("效益指标", "社会效益指标", "市民对空气质量改善的满意程度", "≥85%",
         "服务对象满意度指标"),
        # a pass rate is about quality, not time
        ("产出指标", "时效指标", "培训合格率", "≥95%", "质量指标"),
        # a rate of attainment under 时效 says nothing about time
        ("产出指标", "时效指标", "县级储备粮应急保障率", "100%", "质量指标"),
        # a rate of attainment is not a cost
        ("产出指标", "成本指标", "补助标准达标率", "100%", "质量指标"),
        # employment is a social effect, not an ecological one
        ("效益指标", "生态效益指标", "带动当地群众就业", "≥50人", "社会效益指标"),
        # a deadline is a timeliness target wherever it is filed
        ("产出指标", "质量指标", "竣工验收", "2022年11月底前", "时效指标"),
        ("效益指标", "可持续影响指标", "保障期限", "2022年1月-2022年11月", "时效指标"),
        # income is an economic effect
        ("效益指标", "生态效益指标", "带动农户增收", "≥500元/户", "经济效益指标"),
        # a count of people is a quantity, not a time limit
        ("产出指标", "时效指标", "培训人数", "≥200人", "数量指标"),
        # a count of incidents under 满意度 measures no satisfaction
        ("满意度指标", "服务对象满意度指标", "粮食安全事件发生数", "=0起", "质量指标"),
        # a subsidy per person is a unit cost, not a quantity
        ("产出指标", "数量指标", "基本医疗保险财政补助标准", "589元/人", "成本指标"),
        # a count of repairs is a quantity, not a quality
        ("产出指标", "质量指标", "实验室仪器维修维护", "≥4次", "数量指标"),
        # nothing about time, but about education
        ("产出指标", "时效指标", "教育均衡化发展", "有效", "社会效益指标"),
        # nothing about ecology, but about living conditions
        ("效益指标", "生态效益指标", "居住条件", "改善", "社会效益指标"),
    ],
)  # fmt: skip
def test_t19_names_where_a_misfiled_row_belongs(category, subcategory, name, value, home):
    [finding] = of(with_row(category, subcategory, name, value), "T19")
    assert finding.indicator == 9 and not finding.blocking
    assert f"第10条指标“{name}”" in finding.message
    assert home in finding.message.split("请把它移到")[1].split("下，")[0]
    assert f"“{category}/{subcategory}”" in finding.message
    assert finding.explanation.startswith("T19：")


def test_t19_under_the_2021_catalogue_names_a_2021_subcategory():
    [finding] = of(with_row("成本指标", "经济成本指标", "受益群众满意度", "≥90%",
                            CENTRAL_2021), "T19")  # fmt: skip
    assert "服务对象满意度指标" in finding.message and "经济成本指标" in finding.message


def test_t19_message_suggests_what_the_subcategory_should_measure():
    [finding] = of(with_row("产出指标", "时效指标", "培训合格率", "≥95%"), "T19")
    assert "移到质量指标下" in finding.message
    assert "12月底前完成" in finding.message  # an example of a timeliness target


@pytest.mark.parametrize(
    ("category", "subcategory", "name", "value"),
    [
        # on time, said in the name
        ("产出指标", "时效指标", "按时完成率", "≥95%"),
        ("产出指标", "时效指标", "项目完成及时率", "100%"),
        # a completion rate under 时效 is read as completion within the year
        ("产出指标", "时效指标", "项目完成率", "100%"),
        # a deadline under 时效
        ("产出指标", "时效指标", "工程竣工时间", "2022年10月底前"),
        # forest cover is ecological although it is a rate
        ("效益指标", "生态效益指标", "森林覆盖率", "≥65%"),
        # jobs for forest rangers are still about ecology's upkeep
        ("效益指标", "生态效益指标", "生态护林员就业岗位", "≥30个"),
        # a survey held is an output in its own right
        ("产出指标", "数量指标", "满意度调查问卷发放数量", "≥500份"),
        # a cost ratio
        ("产出指标", "成本指标", "成本节约率", "≥5%"),
        ("产出指标", "成本指标", "户均改造成本", "≤6000元/户"),
        # incomes of farmers are also a social effect
        ("效益指标", "社会效益指标", "带动农民增收", "≥500元/户"),
        # lasting use
        ("效益指标", "可持续影响指标", "设施正常使用年限", "≥10年"),
        # a row that shows nothing of any subcategory: say nothing
        ("产出指标", "时效指标", "工作推进", "有序"),
        # a row named after its level tells nothing either
        ("产出指标", "成本指标", "社会成本指标", "≤100%"),
        # a process measure is T11's finding, in the name or in the value
        ("产出指标", "质量指标", "项目资金拨付及时率", "100%"),
        ("产出指标", "质量指标", "补助资金按时到位", "资金到位率100%"),
        # money counted as output is T20's
        ("产出指标", "数量指标", "项目资金总额", "≥500万元"),
        # a quality rate under 数量 is often read as coverage: not called misfiled
        ("产出指标", "数量指标", "农村改厕覆盖率", "≥90%"),
        # timeliness in words
        ("产出指标", "时效指标", "工程进度", "按计划完成"),
        ("产出指标", "时效指标", "数据更新频率", "每月"),
        ("产出指标", "时效指标", "补助资金发放", "按时发放"),
        # ecology in a wider sense: saving paper and power, flood control
        ("效益指标", "生态效益指标", "无纸化办公", "推进"),
        ("效益指标", "生态效益指标", "节约用电", "≥10%"),
        ("效益指标", "生态效益指标", "防汛安全", "保障"),
        # economic effects said through money, land or costs
        ("效益指标", "经济效益指标", "经费有效使用情况", "=100%"),
        ("效益指标", "经济效益指标", "提高土地利用率", "提高"),
        ("效益指标", "经济效益指标", "减少群众出行成本", "减少"),
        # a rate under 成本 that speaks of the budget or of procurement
        ("产出指标", "成本指标", "本年预算安排800万元", "100%"),
        ("产出指标", "成本指标", "政府采购率", "100%"),
        # no incident at all is a quality, although counted
        ("产出指标", "质量指标", "违规违纪", "=0人次"),
        ("产出指标", "质量指标", "重大责任事件", "=0起"),
        # a count that is a benefit reached
        ("效益指标", "社会效益指标", "研究性成果被引用次数", "≥5次"),
        ("满意度指标", "服务对象满意度指标", "有效投诉", "=0次"),
    ],
)  # fmt: skip
def test_t19_keeps_quiet_on_rows_that_fit_or_show_nothing(category, subcategory, name, value):
    assert of(with_row(category, subcategory, name, value), "T19") == []


# ---------------------------------------------------------------------------- T20


@pytest.mark.parametrize(
    ("subcategory", "name", "value", "word"),
    [
        ("数量指标", "项目资金总额", "≥500万元", "项目资金总额"),
        ("数量指标", "下达资金", "1800万元", "下达资金"),
        ("质量指标", "资金投入", "≥1800万元", "资金投入"),
        ("数量指标", "业务工作支出安排金额", "28.8万元", "支出安排"),
        # a purchase counted by its price, not by what was bought
        ("数量指标", "购置办公设备", "≥12万元", "购置"),
        # an input without a unit
        ("数量指标", "投入资金", "≥500", "投入资金"),
        # the subsidy money itself counted as the output
        ("数量指标", "卫片执法补助经费", "=72890元", "经费"),
    ],
)
def test_t20_finds_money_put_in_counted_as_an_output(subcategory, name, value, word):
    [finding] = of(with_row("产出指标", subcategory, name, value), "T20")
    assert finding.indicator == 9 and not finding.blocking
    assert f"第10条指标“{name}”" in finding.message and f"“{word}”" in finding.message
    assert "成本指标" in finding.message  # the fix says where spending limits go
    assert finding.explanation.startswith("T20：")


@pytest.mark.parametrize(
    ("category", "subcategory", "name", "value"),
    [
        # equipment counted by the number bought
        ("产出指标", "数量指标", "购置设备数量", "≥20台"),
        # a unit cost under 成本
        ("产出指标", "成本指标", "项目资金总额", "≤1800万元"),
        ("产出指标", "成本指标", "户均补助资金", "≤6000元/户"),
        # an amount drawn in is an effect
        ("效益指标", "经济效益指标", "带动社会投资额", "≥1000万元"),
        # a rate of funds is a process measure (T11), not an amount
        ("产出指标", "质量指标", "资金到位率", "100%"),
        # the purchase of services counted by the people served
        ("产出指标", "数量指标", "政府购买服务覆盖人数", "≥3000人"),
        # money that is what the project delivers or brings in (rules T20 money_output_words)
        ("产出指标", "数量指标", "发放创业担保贷款金额", "≥4000万元"),
        ("产出指标", "数量指标", "追缴欠缴税款", "≥50万元"),
        ("产出指标", "数量指标", "减免困难学生学费", "20万元"),
        # a ceiling on money under 成本; the works counted by what was built; a money effect
        ("产出指标", "成本指标", "校舍维修改造成本", "≤300万元"),
        ("产出指标", "数量指标", "维修校舍面积", "≥3000平方米"),
        ("效益指标", "经济效益指标", "带动农户增收", "≥500万元"),
    ],
)  # fmt: skip
def test_t20_keeps_quiet_on_outputs_costs_and_effects(category, subcategory, name, value):
    assert of(with_row(category, subcategory, name, value), "T20") == []


@pytest.mark.parametrize("value", ["1辆", "≥2辆"])
def test_t20_a_region_may_also_call_purchases_counted_by_number_inputs(value):
    row = line("产出指标", "数量指标", "执法车辆采购数量", value)
    assert of(run(declare(rows(add=[row]))), "T20") == []  # national default: an output
    lint_rules = copy.deepcopy(CLASSIC.section("lint"))
    lint_rules["T20"]["purchase_counts"] = True
    [finding] = of(run(declare(rows(add=[row])), lint_rules=lint_rules), "T20")
    assert "“采购”" in finding.message and "买来的设备和物资是投入" in finding.message


# ---------------------------------------------------------------------------- T21


@pytest.mark.parametrize(
    ("subcategory", "name", "value", "rate"),
    [
        ("质量指标", "小区雨污分流覆盖率", "≥105%", "覆盖率"),
        ("质量指标", "工程验收合格率", ">100%", "合格率"),
        ("质量指标", "政策知晓率", "=110%", "知晓率"),
        ("服务对象满意度指标", "居民满意度", "≥120%", "满意度"),
        ("质量指标", "适龄儿童入学率", "不低于101%", "入学率"),
    ],
)
def test_t21_finds_a_rate_that_cannot_exceed_100_set_above_it(subcategory, name, value, rate):
    category = "满意度指标" if subcategory.startswith("服务") else "产出指标"
    [finding] = of(with_row(category, subcategory, name, value), "T21")
    assert finding.indicator == 9 and not finding.blocking
    assert f"第10条指标“{name}”" in finding.message and f"“{rate}”" in finding.message
    assert "不超过100%" in finding.message
    assert finding.explanation.startswith("T21：")


@pytest.mark.parametrize(
    ("category", "subcategory", "name", "value"),
    [
        ("产出指标", "质量指标", "工程验收合格率", "=100%"),  # the ceiling itself
        ("产出指标", "质量指标", "工程验收合格率", "100%"),  # no operator written
        ("产出指标", "时效指标", "补助发放及时率", "达到目标值100%"),  # "≥" read from words
        ("产出指标", "时效指标", "资金拨付及时率", "≥100%"),  # a process measure: T11's
        ("效益指标", "经济效益指标", "农民人均收入增长率", "≥110%"),  # growth may overshoot
        ("产出指标", "数量指标", "年度计划完成率", "≥105%"),  # so may a plan
        ("效益指标", "经济效益指标", "旅游收入比上年", "≥120%"),
        ("效益指标", "经济效益指标", "接待游客人数同比", "≥115%"),
        ("产出指标", "质量指标", "小区雨污分流覆盖率", "≥95%"),
        ("产出指标", "质量指标", "覆盖率提高倍数", "≥2倍"),  # not in %
        ("产出指标", "质量指标", "小区雨污分流覆盖率", "≤120%"),  # a ceiling, not a target
    ],
)  # fmt: skip
def test_t21_keeps_quiet_at_100_and_where_overshoot_is_possible(category, subcategory, name, value):
    assert of(with_row(category, subcategory, name, value), "T21") == []


@pytest.mark.parametrize(
    ("value", "found"),
    [("≥100%", True), ("≥100百分比", True), ("不低于100%", True), ("100%", False),
     ("≥95%", False), ("=100%", False)],
)  # fmt: skip
def test_t21_a_written_floor_of_100_on_a_pass_rate_is_a_finding(value, found):
    # DOMAIN.md §4.4: ≥100% only where overshoot is possible; only "=100%" can meet it
    declaration = declare(rows(add=[line("产出指标", "质量指标", "委托业务报告合格率", value)]))
    findings = of(run(declaration), "T21")
    assert bool(findings) == found
    if found:
        assert "“=100%”" in findings[0].message and "“合格率”" in findings[0].message
        assert "第10条指标“委托业务报告合格率”" in findings[0].message


def test_t21_a_region_may_turn_the_written_floor_of_100_off():
    lint_rules = copy.deepcopy(CLASSIC.section("lint"))
    lint_rules["T21"]["floor_at_limit"] = False
    declaration = declare(rows(add=[line("产出指标", "质量指标", "委托业务报告合格率", "≥100%")]))
    assert of(run(declaration, lint_rules=lint_rules), "T21") == []


# ---------------------------------------------------------------------------- T22

MEDIUM_TERM = (
    "到2025年完成全区50个老旧小区改造，惠及居民12000户；实施屋面防水、外墙修缮、雨污分流、"
    "道路硬化、增设停车位和路灯，改善居民居住环境。"
)


@pytest.mark.parametrize(
    ("goal", "medium", "how"),
    [
        pytest.param(GOAL, GOAL, "完全相同", id="word_for_word"),
        pytest.param(GOAL.replace("，", ",").replace("；", " "), GOAL, "完全相同",
                     id="only_punctuation_and_spaces_differ"),
        pytest.param("通过采购雾炮车降尘抑尘服务，服务周期2023.07-2024.01，全市空气质量达到优良",
                     "通过采购雾炮车降尘抑尘服务，服务周期2023.07-2024.01，全市空气质量持续达到优良",
                     "几乎相同", id="two_characters_added"),
    ],
)  # fmt: skip
def test_t22_finds_an_annual_goal_that_restates_the_medium_term_one(goal, medium, how):
    [finding] = of(run(declare(goal=goal, medium_term_goal=medium)), "T22")
    assert finding.indicator is None and not finding.blocking
    assert finding.message.startswith("年度总体目标与中期目标" + how)
    assert "请按本年度的工作量改写年度目标" in finding.message
    assert finding.explanation.startswith("T22：")


def test_t22_explanation_gives_the_share_of_common_characters():
    goal = "通过采购雾炮车降尘抑尘服务，服务周期2023.07-2024.01，全市空气质量达到优良"
    medium = goal.replace("达到优良", "持续达到优良")
    [finding] = of(run(declare(goal=goal, medium_term_goal=medium)), "T22")
    # 40 characters against 42 after normalising, all 40 shared: 2 × 40 / 82 = 97.6%
    assert "97.6%" in finding.explanation and "90%" in finding.explanation


@pytest.mark.parametrize(
    ("goal", "medium"),
    [
        pytest.param(GOAL, None, id="no_medium_term_goal"),
        pytest.param(GOAL, "", id="empty_medium_term_goal"),
        pytest.param("", GOAL, id="empty_annual_goal"),
        pytest.param(GOAL, MEDIUM_TERM, id="medium_term_is_the_whole_programme"),
        # the same wording with this year's own numbers is a year's target, not a restatement
        pytest.param(GOAL, GOAL.replace("12个", "50个").replace("3000户", "12000户"),
                     id="same_words_with_the_years_numbers"),
        # the medium-term goal with the year's quantities added to it
        pytest.param(MEDIUM_TERM + "2022年完成12个小区改造，惠及3000户。", MEDIUM_TERM,
                     id="medium_term_plus_the_years_numbers"),
    ],
)  # fmt: skip
def test_t22_keeps_quiet_when_the_annual_goal_is_its_own(goal, medium):
    assert of(run(declare(goal=goal, medium_term_goal=medium)), "T22") == []


# ---------------------------------------------------------------------------- all four

LIBRARY = Path(__file__).resolve().parents[2] / "indicators" / "data" / "library.json"


def test_no_indicator_of_the_national_library_is_called_misfiled_an_input_or_over_100():
    """The library's rows are filed where they belong: a guard of T19–T21's precision."""
    found = []
    for item in json.loads(LIBRARY.read_text(encoding="utf-8")):
        row = line(item["category"], item["subcategory"], item["name"], item["value_hint"],
                   unit=item.get("unit") or None)  # fmt: skip
        result = run(declare((row,)))
        found += [(f.code, item["name"]) for f in result.findings if f.code in MEANING]
    assert found == []


def test_the_clean_declaration_has_none_of_the_four():
    result = run(declare(medium_term_goal=MEDIUM_TERM))
    assert [f for f in result.findings if f.code in MEANING] == []


def test_none_of_the_four_blocks_by_default():
    lint_rules = CLASSIC.section("lint")
    assert [lint_rules[code]["blocking"] for code in MEANING] == [False] * 4


def test_a_region_extends_a_subcategorys_signs_with_a_plus_key():
    changes = {"lint": {"T19": {"signs": {"质量指标+": ["抽检"]}}}}
    assert rulebook.validate_changes(changes) == []
    row = ("产出指标", "时效指标", "材料抽检", "全覆盖")
    assert of(with_row(*row), "T19") == []  # national words: nothing to place it
    lint_rules = copy.deepcopy(CLASSIC.section("lint"))
    lint_rules["T19"]["signs"]["质量指标"].append("抽检")
    declaration = declare(rows(add=[line(*row)]))
    [finding] = of(run(declaration, lint_rules=lint_rules), "T19")
    assert "质量指标" in finding.message
