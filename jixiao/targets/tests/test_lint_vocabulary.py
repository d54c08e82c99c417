"""The lint's vocabularies at a reviewer's level (issue 15, part 2): what an experienced reviewer
marks in real declarations that the first rules missed, and the near misses next to each, which
matter as much. Wordings are the kind real tables use; each case says what a reviewer reads."""

import pytest

from jixiao.indicators.values import Kind, parse_target_value
from jixiao.targets.tests.test_lint import CENTRAL_2021, declare, line, of, rows, run

BENEFIT = ("效益指标", "社会效益指标", "居民居住环境改善情况")


def with_benefit(value):
    return declare(rows(replace={6: (*BENEFIT, value)}))


def with_row(category, subcategory, name, value):
    return declare(rows(add=[line(category, subcategory, name, value)]))


def message_code(finding) -> str:
    """The template of a finding's message, past the library suggestion wrapped around it."""
    message = finding.message
    while message.code == "lint.with_suggestion":
        message = message.params["message"]
    return message.code


# ---------------------------------------------------------------------------- T10


@pytest.mark.parametrize(
    ("value", "word"),
    [
        ("逐步覆盖全县各乡镇", "逐步"),
        ("群众办事体验不断优化", "不断"),
        ("持续改善农村基础设施条件", "持续改善"),
        ("力争全部达标", "力争"),
        ("极大地丰富了群众的文体生活", "极大"),
        ("残疾学生家庭负担明显减轻", "明显减轻"),
        ("尽快完成整改", "尽快"),
    ],
)
def test_words_of_degree_without_a_measure_are_vague(value, word):
    [finding] = of(run(with_benefit(value)), "T10")
    assert message_code(finding) == "lint.T10.vague"
    assert "第7条指标“居民居住环境改善情况”" in finding.message and f"“{word}”" in finding.message


@pytest.mark.parametrize(
    "value",
    [
        "无明显质量问题",  # "明显" in a negation is a test a reviewer can check
        "施工单位具有所需资质",  # 有所 inside 具有所需 is no "有所提高"
        "无较大及以上安全事故",  # 较大 is a grade of accident, not a degree
        "小区雨污分流全部达到验收标准",
        "覆盖全区所有人员",
        "按月安排",
    ],
)
def test_a_result_that_can_be_checked_is_not_vague(value):
    assert of(run(with_benefit(value)), "T10") == []


@pytest.mark.parametrize(
    ("value", "word"),
    [("促进产业发展", "促进"), ("有利于生态保护", "有利于"), ("带动周边群众增收", "带动"),
     ("发挥示范引领作用", "发挥")],
)  # fmt: skip
def test_a_short_value_that_starts_with_an_intention_is_vague(value, word):
    [finding] = of(run(with_benefit(value)), "T10")
    assert message_code(finding) == "lint.T10.intention" and f"“{word}”" in finding.message
    assert "intention_starts" in finding.explanation


@pytest.mark.parametrize(
    "value",
    [
        "确保全年无安全事故",  # a result a reviewer can check
        "带动就业200人",  # an intention with the number to check
        "提供免费体检服务",
    ],
)
def test_a_result_or_an_intention_with_its_number_is_not_an_intention(value):
    assert of(run(with_benefit(value)), "T10") == []


@pytest.mark.parametrize(
    "value", ["达到标准", "符合标准", "达到要求", "达到预期效果", "长期发挥作用"]
)
def test_a_standard_that_is_not_named_or_an_effect_that_is_not_said_is_vague(value):
    assert [f.indicator for f in of(run(with_benefit(value)), "T10")] == [6]


def test_a_named_standard_is_checkable():
    assert of(run(with_benefit("达到《城镇老旧小区改造技术导则》标准")), "T10") == []


@pytest.mark.parametrize("value", ["优良中低差", "优良中差"])
def test_the_grading_scale_copied_from_the_form_is_no_target(value):
    [finding] = of(run(with_benefit(value)), "T10")
    assert message_code(finding) == "lint.T10.boilerplate" and value in finding.message


