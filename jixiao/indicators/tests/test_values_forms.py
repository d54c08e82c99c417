"""Tests of the value forms real tables use that the parser reads since issue 15: compound and
Latin units, multiples, words around the number, odd operator glyphs, costs without a currency,
unit conversions of actuals, and problems that quote the part that could not be read."""

from datetime import date
from decimal import Decimal

import pytest

import jixiao.evaluations.rules  # noqa: F401  (registers "scoring")
import jixiao.indicators.rules  # noqa: F401  (registers "catalogue")
from jixiao.core import rulebook
from jixiao.evaluations.scoring import score
from jixiao.evaluations.selfeval_data import selfeval_from_data
from jixiao.indicators.values import Kind, parse_actual_value, parse_target_value

COST = {"category": "产出指标", "subcategory": "成本指标"}

# (text as published, context, (operator, number, unit), words a note must hold or None)
READS = [
    # Compound and rarer units.
    ("≤300元/人*月", {}, ("<=", "300", "元/人·月"), None),
    ("≤300元/人·月", {}, ("<=", "300", "元/人·月"), None),
    ("≤50元/人.每天", {}, ("<=", "50", "元/人·天"), None),
    ("≤1200元/生/年", {}, ("<=", "1200", "元/生·年"), None),
    ("≤800元/学期", {}, ("<=", "800", "元/学期"), None),
    ("≥5万粒", {}, (">=", "5", "万粒"), None),
    ("≥2TB", {}, (">=", "2", "TB"), None),
    ("≥3厘米", {}, (">=", "3", "厘米"), None),
    ("≤2万元/公里", {}, ("<=", "2", "万元/公里"), None),
    ("≥2次/年", {}, (">=", "2", "次/年"), None),
    ("需控制在6.5次/10万公顷", {}, ("<=", "6.5", "次/10万公顷"), None),
    # Latin units read as the Chinese unit.
    ("≥500M", {}, (">=", "500", "米"), None),
    ("≥12KM", {}, (">=", "12", "公里"), None),
    ("≥300m²", {}, (">=", "300", "平方米"), None),
    ("≤5T", {}, ("<=", "5", "吨"), None),
    ("≥20kg", {}, (">=", "20", "千克"), None),
    ("≥10GB", {}, (">=", "10", "GB"), None),
    ("≤24h", {}, ("<=", "24", "小时"), None),
    # Multiples.
    ("≥2倍", {}, (">=", "2", "倍"), None),
    ("2倍以上", {}, (">=", "2", "倍"), None),
    # Words around the number: read past, kept in the notes.
    ("达到目标值95%", {}, (">=", "95", "%"), "目标值"),
    ("达到预计值2100", {}, (">=", "2100", None), "预计值"),
    ("100%覆盖", {}, (">=", "100", "%"), "覆盖"),
    ("100%达标", {}, (">=", "100", "%"), "达标"),
    ("覆盖率达100%", {}, (">=", "100", "%"), "覆盖率"),
    ("满意度≥90%", {}, (">=", "90", "%"), "满意度"),
    ("验收合格率为100%", {}, (">=", "100", "%"), "验收合格率"),
    ("费用控制在50万元以内", {}, ("<=", "50", "万元"), "费用"),
    ("不低于上年的95%", {}, (">=", "95", "%"), "上年"),
    ("≥95%覆盖全县", {}, (">=", "95", "%"), "覆盖全县"),
    ("达标率≥95%", {}, (">=", "95", "%"), "达标率"),
    ("累计达到100人", {}, (">=", "100", "人"), "累计"),
    ("学校绿化覆盖达70%,优化校园生态环境。", {}, (">=", "70", "%"), "优化校园生态环境"),
    ("98", {"unit": "%(百分比)", "operator": ">="}, (">=", "98", "%"), None),
    ("1000余人", {}, (">=", "1000", "人"), "约数"),
    ("≥1.5万", {}, (">=", "15000", None), "15000"),
    ("每人每月300元", {}, (">=", "300", "元/人·月"), None),
    ("每年不少于2次", {}, (">=", "2", "次/年"), None),
    ("每亩不超过300元", {}, ("<=", "300", "元/亩"), None),
    ("≥3000人·次", {}, (">=", "3000", "人次"), None),
    ("≤60分贝", {}, ("<=", "60", "分贝"), None),
    ("≥5Mbps", {}, (">=", "5", "Mbps"), None),
    ("±3%以内", {}, ("<=", "3", "%"), None),
    # A change: the number is its size.
    ("提升10%", {}, (">=", "10", "%"), "幅度"),
    ("较上年提高5%", {}, (">=", "5", "%"), "较上年提高"),
    ("同比下降不超过3%", {}, ("<=", "3", "%"), "同比下降"),
    ("覆盖率较上年提高5个百分点", {}, (">=", "5", "个百分点"), "覆盖率"),
    ("20", {"operator": "004 >=", "unit": "次"}, (">=", "20", "次"), None),
    ("补助资金及时到位100%", {}, (">=", "100", "%"), "补助资金及时到位"),
    ("1130元/月/人", {}, (">=", "1130", "元/人·月"), None),
    ("9", {"unit": "间数", "operator": "="}, ("=", "9", "间"), None),
    ("24", {"unit": "人/次", "operator": "="}, ("=", "24", "人次"), None),
    # Odd glyphs for operators.
    ("═100%", {}, ("=", "100", "%"), None),
    ("≧95%", {}, (">=", "95", "%"), None),
    ("≦5天", {}, ("<=", "5", "天"), None),
    ("＞＝90％", {}, (">=", "90", "%"), None),
    ("＜＝3个", {}, ("<=", "3", "个"), None),
    ("> =95%", {}, (">=", "95", "%"), None),
    ("≥=90%", {}, (">=", "90", "%"), None),
    ("≥９５％", {}, (">=", "95", "%"), None),
    ("≤5‰", {}, ("<=", "5", "‰"), None),
    # A cost without its currency: 元 under a cost indicator, or the unit column's money unit.
    ("≤28.40/株", COST, ("<=", "28.40", "元/株"), "元/株"),
    ("28.40/株", COST, ("<=", "28.40", "元/株"), "元/株"),
    ("≤3/人", {"unit": "万元/人"}, ("<=", "3", "万元/人"), "万元/人"),
    ("每亩300", COST, ("<=", "300", "元/亩"), "元/亩"),
    ("150万", COST, ("<=", "150", "万元"), "万元"),
    ("≤620万/月", COST, ("<=", "620", "万元/月"), "万元/月"),
    ("150万", {"unit": "元"}, (">=", "150", "万元"), "万元"),
]


