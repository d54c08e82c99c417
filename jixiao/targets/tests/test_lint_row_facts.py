"""A row's facts are found once and kept per rules mapping (lint_base.RowFacts): a row seen
again in another declaration gets the findings it would get in a fresh process, with its own
position, its own project's name and its own rules."""

import copy

from jixiao.targets.lint import lint
from jixiao.targets.tests.test_lint import AMOUNTS_3000, CLASSIC, declare, line, of, rows

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


def _distinct_rows(start: int, count: int):
    return tuple(
        line("产出指标", "数量指标", f"购买设备{n}台", f"≥{n}台")
        for n in range(start, start + count)
    )


def test_the_facts_of_every_rules_mapping_together_stay_within_the_bound(monkeypatch):
    """A web worker lints under several rulebook versions: the facts it keeps for all of them
    together never pass `_FACTS_KEPT` (about 1 KB a fact), and the findings do not change."""
    from jixiao.targets import lint_base

    monkeypatch.setattr(lint_base, "_FACTS", {})
    monkeypatch.setattr(lint_base, "_FACTS_KEPT", 40)
    mappings = [copy.deepcopy(LINT) for _ in range(3)]
    fresh = []
    for number, rules in enumerate(mappings * 2):
        declaration = declare(_distinct_rows(number * 12, 12))
        result = lint_with_kept_rules(declaration, rules)
        kept = sum(len(store) for _r, _c, store in lint_base._FACTS.values())
        assert kept <= 40
        fresh.append((result, declaration, rules))
    for result, declaration, rules in fresh:
        monkeypatch.setattr(lint_base, "_FACTS", {})
        assert lint_with_kept_rules(declaration, rules) == result


def test_a_mapping_filling_the_bound_empties_its_own_store_and_keeps_linting(monkeypatch):
    from jixiao.targets import lint_base

    monkeypatch.setattr(lint_base, "_FACTS", {})
    monkeypatch.setattr(lint_base, "_FACTS_KEPT", 30)
    sizes = []
    for number in range(5):
        lint_with_kept_rules(declare(_distinct_rows(number * 12, 12)))
        sizes.append(sum(len(store) for _r, _c, store in lint_base._FACTS.values()))
    assert max(sizes) <= 30
    assert sizes[:2] == [12, 24]  # kept while there is room


def test_the_word_lists_answers_together_stay_within_their_bound(monkeypatch):
    from jixiao.targets import lint_base

    monkeypatch.setattr(lint_base, "_WORD_ANSWERS_KEPT", 50)
    monkeypatch.setattr(lint_base, "_WORD_ANSWERS", [0])
    lint_base._forget_word_answers()  # what earlier lints in this process found
    results = []
    for number in range(6):
        monkeypatch.setattr(lint_base, "_FACTS", {})  # each row asks its word lists afresh
        declaration = declare(_distinct_rows(number * 12, 12))
        results.append((declaration, lint_with_kept_rules(declaration)))
        lists = {id(e): e for _w, e in lint_base._WORD_LISTS.values()}
        held = sum(len(e.answers) for e in lists.values())
        assert held <= 50
    for declaration, result in results:
        monkeypatch.setattr(lint_base, "_FACTS", {})
        assert lint_with_kept_rules(declaration) == result


def test_the_checks_answers_together_stay_within_their_bound(monkeypatch):
    """Each store is asked for before a check adds its answers: together they hold at most the
    bound and what one check added to each since."""
    from jixiao.targets import lint_base

    monkeypatch.setattr(lint_base, "_ANSWERS", {})
    monkeypatch.setattr(lint_base, "_CHECK_ANSWERS_KEPT", 8)
    mappings = [copy.deepcopy(LINT) for _ in range(3)]
    for number in range(40):
        for rules in mappings if number < 20 else mappings[:1]:
            store = lint_base.answers_for(rules, "T12")
            store.update({f"{number}-{n}": None for n in range(3)})
            assert sum(len(s) for _r, s in lint_base._ANSWERS.values()) <= 8 + 3 * 3


def test_rows_kept_across_projects_get_a_fresh_stores_findings_in_any_order(monkeypatch):
    """The checks skip a row once its kept facts say it is quiet (T18's unit cost, T19 after
    T20's input word, T20's word): a quiet verdict that hangs on the project's name (the
    supplies a stockpile delivers) is not kept, and a unit cost's T18 still multiplies."""
    from jixiao.targets import lint_base

    filed_as_quality = line("产出指标", "质量指标", "购买防疫物资", "≥20批")
    declarations = [
        declare(rows(add=[filed_as_quality]), project_name="2023年中心小学运转经费"),
        declare(rows(add=[filed_as_quality]), project_name="2024年县级应急物资储备项目"),
        declare(amounts=AMOUNTS_3000),
        declare(rows(add=[VAGUE, BUYING])),
    ]
    fresh = []
    for declaration in declarations:
        monkeypatch.setattr(lint_base, "_FACTS", {})
        fresh.append(lint_with_kept_rules(declaration))
    # the school buys supplies for itself (T20); the stockpile delivers them, filed under 质量
    assert [(f.code, f.indicator) for f in fresh[0].findings if f.indicator == 9] == [("T20", 9)]
    assert [(f.code, f.indicator) for f in fresh[1].findings if f.indicator == 9] == [("T19", 9)]
    assert of(fresh[2], "T18")
    monkeypatch.setattr(lint_base, "_FACTS", {})
    for order in (declarations, declarations[::-1], declarations * 2):
        for declaration in order:
            assert lint_with_kept_rules(declaration) == fresh[declarations.index(declaration)]
