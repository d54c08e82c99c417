"""Tests of the monitoring alerts M01–M07 (DOMAIN.md §5) and of reading reports from JSON.

Pure: no database. Each code has its boundary cases: just below and just above (or exactly on)
each threshold, with amounts chosen so that the boundary is an exact fraction, because the
alerts compare unrounded values.
"""

import copy
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jixiao.monitoring.rules  # noqa: F401  (registers the "monitoring" section)
from jixiao.core import rulebook
from jixiao.monitoring import alerts as alerts_module
from jixiao.monitoring import report_data as report_module
from jixiao.monitoring.alerts import CODES, AlertRules, alerts, time_progress
from jixiao.monitoring.report_data import (
    Amounts,
    MonitoringReport,
    indicator_report,
    report_from_data,
)

RULES = rulebook.named("national").section("monitoring")
D = date.fromisoformat
TODAY = D("2021-08-01")


def make(period_end="2021-06-30", full_year="1000", executed=None, **fields) -> MonitoringReport:
    amounts = Amounts(
        full_year=None if full_year is None else Decimal(str(full_year)),
        executed=None if executed is None else Decimal(str(executed)),
        initial=fields.pop("initial", None), contract=fields.pop("contract", None),
    )  # fmt: skip
    return MonitoringReport(period_end=D(period_end), amounts=amounts, **fields)


def run(report, rules=RULES, today=TODAY):
    return alerts(report, rules=rules, today=today)


def found(report, code, rules=RULES, today=TODAY) -> list:
    return [a for a in run(report, rules, today).alerts if a.code == code]


def level(report, code, rules=RULES) -> str | None:
    hits = found(report, code, rules)
    assert len(hits) <= 1
    return hits[0].level if hits else None


def with_rules(**changes) -> dict:
    rules = copy.deepcopy(RULES)
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = rules
        for part in path:
            node = node[part]
        node[last] = value
    return rules


# ---------------------------------------------------------------------------- time progress


@pytest.mark.parametrize(
    "period_end, method, expected, shown",
    [
        ("2021-06-30", "days", Fraction(181, 365), "181/365"),
        ("2020-06-30", "days", Fraction(182, 366), "182/366"),  # leap year
        ("2021-12-31", "days", Fraction(1), "365/365"),
        ("2020-12-31", "days", Fraction(1), "366/366"),
        ("2021-01-01", "days", Fraction(1, 365), "1/365"),
        ("2021-06-30", "months", Fraction(1, 2), "6/12"),
        ("2021-07-15", "months", Fraction(7, 12), "7/12"),
    ],
)
def test_time_progress(period_end, method, expected, shown):
    share, text = time_progress(D(period_end), method)
    assert share == expected and shown in text


# ---------------------------------------------------------------------------- M01


@pytest.mark.parametrize(
    "executed, expected",
    [
        # 2021-06-30: time progress 181/365; with 365 万元 the lag is (181 − executed)/365.
        ("144.51", None),  # lag just below 10 points
        ("144.5", "yellow"),  # exactly 10 points
        ("144.49", "yellow"),
        ("108.01", "yellow"),  # just below 20 points
        ("108", "red"),  # exactly 20 points
        ("0", "red"),
        ("365", None),
    ],
)
def test_m01_execution_lag_bounds(executed, expected):
    assert level(make(full_year="365", executed=executed), "M01") == expected


def test_m01_explains_the_formula_and_the_numbers():
    [m01] = found(make(full_year="1000", executed="300"), "M01")
    assert m01.indicator is None
    assert "时间进度 181/365 = 49.59%" in m01.explanation
    assert "300 万元 / 全年预算（调整后）1000 万元 = 30.00%" in m01.explanation
    assert "差 19.59 个百分点 ≥ 10" in m01.explanation
    assert "30.00%" in m01.message and "49.59%" in m01.message