@pytest.mark.parametrize(
    "value", ["本着节约的原则，严格控制支出", "严格按照指标任务落实工作", "不扩大，不增债"]
)
def test_a_cost_written_in_words_without_an_amount_is_vague(value):
    declaration = declare(rows(replace={5: ("产出指标", "成本指标", "项目成本控制", value)}))
    [finding] = of(run(declaration), "T10")
    assert message_code(finding) == "lint.T10.cost_no_amount" and finding.indicator == 5
    assert value in finding.message and "≤…万元" in finding.message


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [
        # words with the amount in them: a reviewer checks the 1000元/人
        ("成本指标", "补助标准", "严格按照1000元/人的标准兑付"),
        # words about money under 成本 are a process measure (T11), not a vague cost
        ("成本指标", "资金使用", "全年预算全额用于保障教育教学"),
        # words under 质量 are not a cost
        ("质量指标", "工程质量", "达到国家验收规范"),
    ],
)
def test_a_cost_with_its_amount_or_a_quality_in_words_is_no_vague_cost(subcategory, name, value):
    found = of(run(with_row("产出指标", subcategory, name, value)), "T10")
    assert [message_code(f) for f in found if message_code(f) == "lint.T10.cost_no_amount"] == []


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [("社会成本指标", "对周边居民生活的影响", "施工期间不影响居民正常出行"),
     ("生态环境成本指标", "对生态环境的影响", "不破坏周边植被，无污染物排放")],
)  # fmt: skip
def test_a_social_or_ecological_cost_may_be_written_in_words(subcategory, name, value):
    declaration = declare(rows(add=[line("成本指标", subcategory, name, value)]))
    found = of(run(declaration, rules=CENTRAL_2021), "T10")
    assert "lint.T10.cost_no_amount" not in [message_code(f) for f in found]


def test_an_economic_cost_in_words_is_vague_under_the_2021_catalogue_too():
    row = line("成本指标", "经济成本指标", "项目成本控制", "严格控制支出，不超预算标准")
    [finding] = of(run(declare(rows(add=[row])), rules=CENTRAL_2021), "T10")
    assert message_code(finding) == "lint.T10.cost_no_amount"


@pytest.mark.parametrize("name", ["办学条件改善、教学水平提高", "群众生活质量提升"])
def test_a_full_percentage_on_a_wish_is_vague(name):
    [finding] = of(run(with_row("产出指标", "质量指标", name, "=100%")), "T10")
    assert message_code(finding) == "lint.T10.slogan_name"
    assert f"第10条指标“{name}”" in finding.message and "“=100%”" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("政策知晓率显著提升", "100%"),  # a rate: 100% of the people know it
        ("农民人均收入提高", "≥10%"),  # a change of 10%: how much is said
        ("补助资金及时到位", "100%"),  # a process measure: T11's finding
    ],
)
def test_a_rate_a_sized_change_or_a_process_measure_is_no_wish(name, value):
    found = of(run(with_row("产出指标", "质量指标", name, value)), "T10")
    assert "lint.T10.slogan_name" not in [message_code(f) for f in found]


@pytest.mark.parametrize(
    ("category", "name", "value"),
    [("效益指标", "是否解决群众看病难问题", "95%"), ("产出指标", "有无安全隐患", "≤5%")],
)
def test_a_yes_no_question_answered_with_a_share_is_vague(category, name, value):
    [finding] = of(run(with_row(category, "社会效益指标", name, value)), "T10")
    assert message_code(finding) == "lint.T10.question_share"
    assert f"“{value}”" in finding.message and "“=100%”" in finding.message


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [
        ("服务对象满意度指标", "群众是否满意", "95%"),  # the share of people satisfied
        ("社会效益指标", "是否解决群众看病难问题", "100%"),  # all of it: yes
        ("社会效益指标", "是否解决群众看病难问题", "是"),
    ],
)
def test_a_satisfaction_question_or_a_full_answer_is_no_partial_answer(subcategory, name, value):
    category = "满意度指标" if subcategory.startswith("服务") else "效益指标"
    found = of(run(with_row(category, subcategory, name, value)), "T10")
    assert "lint.T10.question_share" not in [message_code(f) for f in found]


