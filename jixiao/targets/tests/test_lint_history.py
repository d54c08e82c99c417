"""T13 under_ambitious with history (DOMAIN.md §4.4, issue 15 part 3): last year's actual values
come from the same project's submitted or confirmed self-evaluation (registered by evaluations
with `targets.history`), in the unit of this year's target, and reach the declaration page's live
lint and the findings kept on save and submission."""

from decimal import Decimal

import pytest

from jixiao.budgets.models import Project
from jixiao.evaluations.last_actuals import selfeval_actuals
from jixiao.evaluations.models import EvaluationStatus, SelfEvalIndicator, SelfEvaluation
from jixiao.indicators.values import parse_target_value
from jixiao.targets import adapters
from jixiao.targets.declaration import Declaration, IndicatorLine, indicator_key
from jixiao.targets.history import (
    PreviousActual,
    in_target_units,
    register_previous_actuals,
    unregister_previous_actuals,
)
from jixiao.targets.models import Indicator, Target, TargetStatus
from jixiao.testing import AMOUNTS, GOOD_ROWS

TRAINED = "培训教师人次"
TRAINED_KEY = indicator_key(TRAINED)


def last_year_selfeval(
    world,
    lines,
    *,
    code="P1",
    name="项目P1",
    unit="U1",
    region=None,
    status=EvaluationStatus.SUBMITTED,
) -> SelfEvaluation:
    """A 2021 project and its self-evaluation with `lines` of (name, target, actual) under
    产出指标/数量指标."""
    project = Project.objects.create(region=region or world.region, year=2021, code=code,
                                     name=name, unit=world.units[unit])  # fmt: skip
    selfeval = SelfEvaluation.objects.create(region=project.region, year=2021, unit=project.unit,
                                             project=project, status=status)  # fmt: skip
    SelfEvalIndicator.objects.bulk_create(
        SelfEvalIndicator(selfeval=selfeval, position=i, category="产出指标",
                          subcategory="数量指标", name=n, target_text=t, actual=a)
        for i, (n, t, a) in enumerate(lines)
    )  # fmt: skip
    return selfeval


def rows_with(value: str, name: str = TRAINED) -> list[dict]:
    extra = {"category": "产出指标", "subcategory": "数量指标", "name": name, "value_text": value}
    return [*GOOD_ROWS, extra]


def t13(target) -> list[dict]:
    return [f for f in target.findings if f["code"] == "T13"]


@pytest.mark.parametrize(
    ("this_year", "flagged"),
    [("≥100人次", True), ("≥120人次", False), ("≥150人次", False), ("120人次", False)],
    ids=["below_actual", "at_actual", "above_actual", "bare_number_at_actual"],
)
def test_target_below_last_years_actual_gets_t13(world, declare, this_year, flagged):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")])
    target = declare(rows=rows_with(this_year))
    found = t13(target)
    assert bool(found) is flagged
    if flagged:
        [finding] = found
        assert finding["indicator"] == len(GOOD_ROWS) and not finding["blocking"]
        assert TRAINED in str(finding["message"]) and "120" in str(finding["message"])


def test_live_lint_on_the_declaration_page_gets_t13(world, declare):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120")])  # no unit: the target's
    target = declare()
    rows = adapters.parse_rows(target, rows_with("≥100人次"))
    findings, skipped = adapters.preview(target, goal="完成改造。", amounts=AMOUNTS, rows=rows,
                                         serves_public=True)  # fmt: skip
    assert [f["indicator"] for f in findings if f["code"] == "T13"] == [len(GOOD_ROWS)]
    assert "T13" not in skipped


def test_without_a_self_evaluation_last_year_t13_runs_and_finds_nothing(world, declare):
    target = declare(rows=rows_with("≥100人次"))
    assert adapters.context_of(target).previous_actuals == {}
    result = adapters.lint_target(target)
    assert "T13" not in result.skipped and not t13(target)


@pytest.mark.parametrize(
    "status", [EvaluationStatus.DRAFT, EvaluationStatus.READY, EvaluationStatus.RETURNED]
)
def test_a_self_evaluation_not_yet_submitted_gives_no_actuals(world, declare, status):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")], status=status)
    target = declare(rows=rows_with("≥100人次"))
    assert adapters.context_of(target).previous_actuals == {} and not t13(target)


@pytest.mark.parametrize("status", [EvaluationStatus.FIRST_PASSED, EvaluationStatus.CONFIRMED])
def test_a_self_evaluation_under_review_or_confirmed_gives_actuals(world, declare, status):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")], status=status)
    target = declare(rows=rows_with("≥100人次"))
    assert adapters.context_of(target).previous_actuals == {TRAINED_KEY: Decimal("120")}


def test_money_actual_converts_to_this_years_unit(world, declare):
    # last year: 60万元 written as 600000元; this year in 元
    last_year_selfeval(world, [("带动社会投资", "≥50万元", "600000元")])
    target = declare(rows=rows_with("≥550000元", name="带动社会投资"))
    previous = adapters.context_of(target).previous_actuals
    assert previous == {indicator_key("带动社会投资"): Decimal("600000")}
    [finding] = t13(target)
    assert "600000" in str(finding["message"])


def test_actual_in_a_unit_that_does_not_convert_is_left_out(world, declare):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")])
    target = declare(rows=rows_with("≥100户"))
    assert adapters.context_of(target).previous_actuals == {} and not t13(target)


