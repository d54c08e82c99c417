"""Tests of the measure units (jixiao.indicators.units): spellings, families, exact conversions
and the parts of a unit cost (issue 15). Pure: no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.indicators import values
from jixiao.indicators.units import (
    convert_number,
    is_known_unit,
    normalise_unit,
    same_unit,
    tidy_decimal,
    unit_cost_parts,
    unit_family,
)

# (as written in published tables, the normalised spelling)
SPELLINGS = [
    # Latin letters read as the Chinese unit.
    ("KM", "公里"), ("km", "公里"), ("Km", "公里"), ("千米", "公里"), ("M", "米"), ("m", "米"),
    ("cm", "厘米"), ("mm", "毫米"), ("m²", "平方米"), ("m2", "平方米"), ("M2", "平方米"),
    ("㎡", "平方米"), ("平米", "平方米"), ("km²", "平方公里"), ("平方千米", "平方公里"),
    ("T", "吨"), ("t", "吨"), ("kg", "千克"), ("KG", "千克"), ("m³", "立方米"), ("m3", "立方米"),
    ("方", "立方米"), ("万方", "万立方米"), ("L", "升"), ("kW", "千瓦"), ("kWh", "千瓦时"),
    ("h", "小时"), ("GB", "GB"), ("gb", "GB"), ("G", "GB"), ("TB", "TB"), ("Mb", "MB"),
    # Chinese spellings.
    ("百分比", "%"), ("％", "%"), ("个月", "月"), ("个工作日", "工作日"), ("星期", "周"),
    ("个季度", "季度"), ("公分", "厘米"),
    # Rates: the parts normalised, one spelling for one unit.
    ("元/人*月", "元/人·月"), ("元/人·月", "元/人·月"), ("元/人.月", "元/人·月"),
    ("元/人/月", "元/人·月"), ("元/人每月", "元/人·月"), ("元/人.每天", "元/人·天"),
    ("元/人月", "元/人·月"), ("元/人×月", "元/人·月"), ("元/生/年", "元/生·年"),
    ("元/生·年", "元/生·年"), ("元/学期", "元/学期"), ("元/人次", "元/人次"),
    ("万元/公里", "万元/公里"), ("万元/KM", "万元/公里"), ("元/m2", "元/平方米"),
    ("元每人", "元/人"), ("元/每人", "元/人"), ("次/年", "次/年"), ("元/人/年", "元/人·年"),
    ("元/个月", "元/月"), ("元/人工作日", "元/人·工作日"),
    # Blank and placeholders.
    ("", None), ("/", None), ("—", None), ("无", None), (" 个 ", "个"),
    # A note in brackets, or the whole unit in brackets.
    ("%(百分比)", "%"), ("（万元）", "万元"), ("人/次", "人次"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "normal"), SPELLINGS)
def test_units_as_written_normalise_to_one_spelling(written, normal):
    assert normalise_unit(written) == normal


@pytest.mark.parametrize(
    "unit",
    "毫米 厘米 米 公里 KM 平方米 m² 万平方米 公顷 亩 万亩 平方公里 克 千克 公斤 吨 T 万吨 升 立方米 "
    "万立方米 KB MB GB TB PB 兆 元 千元 万元 百万元 亿元 秒 分钟 小时 天 日 工作日 周 月 个月 季度 年 "
    "人 万人 人次 万人次 个 万个 株 万株 粒 万粒 千户 亿人次 % ‰ 百分点 倍 元/人·月 元/人*月 元/学期 "
    "万元/公里 次/年 元/生/年".split(),
)
def test_every_unit_of_the_families_is_known(unit):
    assert is_known_unit(unit)


@pytest.mark.parametrize("unit", ["名学生", "bit", "元/头牛", "万元/xx", "", "/"])
def test_words_that_are_no_unit_of_a_family_are_not_known(unit):
    assert not is_known_unit(unit)


# (number, from, to, expected): exact conversions within a family.
CONVERSIONS = [
    ("1", "公里", "米", "1000"), ("870", "米", "公里", "0.87"), ("12", "KM", "M", "12000"),
    ("35", "厘米", "米", "0.35"), ("5", "毫米", "厘米", "0.5"),
    ("1", "公顷", "平方米", "10000"), ("15", "亩", "公顷", "1"), ("3", "亩", "平方米", "2000"),
    ("1.5", "万亩", "亩", "15000"), ("2", "平方公里", "公顷", "200"),
    ("2.5", "万平方米", "m²", "25000"),
    ("1", "吨", "千克", "1000"), ("500", "公斤", "吨", "0.5"), ("3", "万吨", "T", "30000"),
    ("1", "斤", "千克", "0.5"),
    ("1", "立方米", "升", "1000"), ("2", "万立方米", "立方米", "20000"),
    ("2", "TB", "GB", "2048"), ("1024", "MB", "GB", "1"), ("512", "G", "TB", "0.5"),
    ("1", "亿元", "元", "100000000"), ("0.0001", "万元", "元", "1"), ("3", "千元", "万元", "0.3"),
    ("3", "小时", "天", "0.125"), ("2", "周", "天", "14"), ("90", "分钟", "小时", "1.5"),
    ("1", "日", "小时", "24"), ("2", "季度", "月", "6"), ("1", "年", "个月", "12"),
    ("1.2", "万株", "株", "12000"), ("3", "万人次", "人次", "30000"), ("5000", "粒", "万粒", "0.5"),
    ("2", "千户", "户", "2000"),
    ("1", "万元/公里", "元/米", "10"), ("300", "元/人*月", "元/人·年", "3600"),
    ("5000", "元/人", "万元/人", "0.5"), ("50", "元/人.每天", "元/人/周", "350"),
    ("1", "元/人·日", "元/人·天", "1"), ("3", "次/月", "次/年", "36"),
]  # fmt: skip


@pytest.mark.parametrize(("number", "src", "dst", "expected"), CONVERSIONS)
def test_units_of_one_family_convert_exactly(number, src, dst, expected):
    converted = convert_number(Decimal(number), src, dst)
    assert converted == Decimal(expected) and isinstance(converted, Decimal)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ("人", "个"), ("人次", "人"), ("万株", "粒"), ("米", "平方米"), ("吨", "立方米"),
        ("天", "月"), ("工作日", "天"), ("学期", "月"), ("%", "‰"), ("%", "百分点"),
        ("GB", "米"), ("元", "人"), ("万元/人", "元/个"), ("元/人·月", "元/人"),
        ("元/人·月", "元/生·月"), ("名学生", "个"), ("次/年", "次"),
    ],
)  # fmt: skip
def test_units_of_two_families_never_convert(src, dst):
    assert convert_number(Decimal("5"), src, dst) is None


def test_a_third_of_a_unit_converts_to_twenty_decimal_places():
    assert convert_number(Decimal("1"), "亩", "平方米") == Decimal("666.66666666666666666667")


@pytest.mark.parametrize(
    ("number", "tidy"),
    [("90.0000", "90"), ("1.2E+4", "12000"), ("0.50", "0.5"), ("-3.10", "-3.1")],
)
def test_tidy_decimal_drops_trailing_zeros_and_the_exponent(number, tidy):
    assert str(tidy_decimal(Decimal(number))) == tidy


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_tidy_decimal_gives_back_what_is_not_a_finite_number(number):
    # It raised TypeError: the exponent of NaN or an infinity is a letter (found by mypy).
    assert str(tidy_decimal(Decimal(number))) == str(Decimal(number))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("日", "天", True), ("公斤", "千克", True), ("名", "人", True), ("百分比", "%", True),
        ("元/人*月", "元/人·月", True), ("元/人·日", "元/人/天", True), ("KM", "公里", True),
        ("个", "人", False), ("米", "公里", False), (None, None, True), ("个", None, False),
        ("名学生", "人", True), ("个乡镇", "个", True), ("个村", "个", True), ("个月", "个", False),
        ("人次", "人", False),
    ],
)  # fmt: skip
def test_same_unit_is_the_same_measure_without_conversion(a, b, same):
    assert same_unit(a, b) is same


@pytest.mark.parametrize(
    ("unit", "parts"),
    [
        ("元/人·月", ("元", "人", "月")), ("元/人*月", ("元", "人", "月")),
        ("元/人/月", ("元", "人", "月")), ("元/人.每天", ("元", "人", "天")),
        ("元/生/年", ("元", "生", "年")), ("元/生·年", ("元", "生", "年")),
        ("元/学期", ("元", None, "学期")), ("元/人", ("元", "人", None)),
        ("万元/公里", ("万元", "公里", None)), ("元/亩", ("元", "亩", None)),
        ("元/人次", ("元", "人次", None)), ("元/m2", ("元", "平方米", None)),
        ("元/年", ("元", None, "年")), ("元/人工作日", ("元", "人", "工作日")),
        ("次/年", None), ("元", None), ("人", None), (None, None),
    ],
)  # fmt: skip
def test_unit_cost_parts_split_money_per_unit_and_time(unit, parts):
    assert unit_cost_parts(unit) == parts


def test_rates_have_one_family_per_part():
    assert unit_family("元/人·月") == (("money",), ("count", "人"), ("months",))
    assert unit_family("万株") == (("count", "株"),)
    assert unit_family("KM") == unit_family("米") == (("length",),)
    assert unit_family("名学生") is None


def test_values_reexports_the_unit_names_for_its_callers():
    assert values.convert_number is convert_number and values.same_unit is same_unit
    assert values.unit_cost_parts is unit_cost_parts
    assert "万元" in values.MONEY_UNITS and "个" in values.KNOWN_UNITS


LENGTHS = ["毫米", "厘米", "米", "公里"]


@given(
    number=st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False),
    src=st.sampled_from(LENGTHS),
    dst=st.sampled_from(LENGTHS),
)
def test_length_conversion_round_trips_exactly(number, src, dst):
    assert convert_number(convert_number(number, src, dst), dst, src) == number