def test_amounts_read_back_with_six_places_are_shown_as_people_write_them():
    # what the database gives back: "363.490000", "72.700000" (a typed 72.7 said "72.7" before)
    [m01] = found(make(full_year="363.490000", executed="72.700000"), "M01")
    assert "执行数 72.7 万元 / 全年预算（调整后）363.49 万元 = 20.00%" in m01.explanation
    contract = Decimal("250.500000")
    [m06] = found(make(full_year="1000", executed="300.000000", contract=contract), "M06")
    assert "300" in m06.message and "250.5" in m06.message and ".000" not in m06.message
    assert ".500000" not in m06.explanation and "49.5" in m06.explanation


def test_m01_in_a_leap_year_uses_366_days():
    # 2020-06-30 is day 182 of 366: with 366 万元, 145.4 executed is exactly 10 points behind.
    assert level(make("2020-06-30", full_year="366", executed="145.4"), "M01") == "yellow"
    assert level(make("2020-06-30", full_year="366", executed="145.41"), "M01") is None
    assert (
        "182/366" in found(make("2020-06-30", full_year="366", executed="0"), "M01")[0].explanation
    )


def test_m01_at_year_end_time_progress_is_one():
    assert level(make("2021-12-31", executed="900"), "M01") == "yellow"
    assert level(make("2021-12-31", executed="900.01"), "M01") is None
    assert level(make("2021-12-31", executed="800"), "M01") == "red"


def test_m01_time_progress_by_months_when_the_rulebook_says_so():
    months = with_rules(time_progress="months")
    # 6/12 − 400/1000 = 10 points by months; 181/365 − 0.4 = 9.59 points by days.
    assert level(make(executed="400"), "M01", months) == "yellow"
    assert level(make(executed="400"), "M01") is None
    assert "序时进度" in found(make(executed="400"), "M01", months)[0].explanation


def test_m01_bounds_come_from_the_rulebook():
    stricter = with_rules(M01__yellow="0.05", M01__red="0.08")
    assert level(make(full_year="365", executed="144.51"), "M01", stricter) == "red"


def test_a_mid_year_adjustment_uses_the_full_year_budget():
    adjusted = make(initial=Decimal("2000"), full_year="500", executed="250")
    result = run(adjusted)
    assert result.execution_rate == Fraction(1, 2)
    assert not {"M01", "M02"} & {a.code for a in result.alerts}
    raised = make(initial=Decimal("500"), full_year="2000", executed="250")
    assert level(raised, "M01") == "red" and level(raised, "M02") == "red"


@pytest.mark.parametrize("full_year", [None, "0", "0.000000", "-5"])
def test_no_or_zero_budget_gives_a_warning_instead_of_m01_to_m03(full_year):
    line = indicator_report("产出指标", "数量指标", "改造小区数量", "≥10个", progress="1个")
    result = run(make(full_year=full_year, executed="0", indicators=(line,)))
    assert not {"M01", "M02", "M03"} & {a.code for a in result.alerts}
    assert [w.code for w in result.warnings] == ["no_budget"]
    assert "M01–M03" in result.warnings[0].message
    assert result.execution_rate is None and result.to_data()["execution_rate"] is None


def test_no_executed_amount_gives_a_warning():
    result = run(make(executed=None))
    assert [w.code for w in result.warnings] == ["no_execution"]
    assert not result.alerts


def test_executed_can_come_from_monthly_payments():
    payments = {1: Decimal("100"), 3: Decimal("50"), 7: Decimal("500")}
    result = run(make(executed=None, payments=payments))
    assert result.execution_rate == Fraction(150, 1000)  # January–June only
    [m01] = [a for a in result.alerts if a.code == "M01"]
    assert "支付数据 1–6 月合计" in m01.explanation


# ---------------------------------------------------------------------------- M02


