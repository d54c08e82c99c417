"""The lint at a reviewer's level (issue 15): the problems an experienced reviewer marks in
published tables, and the false alarms the lint must not raise. Wordings are the kind real
declarations use; each case says what a reviewer reads in it."""

import pytest

from jixiao.targets.tests.test_lint import declare, line, of, rows, run

BENEFIT = ("效益指标", "社会效益指标", "居民居住环境改善情况")


def with_benefit(value):
    return declare(rows(replace={6: (*BENEFIT, value)}))


def with_row(category, subcategory, name, value):
    return declare(rows(add=[line(category, subcategory, name, value)]))


@pytest.mark.parametrize(
    "value",
    [
        "经济效益良好",
        "影响可持续",
        "社会效益明显",
        "群众生活水平稳步向好",
        "促进乡村产业发展，提升群众获得感和幸福感",
        "加强基层医疗卫生服务能力建设，保障人民群众身体健康",
    ],
)
def test_a_benefit_that_only_grades_or_states_intentions_is_vague(value):
    [finding] = of(run(with_benefit(value)), "T10")
    assert finding.indicator == 6 and value in finding.message


@pytest.mark.parametrize(
    "value",
    [
        "改造后小区雨污分流全部达标",  # a result that can be checked
        "12月底前完成竣工验收并投入使用",
        "促进就业人数不少于200人",  # an intention, but with a number to check
        "显著",  # short boilerplate: already the boilerplate rule, once
    ],
)
def test_a_checkable_result_is_not_vague_and_boilerplate_is_found_once(value):
    found = of(run(with_benefit(value)), "T10")
    assert len(found) == (1 if value == "显著" else 0)


@pytest.mark.parametrize(
    "name",
    ["项目资金到位率", "资金下达率", "补助资金拨付及时率", "专项资金执行率", "财务管理制度健全性"],
)
def test_fund_management_measures_used_as_outputs_are_process_measures(name):
    [finding] = of(run(with_row("产出指标", "质量指标", name, "≥95%")), "T11")
    assert finding.indicator == 9


def test_a_project_output_that_mentions_money_is_not_a_process_measure():
    assert of(run(with_row("产出指标", "数量指标", "发放补助资金户数", "≥300户")), "T11") == []


@pytest.mark.parametrize(
    "name, value",
    [
        ("贷款逾期率", "≥2%"),
        ("群众投诉率", "≥1%"),
        ("设备故障率", ">3%"),
        ("工程安全事故次数", "≥1次"),
    ],
)
def test_a_floor_on_something_unwanted_contradicts_its_meaning(name, value):
    [finding] = of(run(with_row("产出指标", "质量指标", name, value)), "T12")
    assert "“≤”" in finding.message and value in finding.message


def test_a_floor_on_a_ceiling_contradicts_it():
    [finding] = of(run(with_row("成本指标", "经济成本指标", "补助资金上限", "≥5万元")), "T12")
    assert "上限" in finding.message


@pytest.mark.parametrize(
    "category, subcategory, name, value",
    [
        ("产出指标", "质量指标", "贷款逾期率", "≤2%"),  # the right way round
        ("产出指标", "质量指标", "投诉处理率", "≥95%"),  # handling complaints: more is better
        ("产出指标", "质量指标", "事故发生率下降", "≥10%"),  # a drop: more is better
        (
            "产出指标",
            "成本指标",
            "工程达标率",
            "100%",
        ),  # no operator written: nothing to contradict
        ("产出指标", "成本指标", "服务对象满意度", "≥90%"),  # misfiled (T19), not a contradiction
    ],
)
def test_no_contradiction_where_a_reviewer_sees_none(category, subcategory, name, value):
    assert of(run(with_row(category, subcategory, name, value)), "T12") == []


# ---------------------------------------------------------------------------- T18 as a reviewer


def money(total):
    from decimal import Decimal

    from jixiao.targets.declaration import Amounts

    return Amounts(Decimal(total), None, None, None)


TRAINING = [
    line("产出指标", "数量指标", "培训教师人数", "≥200人"),
    line("产出指标", "数量指标", "购置教学设备", "≥47台"),
    line("产出指标", "成本指标", "教师培训人均费用", "≤300元/人"),
    line("产出指标", "成本指标", "教学设备单价", "≤2万元/台"),
]


def test_several_cost_lines_that_add_up_to_the_amount_are_no_mismatch():
    # 300元 × 200人 = 6万元, 2万元 × 47台 = 94万元: together the project's 100万元
    assert of(run(declare(tuple(TRAINING), amounts=money("100"))), "T18") == []