def test_a_process_measure_written_in_the_value_is_not_a_percentage_without_a_rate():
    row = ("项目完成", "质量指标", "补助资金按时到期", "补助资金及时到位100%")
    assert of(run(with_row(*row)), "T10") == []
    assert [f.indicator for f in of(run(with_row(*row)), "T11")] == [9]


# ---------------------------------------------------------------------------- T11


@pytest.mark.parametrize(
    ("subcategory", "name", "value", "word"),
    [
        ("时效指标", "经费支出时效性", "及时支出", "支出时效"),
        ("时效指标", "资金是否全部及时纳入", "100%", "资金是否"),
        ("质量指标", "经费是否全部用于项目", "是", "经费是否"),
        ("成本指标", "资金使用", "全年预算全额用于保障教育教学", "全额用于"),
    ],
)
def test_more_fund_management_measures_are_process_measures(subcategory, name, value, word):
    [finding] = of(run(with_row("产出指标", subcategory, name, value)), "T11")
    assert finding.indicator == 9 and f"“{word}”" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("补助对象是否符合条件", "100%"), ("补助资金发放户数", "≥300户"), ("支出标准", "≤6000元/户")],
)
def test_an_output_about_recipients_or_money_paid_out_is_not_a_process_measure(name, value):
    assert of(run(with_row("产出指标", "数量指标", name, value)), "T11") == []


# ---------------------------------------------------------------------------- T12


@pytest.mark.parametrize("name", ["补助逾期发放率", "审批超期件数"])
def test_a_floor_on_what_is_late_contradicts_it(name):
    [finding] = of(run(with_row("产出指标", "质量指标", name, "≥2%")), "T12")
    assert "“≤”" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("补助逾期发放率", "≤2%"), ("逾期贷款清收率", "≥90%"), ("超期问题整改率", "≥95%")],
)
def test_a_ceiling_on_what_is_late_or_a_floor_on_clearing_it_is_right(name, value):
    assert of(run(with_row("产出指标", "质量指标", name, value)), "T12") == []


# ---------------------------------------------------------------------------- T19


@pytest.mark.parametrize(
    ("subcategory", "name", "value", "home"),
    [
        ("生态效益指标", "生态文明理念和意识", "提升10%", "社会效益指标"),
        ("经济效益指标", "群众科学素养", "≥10%", "社会效益指标"),
        ("社会效益指标", "与委托运营方合同完成率", "=100%", "数量指标"),
        ("生态效益指标", "项目建成率", "100%", "数量指标"),
    ],
)
def test_awareness_is_social_and_completion_is_an_output_wherever_filed(
    subcategory, name, value, home
):
    [finding] = of(run(with_row("效益指标", subcategory, name, value)), "T19")
    assert finding.indicator == 9 and home in finding.message


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [
        ("社会效益指标", "群众环保意识", "≥80%"),  # filed where it belongs
        ("可持续影响指标", "文物保护单位“四有”工作完成率", "≥95%"),  # a lasting set-up
        ("生态效益指标", "节水灌溉面积", "≥500亩"),  # saving water is ecological
        ("生态效益指标", "河道水质达标率", "≥95%"),
    ],
)
def test_rows_filed_where_they_belong_are_not_moved(subcategory, name, value):
    assert of(run(with_row("效益指标", subcategory, name, value)), "T19") == []


def test_an_area_of_works_under_ecology_is_an_output_not_an_ecological_effect():
    # 排水 (drainage works) is not ecology although it speaks of water
    row = ("效益指标", "生态效益指标", "新增和改善排水达标面积", "≥200亩")
    [finding] = of(run(with_row(*row)), "T19")
    assert "数量指标" in finding.message and "“面积”" in finding.message