@pytest.mark.parametrize(
    "period_end, executed, expected",
    [
        ("2021-04-29", "0", None),  # no checkpoint before 30 April
        ("2021-04-30", "249.99", "red"),  # 25% at the end of April
        ("2021-04-30", "250", None),  # not strictly below
        ("2021-06-29", "300", None),  # still April's 25%
        ("2021-06-29", "249.99", "red"),
        ("2021-06-30", "399.99", "red"),  # the last day of June: 40%
        ("2021-06-30", "400", None),
        ("2021-08-31", "599.99", "red"),  # 60%
        ("2021-08-31", "600", None),
        ("2021-10-31", "799.99", "red"),  # 80%
        ("2021-10-31", "800", None),
        ("2021-12-31", "799.99", "red"),  # still October's 80%
        ("2021-12-31", "800", None),
        ("2020-04-30", "249.99", "red"),  # leap years change nothing
    ],
)
def test_m02_checkpoint_floor(period_end, executed, expected):
    assert level(make(period_end, executed=executed), "M02") == expected


def test_m02_names_the_checkpoint():
    [m02] = found(make("2021-07-31", executed="350"), "M02")
    assert "6月底" in m02.message and "40%" in m02.message and "35.00%" in m02.message
    assert "2021年6月30日" in m02.explanation


def test_m02_checkpoints_come_from_the_rulebook():
    monthly = with_rules(M02__checkpoints=[{"month": 3, "floor": "0.20"}])
    assert level(make("2021-03-31", executed="199.99"), "M02", monthly) == "red"
    assert level(make("2021-06-30", executed="300"), "M02", monthly) is None


# ---------------------------------------------------------------------------- M03


def m03(target, progress, executed="500", subcategory="数量指标"):
    line = indicator_report("产出指标", subcategory, "改造小区数量", target, progress=progress)
    other = indicator_report("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%")
    return found(make(executed=executed, indicators=(other, line)), "M03")


@pytest.mark.parametrize(
    "target, progress, alerted",
    [
        ("≥10个", "4个", False),  # 50% − 40% = exactly 10 points: not more than 10
        ("≥10个", "3.99个", True),
        ("≥10个", "3.99", True),  # no unit: the target's
        ("=10个", "3.99个", True),
        ("≤10个", "0个", False),  # ≤ indicators are not judged
        (">10个", "0个", False),
        ("≥10个", "10个", False),
        ({"op": ">=", "number": "100", "unit": "万元"}, "399999元", True),  # money converts
        ({"op": ">=", "number": "100", "unit": "万元"}, "400000元", False),
    ],
)
def test_m03_dual_gap(target, progress, alerted):
    hits = m03(target, progress)
    assert bool(hits) is alerted
    if alerted:
        assert hits[0].indicator == 1 and hits[0].level == "yellow"


def test_m03_explains_both_progresses():
    [hit] = m03("≥10个", "3个")
    assert "50.00%" in hit.message and "30.00%" in hit.message and "改造小区数量" in hit.message
    assert "3个 / 目标 10个 = 30.00%" in hit.explanation and "差 20.00 个百分点 > 10" in (
        hit.explanation)  # fmt: skip


def test_m03_without_progress_is_a_warning():
    line = indicator_report("产出指标", "数量指标", "改造小区数量", "≥10个")
    unreadable = indicator_report("产出指标", "数量指标", "培训人数", "≥10人", progress="很多")
    result = run(make(executed="500", indicators=(line, unreadable)))
    assert [(w.code, w.indicator) for w in result.warnings] == [("no_progress", 0),
                                                                ("no_progress", 1)]  # fmt: skip
    assert "未填写完成进度" in result.warnings[0].message
    assert not [a for a in result.alerts if a.code == "M03"]


def test_m03_gap_and_operators_come_from_the_rulebook():
    line = indicator_report("产出指标", "数量指标", "改造小区数量", "≥10个", progress="4.5个")
    report = make(executed="500", indicators=(line,))
    assert level(report, "M03") is None
    assert level(report, "M03", with_rules(M03__gap="0.04")) == "yellow"
    assert level(report, "M03", with_rules(M03__operators=["="])) is None


