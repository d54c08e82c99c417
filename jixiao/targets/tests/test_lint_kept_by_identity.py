"""What the lint finds again without working it out (issue 16, part 2, fifteenth pass): a row's
facts by the identity of its value and placement, T14's findings per rules mapping, and a
goal's sentence known not to be blank without cleaning it. The findings stay those of a
fresh process."""

import copy
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jixiao.indicators.quantities import clean_text, is_placeholder
from jixiao.targets import lint_base
from jixiao.targets.lint import lint
from jixiao.targets.tests.test_lint import (
    CLASSIC,
    GOAL,
    declare,
    line,
    of,
    rows,
)
from jixiao.targets.tests.test_save_rules_shared import facts_made  # noqa: F401, F811 (a fixture)

LINT, CATALOGUE = CLASSIC.section("lint"), CLASSIC.section("catalogue")


def _lint(declaration, rules=LINT):
    return lint(declaration, rules=rules, catalogue=CATALOGUE)


def _counting_row_key(monkeypatch) -> list:
    made = []
    real = lint_base.row_key

    def counted(line, placement):
        made.append(line.name)
        return real(line, placement)

    monkeypatch.setattr(lint_base, "row_key", counted)
    return made


def test_rows_sharing_their_value_and_placement_objects_are_found_without_their_key(
    monkeypatch,
):
    """An import shares the value parsed once per text and the placement made once per pair:
    the rows of a second declaration with those objects are found by their ids."""
    monkeypatch.setattr(lint_base, "_FACTS", {})
    made = _counting_row_key(monkeypatch)
    placed = tuple(
        replace(r, placement=lint_base.Placement(r.category, r.subcategory)) for r in rows()
    )
    first = _lint(declare(placed))
    assert len(made) == len(placed)
    made.clear()
    second = declare(tuple(replace(r) for r in placed), project_name="2023年同一项目")
    assert _lint(second).findings == first.findings
    assert made == []  # every row by its value's and placement's ids


def test_equal_values_in_other_objects_still_find_the_facts_by_their_key(facts_made):  # noqa: F811
    """A save parses its values anew: equal objects, other ids, the same facts."""
    first = _lint(declare())
    assert len(facts_made) == len(rows())
    facts_made.clear()
    assert _lint(declare(rows())) == first  # the same texts parsed again
    assert facts_made == []


def test_a_facts_object_is_not_taken_for_another_value_with_the_same_texts(monkeypatch):
    """The ids are checked against the objects the facts were made for: a row whose value
    differs (a rate, not a count) is judged as itself, in any order."""
    monkeypatch.setattr(lint_base, "_FACTS", {})
    count = line("产出指标", "数量指标", "项目覆盖率", "≥500户")
    rate = replace(count, value=line("产出指标", "数量指标", "项目覆盖率", "≥50%").value)
    fresh = {}
    for row in (count, rate):
        monkeypatch.setattr(lint_base, "_FACTS", {})
        fresh[row.value.original] = _lint(declare(rows(add=[row])))
    monkeypatch.setattr(lint_base, "_FACTS", {})
    for row in (count, rate, count, rate):
        assert _lint(declare(rows(add=[row]))) == fresh[row.value.original]


WEIGHTED = rows(weights=True, drop=(1,))  # 产出 40 of 50


def test_t14_findings_kept_per_rules_are_the_same_object_for_the_same_sums():
    first = of(_lint(declare(WEIGHTED)), "T14")
    again = of(_lint(declare(WEIGHTED, project_name="2023年另一项目")), "T14")
    assert first == again and first[0] is again[0]
    assert "产出指标分值合计40分" in first[0].message and "应为50分" in first[0].message


