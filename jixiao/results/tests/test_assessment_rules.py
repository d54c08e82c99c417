"""The pure rules of the unit assessment (`results.assessment`): worked examples by hand."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal as D

import pytest

from jixiao.results.assessment import (
    AlertFact,
    GradeFact,
    RectificationFact,
    Ref,
    SelfEvalFact,
    Submission,
    TargetFact,
    UnitFacts,
    assess,
    final_score,
    on_time,
    rank,
)
from jixiao.results.rules import ASSESSMENT_DEFAULTS as SECTION


def ref(n: int, model: str = "x.Y") -> Ref:
    return Ref(model, n, f"/y/{n}/")


def part(facts: UnitFacts, key: str, section=SECTION):
    return next(p for p in assess(facts, section).parts if p.key == key)


# Each case: the facts, the part, the points worked out by hand (the defaults: target quality
# 25, the others 15; per_finding 0.05, per_return 0.10; 优 1.00 良 0.85 中 0.60 差 0.30;
# tolerance 5, per_point 0.02).
CASES = [
    # 25 × (mean(0.85, 1.00) − 0.05 × 3/2 − 0.10 × 1/2) = 25 × (0.925 − 0.075 − 0.05) = 20.00
    (
        "targets: grades, findings and returns",
        UnitFacts(
            1,
            targets=[
                TargetFact(ref(1), findings=2, returns=1, grade="良"),
                TargetFact(ref(2), findings=1, grade="优"),
            ],
        ),
        "target_quality",
        D("20.00"),
    ),
    # no target graded yet: factor 1; 25 × (1 − 0.05 × 1/3) = 25 × 0.98333… = 24.58
    (
        "targets: none graded counts as 1",
        UnitFacts(
            1, targets=[TargetFact(ref(1), findings=1), TargetFact(ref(2)), TargetFact(ref(3))]
        ),
        "target_quality",
        D("24.58"),
    ),
    # 差 with 12 findings: 0.30 − 0.60 < 0 → 0
    (
        "targets: never below zero",
        UnitFacts(1, targets=[TargetFact(ref(1), findings=12, grade="差")]),
        "target_quality",
        D("0.00"),
    ),
    # 15 × 3/4 = 11.25
    (
        "timeliness: share on time",
        UnitFacts(
            1,
            submissions=[
                Submission(ref(1), "target", True),
                Submission(ref(2), "report", True),
                Submission(ref(3), "report", False),
                Submission(ref(4), "rectification", True),
            ],
        ),
        "timeliness",
        D("11.25"),
    ),
    # 15 × 1/3 = 5.00
    (
        "monitoring: alerts disposed in time",
        UnitFacts(
            1,
            alerts=[AlertFact(ref(1), True), AlertFact(ref(2), False), AlertFact(ref(3), False)],
        ),
        "monitoring",
        D("5.00"),
    ),
    # gaps: |90 − 80| − 5 = 5; |70 − 72| ≤ 5 → 0; spot |60 − 72| − 5 = 7; excess 12 over 2
    # self-evaluations: 15 × (1 − 0.02 × 12/2) = 15 × 0.88 = 13.20
    (
        "self-evaluation: gaps beyond the tolerance",
        UnitFacts(
            1,
            selfevals=[
                SelfEvalFact(ref(1), D("90"), D("80")),
                SelfEvalFact(ref(2), D("70"), D("72"), spot_check=D("60")),
            ],
        ),
        "selfeval_quality",
        D("13.20"),
    ),
    # a self-evaluation with no self-score has no gap: 15.00
    (
        "self-evaluation: no self-score, no gap",
        UnitFacts(1, selfevals=[SelfEvalFact(ref(1), None, D("80"))]),
        "selfeval_quality",
        D("15.00"),
    ),
    # 15 × 2/3 = 10.00
    (
        "rectification: closed on time",
        UnitFacts(
            1,
            rectifications=[
                RectificationFact(ref(1), True),
                RectificationFact(ref(2), True),
                RectificationFact(ref(3), False),
            ],
        ),
        "rectification",
        D("10.00"),
    ),
    # 15 × mean(1.00, 0.85, 0.60, 0.30) = 15 × 0.6875 = 10.3125 → 10.31
    (
        "results: mean worth of the grades",
        UnitFacts(
            1,
            grades=[
                GradeFact(ref(1), "优"),
                GradeFact(ref(2), "良"),
                GradeFact(ref(3), "中"),
                GradeFact(ref(4), "差"),
            ],
        ),
        "results",
        D("10.31"),
    ),
    # an ungraded result does not count: 15 × 0.60 = 9.00
    (
        "results: ungraded ones left out",
        UnitFacts(1, grades=[GradeFact(ref(1), "中"), GradeFact(ref(2), "")]),
        "results",
        D("9.00"),
    ),
]


@pytest.mark.parametrize("name,facts,key,points", CASES, ids=[c[0] for c in CASES])
def test_part_points_match_the_worked_example(name, facts, key, points):
    assert part(facts, key).points == points


@pytest.mark.parametrize("key", ["target_quality", "timeliness", "monitoring", "results"])
def test_a_part_with_nothing_to_judge_gets_its_full_weight_and_says_so(key):
    found = part(UnitFacts(1), key)
    assert found.points == D(SECTION["weights"][key])
    assert "无可评判的记录" in found.explanation
    assert found.records == ()


def test_a_unit_with_no_records_scores_100():
    assert assess(UnitFacts(1), SECTION).computed == D("100.00")


def test_the_score_is_the_sum_of_the_rounded_parts():
    facts = UnitFacts(
        1,
        targets=[TargetFact(ref(1), findings=1), TargetFact(ref(2)), TargetFact(ref(3))],
        grades=[GradeFact(ref(4), "优"), GradeFact(ref(5), "良"), GradeFact(ref(6), "中")],
    )
    # 24.58 (above) + 15 × (2.45/3 = 0.81666…) = 12.25 + 4 × 15
    assert assess(facts, SECTION).computed == D("24.58") + D("12.25") + D("60.00")


def test_explanation_gives_the_counts_and_the_arithmetic():
    facts = UnitFacts(1, alerts=[AlertFact(ref(1), True), AlertFact(ref(2), False)])
    text = part(facts, "monitoring").explanation
    assert text == "应处置预警2个，按期处置1个，逾期或未处置1个；得分 = 15 × 1/2 = 7.50"


def test_records_say_which_count_against_the_unit():
    facts = UnitFacts(1, rectifications=[RectificationFact(ref(7, "results.Rectification"), False)])
    found = part(facts, "rectification")
    assert found.records == ((Ref("results.Rectification", 7, "/y/7/"), False),)
    stored = found.as_json()
    assert stored["records"] == [
        {"model": "results.Rectification", "id": 7, "url": "/y/7/", "ok": False}
    ]
    assert stored["points"] == "0.00"
    assert stored["explanation_i18n"]["code"] == "assessment.rectification"


def test_the_weights_come_from_the_section():
    section = copy.deepcopy(SECTION)
    section["weights"]["monitoring"] = "30"
    facts = UnitFacts(1, alerts=[AlertFact(ref(1), True), AlertFact(ref(2), False)])
    assert part(facts, "monitoring", section).points == D("15.00")


@pytest.mark.parametrize(
    "scores,ranks",
    [
        ({"a": D(100), "b": D(90), "c": D(90), "d": D(80)}, {"a": 1, "b": 2, "c": 2, "d": 4}),
        ({"a": D(70), "b": D(70), "c": D(70)}, {"a": 1, "b": 1, "c": 1}),
        ({"z": D("80.01"), "a": D("80.00")}, {"z": 1, "a": 2}),
        ({}, {}),
    ],
)
def test_rank_shares_ties_and_skips_after_them(scores, ranks):
    assert rank(scores) == ranks


@pytest.mark.parametrize(
    "computed,adjustment,score",
    [
        (D("95"), D("10"), D("100")),
        (D("3"), D("-5"), D("0")),
        (D("80.5"), D("-2.25"), D("78.25")),
    ],
)
def test_final_score_is_held_within_0_and_100(computed, adjustment, score):
    assert final_score(computed, adjustment) == score


@pytest.mark.parametrize(
    "done,due,as_of,expected",
    [
        (date(2021, 3, 1), date(2021, 3, 1), date(2021, 12, 31), True),
        (date(2021, 3, 2), date(2021, 3, 1), date(2021, 12, 31), False),
        (None, date(2021, 3, 1), date(2021, 12, 31), False),
        (None, date(2022, 3, 1), date(2021, 12, 31), None),
        (None, None, date(2021, 12, 31), None),
    ],
)
def test_on_time_is_none_until_the_deadline_comes(done, due, as_of, expected):
    assert on_time(done, due, as_of) is expected