# ---------------------------------------------------------------------------- M04


@pytest.mark.parametrize(
    "likelihood, cause, expected, wanted",
    [
        ("完全不可能", (), None, "red"),
        ("有可能", ("经费保障",), None, "yellow"),
        ("有可能", (), "9个", "yellow"),  # expected below the target
        ("有可能", (), "10个", None),
        ("有可能", (), None, None),
        ("确定能", ("制度保障",), "9个", None),
        (None, (), "9个", None),
    ],
)
def test_m04_target_at_risk(likelihood, cause, expected, wanted):
    line = indicator_report("产出指标", "数量指标", "改造小区数量", "≥10个", expected=expected,
                            likelihood=likelihood, causes=cause)  # fmt: skip
    hits = found(make(executed="1000", indicators=(line,)), "M04")
    assert (hits[0].level if hits else None) == wanted
    if hits:
        assert hits[0].indicator == 0 and "改造小区数量" in hits[0].message


@pytest.mark.parametrize(
    "target, expected, short",
    [("≤6000元/户", "6500元/户", True), ("≤6000元/户", "5000元/户", False),
     (">10个", "10个", True), ("12月底前完成", "2022年1月15日", True),
     ("12月底前完成", "2021年11月30日", False), ("工程质量达标", "不达标", False)],
)  # fmt: skip
def test_m04_shortfall_looks_the_way_the_target_points(target, expected, short):
    line = indicator_report("产出指标", "数量指标", "指标", target, expected=expected,
                            likelihood="有可能", year=2021)  # fmt: skip
    assert bool(found(make(executed="1000", indicators=(line,)), "M04")) is short


# ---------------------------------------------------------------------------- M05


def paid(december, **months) -> dict[int, Decimal]:
    base = {m: Decimal("10") for m in range(1, 12)}  # 10 万元 a month, January–November
    base.update({int(k[1:]): Decimal(v) for k, v in months.items()})
    base[12] = Decimal(december)
    return base


def test_m05_not_judged_without_payments():
    report = make("2021-12-31", executed="1000")
    assert level(report, "M05") is None
    assert level(replace(report, payments={}), "M05") is None


@pytest.mark.parametrize(
    "december, expected", [("20", None), ("20.01", "red"), ("0", None), ("5", None)]
)
def test_m05_twice_the_january_to_november_average(december, expected):
    # Monthly average of January–November is 10: December must be more than 20.
    assert level(make("2021-12-31", executed="1000", payments=paid(december)), "M05") == expected


def test_m05_more_than_thirty_percent_of_the_year():
    share_only = with_rules(M05__average_multiple="100")
    payments = {1: Decimal("70"), 12: Decimal("30")}  # exactly 30%
    report = make("2021-12-31", executed="1000", payments=payments)
    assert level(report, "M05", share_only) is None
    report = replace(report, payments={1: Decimal("70"), 12: Decimal("30.01")})
    [hit] = found(report, "M05", share_only)
    assert hit.level == "red" and "占全年 30.01%" in hit.message  # 30.01 / 100.01 = 30.007%
    assert "> 30%" in hit.explanation and "倍" not in hit.explanation


def test_m05_december_alone_is_a_rush():
    [hit] = found(make("2021-12-31", executed="1000", payments={12: Decimal("80")}), "M05")
    assert "100.00%" in hit.message


# ---------------------------------------------------------------------------- M06


@pytest.mark.parametrize(
    "contract, expected", [(None, None), ("300", None), ("299.99", "red"), ("0", "red")]
)
def test_m06_overpayment(contract, expected):
    contract = None if contract is None else Decimal(contract)
    report = make(executed="300", contract=contract)
    assert level(report, "M06") == expected
    if expected:
        assert "300 万元" in found(report, "M06")[0].message