@pytest.mark.parametrize(("text", "context", "expected", "note"), READS)
def test_real_forms_read_as_a_reviewer_reads_them(text, context, expected, note):
    result = parse_target_value(text, **context)
    assert result.ok, result.explain()
    operator, number, unit = expected
    assert (result.operator, result.number, result.unit) == (operator, Decimal(number), unit)
    if note:
        assert any(note in n for n in result.notes), result.notes


@pytest.mark.parametrize(
    "text", ["3次以上培训", "3个目标全部完成", "年度目标完成", "约为若干", "逐步提高", "较上年提高"]
)
def test_prose_with_a_number_in_it_stays_qualitative(text):
    assert parse_target_value(text).kind == "qualitative"


# (text, context, words the problem must contain: the part that could not be read)
UNREADABLE = [
    ("≤28.40/株", {}, ("“/株”", "缺少")),
    ("≥1:1.2", {}, ("“≥1:1.2”", "比例")),
    ("≥5O个", {}, ("“O个”", "无法识别")),
    ("≥90%以下的人", {}, ("“%以下的人”", "无法识别")),
    ("≤620万/月", {}, ("“万/月”", "不完整")),
    ("44,561", {"unit": "44,561"}, ("“44,561”", "不是度量单位")),
]


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("每年12月底前", date(2021, 12, 31)),
        ("完成时间为2022年12月30日", date(2022, 12, 30)),
        ("资金拨付时间为11月底前", date(2021, 11, 30)),
        ("完成时限：12月底前", date(2021, 12, 31)),
    ],
)
def test_a_deadline_after_words_naming_it_is_read(text, deadline):
    result = parse_target_value(text, subcategory="时效指标", year=2021)
    assert (result.kind, result.deadline) == ("deadline", deadline)


def test_a_completion_date_after_words_naming_it_meets_the_deadline():
    target = parse_target_value("2022年12月30日前", subcategory="时效指标")
    result = parse_actual_value("完成时间为2022年12月30日", target)
    assert (result.date, result.on_time) == (date(2022, 12, 30), True)


@pytest.mark.parametrize(("text", "context", "words"), UNREADABLE)
def test_unreadable_value_quotes_the_part_that_could_not_be_read(text, context, words):
    result = parse_target_value(text, **context)
    assert result.kind == "unreadable"
    for word in words:
        assert word in result.problems[0], result.problems


