""" "无" on an indicator that counts incidents reads as the target "= 0" (issue 15, part 4):
table tests of the pair (name, cell) → the value parsed, with the near misses that keep
today's reading (missing, T02). The words are the national rulebook's (lint → T02). The value
parser does the reading when a reader passes the indicator's name (`name=`), so every reader
reads such a row the same way; the readers' own tests are in test_incident_readers."""

from decimal import Decimal

import pytest

from jixiao.core.rulebook import named, validate_changes
from jixiao.indicators.incidents import incident_text, is_incident_name
from jixiao.indicators.values import Kind, Op, parse_actual_value, parse_target_value

WORDS = named().section("lint")["T02"]


def read(name, text, category="产出指标", subcategory="质量指标", words=WORDS):
    return parse_target_value(
        text, category=category, subcategory=subcategory, year=2024, name=name, incidents=words
    )


@pytest.mark.parametrize(
    ("name", "text", "unit"),
    [
        ("违法违规案件", "无", None),
        ("安全责任事故", "无", None),
        ("重大安全事故", "不发生", None),
        ("有效投诉", "零", None),
        ("质量事故", "杜绝", None),
        ("违纪违法问题", "未发生", None),
        ("火灾事故发生次数", "无", "次"),
        ("群众上访起数", "没有", "起"),
        ("医疗纠纷（件）", "无", "件"),
        ("人员伤亡人数", "无", "人"),
        ("服务投诉", "零投诉", None),
        ("安全生产事故", "无事故", None),
        ("安全事故", " 无。", None),
    ],
)
def test_a_word_saying_none_on_an_incident_count_is_equal_to_zero(name, text, unit):
    value = read(name, text)
    assert value.kind == Kind.QUANTITATIVE and value.ok
    assert (value.operator, value.number, value.unit) == (Op.EQ, Decimal(0), unit)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("培训人数", "无"),  # 无 says nothing on a count that should happen
        ("服务对象满意度", "无"),
        ("投诉办结率", "无"),  # dealing with complaints, not complaints
        ("安全隐患排查次数", "无"),  # looking for hazards is work done, not a hazard
        ("违法案件查处率", "无"),
    ],
)
def test_none_on_an_indicator_that_counts_no_incident_stays_missing(name, text):
    assert read(name, text).kind == Kind.MISSING


@pytest.mark.parametrize(
    ("name", "text", "kept"),
    [
        ("安全事故", "/", Kind.MISSING),  # a placeholder is not a word saying none
        ("安全事故", "", Kind.MISSING),
        ("安全事故", "≤1起", Kind.QUANTITATIVE),  # a number written stays that number
        ("安全事故", "无重大安全事故发生，一般事故不超过2起", Kind.QUALITATIVE),
        ("培训人数", "杜绝", Kind.QUALITATIVE),
    ],
)
def test_other_cells_keep_todays_reading(name, text, kept):
    assert incident_text(name, text, WORDS) == text
    assert read(name, text).kind == kept


def test_a_number_already_written_on_an_incident_count_is_not_changed():
    value = read("安全事故", "≤1起")
    assert (value.operator, value.number, value.unit) == (Op.LE, Decimal(1), "起")


def test_without_rules_the_text_is_read_as_today():
    assert incident_text("违法违规案件", "无", None) == "无"


def test_the_actual_none_on_an_incident_count_reads_as_zero_against_its_target():
    target = read("安全责任事故次数", "无")
    actual = parse_actual_value("无", target, name="安全责任事故次数", incidents=WORDS)
    assert actual.ok and (actual.number, actual.unit) == (Decimal(0), "次")
    assert actual.original == "无" and "读作" in str(actual.explain())


def test_the_parser_reads_by_name_with_the_national_words_when_none_are_passed():
    value = parse_target_value("无", category="产出指标", subcategory="质量指标", name="安全事故")
    assert (value.kind, value.operator, value.number) == (Kind.QUANTITATIVE, Op.EQ, Decimal(0))
    assert value.original == "无"
    actual = parse_actual_value("未发生", value, name="安全事故")
    assert actual.ok and actual.number == Decimal(0)


def test_without_the_name_the_parser_reads_none_as_missing():
    """A caller that does not know the row (a goal's text, a rule's threshold) reads the cell
    alone, as DOMAIN.md §4.2 says."""
    assert parse_target_value("无").kind == Kind.MISSING
    target = read("安全事故", "无")
    assert parse_actual_value("无", target).kind == Kind.MISSING


def test_a_region_that_empties_the_incident_names_reads_none_as_missing_everywhere():
    emptied = {**WORDS, "incident_names": []}
    assert read("安全责任事故", "无", words=emptied).kind == Kind.MISSING
    target = read("安全责任事故", "=0")
    assert parse_actual_value("无", target, name="安全责任事故", incidents=emptied).kind == (
        Kind.MISSING
    )


def test_a_value_in_the_schemas_object_form_is_read_as_written():
    from jixiao.indicators.values import target_value_from_data

    value = target_value_from_data("无", name="违法违规案件", category="产出指标")
    assert (value.operator, value.number) == (Op.EQ, Decimal(0))
    parsed = target_value_from_data({"op": "=", "number": "0", "unit": "起"}, name="违法违规案件")
    assert (parsed.operator, parsed.number, parsed.unit) == (Op.EQ, Decimal(0), "起")


def test_handling_words_outweigh_incident_words_in_a_name():
    assert is_incident_name("信访投诉", WORDS)
    assert not is_incident_name("信访投诉处理率", WORDS)


def test_a_word_added_to_the_incident_names_makes_a_name_an_incident_count():
    words = {**WORDS, "incident_names": [*WORDS["incident_names"], "停电"]}
    assert incident_text("计划外停电", "无", WORDS) == "无"
    assert incident_text("计划外停电", "无", words) == "=0"


def test_a_region_may_extend_each_word_list_with_a_plus_key():
    changes = {"incident_names+": ["停电"], "handling_names+": ["抢修"], "none_words+": ["全无"]}
    assert validate_changes({"lint": {"T02": changes}}) == []


@pytest.mark.parametrize(
    ("subcategory", "name"),
    [("社会成本指标", "对社会产生负面影响"), ("生态环境成本指标", "对环境造成破坏"),
     ("生态环境成本指标", "施工期噪声扰民")],
)  # fmt: skip
def test_none_under_a_social_or_ecological_cost_says_there_is_no_such_cost(subcategory, name):
    value = read(name, "无", category="成本指标", subcategory=subcategory)
    assert (value.operator, value.number, value.original) == (Op.EQ, Decimal(0), "无")
    actual = parse_actual_value("无", value, name=name, incidents=WORDS)
    assert actual.ok and actual.number == Decimal(0)


def test_none_under_a_money_cost_is_still_missing():
    assert read("项目成本", "无", subcategory="成本指标").kind == Kind.MISSING
    assert read("项目成本", "无", category="成本指标", subcategory="经济成本指标").kind == (
        Kind.MISSING
    )