def test_several_cost_lines_beyond_the_amount_are_one_finding_with_the_sum():
    [finding] = of(run(declare(tuple(TRAINING), amounts=money("60"))), "T18")
    assert finding.indicator == 2 and "合计100万元" in finding.message
    assert "6 × 200" not in finding.explanation and "300 × 200 + 2 × 47" in finding.explanation


SUBSIDY = [
    line("产出指标", "数量指标", "补助人数", "≥100人"),
    line("产出指标", "成本指标", "生活补助标准", "500元/人·月"),
]


@pytest.mark.parametrize("unit", ["元/人·月", "元/人*月", "元/人/月"])
def test_a_monthly_cost_counts_twelve_months_of_a_budget_year(unit):
    rows_ = (SUBSIDY[0], line("产出指标", "成本指标", "生活补助标准", f"500{unit}"))
    # 500元 × 100人 × 12月 = 60万元
    assert of(run(declare(rows_, amounts=money("60"))), "T18") == []
    [finding] = of(run(declare(rows_, amounts=money("20"))), "T18")
    assert "500 × 100 × 12" in finding.explanation


def test_a_row_counting_the_months_is_used_instead_of_a_year():
    rows_ = (*SUBSIDY, line("产出指标", "数量指标", "补助发放月数", "6个月"))
    assert of(run(declare(rows_, amounts=money("30"))), "T18") == []


def test_a_daily_cost_without_a_count_of_days_is_not_guessed():
    rows_ = (SUBSIDY[0], line("产出指标", "成本指标", "伙食补助", "≤100元/人/天"))
    assert of(run(declare(rows_, amounts=money("1"))), "T18") == []


# ---------------------------------------------------------------------------- suggestions


LIBRARY = [
    {"sector": "住房城乡建设", "category": "效益指标", "subcategory": "社会效益指标",
     "name": "老旧小区居住环境改善户数", "value_hint": "≥3000户"},
    {"sector": "教育", "category": "效益指标", "subcategory": "社会效益指标",
     "name": "义务教育巩固率", "value_hint": "≥98%"},
    {"sector": "住房城乡建设", "category": "产出指标", "subcategory": "数量指标",
     "name": "改造老旧小区楼栋数", "value_hint": "≥40栋"},
]  # fmt: skip


def test_a_vague_value_gets_a_library_indicator_of_its_subcategory_and_subject():
    result = run_with_library(with_benefit("效果明显"))
    [finding] = of(result, "T10")
    assert (
        "可参考指标库中的社会效益指标“老旧小区居住环境改善户数”（参考值≥3000户）" in finding.message
    )


def test_no_suggestion_when_nothing_in_the_library_is_about_the_indicator():
    declaration = declare(rows(replace={6: ("效益指标", "社会效益指标", "道路照明情况", "效果明显")}),
                          project_name="路灯维护")  # fmt: skip
    [finding] = of(run_with_library(declaration), "T10")
    assert "可参考指标库" not in finding.message


def run_with_library(declaration):
    from jixiao.targets.lint import lint
    from jixiao.targets.tests.test_lint import CLASSIC

    return lint(declaration, rules=CLASSIC.section("lint"),
                catalogue=CLASSIC.section("catalogue"), library=LIBRARY)  # fmt: skip


@pytest.mark.parametrize(
    "name, value, found",
    [
        ("小学就读人数", "≤6962人", True),  # a promise to serve at most: the wrong way round
        ("公务用车采购数量", "≤1辆", False),  # purchases are capped by rule
        ("培训时长", "≤3天", False),  # a time limit
    ],
)
def test_a_ceiling_on_an_output_quantity_is_a_contradiction_unless_capped_by_nature(
    name, value, found
):
    assert bool(of(run(with_row("产出指标", "数量指标", name, value)), "T12")) == found


def test_a_time_limit_on_a_timeliness_rate_is_no_contradiction():
    assert of(run(with_row("产出指标", "时效指标", "检测及时率", "≤7个工作日")), "T12") == []


@pytest.mark.parametrize(
    "name, value, found",
    [
        ("社会效益", "是", True),
        ("持续保障社会发展", "持续保障", True),
        ("群众负担", "有所减轻", True),
    ],
)
def test_a_benefit_answered_yes_or_with_its_own_name_says_nothing(name, value, found):
    declaration = declare(rows(replace={6: ("效益指标", "社会效益指标", name, value)}))
    assert bool(of(run(declaration), "T10")) == found


