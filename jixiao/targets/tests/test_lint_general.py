"""General rules of the lint (issue 15, part 2, second pass): what makes a row an input, a row
misfiled, a rate above 100% or a vague value in general, rather than a list of the words some
tables used. Each trigger is worded as real tables word such rows, and each has its near misses
beside it: a reviewer must agree with the rule on both."""

import pytest

from jixiao.targets.tests.test_lint import of, run
from jixiao.targets.tests.test_lint_vocabulary import message_code, with_benefit, with_row

# ---------------------------------------------------------------------------- T20


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [
        ("数量指标", "完成校舍维修改造", "≥300万元"),
        ("质量指标", "村内道路硬化工程", "=120万元"),
        ("数量指标", "信息化设备更新", "=45.6万元"),
    ],
)
def test_any_money_value_under_an_output_counts_the_spending(subcategory, name, value):
    [finding] = of(run(with_row("产出指标", subcategory, name, value)), "T20")
    assert message_code(finding) == "lint.T20.money_value" and finding.indicator == 9
    assert f"第10条指标“{name}”" in finding.message and f"“{value}”是一笔钱" in finding.message
    assert subcategory in finding.message and "成本指标" in finding.message  # where the limit goes


# The near misses (money delivered, costs, effects) are in test_lint_meaning's T20 table.


@pytest.mark.parametrize(("name", "value"), [("办公设备采购数量", "10台"),
                                             ("购置办公电脑", "≥15台")])  # fmt: skip
def test_a_purchase_for_the_units_own_office_counted_by_number_is_an_input(name, value):
    [finding] = of(run(with_row("产出指标", "数量指标", name, value)), "T20")
    assert message_code(finding) == "lint.T20.purchase"
    assert f"第10条指标“{name}”" in finding.message and "买来的设备和物资是投入" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("购置医疗设备数量", "≥20台"),  # equipment for a service: a region's switch
     ("执法车辆采购数量", "1辆"),
     ("办公设备采购合格率", "100%")],  # a rate is a quality
)  # fmt: skip
def test_other_purchases_and_rates_of_office_purchases_are_no_input(name, value):
    assert of(run(with_row("产出指标", "数量指标", name, value)), "T20") == []


# ---------------------------------------------------------------------------- T19


def test_a_row_without_a_name_is_read_by_its_sentence():
    sentence = "确保全年未发生安全事故，校园秩序稳定"
    [finding] = of(run(with_row("效益指标", "经济效益指标", "", sentence)), "T19")
    assert finding.indicator == 9 and "第10条指标" in finding.message
    assert "经济效益指标" in finding.message


@pytest.mark.parametrize(
    ("subcategory", "value"),
    [("经济效益指标", "带动农户增收，村集体经济收入增加"),  # what it measures is economic
     ("经济效益指标", "≥95%")],  # a number without a name: nothing to read
)  # fmt: skip
def test_a_row_without_a_name_that_fits_or_says_nothing_is_left_alone(subcategory, value):
    assert of(run(with_row("效益指标", subcategory, "", value)), "T19") == []


def test_a_grade_filed_as_a_quantity_belongs_under_quality():
    [finding] = of(run(with_row("产出指标", "数量指标", "道路养护质量等级", "优良")), "T19")
    assert finding.indicator == 9 and "质量指标" in finding.message


@pytest.mark.parametrize(("name", "value"), [("新增等级公路里程", "≥12公里"),
                                             ("星级农家乐数量", "≥5家")])  # fmt: skip
def test_a_count_of_graded_things_stays_a_quantity(name, value):
    assert of(run(with_row("产出指标", "数量指标", name, value)), "T19") == []


# ---------------------------------------------------------------------------- T21


@pytest.mark.parametrize(("name", "value", "rate"), [("项目开展率", "≥120%", "开展率"),
                                                     ("农村改厕户厕建档率", "110%", "建档率")])  # fmt: skip
def test_any_rate_set_above_100_is_over_its_limit(name, value, rate):
    [finding] = of(run(with_row("产出指标", "质量指标", name, value)), "T21")
    assert finding.indicator == 9 and f"“{rate}”最高只能达到100%" in finding.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("项目开展率", "≥100%"),  # a floor at 100 only on the rules' bounded rates
     ("病床使用效率", "≥105%"),  # an efficiency may exceed 100
     ("农产品加工转化率提升", "120%"),  # a change
     ("耕地复种指数", "≥180%")],  # no rate
)  # fmt: skip
def test_floors_efficiencies_changes_and_indices_are_not_over_a_limit(name, value):
    assert of(run(with_row("产出指标", "质量指标", name, value)), "T21") == []


# ---------------------------------------------------------------------------- T11


@pytest.mark.parametrize(
    ("subcategory", "name", "value", "word"),
    [("时效指标", "专项资金及时拨付", "≤30天", "拨付"),
     ("质量指标", "内部控制规范达标率", "100%", "内部控制"),
     ("质量指标", "报账资料完整率", "100%", "报账"),
     ("质量指标", "配套资金足额到位", "是", "足额到位")],
)  # fmt: skip
def test_money_passed_down_and_financial_controls_are_process_measures(
    subcategory, name, value, word
):
    [finding] = of(run(with_row("产出指标", subcategory, name, value)), "T11")
    assert finding.indicator == 9 and f"“{word}”" in finding.message


@pytest.mark.parametrize(("subcategory", "name", "value"),
                         [("时效指标", "补贴资金发放及时率", "≥95%"),  # paid to the people: output
                          ("质量指标", "居民健康档案管理率", "≥90%")])  # fmt: skip
