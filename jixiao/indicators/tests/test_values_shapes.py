"""The value parser's quick reading of the common cell shape (an operator symbol or none, a
number, a unit: "≥95%", "≤3个", "100%") reads every cell as the full parser does. Pure."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.indicators import values
from jixiao.indicators.values import Kind, Op, parse_target_value

CONTEXTS = [
    {"category": "产出指标", "subcategory": "数量指标", "year": 2022},
    {"category": "产出指标", "subcategory": "时效指标", "year": 2022},
    {"category": "产出指标", "subcategory": "时效指标", "year": None},
    {"category": "成本指标", "subcategory": "经济成本指标", "year": 2022},
    {"category": "效益指标", "subcategory": "社会效益指标", "year": 2022, "unit": "%"},
    {"category": "产出指标", "subcategory": "数量指标", "year": 2022, "unit": "万元"},
    {"category": "产出指标", "subcategory": "数量指标", "year": 2022, "operator": "≥"},
    {"category": "产出指标", "subcategory": "数量指标", "year": 2022, "operator": "定性"},
    {"category": "产出指标", "subcategory": "数量指标", "year": 2022, "operator": "时限"},
    {"category": "产出指标", "subcategory": "数量指标", "year": 2022, "operator": "乱写"},
]
# Units of real tables and units that could make the number a date, a bound, an about-number,
# a multiplier or a rate, which the quick reading must leave to the full parser.
UNITS = (
    "% ‰ 个 人 人次 万元 元/人 元/人·年 万元/公里 公里 平方米 盏 分 户 项 次/年 月 年 个月 日 天 天内 "
    "个工作日 小时 小时内 余人 多个 万 亿 万/月 /株 以上 以下 以内 之内 完成 到位 月底前 季度 元/每人"
).split()
OPERATORS = ["≥", "≤", "=", ">", "<", ""]
NUMBERS = ["0", "0.0", "1", "7", "12", "12.31", "13", "2023", "2023.07", "2023.13", "007", "95"]


def _full(text: str, **context):
    """The parser proper, without the quick reading or the cache."""
    return values._parse_target_value(text, **context)


def test_common_shapes_read_as_operator_number_and_unit():
    value = parse_target_value("≥95%", category="效益指标", subcategory="满意度指标", year=2022)
    assert (value.kind, value.operator, value.number, value.unit) == (
        Kind.QUANTITATIVE, Op.GE, Decimal("95"), "%",
    )  # fmt: skip
    assert value.original == "≥95%" and value.notes == () and not value.operator_implied
    cost = parse_target_value("≤120元/人", category="成本指标", subcategory="经济成本指标")
    assert (cost.operator, cost.number, cost.unit) == (Op.LE, Decimal("120"), "元/人")


def test_a_bare_number_takes_the_implied_operator_and_a_bare_zero_means_equal():
    bare = parse_target_value("100%", category="产出指标", subcategory="质量指标", year=2022)
    assert (bare.operator, bare.number, bare.operator_implied) == (Op.GE, Decimal("100"), True)
    assert [n.code for n in bare.notes] == ["value.implied"]
    zero = parse_target_value("0个", category="产出指标", subcategory="数量指标", year=2022)
    assert (zero.operator, zero.number) == (Op.EQ, Decimal("0"))
    assert [n.code for n in zero.notes] == ["value.implied_zero"]


def test_two_cells_of_one_shape_keep_their_own_text_and_number():
    first = parse_target_value("≥3个", category="产出指标", subcategory="数量指标", year=2022)
    second = parse_target_value("≥17.5个", category="产出指标", subcategory="数量指标", year=2022)
    assert (first.original, first.number) == ("≥3个", Decimal("3"))
    assert (second.original, second.number) == ("≥17.5个", Decimal("17.5"))


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: "-".join(map(str, c.values())))
def test_every_operator_number_and_unit_reads_as_the_full_parser_reads_it(context):
    for unit in UNITS:
        for op in OPERATORS:
            for number in NUMBERS:
                text = f"{op}{number}{unit}"
                assert parse_target_value(text, **context) == _full(text, **context), text


def test_a_multiplier_without_money_is_not_carried_from_its_shape():
    """'150万' outside a cost is 1,500,000 (a note says so): its shape holds no number."""
    value = parse_target_value("150万", category="产出指标", subcategory="数量指标", year=2022)
    assert (value.number, value.unit) == (Decimal("1500000"), None)


@given(
    op=st.sampled_from(OPERATORS),
    number=st.from_regex(r"\d{1,6}(\.\d{1,3})?", fullmatch=True),
    unit=st.text(alphabet="个人次元万亿/%‰·年月日内以上余多完成每天公里", min_size=1, max_size=5),
    context=st.sampled_from(CONTEXTS),
)
def test_generated_cells_read_as_the_full_parser_reads_them(op, number, unit, context):
    text = f"{op}{number}{unit}"
    assert parse_target_value(text, **context) == _full(text, **context)