def test_yes_under_an_output_is_an_answer_not_boilerplate():
    assert of(run(with_row("产出指标", "质量指标", "是否通过竣工验收", "是")), "T10") == []


# ---------------------------------------------------------------------------- odd published forms


def test_a_form_with_a_level_above_ours_is_placed_by_its_second_column():
    from jixiao.indicators.catalogue import place_indicator

    placed = place_indicator("实施效果指标", "效益指标")
    assert (placed.category, placed.subcategory) == ("效益指标", None)
    assert place_indicator("过程管理指标", "计划管理指标").category is None


def test_a_satisfaction_row_filed_under_outputs_is_not_a_missing_satisfaction_indicator():
    misfiled = rows(drop={8}, add=[line("产出指标", "质量指标", "资助对象满意度", "≥95%")])
    assert of(run(declare(misfiled)), "T08") == []


def test_a_goal_cell_holding_only_the_amount_is_an_empty_goal():
    assert [f.code for f in of(run(declare(goal="287")), "T09")] == ["T09"]


def test_one_source_shown_beside_a_larger_total_is_no_mismatch():
    from decimal import Decimal

    from jixiao.targets.declaration import Amounts

    one = Amounts(Decimal("164"), Decimal("132"), None, None)
    assert of(run(declare(amounts=one)), "T16") == []


@pytest.mark.parametrize("name", ["开展修复工程(个)", "投入资金(≥**万元)", "植树(株)"])
def test_a_unit_in_the_names_brackets_is_the_unit(name):
    assert of(run(with_row("产出指标", "数量指标", name, "12")), "T04") == []


def test_zero_needs_no_unit_but_a_count_does():
    assert of(run(with_row("产出指标", "质量指标", "安全事故", "0")), "T04") == []
    assert len(of(run(with_row("产出指标", "数量指标", "开设课程数量", "220")), "T04")) == 1


@pytest.mark.parametrize(
    "name, written, op, number, unit",
    [
        ("投入资金(≥万元)", "1500", "≥", "1500", "万元"),  # the form's brackets give both
        ("新建圈舍面积(≥**平方米)", "5000", "≥", "5000", "平方米"),
        ("完成及时率(%)", ">=95", "≥", "95", "%"),  # an operator written in the cell stays
        ("开展修复工程", "1", "≥", "1", None),  # nothing in the name: no unit
    ],
)
def test_a_value_takes_the_unit_and_operator_the_names_brackets_ask_for(
    name, written, op, number, unit
):
    from decimal import Decimal

    from jixiao.targets.declaration import read_target

    value = read_target(written, name, category="产出指标", subcategory="数量指标", year=2023)
    assert (value.symbol, value.number, value.unit) == (op, Decimal(number), unit)


@pytest.mark.parametrize(
    "name, value, found",
    [
        ("科普知识网络竞赛", "提高普及率", True),  # a change with no amount
        ("养老服务基础条件", "改善条件", True),
        ("公民科学文化素质", "提升10%", False),  # a change with its amount: a target
        ("资金使用合规性", "100%", False),  # T11's, not a vague value
        ("安全事故", "0%", False),  # none is a clear target
    ],
)
def test_a_change_without_an_amount_is_vague_but_a_percentage_change_is_not(name, value, found):
    declaration = declare(rows(replace={6: ("效益指标", "社会效益指标", name, value)}))
    assert bool(of(run(declaration), "T10")) == found


def test_a_row_left_as_the_forms_filler_is_a_missing_value_and_nothing_else():
    filler = line("成本指标", "经济成本指标", "0", "0.00%")
    result = run(declare(rows(add=[filler])))
    assert [f.code for f in result.findings if f.indicator == 9] == ["T02"]


@pytest.mark.parametrize(
    "name, value",
    [("补助资金按时到期", "补助资金及时到位100%"), ("符合政策规定", "专项补助使用符合政策规定")],
)
def test_a_process_measure_written_in_the_value_is_found_too(name, value):
    assert len(of(run(with_row("产出指标", "质量指标", name, value)), "T11")) == 1


@pytest.mark.parametrize(
    "value, found", [("知识更新率", True), ("发放时间达标率", True), ("达标率95%", False)]
)
def test_a_value_that_names_a_measure_instead_of_its_level_is_vague(value, found):
    assert (
        bool(of(run(with_row("产出指标", "质量指标", "科普宣传栏内容更新", value)), "T10")) == found
    )