# ---------------------------------------------------------------------------- M07


@pytest.mark.parametrize(
    "submitted, today, expected",
    [
        ("2021-07-15", "2021-08-01", None),  # on the deadline day
        ("2021-07-16", "2021-08-01", "yellow"),  # the day after
        ("2021-07-10", "2021-08-01", None),
        (None, "2021-07-15", None),  # not submitted, deadline not passed
        (None, "2021-07-16", "yellow"),
    ],
)
def test_m07_late_report(submitted, today, expected):
    report = make(executed="1000", deadline=D("2021-07-15"),
                  submitted_at=submitted and D(submitted))  # fmt: skip
    hits = found(report, "M07", today=D(today))
    assert (hits[0].level if hits else None) == expected


def test_m07_says_how_late_and_needs_a_deadline():
    late = make(executed="1000", deadline=D("2021-07-15"), submitted_at=D("2021-07-20"))
    assert "逾期 5 天" in found(late, "M07")[0].message
    assert found(replace(late, deadline=None), "M07") == []


def test_reports_late_on_the_same_day_share_their_m07_texts_data():
    from jixiao.core.rule_messages import Message

    first, second = (
        found(make(executed=str(n), deadline=D("2021-07-15")), "M07", today=D("2021-08-01"))[0]
        for n in (10, 20)
    )
    assert first.texts_data() is second.texts_data()  # built, and stored, once
    why = Message("alert.M07.why", due=alerts_module._date_text(D("2021-07-15")),
                  filed=Message("alert.M07.not_filed", day=alerts_module._date_text(TODAY)))  # fmt: skip
    assert first.texts_data() == {
        "message": first.message.to_data(),
        "explanation": Message("alert.explanation", code="M07", text=why).to_data(),
    }
    assert first.explanation == Message("alert.explanation", code="M07", text=why)


# ---------------------------------------------------------------------------- the result


def test_alerts_are_ordered_by_code_then_indicator_and_serialise():
    lines = tuple(indicator_report("产出指标", "数量指标", f"指标{i}", "≥10个",
                                   likelihood="完全不可能") for i in range(3))  # fmt: skip
    result = run(make(executed="0", indicators=lines, contract=Decimal("-1")))
    keys = [(a.code, a.indicator) for a in result.alerts]
    assert keys == sorted(keys, key=lambda k: (k[0], -1 if k[1] is None else k[1]))
    data = result.to_data()
    assert data["time_progress"] == "0.4959" and data["execution_rate"] == "0.0000"
    assert set(data["alerts"][0]) >= {"code", "level", "message", "indicator"}
    assert result.level == "red"
    assert {a.code for a in result.alerts} <= set(CODES)


def test_national_2021_rulebook_has_the_same_monitoring_rules():
    assert rulebook.named("national-2021").section("monitoring") == RULES


def test_an_unknown_time_progress_method_is_refused():
    with pytest.raises(ValueError, match="time_progress"):
        AlertRules.from_section(with_rules(time_progress="weeks"))


# ---------------------------------------------------------------------------- reading JSON

REPORT = {
    "region": "360102", "year": 2021, "as_of": "2021-07-31", "deadline": "2021-08-10",
    "submitted": None, "round": "2021-07",
    "unit": {"code": "102001", "name": "南昌市东湖区住房和城乡建设局"},
    "project": {"code": "2021-ZX-017", "name": "2021年东湖区老旧小区改造项目",
                "kinds": ["专项资金"]},
    "budget": {"initial": "1800.00", "full_year": 1500, "executed": "420.5",
               "expected_full_year": 1500, "contract_amount": 0.1},
    "payments": [{"month": 3, "amount": "20"}, {"month": 3, "amount": 0.1},
                 {"month": 12, "amount": None}],
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "改造老旧小区数量",
         "target": "≥12个", "progress": 3, "expected": {"op": ">=", "number": "10", "unit": "个"},
         "likelihood": "有可能", "cause": "经费保障", "explanation": "资金到位较晚",
         "measures": "加快拨付"},
        {"category": "产出指标", "subcategory": "时效指标", "name": "完工时间",
         "target": "12月底前完成", "cause": ["人员保障", "其他"]},
    ],
}  # fmt: skip