def test_payments_to_people_and_records_kept_for_them_are_outputs(subcategory, name, value):
    assert of(run(with_row("产出指标", subcategory, name, value)), "T11") == []


# ---------------------------------------------------------------------------- T10


@pytest.mark.parametrize(
    ("value", "word"),
    [("切实减轻群众看病负担", "切实"), ("积极营造全民健身的良好氛围", "积极"),
     ("充分发挥阵地作用", "充分"), ("农民群众生产生活条件得到提高", "得到提高")],
)  # fmt: skip
def test_effort_and_got_better_without_any_number_are_vague(value, word):
    [finding] = of(run(with_benefit(value)), "T10")
    assert finding.indicator == 6 and f"“{word}”" in finding.message


@pytest.mark.parametrize(("value", "word"), [("社会影响深远", "深远"), ("生态效益凸显", "凸显"),
                                             ("意义重大", "重大")])  # fmt: skip
def test_a_short_value_that_only_praises_is_vague(value, word):
    [finding] = of(run(with_benefit(value)), "T10")
    assert finding.indicator == 6 and f"“{word}”" in finding.explanation


@pytest.mark.parametrize("value", ["完成", "全部完成"])
def test_done_as_the_whole_target_is_vague(value):
    [finding] = of(run(with_benefit(value)), "T10")
    assert finding.indicator == 6 and f"“{value}”" in finding.message


@pytest.mark.parametrize(
    "value",
    ["积极组织技能培训3期，培训农民120人次",  # the numbers are what a reviewer checks
     "日常维护全县农村公路，清理边沟，修补路面，保持路况完好",  # maintenance work, not a wish
     "完成全县120公里农村公路日常养护"],  # done, with how much
)  # fmt: skip
def test_work_with_numbers_or_maintenance_is_not_vague(value):
    assert of(run(with_benefit(value)), "T10") == []


@pytest.mark.parametrize(
    ("value", "word"),
    [("效果佳", "效果佳"), ("对当地作用大", "作用大"), ("得到群众认可", "认可"),
     ("社会反响好", "反响好"), ("深受师生欢迎", "欢迎")],
)  # fmt: skip
def test_a_short_judgment_of_the_result_or_of_how_people_took_it_is_vague(value, word):
    [finding] = of(run(with_benefit(value)), "T10")
    assert message_code(finding) == "lint.T10.grading" and f"“{word}”" in finding.message


@pytest.mark.parametrize("value", ["公共设施完好", "无重大安全事故", "覆盖全区所有人员"])
def test_a_short_state_a_reviewer_can_check_is_not_a_judgment(value):
    assert of(run(with_benefit(value)), "T10") == []


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [("质量指标", "公开招标率", "100%"), ("时效指标", "工程进度款付款及时率", "≥95%"),
     ("质量指标", "固定资产管理规范性", "规范"), ("质量指标", "财务核算准确率", "100%")],
)  # fmt: skip
def test_payments_procurement_and_the_units_books_are_process_measures(subcategory, name, value):
    [finding] = of(run(with_row("产出指标", subcategory, name, value)), "T11")
    assert finding.indicator == 9 and "管理过程的指标" in finding.message


@pytest.mark.parametrize(
    ("subcategory", "name", "value"),
    [("数量指标", "政府采购图书册数", "≥5000册"),  # what was bought and handed on to readers
     ("质量指标", "固定资产投资项目验收合格率", "100%")],  # works built, not the books kept
)  # fmt: skip
def test_purchases_counted_and_investment_projects_are_no_process_measures(
    subcategory, name, value
):
    assert of(run(with_row("产出指标", subcategory, name, value)), "T11") == []


@pytest.mark.parametrize("value", ["效果佳", "作用突出显著", "群众称道", "成绩斐然"])
def test_a_benefit_in_a_few_words_without_a_number_is_vague_whatever_the_words(value):
    [finding] = of(run(with_benefit(value)), "T10")
    assert finding.indicator == 6 and "第7条指标“居民居住环境改善情况”" in finding.message
    assert f"“{value}”" in finding.message


@pytest.mark.parametrize("value", ["群众称道", "成绩斐然", "民心所向"])
def test_a_few_words_of_no_list_are_read_as_a_judgment_by_their_length(value):
    [finding] = of(run(with_benefit(value)), "T10")
    assert message_code(finding) == "lint.T10.few_words"
    assert f"“{value}”只用几个字描述效益指标" in finding.message and "≥" in finding.message
    assert "few_words_categories" in finding.explanation


@pytest.mark.parametrize(
    "value",
    ["不低于上年",  # a comparison with a baseline
     "按月开展",  # a schedule
     "无",  # a "none" answer
     "水质Ⅲ类",  # a named class
     "≥3000人",  # a number
     "施工单位具有所需资质"],  # a longer statement of fact
)  # fmt: skip
def test_a_benefit_with_a_baseline_schedule_none_class_or_a_fact_is_not_few_words(value):
    assert of(run(with_benefit(value)), "T10") == []


@pytest.mark.parametrize(
    ("category", "subcategory", "name", "value"),
    [("产出指标", "质量指标", "服务周期内空气质量", "优良"),  # an output grade, not a benefit
     ("效益指标", "经济效益指标", "社会公益服务无经济效益", "公益性事业")],  # does not apply
)  # fmt: skip
def test_few_words_outside_a_benefit_or_where_it_does_not_apply_are_left_alone(
    category, subcategory, name, value
):
    assert of(run(with_row(category, subcategory, name, value)), "T10") == []
