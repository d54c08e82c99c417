"""A row's facts are found once and kept per rules mapping (lint_base.RowFacts): a row seen
again in another declaration gets the findings it would get in a fresh process, with its own
position, its own project's name and its own rules."""

import copy

from jixiao.targets.lint import lint
from jixiao.targets.tests.test_lint import CLASSIC, declare, line, of, rows

LINT, CATALOGUE = CLASSIC.section("lint"), CLASSIC.section("catalogue")
BUYING = line("产出指标", "数量指标", "购买防疫物资", "≥20批")
VAGUE = line("效益指标", "社会效益指标", "群众生活质量", "进一步提升")


def lint_with_kept_rules(declaration, rules=LINT):
    """The lint with one rules mapping for every call, as an import or `jixiao lint` runs it."""
    return lint(declaration, rules=rules, catalogue=CATALOGUE)


def test_a_kept_row_is_judged_by_the_project_it_is_in_each_time():
    school = declare(rows(add=[BUYING]), project_name="2023年中心小学运转经费")
    stockpile = declare(rows(add=[BUYING]), project_name="2024年县级应急物资储备项目")
    assert [f.indicator for f in of(lint_with_kept_rules(school), "T20")] == [9]
    assert of(lint_with_kept_rules(stockpile), "T20") == []  # the supplies are its output
    assert [f.indicator for f in of(lint_with_kept_rules(school), "T20")] == [9]


def test_a_kept_row_is_reported_at_its_own_position_in_each_declaration():
    first = of(lint_with_kept_rules(declare(rows(add=[VAGUE]))), "T10")
    moved = of(lint_with_kept_rules(declare((VAGUE, *rows()))), "T10")
    assert [f.indicator for f in first] == [9] and [f.indicator for f in moved] == [0]
    assert "第10条指标“群众生活质量”" in first[0].message
    assert "第1条指标“群众生活质量”" in moved[0].message


def test_a_row_without_a_finding_keeps_none_when_linted_again():
    declaration = declare()
    assert lint_with_kept_rules(declaration) == lint_with_kept_rules(declaration)
    assert of(lint_with_kept_rules(declaration), "T10") == []


def test_other_rules_do_not_answer_from_the_facts_kept_for_the_national_ones():
    declaration = declare(rows(add=[VAGUE]))
    assert len(of(lint_with_kept_rules(declaration), "T10")) == 1
    lenient = copy.deepcopy(LINT)
    lenient["T10"]["vague_words"] = []
    lenient["T10"]["change_words"] = []
    lenient["T10"]["effort_words"] = []
    lenient["T10"]["intention_starts"] = []
    lenient["T10"]["grading_endings"] = []
    lenient["T10"]["few_words_categories"] = []
    assert of(lint_with_kept_rules(declaration, lenient), "T10") == []
    assert len(of(lint_with_kept_rules(declaration), "T10")) == 1