def test_report_from_data_reads_every_field():
    report, errors = report_from_data(REPORT)
    assert errors == []
    assert report.period_end == D("2021-07-31") and report.deadline == D("2021-08-10")
    assert report.submitted_at is None and report.year == 2021
    assert report.amounts.full_year == Decimal("1500") and report.amounts.contract == Decimal("0.1")
    assert report.amounts.expected == Decimal("1500") and report.amounts.initial == Decimal("1800")
    assert report.payments == {3: Decimal("20.1")}  # rows of one month add up; null ignored
    assert (report.project, report.project_code, report.kinds) == (
        "2021年东湖区老旧小区改造项目", "2021-ZX-017", ("专项资金",))  # fmt: skip
    first, second = report.indicators
    assert first.progress.number == 3 and first.expected.number == 10
    assert first.causes == ("经费保障",) and first.measures == "加快拨付"
    assert second.target.deadline == D("2021-12-31") and second.causes == ("人员保障", "其他")


@pytest.mark.parametrize(
    "change, text",
    [
        ({"as_of": None}, "缺少监控截止日期"),
        ({"as_of": "2021-06-31"}, "2021-06-31"),
        ({"budget": None}, "预算金额应为对象"),
        ({"budget": {"full_year": "一千五百"}}, "一千五百"),
        ({"payments": [{"month": 13, "amount": 1}]}, "1 到 12"),
        ({"payments": [{"month": 1}]}, "缺少金额"),
        ({"payments": {"1": 3}}, "支付数据应为列表"),
        ({"year": "2021"}, "预算年度应为整数"),
        ({"indicators": [{"category": "产出指标", "name": "x"}]}, "缺少二级指标"),
        ({"indicators": [{"category": "产出指标", "subcategory": "数量指标", "name": "x",
                          "likelihood": "大概"}]}, "大概"),
        ({"indicators": [{"category": "产出指标", "subcategory": "数量指标", "name": "x",
                          "cause": ["资金"]}]}, "资金"),
        ({"indicators": [{"category": "产出指标", "subcategory": "数量指标", "name": "x",
                          "progress": True}]}, "布尔值"),
        ({"project": {"code": "P"}}, "项目应为含 name"),
    ],
)  # fmt: skip
def test_report_from_data_reports_schema_errors_in_chinese(change, text):
    data = {**copy.deepcopy(REPORT), **change}
    report, errors = report_from_data(data)
    assert report is None and errors
    assert all(e["code"] == "schema" for e in errors)
    assert text in " ".join(e["message"] for e in errors)


def test_budget_is_required():
    data = copy.deepcopy(REPORT)
    del data["budget"]
    assert "缺少预算金额" in report_from_data(data)[1][0]["message"]
    assert "JSON 对象" in report_from_data([1])[1][0]["message"]


def test_money_is_decimal_never_float():
    data = {**copy.deepcopy(REPORT), "budget": {"full_year": 0.3, "executed": 0.1}}
    report, _ = report_from_data(data)
    assert report.amounts.executed == Decimal("0.1")
    assert run(report).execution_rate == Fraction(1, 3)


def test_the_json_report_alerts_end_to_end():
    report, _ = report_from_data(REPORT)
    result = run(report, today=D("2021-08-11"))
    codes = {(a.code, a.indicator) for a in result.alerts}
    # 7/31: 212/365 = 58.08% against 420.5/1500 = 28.03%: red lag; below June's 40%; 3 of 12
    # is 25%, so no dual gap; 有可能 with a cause; overpaid against 0.1; late as of 8/11.
    assert codes == {("M01", None), ("M02", None), ("M04", 0), ("M06", None), ("M07", None)}
    assert [w.code for w in result.warnings] == []


