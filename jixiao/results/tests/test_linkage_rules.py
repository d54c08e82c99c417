"""The linkage table (results.linkage) on worked examples, with the default "linkage" section."""

import copy
from decimal import Decimal as D

import pytest

from jixiao.core.rule_messages import render
from jixiao.results.linkage import (
    ProjectResults,
    SimulationRow,
    grade_that_counts,
    propose,
    similar,
    similarity,
    simulate,
)
from jixiao.results.rules import LINKAGE_DEFAULTS

SECTION = copy.deepcopy(LINKAGE_DEFAULTS)


def results(amount="100.00", rate="0.95", rect=0, **grades):
    return ProjectResults(
        current_amount=D(amount),
        grades=grades,
        open_rectifications=rect,
        execution_rate=None if rate is None else D(rate),
    )


# (grades, open rectifications, execution rate, amount) → rule, proposed amount, grade, source
CASES = [
    # 优 grows 10%, 良 5%
    ({"rules": "优"}, 0, "0.95", "100.00", "grow", "110.00", "优", "rules"),
    ({"rules": "良"}, 0, "0.95", "200.00", "grow", "210.00", "良", "rules"),
    # 中 keeps this year's amount
    ({"rules": "中"}, 0, "0.95", "80.50", "keep", "80.50", "中", "rules"),
    # 差 is cut 30%: 123.45 × 0.7 = 86.415 → 86.42 (half up)
    ({"rules": "差"}, 0, "0.95", "123.45", "cut", "86.42", "差", "rules"),
    # the key evaluation's grade counts first, then the spot check, the reviewer's, the rules'
    ({"key_evaluation": "差", "rules": "优"}, 0, "0.95", "100", "cut", "70.00", "差", "key_evaluation"),
    ({"spot_check": "中", "reviewed": "优", "rules": "优"}, 0, "0.95", "100", "keep", "100.00",
     "中", "spot_check"),
    ({"reviewed": "良", "rules": "中"}, 0, "0.95", "100", "grow", "105.00", "良", "reviewed"),
    # no grade anywhere: the no_grade row (keep)
    ({}, 0, "0.95", "50", "keep", "50.00", "", ""),
    # an open rectification caps growth at keep
    ({"rules": "优"}, 2, "0.95", "100", "keep", "100.00", "优", "rules"),
    # but not a cut
    ({"rules": "差"}, 1, "0.95", "100", "cut", "70.00", "差", "rules"),
    # an execution rate below 80% caps growth at keep; 80% exactly does not
    ({"rules": "良"}, 0, "0.7999", "100", "keep", "100.00", "良", "rules"),
    ({"rules": "良"}, 0, "0.8000", "100", "grow", "105.00", "良", "rules"),
    # no execution rate known: no cap
    ({"rules": "优"}, 0, None, "100", "grow", "110.00", "优", "rules"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("grades", "rect", "rate", "amount", "rule", "proposed", "grade", "source"), CASES
)
def test_propose_follows_the_table(grades, rect, rate, amount, rule, proposed, grade, source):
    proposal = propose(results(amount, rate, rect, **grades), SECTION)
    assert proposal.rule == rule
    assert proposal.proposed_amount == D(proposed)
    assert (proposal.grade, proposal.grade_source) == (grade, source)
    assert proposal.difference == D(proposed) - D(amount)


def test_cancel_is_never_proposed_by_default_but_the_rulebook_may_say_so():
    assert propose(results(**{"rules": "差"}), SECTION).rule == "cut"
    section = copy.deepcopy(SECTION) | {"cancel_grades": ["差"]}
    proposal = propose(results(**{"rules": "差"}), section)
    assert (proposal.rule, proposal.proposed_amount) == ("cancel", D("0.00"))


def test_edited_percentages_change_the_proposal():
    section = copy.deepcopy(SECTION)
    section["table"]["优"]["percent"] = "20"
    section["table"]["差"]["percent"] = "-50"
    assert propose(results("100", **{"rules": "优"}), section).proposed_amount == D("120.00")
    assert propose(results("100", **{"rules": "差"}), section).proposed_amount == D("50.00")


def test_a_keep_row_with_a_positive_percent_still_gives_no_new_money():
    section = copy.deepcopy(SECTION)
    section["table"]["中"]["percent"] = "5"
    assert propose(results("100", **{"rules": "中"}), section).proposed_amount == D("100.00")


def test_the_reason_and_the_explanation_say_why_and_render_from_their_codes():
    proposal = propose(results("100", "0.5", 1, **{"reviewed": "优"}), SECTION)
    reason = str(proposal.reason)
    assert reason.startswith("评价等级“优”（审核后等级）；")
    assert "有1项整改未完成" in reason
    assert "执行率50.00%低于80.00%" in reason
    assert "建议不新增（0%），安排100.00万元" in reason
    rows = proposal.explanation_rows()
    assert rows[-1]["text"] == "建议安排 = 本年预算100.00万元 × (100% 0%) = 100.00万元"
    assert [render(r["text_i18n"]) for r in rows] == [r["text"] for r in rows]


def test_grade_that_counts_ignores_grades_outside_the_table():
    assert grade_that_counts({"key_evaluation": "合格", "rules": "良"}, SECTION) == ("良", "rules")


def test_simulate_totals_by_unit_office_and_overall():
    rows = [
        SimulationRow("U1", "BIZ1", results("100", **{"rules": "优"})),  # 110
        SimulationRow("U1", "BIZ1", results("50", **{"rules": "差"})),  # 35
        SimulationRow("U2", "BIZ2", results("10", **{"rules": "中"})),  # 10
    ]
    sim = simulate(rows, SECTION)
    assert (sim.by_unit["U1"].current, sim.by_unit["U1"].proposed) == (D("150"), D("145.00"))
    assert sim.by_unit["U1"].difference == D("-5.00")
    assert sim.by_office["BIZ2"].proposed == D("10.00")
    assert (sim.total.current, sim.total.proposed, sim.total.projects) == (D("160"), D("155"), 3)
    assert sim.total.rules == {"grow": 1, "keep": 1, "cut": 1, "cancel": 0}


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("城区道路修缮工程", "城区道路修缮二期工程", True),  # 2×8/(8+10) = 0.89
        ("2021年城区道路修缮工程", "2022年度城区道路修缮工程", True),  # years ignored: 1.00
        ("城区道路修缮工程", "社区养老服务补助", False),
        ("", "社区养老服务补助", False),
    ],
)
def test_similar_names(a, b, alike):
    assert similar(a, b, SECTION) is alike


def test_similarity_is_difflibs_ratio_of_the_normalised_names():
    assert similarity("城区道路修缮工程", "城区道路修缮二期工程") == D("0.89")
    assert similarity("（2021年）学校食堂改造", "学校食堂改造") == D("1.00")