# (actual, target, number in the target's unit, unit, words of the note)
CONVERTED = [
    ("870米", "≥1公里", "0.87", "公里", "870米 = 0.87公里"),
    ("1.2KM", "≥1000米", "1200", "米", "1.2公里 = 1200米"),
    ("1.2万株", "≥10000株", "12000", "株", "单位换算"),
    ("3小时", "≤1天", "0.125", "天", "单位换算"),
    ("500G", "≥1TB", "0.48828125", "TB", "单位换算"),
    ("1.5万亩", "≥10000亩", "15000", "亩", "单位换算"),
    ("3600元/人/年", "≤300元/人·月", "300", "元/人·月", "单位换算"),
    ("27/株", "≤28.40元/株", "27", "元/株", "元/株"),
    ("98%覆盖", "≥95%", "98", "%", "覆盖"),
    ("5000元/人", "≤1万元/人", "0.5", "万元/人", "金额单位换算"),
    ("150万", "≤200万元", "150", "万元", "万元"),
    ("48人", "≥50名学生", "48", "名学生", None),
    ("按合同10.5万元。", "≤15万元", "10.5", "万元", "按合同"),
    ("5次/100公顷", "≤6.5次/10万公顷", "5000", "次/10万公顷", "单位换算"),
    ("1.2万公顷", "≥10000公顷", "12000", "公顷", "单位换算"),
    ("5个", "≥5个乡镇", "5", "个乡镇", None),
    ("1.5万", "≥10000个", "15000", "个", "15000"),
]


@pytest.mark.parametrize(("actual", "target", "number", "unit", "note"), CONVERTED)
def test_actual_in_another_spelling_or_unit_of_the_family_reads_in_the_target_unit(
    actual, target, number, unit, note
):
    result = parse_actual_value(actual, parse_target_value(target))
    assert result.ok, result.explain()
    assert (result.number, result.unit) == (Decimal(number), unit)
    assert note is None or any(note in n for n in result.notes), result.notes


@pytest.mark.parametrize(
    ("actual", "target", "words"),
    [
        ("约为若干", "≥50个", ("“约为”", "“若干”", "不是数值")),
        ("达到若干", "≥50个", ("“达到”", "“若干”")),
        ("5/株", "≥5株", ("“/株”", "缺少")),
        ("3工作日", "≤5天", ("“工作日”", "不一致")),
    ],
)
def test_unreadable_actual_names_the_part(actual, target, words):
    result = parse_actual_value(actual, parse_target_value(target))
    assert not result.ok and result.number is None
    for word in words:
        assert word in result.problems[0], result.problems


# ---------------------------------------------------------------------------- scoring across units


def _score_one(target: str, actual: str):
    """One indicator of weight 10 scored by the national rulebook (DOMAIN.md §6.2)."""
    national = rulebook.named("national")
    row = {"category": "产出指标", "subcategory": "数量指标", "name": "道路", "target": target,
           "actual": actual, "weight": 10}  # fmt: skip
    data = {"year": 2021, "budget": {"full_year": "100", "executed": "100"}, "indicators": [row]}
    parsed, errors = selfeval_from_data(data, catalogue=national.section("catalogue"))
    assert errors == []
    result = score(
        parsed, rules=national.section("scoring"), catalogue=national.section("catalogue")
    )
    return result.indicators[0]


@pytest.mark.parametrize(
    ("target", "actual", "points", "formula"),
    [
        ("≥1公里", "870米", "8.70", "实际870米 = 0.87公里（单位换算）: 10 × 0.87/1 = 8.70"),
        ("≥2万株", "15000株", "7.50", "15000株 = 1.5万株"),
        ("≤24小时", "2天", "0.00", "2天 = 48小时"),
    ],
)
def test_a_target_scores_against_an_actual_in_another_unit_of_its_family(
    target, actual, points, formula
):
    line = _score_one(target, actual)
    assert line.score == Decimal(points)
    assert formula in line.explanation


def test_an_actual_in_another_family_is_an_error_on_that_indicator():
    line = _score_one("≥1公里", "870平方米")
    assert line.score is None and [e.code for e in line.errors] == ["unit_mismatch"]


@pytest.mark.parametrize(
    "written, day",
    [
        ("2021年全年", date(2021, 12, 31)),
        ("2025年年底前", date(2025, 12, 31)),
        ("12月底前100%到位", date(2021, 12, 31)),
        ("2023年底前全部完成", date(2023, 12, 31)),
    ],
)
def test_deadlines_as_published_forms_write_them(written, day):
    value = parse_target_value(written, category="产出指标", subcategory="时效指标", year=2021)
    assert (value.kind, value.deadline) == (Kind.DEADLINE, day)