# ---------------------------------------------------------------------------- properties


def test_no_threshold_is_a_literal_in_the_alerts():
    source = Path(alerts_module.__file__).read_text(encoding="utf-8")
    for literal in ("0.10", "0.20", "0.25", "0.40", "0.60", "0.80", "0.30", "完全不可能"):
        assert f'"{literal}"' not in source, literal


_MONEY = st.none() | st.decimals(min_value=-10**9, max_value=10**9, places=6) | st.sampled_from(
    [Decimal("NaN"), Decimal("Infinity"), Decimal(0), Decimal("1E+12")])  # fmt: skip
_VALUES = st.none() | st.sampled_from(
    ["≥12个", "=100%", "≤6000元/户", "12月底前完成", "达成预期", "/", "0", "≥0个", "3",
     "3个", "很多", "2021年11月30日", "500000元", "-1", "已完成", "≥ 50 万元"])  # fmt: skip
_LINES = st.builds(
    indicator_report,
    st.sampled_from(["产出指标", "效益指标", "成本指标"]),
    st.sampled_from(["数量指标", "时效指标", "成本指标", "社会效益指标"]),
    st.text(max_size=4), _VALUES, progress=_VALUES, expected=_VALUES,
    likelihood=st.sampled_from([None, "确定能", "有可能", "完全不可能"]),
    causes=st.lists(st.sampled_from(report_module.CAUSES), max_size=2).map(tuple),
    year=st.none() | st.just(2021),
)  # fmt: skip
_DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_REPORTS = st.builds(
    MonitoringReport,
    period_end=_DATES,
    amounts=st.builds(Amounts, initial=_MONEY, full_year=_MONEY, executed=_MONEY,
                      expected=_MONEY, contract=_MONEY),
    deadline=st.none() | _DATES, submitted_at=st.none() | _DATES,
    payments=st.none() | st.dictionaries(st.integers(0, 13), _MONEY, max_size=13),
    indicators=st.lists(_LINES, max_size=4).map(tuple),
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=_REPORTS, today=_DATES, method=st.sampled_from(["days", "months"]))
def test_alerts_never_raise_on_any_report(report, today, method):
    result = alerts(report, rules=with_rules(time_progress=method), today=today)
    assert all(a.code in CODES and a.level in ("yellow", "red") for a in result.alerts)
    assert all(a.message and a.explanation for a in result.alerts)
    result.to_data()


@settings(max_examples=200, deadline=None)
@given(
    period_end=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    full_year=st.decimals(min_value=Decimal("0.01"), max_value=10**7, places=2),
    shares=st.lists(st.fractions(min_value=0, max_value=2), min_size=2, max_size=2),
)
def test_m01_level_is_monotonic_in_the_lag(period_end, full_year, shares):
    rank = {None: 0, "yellow": 1, "red": 2}
    low, high = sorted(shares)  # less executed means more lag
    levels = []
    for share in (low, high):
        executed = (full_year * Decimal(share.numerator) / Decimal(share.denominator)).quantize(
            Decimal("0.000001"))  # fmt: skip
        report = MonitoringReport(period_end, Amounts(full_year=full_year, executed=executed))
        levels.append(rank[level(report, "M01")])
    assert levels[0] >= levels[1]


@settings(max_examples=150, deadline=None)
@given(data=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["as_of", "budget", "full_year", "executed", "payments", "month",
                         "amount", "indicators", "category", "subcategory", "name", "target",
                         "progress", "likelihood", "cause", "deadline", "submitted", "op"]),
        children, max_size=5),
    max_leaves=12,
))  # fmt: skip
def test_report_from_data_never_raises(data):
    report, errors = report_from_data(data)
    assert (report is None) == bool(errors)
    if report is not None:
        run(report)