def test_unreadable_and_qualitative_actuals_are_left_out(world, declare):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "约一百多人次"),
                               ("培训覆盖面", "全面覆盖", "已覆盖")])  # fmt: skip
    assert selfeval_actuals(world.projects["P1"], 2022) == {}


def test_a_name_recorded_twice_with_two_actuals_is_left_out(world):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次"), (TRAINED, "≥100人次", "90人次"),
                               ("培训课时", "≥40课时", "48课时")])  # fmt: skip
    actuals = selfeval_actuals(world.projects["P1"], 2022)
    assert actuals == {indicator_key("培训课时"): PreviousActual(Decimal("48"), "课时")}


def test_project_is_matched_by_unit_and_name_when_its_code_changed(world):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")], code="2021-P1")
    actuals = selfeval_actuals(world.projects["P1"], 2022)
    assert actuals == {TRAINED_KEY: PreviousActual(Decimal("120"), "人次")}


@pytest.mark.parametrize(
    ("code", "unit", "region"),
    [("X9", "U2", "region"), ("P1", "UB", "region_b")],
    ids=["same_name_other_unit", "same_code_other_region"],
)
def test_another_units_or_regions_project_is_not_matched(world, code, unit, region):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")], code=code, unit=unit,
                       region=getattr(world, region))  # fmt: skip
    assert selfeval_actuals(world.projects["P1"], 2022) == {}


@pytest.mark.parametrize(
    ("code", "name", "unit", "matched"),
    [("P1", "项目P1（更名前）", "U1", True), ("2021-07", "项目P1", "U1", True),
     ("2021-07", "项目P1", "U2", False)],
    ids=["same_code_renamed", "same_unit_and_name_new_code", "same_name_other_unit"],
)  # fmt: skip
def test_last_years_approved_target_is_the_same_projects(world, declare, code, name, unit,
                                                          matched):  # fmt: skip
    """T15 "copied from last year" looks for the same project as T13 does."""
    project = Project.objects.create(region=world.region, year=2021, code=code, name=name,
                                     unit=world.units[unit])  # fmt: skip
    last = Target.objects.create(region=world.region, year=2021, unit=project.unit,
                                 project=project, goal="目标", status=TargetStatus.APPROVED)  # fmt: skip
    Indicator.objects.bulk_create(Indicator(target=last, position=i, **row)
                                  for i, row in enumerate(GOOD_ROWS))  # fmt: skip
    target = declare()
    assert (adapters.context_of(target).last_year is not None) is matched
    assert any(f["code"] == "T15" for f in target.findings) is matched


def test_without_a_registered_provider_t13_is_skipped(world, declare):
    last_year_selfeval(world, [(TRAINED, "≥100人次", "120人次")])
    target = declare(rows=rows_with("≥100人次"))
    unregister_previous_actuals(selfeval_actuals)
    try:
        assert adapters.context_of(target).previous_actuals is None
        assert "T13" in adapters.lint_target(target).skipped
    finally:
        register_previous_actuals(selfeval_actuals)


# ---------------------------------------------------------------- in_target_units (no database)


def _declaration(*values: tuple[str, str]) -> Declaration:
    lines = tuple(
        IndicatorLine(category="产出指标", subcategory="数量指标", name=name,
                      value=parse_target_value(text))
        for name, text in values
    )  # fmt: skip
    return Declaration(goal="目标", indicators=lines)


@pytest.mark.parametrize(
    ("actual", "this_year", "expected"),
    [
        (PreviousActual(Decimal("120"), "人次"), [("A", "≥100人次")], {"a": Decimal("120")}),
        (PreviousActual(Decimal("95"), "百分比"), [("A", "≥90%")], {"a": Decimal("95")}),
        (PreviousActual(Decimal("60"), "万元"), [("A", "≤550000元")], {"a": Decimal("600000")}),
        (PreviousActual(Decimal("2500"), "元/人"), [("A", "≤0.3万元/人")],
         {"a": Decimal("0.25")}),
        (PreviousActual(Decimal("120"), "人次"), [("A", "≥100户")], {}),
        (PreviousActual(Decimal("120"), None), [("A", "≥100个")], {}),
        (PreviousActual(Decimal("120"), "个"), [("A", "数量充足")], {}),
        (PreviousActual(Decimal("120"), "个"), [("B", "≥100个")], {}),
        (PreviousActual(Decimal("60"), "万元"), [("A", "≥50万元"), ("A", "≥500000元")], {}),
        (PreviousActual(Decimal("60"), "万元"), [("A", "≥50万元"), ("A", "≥70万元")],
         {"a": Decimal("60")}),
    ],
    ids=["same_unit", "percent_word", "wan_yuan_to_yuan", "per_person_money", "other_unit",
         "no_unit_last_year", "qualitative_now", "other_name", "two_units_now", "twice_same_unit"],
)  # fmt: skip
def test_in_target_units(actual, this_year, expected):
    assert in_target_units({"a": actual}, _declaration(*this_year)) == expected


def test_none_on_last_years_incident_count_is_an_actual_of_zero(world):
    """Last year's actuals are read by the indicator's name, as every reader reads values:
    "无" on an incident count is 0 (jixiao.indicators.values), on another indicator missing."""
    last_year_selfeval(world, [("安全事故次数", "无", "无"), (TRAINED, "≥100人次", "无")])
    actuals = selfeval_actuals(world.projects["P1"], 2022)
    assert actuals == {indicator_key("安全事故次数"): PreviousActual(Decimal("0"), "次")}
