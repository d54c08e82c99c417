"""What the lint keeps for the words of a row, not its numbers (issue 16, part 2, sixteenth
pass): `process_word` (T11, asked by T10, T19–T21), T19's homes of a row and T20's reading of
a row are kept per rules mapping by keys without the numbers, so rows that differ only in their
numbers share them. Where a region's word list holds a digit, the whole text decides, and
the findings are those of a lint with nothing kept."""

import copy

from jixiao.core.rule_messages import message_data
from jixiao.targets import lint_base, lint_meaning
from jixiao.targets.declaration import IndicatorLine
from jixiao.targets.lint import lint
from jixiao.targets.tests.test_lint import CLASSIC, declare, line, of, rows

LINT, CATALOGUE = CLASSIC.section("lint"), CLASSIC.section("catalogue")


def _lint(declaration, rules):
    return lint(declaration, rules=rules, catalogue=CATALOGUE)


def _kept_as_fresh(rules, added: list) -> list:
    """Each row added to the good rows, linted with one mapping kept across them in both
    orders, against each linted with a mapping of its own (nothing kept); the fresh results."""
    declarations = [declare(rows(add=[row])) for row in added]
    fresh = [_lint(d, copy.deepcopy(rules)) for d in declarations]
    for order in (range(len(added)), reversed(range(len(added)))):
        kept = copy.deepcopy(rules)
        for n in order:
            assert _lint(declarations[n], kept) == fresh[n], n
    return fresh


def _counting(monkeypatch, module, name) -> list:
    asked, real = [], getattr(module, name)

    def counted(*args):
        asked.extend(a.value.original for a in args if isinstance(a, IndicatorLine))
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return asked


def test_rows_that_differ_only_in_their_numbers_share_the_answers(monkeypatch):
    monkeypatch.setattr(lint_base, "_ANSWERS", {})  # room for this test's stores
    process = _counting(monkeypatch, lint_base, "_process_word")
    measures = _counting(monkeypatch, lint_meaning, "_t19_homes")
    inputs = _counting(monkeypatch, lint_meaning, "_input_decided")
    rules = copy.deepcopy(LINT)
    first = _lint(declare(rows(add=[line("产出指标", "时效指标", "新增停车位", "≥400个")])), rules)
    assert "≥400个" in process and "≥400个" in measures and "≥400个" in inputs
    other = declare(rows(add=[line("产出指标", "时效指标", "新增停车位", "≥500个")]))
    fresh = _lint(other, copy.deepcopy(LINT))
    process.clear(), measures.clear(), inputs.clear()
    assert _lint(other, rules) == fresh
    assert "≥500个" not in process and "≥500个" not in inputs
    assert "≥500个" not in measures and [f.code for f in first.findings] == ["T05", "T19"]


def test_a_region_process_word_with_a_digit_keeps_the_whole_text():
    """A region's T11 `process_words` with "12345" (a hotline's number): "≥12345件" holds it,
    "≥54321件" does not, whichever is linted first."""
    rules = copy.deepcopy(LINT)
    rules["T11"]["process_words"] = [*rules["T11"]["process_words"], "12345"]
    added = [line("产出指标", "数量指标", "热线受理", v) for v in ("≥12345件", "≥54321件")]
    found, missed = _kept_as_fresh(rules, added)
    assert [f.indicator for f in of(found, "T11")] == [9] and of(missed, "T11") == []


def test_a_region_measure_with_a_digit_keeps_the_whole_text():
    """A region's T19 `measures` of 时效指标 with "400个": a row showing it fits there, the
    same row with another number is misfiled, in either order."""
    rules = copy.deepcopy(LINT)
    rules["T19"]["measures"]["时效指标"] = [*rules["T19"]["measures"]["时效指标"], "400个"]
    added = [line("产出指标", "时效指标", "新增停车位", v) for v in ("≥400个", "≥500个")]
    fits, misfiled = _kept_as_fresh(rules, added)
    assert of(fits, "T19") == [] and [f.indicator for f in of(misfiled, "T19")] == [9]


def test_a_money_value_counted_as_an_output_names_each_rows_own_text():
    """T20's word for money on a name of no money word is the value's text: a row sharing
    the kept reading with another number still names its own."""
    added = [line("产出指标", "数量指标", "完成工程量", v) for v in ("≥1800万元", "≥2000万元")]
    results = _kept_as_fresh(LINT, added)
    words = [message_data(of(r, "T20")[0].message)["params"]["word"] for r in results]
    assert words == ["≥1800万元", "≥2000万元"]


def test_a_list_with_a_digit_anywhere_in_its_words_masks_nothing():
    assert lint_base._masks_digits([["资金", "到位"], ["拨付"]]) is True
    assert lint_base._masks_digits([["资金"], ["12345热线"]]) is False
    assert lint_base._masks_digits([["５Ｇ基站"]]) is False  # a full-width digit, normalised


def test_t19_words_taken_from_the_value_are_each_rows_own():
    """T19's homes kept without the numbers: a deadline's text, a count's or a unit cost's
    display in the finding are those of the row linted, not of the row first kept."""
    for name, sub, values in (
        ("工程完工", "数量指标", ("2022年12月31日前", "2022年11月30日前")),
        ("路灯", "质量指标", ("≥30个", "≥40个")),
        ("户均补助", "数量指标", ("≤500元/户", "≤600元/户")),
    ):
        results = _kept_as_fresh(LINT, [line("产出指标", sub, name, v) for v in values])
        words = [message_data(of(r, "T19")[0].message)["params"]["what"] for r in results]
        assert [w["params"]["word"] for w in words] == list(values)
