"""The lint keeps a check's answers for a row per rules mapping (lint_base.answers_for): a
region's own words still count after the national ones were asked about the same row, and a
row asked again gets the same findings."""

import copy

from jixiao.targets.tests.test_lint import CLASSIC, declare, line, of, rows, run

COVERAGE_LE = declare(rows(add=[line("效益指标", "社会效益指标", "小区雨污分流覆盖率", "≤90%")]))
SAVING_GE = declare(rows(add=[line("产出指标", "成本指标", "节约改造成本比例", "≥5%")]))


def test_a_row_linted_twice_gets_the_same_t12_finding():
    first, second = run(COVERAGE_LE), run(COVERAGE_LE)
    assert [f.indicator for f in of(first, "T12")] == [9]
    assert of(second, "T12") == of(first, "T12")


def test_other_rules_with_other_t12_words_are_not_answered_from_the_national_ones():
    assert of(run(SAVING_GE), "T12") == []  # a saving is exempt under the national words
    lint_rules = copy.deepcopy(CLASSIC.section("lint"))
    lint_rules["T12"]["drop_words"] = []
    lint_rules["T12"]["exempt_words"] = []
    lint_rules["T12"]["ceiling_words"] = [*lint_rules["T12"]["ceiling_words"], "节约"]
    [t12] = of(run(SAVING_GE, lint_rules=lint_rules), "T12")
    assert t12.indicator == 9
    assert of(run(SAVING_GE), "T12") == []  # and the national answer is kept as it was
