"""Tests of the target/actual value parser (DOMAIN.md §4.1, §4.2). Pure: no database."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jixiao.indicators import quantities
from jixiao.indicators.catalogue import (
    CATALOGUE_2021,
    CLASSIC_CATALOGUE,
    is_cost,
    is_timeliness,
    normalise_category,
    normalise_subcategory,
    place_indicator,
)
from jixiao.indicators.values import (
    KNOWN_UNITS,
    OPERATOR_SYMBOLS,
    Kind,
    Op,
    convert_number,
    normalise_operator,
    normalise_unit,
    parse_actual_value,
    parse_target_value,
    same_unit,
    target_value_from_data,
)

Q, QUAL, DL, MISSING, UNREADABLE = (
    "quantitative",
    "qualitative",
    "deadline",
    "missing",
    "unreadable",
)
COST = {"category": "产出指标", "subcategory": "成本指标"}

# (text, keyword arguments, (operator, number, unit, operator_implied)) for quantitative values.
QUANTITATIVE_CASES = [
    # The examples of DOMAIN.md §4.2 and the issue.
    ("≥50个", {}, (">=", "50", "个", False)),
    ("≥ 95 %", {}, (">=", "95", "%", False)),
    ("≥100百分比", {}, (">=", "100", "%", False)),
    ("≤90万元", {}, ("<=", "90", "万元", False)),
    ("=0起", {}, ("=", "0", "起", False)),
    ("不低于90%", {}, (">=", "90", "%", False)),
    ("不少于3次", {}, (">=", "3", "次", False)),
    ("100%", {}, (">=", "100", "%", True)),
    ("1,234.5万元", {}, (">=", "1234.5", "万元", True)),
    ("≥1000元/人", {}, (">=", "1000", "元/人", False)),
    ("220人", {"category": "成本指标"}, ("<=", "220", "人", True)),
    ("220人", COST, ("<=", "220", "人", True)),
    ("220人", {"category": "产出指标", "subcategory": "数量指标"}, (">=", "220", "人", True)),
    ("0", {}, ("=", "0", None, True)),
    ("0", COST, ("=", "0", None, True)),
    ("0起", {}, ("=", "0", "起", True)),
    ("90%以上", {}, (">=", "90", "%", False)),
    ("5万平方米以下", {}, ("<=", "5", "万平方米", False)),
    # Symbols, full-width and look-alikes.
    ("＞＝95％", {}, (">=", "95", "%", False)),
    ("≧98%", {}, (">=", "98", "%", False)),
    ("≦5天", {}, ("<=", "5", "天", False)),
    ("<=3%", {}, ("<=", "3", "%", False)),
    (">0", {}, (">", "0", None, False)),
    ("<5%", {}, ("<", "5", "%", False)),
    ("＝100％", {}, ("=", "100", "%", False)),
    ("１２３，４５６元", {}, (">=", "123456", "元", True)),
    ("≥ 1 000 人次", {}, (">=", "1000", "人次", False)),
    # Words.
    ("大于等于80%", {}, (">=", "80", "%", False)),
    ("大于等于 80 %", {}, (">=", "80", "%", False)),
    ("不小于10项", {}, (">=", "10", "项", False)),
    ("至少2场", {}, (">=", "2", "场", False)),
    ("超过500人次", {}, (">", "500", "人次", False)),
    ("高于85%", {}, (">", "85", "%", False)),
    ("多于3家", {}, (">", "3", "家", False)),
    ("大于100户", {}, (">", "100", "户", False)),
    ("等于100%", {}, ("=", "100", "%", False)),
    ("小于等于5%", {}, ("<=", "5", "%", False)),
    ("不高于3%", {}, ("<=", "3", "%", False)),
    ("不超过120万元", {}, ("<=", "120", "万元", False)),
    ("不多于2次", {}, ("<=", "2", "次", False)),
    ("不大于10天", {}, ("<=", "10", "天", False)),
    ("低于或等于1%", {}, ("<=", "1", "%", False)),
    ("控制在90万元以内", {}, ("<=", "90", "万元", False)),
    ("小于5起", {}, ("<", "5", "起", False)),
    ("低于2%", {}, ("<", "2", "%", False)),
    ("少于3件", {}, ("<", "3", "件", False)),
    ("达到95%", {}, (">=", "95", "%", False)),
    ("100万元及以上", {}, (">=", "100", "万元", False)),
    ("5‰以下", {}, ("<=", "5", "‰", False)),
    ("30个工作日内", {}, ("<=", "30", "工作日", False)),
    ("6个月内完成", {}, ("<=", "6", "月", False)),
    # Units from the table, negative numbers, Chinese numerals, notes.
    ("≥1000元/平方米", {}, (">=", "1000", "元/平方米", False)),
    ("≤50万元/个", {}, ("<=", "50", "万元/个", False)),
    ("≥3,000亩", {}, (">=", "3000", "亩", False)),
    ("≥1.5万亩", {}, (">=", "1.5", "万亩", False)),
    ("≥100公里", {}, (">=", "100", "公里", False)),
    ("≥20公顷", {}, (">=", "20", "公顷", False)),
    ("≥200吨", {}, (">=", "200", "吨", False)),
    ("≥12千米", {}, (">=", "12", "公里", False)),
    ("≥500m2", {}, (">=", "500", "平方米", False)),
    ("≥12月", {}, (">=", "12", "月", False)),
    ("12个月", {}, (">=", "12", "月", True)),
    ("≥2021年", {}, (">=", "2021", "年", False)),
    ("-5%", {}, (">=", "-5", "%", True)),
    ("≥−3.5%", {}, (">=", "-3.5", "%", False)),
    ("不少于三次", {}, (">=", "3", "次", False)),
    ("十五人", {}, (">=", "15", "人", True)),
    ("≥95%（含）", {}, (">=", "95", "%", False)),
    ("≥95%(省定标准)", {}, (">=", "95", "%", False)),
    ("约50人", {}, (">=", "50", "人", True)),
    ("100%完成", {}, (">=", "100", "%", True)),
    ("≥50 名学生", {}, (">=", "50", "名学生", False)),
    ("50名学生", {}, (">=", "50", "名学生", True)),
    ("≥98%。", {}, (">=", "98", "%", False)),
]

# (text, keyword arguments, deadline)
DEADLINE_CASES = [
    ("12月底前完成", {"year": 2021}, date(2021, 12, 31)),
    ("12月底前", {"year": 2022}, date(2022, 12, 31)),
    ("6月底前完成项目验收", {"year": 2021}, date(2021, 6, 30)),
    ("2月底前", {"year": 2024}, date(2024, 2, 29)),
    ("年底", {"year": 2021}, date(2021, 12, 31)),
    ("年底前", {"year": 2021}, date(2021, 12, 31)),
    ("年底前完成", {"year": 2021}, date(2021, 12, 31)),
    ("年内完成", {"year": 2021}, date(2021, 12, 31)),
    ("2021年底", {"year": 2023}, date(2021, 12, 31)),
    ("2021年度", {}, date(2021, 12, 31)),
    ("2021年12月完成", {}, date(2021, 12, 31)),
    ("2021年6月完成", {}, date(2021, 6, 30)),
    ("2022年2月", {}, date(2022, 2, 28)),
    ("2021年12月31日", {}, date(2021, 12, 31)),
    ("2021年12月31日前", {}, date(2021, 12, 31)),
    ("2021-12-31", {}, date(2021, 12, 31)),
    ("2021.12.31", {}, date(2021, 12, 31)),
    ("2021/12/31", {}, date(2021, 12, 31)),
    ("2021-06", {}, date(2021, 6, 30)),
    ("2021年1月-12月", {}, date(2021, 12, 31)),
    ("2021年1-12月", {}, date(2021, 12, 31)),
    ("2023.07-2024.01", {}, date(2024, 1, 31)),
    ("2021年1月1日-2021年12月31日", {}, date(2021, 12, 31)),
    ("2021年3月至2022年6月", {}, date(2022, 6, 30)),
    ("6月30日前", {"year": 2021}, date(2021, 6, 30)),
    ("十月底前", {"year": 2021}, date(2021, 10, 31)),
    ("二〇二一年十二月底前完成", {}, date(2021, 12, 31)),
    ("第三季度", {"year": 2021}, date(2021, 9, 30)),
    ("2021年第四季度", {}, date(2021, 12, 31)),
    ("上半年完成", {"year": 2021}, date(2021, 6, 30)),
    ("12月中旬前", {"year": 2021}, date(2021, 12, 20)),
    ("2021年6月上旬", {}, date(2021, 6, 10)),
    ("不晚于2021年9月", {}, date(2021, 9, 30)),
    ("在11月底前完成", {"year": 2021}, date(2021, 11, 30)),
    ("≤2021年12月31日", {}, date(2021, 12, 31)),
    ("12月", {"year": 2021, "subcategory": "时效指标"}, date(2021, 12, 31)),
    ("2021.12", {"subcategory": "时效指标"}, date(2021, 12, 31)),
    ("2021年12月31日", {"year": 2021, "operator": "deadline"}, date(2021, 12, 31)),
]

QUALITATIVE_CASES = [
    "达成预期指标",
    "效果明显",
    "及时",
    "严格执行相关制度规定",
    "按时完成",
    "在项目计划完成时间内完成",
    "有效",
    "良好",
    "提高",
    "进一步提升",
    "有所提高",
    "明显改善",
    "符合相关规定",
    "不低于上年水平",
    "高于全省平均水平",
    "3次以上培训",
    "当年有效",
    "年度目标完成",
    "12月中旬前后",
    "3个目标全部完成",
]

MISSING_CASES = ["", "   ", "/", "／", "-", "--", "—", "——", "…", "N/A", "n/a", "无", "暂无", None]

# (text, keyword arguments, words the problem must contain)
UNREADABLE_CASES = [
    ("≧ %", {}, ("“≧ %”", "没有数值")),
    ("万亩", {}, ("“万亩”", "只有度量单位")),
    ("大于等于", {}, ("“大于等于”", "只有计算符号")),
    ("不超过", {}, ("“不超过”", "只有计算符号")),
    ("≥", {}, ("“≥”", "只有计算符号")),
    ("%", {}, ("“%”", "只有度量单位")),
    ("百分比", {}, ("“百分比”", "只有度量单位")),
    ("千米", {}, ("“千米”", "只有度量单位")),
    ("≥万元", {}, ("“≥万元”", "没有数值")),
    ("≥良好", {}, ("“≥良好”", "不是数值")),
    ("5-10个", {}, ("“5-10个”", "区间")),
    ("90%~95%", {}, ("“90%~95%”", "区间")),
    ("≥90%以下", {}, ("“≥90%以下”", "矛盾")),
    ("≥5O个", {}, ("“≥5O个”", "度量单位")),
    ("≤95%", {"operator": "≥"}, ("计算符号列", "“≤95%”")),
    ("50人", {"unit": "个"}, ("度量单位列", "“50人”")),
    ("达成预期指标", {"operator": "≥"}, ("“达成预期指标”", "没有数值")),
    ("效果明显", {"unit": "%"}, ("“效果明显”", "没有数值")),
    ("按时完成", {"operator": "deadline"}, ("“按时完成”", "不是日期")),
]


def _check_quantity(result, expected):
    operator, number, unit, implied = expected
    assert result.kind == Q, result.explain()
    assert (result.operator, result.number, result.unit) == (operator, Decimal(number), unit)
    assert result.operator_implied is implied
    assert result.ok, result.problems


@pytest.mark.parametrize(("text", "context", "expected"), QUANTITATIVE_CASES)
def test_quantitative_text_reads_as_operator_number_and_unit(text, context, expected):
    result = parse_target_value(text, **context)
    _check_quantity(result, expected)
    assert result.original == text


@pytest.mark.parametrize(("text", "context", "expected"), DEADLINE_CASES)
def test_deadline_text_reads_as_the_last_day_allowed(text, context, expected):
    result = parse_target_value(text, **context)
    assert (result.kind, result.operator, result.deadline) == (DL, "deadline", expected)
    assert result.ok, result.problems
    assert result.original == text


@pytest.mark.parametrize("text", QUALITATIVE_CASES)
def test_qualitative_text_is_kept_verbatim(text):
    result = parse_target_value(text, year=2021)
    assert (result.kind, result.operator, result.text) == (QUAL, "qualitative", text)
    assert result.number is None and result.ok


@pytest.mark.parametrize("text", MISSING_CASES)
def test_empty_or_placeholder_is_missing_for_lint_t02(text):
    result = parse_target_value(text)
    assert result.kind == MISSING
    assert result.operator is None and result.number is None
    assert result.problems and not result.ok


@pytest.mark.parametrize(("text", "context", "words"), UNREADABLE_CASES)
def test_operator_or_unit_without_number_is_unreadable_and_quotes_the_text(text, context, words):
    result = parse_target_value(text, **context)
    assert result.kind == UNREADABLE
    assert result.number is None and not result.ok
    for word in words:
        assert word in result.problems[0], result.problems


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("95", {"operator": "≥", "unit": "%"}, (">=", "95", "%", False)),
        ("100", {"operator": "=", "unit": "百分比"}, ("=", "100", "%", False)),
        ("100", {"operator": "等于", "unit": "%"}, ("=", "100", "%", False)),
        ("95%", {"operator": ">="}, (">=", "95", "%", False)),
        ("≥95%", {"operator": "≥", "unit": "%"}, (">=", "95", "%", False)),
        ("50", {"unit": "个"}, (">=", "50", "个", True)),
        ("50", {"unit": "/"}, (">=", "50", None, True)),
        ("95", {"operator": "正向"}, (">=", "95", None, False)),
        ("5", {"operator": "反向", "unit": "万元"}, ("<=", "5", "万元", False)),
        ("95", {"operator": "定量", "unit": "%"}, (">=", "95", "%", True)),
        ("50万元", {"unit": "元"}, (">=", "50", "万元", True)),
        ("220", {"unit": "人", **COST}, ("<=", "220", "人", True)),
    ],
)
def test_operator_and_unit_columns_complete_the_value(text, context, expected):
    _check_quantity(parse_target_value(text, **context), expected)


def test_operator_column_qualitative_keeps_the_text_even_when_numeric():
    result = parse_target_value("100%", operator="定性")
    assert (result.kind, result.operator, result.text) == (QUAL, "qualitative", "100%")


def test_unknown_operator_column_is_a_problem_not_a_silent_guess():
    result = parse_target_value("95", operator="★")
    assert result.kind == Q and not result.ok
    assert "“★”" in result.problems[0]


def test_empty_value_with_operator_and_unit_columns_is_still_missing():
    assert parse_target_value("", operator="≥", unit="%").kind == MISSING


def test_deadline_without_any_year_is_a_problem_quoting_the_text():
    result = parse_target_value("12月底前完成")
    assert result.kind == DL and result.deadline is None and not result.ok
    assert "“12月底前完成”" in result.problems[0] and "年份" in result.problems[0]


def test_impossible_date_is_a_problem():
    result = parse_target_value("2021年2月30日")
    assert result.deadline is None and "不存在" in result.problems[0]


def test_bare_month_outside_timeliness_is_a_number_of_months():
    result = parse_target_value("12月", year=2021)
    assert (result.kind, result.operator, result.number, result.unit) == (Q, ">=", 12, "月")


def test_deadline_explains_the_year_and_range_end_it_took():
    assert "2021年" in parse_target_value("年底", year=2021).explain()
    assert "终点" in parse_target_value("2023.07-2024.01").explain()


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (95, Q, Decimal("95")),
        (Decimal("0.5"), Q, Decimal("0.5")),
        (95.5, Q, Decimal("95.5")),
        (0.1, Q, Decimal("0.1")),
        (date(2021, 12, 31), DL, date(2021, 12, 31)),
        (datetime(2021, 6, 30, 0, 0), DL, date(2021, 6, 30)),
        (float("nan"), MISSING, None),
        (True, UNREADABLE, None),
    ],
)
def test_spreadsheet_cell_types_are_read_without_float_noise(value, kind, expected):
    result = parse_target_value(value)
    assert result.kind == kind
    assert (result.deadline if kind == DL else result.number) == expected
    if result.number is not None:
        assert isinstance(result.number, Decimal)


def test_bare_number_note_says_how_it_was_read():
    result = parse_target_value("220人", category="成本指标")
    assert result.notes[0] == "未写计算符号，成本指标下按“≤”读取"
    assert result.notes[0].code == "value.implied_cost"
    assert result.explain().startswith("指标值“220人”读作“≤220人”")


@pytest.mark.parametrize(
    ("text", "context", "shown"),
    [
        ("≥ 50 个", {}, "≥50个"),
        ("不低于90%", {}, "≥90%"),
        ("≥100百分比", {}, "≥100%"),
        ("220人", {"category": "成本指标"}, "≤220人"),
        ("0", {}, "=0"),
        ("12月底前完成", {"year": 2021}, "2021年12月31日前"),
        ("效果明显", {}, "效果明显"),
        ("——", {}, "——"),
    ],
)
def test_display_gives_the_normalised_form(text, context, shown):
    assert parse_target_value(text, **context).display() == shown


def test_to_data_uses_schema_operator_spellings():
    assert parse_target_value("≥50个").to_data() == {
        "op": ">=",
        "number": "50",
        "unit": "个",
        "text": None,
        "date": None,
    }
    assert parse_target_value("年底", year=2021).to_data()["date"] == "2021-12-31"
    assert parse_target_value("/").to_data() == "/"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"op": ">=", "number": "50", "unit": "个"}, "≥50个"),
        ({"op": "≤", "number": 90, "unit": "万元"}, "≤90万元"),
        ({"op": "<", "number": 0.5, "unit": "%"}, "<0.5%"),
        ({"op": "=", "number": "0", "unit": "起"}, "=0起"),
        ({"op": "deadline", "date": "2021-12-31"}, "2021年12月31日前"),
        ({"op": "qualitative", "text": "效果明显"}, "效果明显"),
        ({"op": "定性", "text": "良好"}, "良好"),
        ("≥50个", "≥50个"),
        (95, "≥95"),
    ],
)
def test_values_from_json_accept_schema_and_symbol_spellings(data, shown):
    assert target_value_from_data(data, year=2021).display() == shown


def test_json_value_with_unknown_op_or_no_number_is_unreadable():
    assert target_value_from_data({"op": "~", "number": "5"}).kind == UNREADABLE
    assert target_value_from_data({"op": ">=", "number": None}).kind == MISSING


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        (">=", Op.GE),
        ("≥", Op.GE),
        ("≧", Op.GE),
        ("＞＝", Op.GE),
        ("大于等于", Op.GE),
        ("不低于", Op.GE),
        (">", Op.GT),
        ("=", Op.EQ),
        ("＝", Op.EQ),
        ("<=", Op.LE),
        ("≤", Op.LE),
        ("不超过", Op.LE),
        ("<", Op.LT),
        ("定性", Op.QUALITATIVE),
        ("qualitative", Op.QUALITATIVE),
        ("deadline", Op.DEADLINE),
        ("", None),
        (None, None),
        ("定量", None),
        ("?!", None),
    ],
)
def test_operator_spellings_normalise_to_schema_codes(spelling, expected):
    assert normalise_operator(spelling) == expected


def test_every_operator_has_a_symbol_that_reads_back():
    for op, symbol in OPERATOR_SYMBOLS.items():
        assert normalise_operator(symbol) == op
        assert normalise_operator(str(op)) == op


# ---------------------------------------------------------------------------- actual values


def _actual(actual, target, **context):
    return parse_actual_value(actual, parse_target_value(target, **context))


@pytest.mark.parametrize(
    ("actual", "target", "number", "unit"),
    [
        ("50", "≥50个", "50", "个"),
        ("48个", "≥50个", "48", "个"),
        ("98百分比", "=100%", "98", "%"),
        ("98", "=100%", "98", "%"),
        ("98%", "≥100百分比", "98", "%"),
        ("900000元", "≤90万元", "90", "万元"),
        ("1.2亿元", "≤90万元", "12000", "万元"),
        ("85.5万元", "≤90万元", "85.5", "万元"),
        ("0.5万元", "≤6000元", "5000", "元"),
        ("5000元/人", "≤1万元/人", "0.5", "万元/人"),
        ("30日", "≤30天", "30", "天"),
        ("1,234.5万元", "≥1000万元", "1234.5", "万元"),
        ("50个", "100", "50", "个"),
        ("87", "≥100人次", "87", "人次"),
        ("-3", "≥0个", "-3", "个"),
    ],
)
def test_actual_takes_the_target_unit_and_converts_money_exactly(actual, target, number, unit):
    result = _actual(actual, target)
    assert (result.kind, result.number, result.unit) == (Q, Decimal(number), unit)
    assert result.ok, result.problems


@pytest.mark.parametrize(
    ("actual", "target"),
    [
        ("48人", "≥50个"),
        ("100万元", "≥100人"),
        ("95‰", "≥90%"),
        ("3工作日", "≤5天"),
        ("2个月", "≤30天"),
        ("5公里", "≥5平方公里"),
    ],
)
def test_actual_with_another_unit_is_an_error_never_a_comparison(actual, target):
    result = _actual(actual, target)
    assert result.number is None and not result.ok
    assert f"“{actual}”" in result.problems[0] and "不一致" in result.problems[0]


def test_money_conversion_is_explained():
    assert "1.2亿元 = 12000万元" in _actual("1.2亿元", "≤90万元").explain()


def test_actual_operator_is_ignored_with_a_note():
    result = _actual("≥95%", "≥90%")
    assert result.number == 95 and "不参与计算" in result.notes[0]


def test_non_numeric_actual_of_quantitative_target_is_unreadable():
    result = _actual("达成年度指标", "≥50个")
    assert result.kind == UNREADABLE and "“达成年度指标”" in result.problems[0]


@pytest.mark.parametrize(
    ("actual", "when", "on_time"),
    [
        ("2021年11月完成", date(2021, 11, 30), True),
        ("2021-12-20", date(2021, 12, 20), True),
        ("2021年12月31日", date(2021, 12, 31), True),
        ("11月", date(2021, 11, 30), True),
        ("2022-01-05", date(2022, 1, 5), False),
        ("2022年3月完成", date(2022, 3, 31), False),
        ("按时完成", date(2021, 12, 31), True),
        ("已完成", date(2021, 12, 31), True),
        ("如期完成", date(2021, 12, 31), True),
        ("未完成", None, False),
    ],
)
def test_deadline_actual_is_a_date_or_a_met_word(actual, when, on_time):
    result = _actual(actual, "12月底前完成", year=2021)
    assert (result.kind, result.date, result.on_time) == (DL, when, on_time)
    assert result.ok


def test_deadline_actual_without_a_date_is_a_problem():
    result = _actual("效果较好", "年底", year=2021)
    assert not result.ok and "“效果较好”" in result.problems[0]


@pytest.mark.parametrize("actual", ["达成年度指标", "部分达成年度指标并具有一定效果", "95"])
def test_qualitative_actual_keeps_the_text(actual):
    result = _actual(actual, "效果明显")
    assert (result.kind, result.text, result.number) == (QUAL, actual, None)


@pytest.mark.parametrize("actual", ["", "/", "——", None])
def test_empty_actual_is_missing(actual):
    assert _actual(actual, "≥50个").kind == MISSING


def test_actual_of_unreadable_target_is_read_alone_and_says_so():
    result = _actual("50个", "≧ %")
    assert (result.number, result.unit) == (50, "个")
    assert "未与目标比较" in result.notes[0]


# ---------------------------------------------------------------------------- units


def test_unit_aliases_and_equivalents():
    assert normalise_unit("百分比") == "%"
    assert normalise_unit("％") == "%"
    assert normalise_unit("千米") == "公里"
    assert normalise_unit("—") is None
    assert same_unit("百分比", "%") and same_unit("日", "天")
    assert not same_unit("个", "人")


def test_units_convert_exactly_within_their_family_and_never_across():
    assert convert_number(Decimal("1"), "亿元", "元") == Decimal("100000000")
    assert convert_number(Decimal("0.0001"), "万元", "元") == Decimal("1")
    assert convert_number(Decimal("870"), "米", "公里") == Decimal("0.87")
    assert convert_number(Decimal("5"), "个", "人") is None
    assert convert_number(Decimal("5"), "万元/人", "元/个") is None


# ---------------------------------------------------------------------------- catalogues


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("产出指标(50分)", "产出指标"),
        ("产出指标（50分）", "产出指标"),
        ("产出值", "产出指标"),
        ("产出", "产出指标"),
        (" 产出 指标 ", "产出指标"),
        ("一、产出指标", "产出指标"),
        ("效益指标30分", "效益指标"),
        ("效益", "效益指标"),
        ("满意度", "满意度指标"),
        ("满意度指标（10分）", "满意度指标"),
        ("成本指标", None),
        ("数量指标", None),
        ("决策", None),
        ("", None),
        (None, None),
    ],
)
def test_category_names_match_leniently_in_the_classic_catalogue(name, expected):
    assert normalise_category(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("数量指标(必填)", "数量指标"),
        ("数量值", "数量指标"),
        ("数量", "数量指标"),
        ("质量", "质量指标"),
        ("时效", "时效指标"),
        ("时效性指标", "时效指标"),
        ("成本指标（10分）", "成本指标"),
        ("经济成本指标", "成本指标"),
        ("社会效益", "社会效益指标"),
        ("可持续影响", "可持续影响指标"),
        ("服务对象满意度", "服务对象满意度指标"),
        ("满意度", "服务对象满意度指标"),
        ("社会公众满意度", "服务对象满意度指标"),
        ("效益", None),
        ("产出指标", None),
    ],
)
def test_subcategory_names_match_leniently_in_the_classic_catalogue(name, expected):
    assert normalise_subcategory(name) == expected


@pytest.mark.parametrize(
    ("name", "category", "subcategory"),
    [
        ("成本指标", "成本指标", None),
        ("经济成本指标", None, "经济成本指标"),
        ("社会成本", None, "社会成本指标"),
        ("生态成本指标", None, "生态环境成本指标"),
        ("数量值", None, "数量指标"),
    ],
)
def test_2021_catalogue_has_cost_as_first_level(name, category, subcategory):
    assert normalise_category(name, CATALOGUE_2021) == category
    assert normalise_subcategory(name, CATALOGUE_2021) == subcategory


def test_catalogue_as_stored_in_the_rulebook_with_lists_works_the_same():
    stored = {category: list(subs) for category, subs in CATALOGUE_2021.items()}
    assert normalise_category("成本指标(20分)", stored) == "成本指标"
    assert normalise_subcategory("社会成本", stored, "成本指标") == "社会成本指标"
    assert place_indicator("成本", "生态成本", stored).subcategory == "生态环境成本指标"


def test_subcategory_search_stays_inside_a_given_category():
    assert normalise_subcategory("满意度", CLASSIC_CATALOGUE, "满意度指标") == "服务对象满意度指标"
    assert normalise_subcategory("成本", CATALOGUE_2021, "产出指标") is None


@pytest.mark.parametrize(
    ("category", "subcategory", "catalogue", "placed", "problem"),
    [
        ("产出指标(50分)", "数量指标(必填)", CLASSIC_CATALOGUE, ("产出指标", "数量指标"), None),
        ("成本指标", "经济成本指标", CLASSIC_CATALOGUE, ("产出指标", "成本指标"), None),
        ("成本指标", None, CLASSIC_CATALOGUE, ("产出指标", "成本指标"), None),
        ("", "质量", CLASSIC_CATALOGUE, ("产出指标", "质量指标"), None),
        ("成本指标", "社会成本", CATALOGUE_2021, ("成本指标", "社会成本指标"), None),
        ("效益指标", "数量指标", CLASSIC_CATALOGUE, ("产出指标", "数量指标"), "不属于"),
        ("决策指标", "项目立项", CLASSIC_CATALOGUE, (None, None), "“决策指标”"),
        ("项目指标", "数量指标", CLASSIC_CATALOGUE, ("产出指标", "数量指标"), "“项目指标”无法识别"),
    ],
)
def test_place_indicator_reports_what_it_could_not_place(
    category, subcategory, catalogue, placed, problem
):
    result = place_indicator(category, subcategory, catalogue)
    assert (result.category, result.subcategory) == placed
    if problem:
        assert problem in result.problems[0]
    else:
        assert result.problems == ()


@pytest.mark.parametrize(
    ("category", "subcategory", "expected"),
    [
        ("成本指标", None, True),
        ("产出指标", "成本指标(10分)", True),
        (None, "经济成本指标", True),
        ("产出指标", "数量指标", False),
        (None, None, False),
    ],
)
def test_is_cost_recognises_cost_levels_in_both_catalogues(category, subcategory, expected):
    assert is_cost(category, subcategory) is expected


def test_is_timeliness():
    assert is_timeliness("时效指标（10分）") and not is_timeliness("数量指标")


# ---------------------------------------------------------------------------- properties

VALUE_ALPHABET = list(
    "0123456789.,-~/%‰ ≥≤<>=＞＝（）()年月日号底前后完成以上下内万元个人次百分比十二〇一季度半"
)
TARGETS = [
    parse_target_value(text, year=2021)
    for text in ("≥50个", "≤90万元", "=100%", "12月底前完成", "效果明显", "/", "≧ %", "100")
]
CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "category": st.sampled_from(["产出指标", "成本指标", "效益指标", "", "x"]),
        "subcategory": st.sampled_from(["数量指标", "时效指标", "成本指标", "经济成本指标"]),
        "year": st.integers(min_value=-5, max_value=10000),
        "unit": st.sampled_from(["%", "百分比", "个", "万元", "/", "", "x"]),
        "operator": st.sampled_from(["≥", ">=", "定性", "deadline", "正向", "★", ""]),
    },
)
SOME_TEXT = st.one_of(st.text(), st.text(alphabet=VALUE_ALPHABET, max_size=24))


@given(text=SOME_TEXT, context=CONTEXTS)
def test_parsing_any_text_never_raises_and_keeps_the_original(text, context):
    result = parse_target_value(text, **context)
    assert result.original == text
    assert result.kind in set(Kind)
    assert result.explain()
    if result.kind in (MISSING, UNREADABLE):
        assert result.problems and not result.ok
    if result.kind == Q:
        assert isinstance(result.number, Decimal)
        assert result.operator in (">=", ">", "=", "<=", "<")
    if result.kind == QUAL:
        assert result.operator == "qualitative" and result.text is not None
    if result.kind == DL:
        assert result.operator == "deadline"
        assert result.deadline is not None or result.problems


@given(text=SOME_TEXT, target=st.sampled_from(TARGETS))
def test_parsing_any_actual_never_raises_and_keeps_the_original(text, target):
    result = parse_actual_value(text, target)
    assert result.original == text
    assert result.explain()
    if result.kind == Q and result.number is not None and target.kind == Q and target.unit:
        assert result.unit == target.unit


NUMBERS = st.decimals(
    min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
)
OPERATOR_SPELLINGS = st.sampled_from(
    [(s, op) for s, op in quantities._SYMBOL_OPERATORS.items()]
    + [(s, op) for s, op in quantities._WORD_OPERATORS.items()]
    + [("＞＝", Op.GE), ("＜＝", Op.LE), ("＝", Op.EQ)]
)
UNITS = st.one_of(st.none(), st.sampled_from(sorted(KNOWN_UNITS)))
SPACE = st.sampled_from(["", " ", "　"])


@given(spelling=OPERATOR_SPELLINGS, number=NUMBERS, unit=UNITS, gaps=st.tuples(SPACE, SPACE))
def test_formatted_operator_number_unit_reparses_to_the_same_triple(spelling, number, unit, gaps):
    written, op = spelling
    for shown in (f"{number:f}", f"{number:,f}"):
        text = f"{written}{gaps[0]}{shown}{gaps[1]}{unit or ''}"
        result = parse_target_value(text)
        assert (result.kind, result.operator, result.number, result.unit) == (Q, op, number, unit)
        assert not result.operator_implied and result.original == text
        again = parse_target_value(result.display())
        assert (again.operator, again.number, again.unit) == (op, number, unit)


@given(number=NUMBERS, unit=UNITS, cost=st.booleans())
def test_bare_number_reads_as_ge_le_under_cost_and_eq_for_zero(number, unit, cost):
    assume(unit != "年")  # "2021年" is a deadline, by design
    context = COST if cost else {}
    result = parse_target_value(f"{number:f}{unit or ''}", **context)
    expected = "=" if number == 0 else ("<=" if cost else ">=")
    assert (result.operator, result.number, result.unit) == (expected, number, unit)
    assert result.operator_implied


@given(
    number=NUMBERS,
    src=st.sampled_from(["元", "万元", "亿元"]),
    dst=st.sampled_from(["元", "万元", "亿元"]),
)
def test_money_conversion_round_trips_exactly(number, src, dst):
    there = convert_number(number, src, dst)
    assert convert_number(there, dst, src) == number


@given(spelling=OPERATOR_SPELLINGS, number=NUMBERS, unit=UNITS)
def test_to_data_and_back_gives_the_same_value(spelling, number, unit):
    written, op = spelling
    result = parse_target_value(f"{written}{number:f}{unit or ''}")
    again = target_value_from_data(result.to_data())
    assert (again.operator, again.number, again.unit) == (op, number, unit)