def test_a_capacity_under_ecology_is_not_ecological_for_the_characters_it_shares():
    # 能 of 能力, 水 of 水平: single characters no longer make a row ecological
    row = ("效益指标", "生态效益指标", "基层服务能力和水平", "≥90%")
    assert [f.indicator for f in of(run(with_row(*row)), "T19")] == [9]


# ---------------------------------------------------------------------------- T20


@pytest.mark.parametrize(
    ("name", "value", "word"),
    [("毛发检查试剂数量", "≥2400份", "试剂"), ("施工材料", "1批", "施工材料"),
     ("购买标准试剂", "≥100个", "试剂"), ("实验耗材", "≥50套", "耗材")],
)  # fmt: skip
def test_consumables_counted_as_an_output_are_inputs(name, value, word):
    [finding] = of(run(with_row("产出指标", "数量指标", name, value)), "T20")
    assert message_code(finding) == "lint.T20.consumable"
    assert f"第10条指标“{name}”" in finding.message and f"“{word}”" in finding.message
    assert "检测的样本数" in finding.message


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [
        ("数量指标", "购买发放树苗", "15000株"),  # handed on: what the recipients get
        ("质量指标", "检测试剂合格率", "≥95%"),  # a rate is a quality
        ("数量指标", "购置设备数量", "≥20台"),  # equipment: a region's switch (purchase_counts)
        ("数量指标", "农机购置补贴机具数量", "≥300台"),  # subsidised: the farmers' purchase
        ("数量指标", "检测样本数量", "≥2400份"),  # what the reagents are for
    ],
)
def test_consumables_handed_on_rated_or_equipment_are_no_input(subcategory, name, value):
    assert of(run(with_row("产出指标", subcategory, name, value)), "T20") == []


def test_a_floor_on_money_put_in_under_cost_counts_spending_as_an_achievement():
    declaration = declare(rows(replace={5: ("产出指标", "成本指标", "投入资金", "≥1500万元")}))
    [finding] = of(run(declaration), "T20")
    assert message_code(finding) == "lint.T20.spending_floor" and finding.indicator == 5
    assert "“≥1500万元”" in finding.message and "上限" in finding.message


@pytest.mark.parametrize(("name", "value"), [("投入资金", "≤1500万元"), ("经费支出", "≤33万元"),
                                             ("户均改造成本", "≥6000元/户")])  # fmt: skip
def test_a_ceiling_on_money_or_a_cost_without_input_words_is_no_input(name, value):
    declaration = declare(rows(replace={5: ("产出指标", "成本指标", name, value)}))
    assert of(run(declaration), "T20") == []


# ---------------------------------------------------------------------------- T03 (values)


@pytest.mark.parametrize("operator", ["是/否", "是／否", "是或否"])
def test_a_yes_no_operator_column_reads_the_answer_as_qualitative(operator):
    value = parse_target_value("否", category="产出指标", subcategory="质量指标", operator=operator)
    assert value.kind == Kind.QUALITATIVE and value.problems == () and value.text == "否"


def test_a_comparison_operator_column_with_an_answer_is_still_unreadable():
    value = parse_target_value("否", category="产出指标", subcategory="质量指标", operator="≥")
    assert value.kind == Kind.UNREADABLE


# ---------------------------------------------------------------------------- T08


@pytest.mark.parametrize("project", ["2024年工资性支出", "机关人员经费", "在职人员住房公积金"])
def test_a_staff_cost_item_needs_no_satisfaction_indicator(project):
    assert of(run(declare(rows(drop={8}), project_name=project)), "T08") == []


@pytest.mark.parametrize("project", ["百岁老人高龄津贴", "小学教育公用经费", "老旧小区改造"])
def test_a_project_serving_people_still_needs_one(project):
    [finding] = of(run(declare(rows(drop={8}), project_name=project)), "T08")
    assert finding.indicator is None and "满意度指标" in finding.message