def test_t14_kept_findings_tell_apart_what_each_declaration_says():
    """The sums, the rows without a weight and the satisfaction points moved each change the
    message; a kept finding never answers for another declaration."""
    unweighted = tuple(replace(r, weight=None) if i == 0 else r for i, r in enumerate(WEIGHTED))
    no_satisfaction = tuple(r for r in WEIGHTED if r.category != "满意度指标")
    declarations = [
        declare(WEIGHTED),
        declare(unweighted),
        declare(no_satisfaction, serves_public=False),
        declare(tuple(replace(r, weight=(r.weight or 0) + Decimal("0.5")) for r in WEIGHTED)),
    ]
    fresh = []
    for declaration in declarations:
        rules = copy.deepcopy(LINT)  # a mapping of its own: nothing kept
        fresh.append([f.message for f in of(_lint(declaration, rules), "T14")])
    assert "未填分值" in fresh[1][0] and "未填分值" not in fresh[0][0]
    assert "没有满意度指标" in fresh[2][0]
    assert len({tuple(m) for m in fresh}) == 4
    for _ in range(2):
        for declaration, messages in zip(declarations, fresh, strict=True):
            assert [f.message for f in of(_lint(declaration), "T14")] == messages


@given(
    st.text(alphabet=st.sampled_from("无暂不适用空 \u3000-—/·*na#NA。老旧小区改造12"), max_size=12)
)
def test_blank_is_what_cleaning_says(text):
    assert lint_base._is_blank(text) == is_placeholder(clean_text(text))


def test_a_goal_of_a_sentence_is_not_cleaned_to_be_found_not_blank(monkeypatch):
    assert of(_lint(declare(goal="无")), "T09") and of(_lint(declare(goal="  暂 无 ")), "T09")
    cleaned = []
    real = lint_base.clean_text
    monkeypatch.setattr(lint_base, "clean_text", lambda text: cleaned.append(text) or real(text))
    lint_base._blank_text.cache_clear()
    assert lint_base._is_blank(GOAL) is False
    assert lint_base._is_blank("完成改造") is False  # four ideographs: cleaned, then judged
    assert cleaned == ["完成改造"]


def _lint_run(declaration, context, rules):
    return lint(declaration, rules=rules, catalogue=CATALOGUE, context=context)


def test_rows_quiet_in_every_check_of_one_row_are_marked_once_linted(monkeypatch):
    monkeypatch.setattr(lint_base, "_FACTS", {})
    vague = line("效益指标", "社会效益指标", "群众生活质量", "进一步提升")
    result = _lint(declare(rows(add=[vague])))
    assert [f.indicator for f in of(result, "T10")] == [9]
    [(_rules, _categories, store)] = lint_base._FACTS.values()
    quiet = {facts.name: facts.known[lint_base.QUIET] for facts in store.values()}
    assert quiet.pop("群众生活质量") is False  # T10 finds it: walked in every declaration
    assert set(quiet.values()) == {True}
    moved = _lint(declare((vague, *rows())))  # the quiet rows are passed over
    assert [f.indicator for f in of(moved, "T10")] == [0] and len(moved.findings) == 1


def test_a_deadline_read_without_a_year_is_never_quiet(monkeypatch):
    """T03 passes over a deadline without its year in a declaration without one: the same row
    in a declaration of a year is still read."""
    monkeypatch.setattr(lint_base, "_FACTS", {})
    deadline = line("产出指标", "时效指标", "改造工程完工时间", "12月底前完成", year=None)
    assert deadline.value.problems
    declaration = declare(rows(drop={4}) + (deadline,))
    assert of(_lint(replace(declaration, year=None)), "T03") == []
    assert of(_lint(declaration), "T03")


def test_every_trigger_and_near_miss_linted_with_kept_facts_in_any_order_as_fresh():
    """The lint's table of triggers and near misses, one rules mapping kept across them in
    three orders, against each linted with a mapping of its own (nothing kept)."""
    from jixiao.targets.tests.test_lint import NEAR_MISSES, TRIGGERS

    cases = [(d, x) for _c, _n, d, x, _p in TRIGGERS] + [(d, x) for _c, _n, d, x in NEAR_MISSES]
    fresh = [_lint_run(d, x, copy.deepcopy(LINT)) for d, x in cases]
    kept = copy.deepcopy(LINT)
    for order in (range(len(cases)), reversed(range(len(cases))), [*range(len(cases))] * 2):
        for n in order:
            assert _lint_run(*cases[n], kept) == fresh[n], n
