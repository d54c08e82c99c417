"""Quality lint of performance target declarations (DOMAIN.md §4.4): T01–T22.

A pure module (DESIGN.md, Pure rules): standard library and other pure modules only. It
takes a `Declaration` (jixiao.targets.declaration), the rulebook's "lint" and "catalogue"
sections and an optional `LintContext`, and returns every finding with a stable code, its
severity from the rulebook, the 0-based position of the indicator it points at (or None), a
Chinese message that quotes the text concerned and says what to fix, and an explanation that
gives the rule. T13, T15 and T17 need history or sibling projects; without that context they are
listed in `skipped`. Every threshold and word list comes from the rules (jixiao.targets.rules).

Messages and explanations are `jixiao.core.rule_messages.Message`s: the Chinese text, with a
code and parameters so that the web pages render them in the user's language. Their templates
are in the table `jixiao.core.rule_messages.MESSAGES`.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import lru_cache

from jixiao.core.rule_messages import Join, Message
from jixiao.indicators.catalogue import Placement, is_cost, place_indicator
from jixiao.indicators.incidents import is_incident_name
from jixiao.indicators.units import TIME_UNITS, normalise_unit
from jixiao.indicators.values import (
    Kind,
    Op,
)

from .declaration import (
    Declaration,
    IndicatorLine,
    LintContext,
    indicator_key,
    name_hint,
    normalise_text,
    signature,
)
from .lint_base import (
    _UNKNOWN,
    QUIET,
    Finding,
    LintResult,
    Note,
    _contains,
    _grams,
    _is_blank,
    _label,
    _normalised,
    _num,
    _unplaced_hint,
    _View,
    _where,
    answers_for,
    row_check,
    row_facts,
)
from .lint_cost import check_cost_quantity_mismatch
from .lint_meaning import MEANING_CHECKS

__all__ = ["CODES", "CONTEXT_CODES", "Finding", "LintResult", "Note", "lint"]

CODES = tuple(f"T{n:02d}" for n in range(1, 23))
#: Checks that need more than the declaration itself (DOMAIN.md §4.4).
CONTEXT_CODES = ("T13", "T15", "T17")

_UP, _DOWN = (Op.GE, Op.GT), (Op.LE, Op.LT)


def lint(
    declaration: Declaration,
    *,
    rules: Mapping,
    catalogue: Mapping,
    context: LintContext | None = None,
    library: Iterable = (),
) -> LintResult:
    """Run T01–T22 (DOMAIN.md §4.4) on a declaration; never raises on any declaration.

    `rules` is the rulebook's "lint" section, `catalogue` its "catalogue" section (or the
    categories mapping alone). With `context` None, T13/T15/T17 are skipped; with a context,
    each of them is skipped when its own part of the context is None. `library`: the indicator
    library's templates (dicts or objects), for suggestions in the messages (lint_suggest).
    """
    categories = catalogue.get("categories", catalogue)
    rows = library if isinstance(library, tuple) else tuple(library)
    placements = _placements(declaration, categories)
    facts = row_facts(rules, categories, declaration, placements)
    view = _View(declaration, rules, categories, placements, rows, facts)
    findings: list[Finding] = []
    for check in _CHECKS:
        findings += check(view)
    _mark_quiet(view)
    skipped = []
    for code, context_check, needs in _CONTEXT_CHECKS:
        if context is None or all(getattr(context, part) is None for part in needs):
            skipped.append(code)
        else:
            findings += context_check(view, context)
    findings = _without_superseded(findings, rules["T02"]["supersedes"])
    findings.sort(key=lambda f: (f.code, -1 if f.indicator is None else f.indicator))
    return LintResult(tuple(findings), tuple(skipped), _notes(view))


def _mark_quiet(view: _View) -> None:
    """After every check has run: `QUIET` of each row linted here not known yet, true when
    every check of one row passes over it (`row_check`); later declarations skip it then."""
    for i in view.loud:
        facts = view.facts[i]
        if QUIET not in facts.known:
            facts.known[QUIET] = all(quiet(view, i) for quiet in _ROW_QUIET)


def _without_superseded(findings: list[Finding], codes) -> list[Finding]:
    """A row without a target (T02) is reported once: what it measures (T19–T21) cannot be
    judged on a row left empty."""
    empty = {f.indicator for f in findings if f.code == "T02"}
    return [f for f in findings if not (f.code in codes and f.indicator in empty)]


def _placements(declaration: Declaration, categories: Mapping) -> tuple[Placement, ...]:
    key = tuple((c, tuple(subs)) for c, subs in categories.items())
    return tuple(
        line.placement or _place(line.category, line.subcategory, key)
        for line in declaration.indicators
    )


@lru_cache(maxsize=8192)
def _place(category: str, subcategory: str, key: tuple) -> Placement:
    return place_indicator(category, subcategory, dict(key))


def _notes(view: _View) -> tuple[Note, ...]:
    return tuple(
        Note(i, Message("lint.note", label=_label(i, line), problems=Join(p.problems, "clauses")))
        for i, line, p in view.rows()
        if p.problems
    )


# --------------------------------------------------------------------------- T01–T04


def check_no_indicators(view: _View) -> list[Finding]:
    """T01 no_indicators: the goal is not broken down into indicators (no indicator rows)."""
    if view.lines:
        return []
    return [view.finding("T01", None, Message("lint.T01"), Message("lint.T01.why"))]


@row_check(quiet=lambda view, i: not view.facts[i].empty)  # a row with a target
def check_missing_value(view: _View) -> list[Finding]:
    """T02 missing_value: an indicator has no target value, or only a placeholder (§4.2)."""
    found = []
    for i, line, _p, facts in view.loud_rows():
        if facts.empty:
            written = line.value.original.strip()
            if written:
                shown = Message("lint.T02.placeholder", written=written)
            else:
                shown = Message("lint.T02.empty")
            msg = Message("lint.T02", label=_label(i, line), shown=shown)
            found.append(view.finding("T02", i, msg, Message("lint.T02.why")))
    return found


# a deadline without its year has problems: never quiet, the declaration's year decides
@row_check(quiet=lambda view, i: not _unreadable(view.lines[i].value))
def check_unreadable_value(view: _View) -> list[Finding]:
    """T03 unreadable_value: a value with an operator or unit but no number, or a date that
    cannot be read (DOMAIN.md §4.2); the parser's problem is quoted. A deadline without a year
    ("12月底前") in a declaration without a year is not the row's fault, so not a finding."""
    found = []
    no_year = view.declaration.year is None
    for i, line, _p, _facts in view.loud_rows():
        value = line.value
        if value.kind == Kind.DEADLINE and no_year:
            continue
        if _unreadable(value):
            problems = Join(value.problems, "clauses")
            msg = Message("lint.T03", label=_label(i, line), problems=problems)
            found.append(view.finding("T03", i, msg, value.explain()))
    return found


def _unreadable(value) -> bool:
    """T03's question of a value: read as more than missing, with a problem."""
    return value.kind != Kind.MISSING and bool(value.problems)


@row_check(quiet=lambda view, i: not _needs_unit(view.lines[i], view.facts[i]))
def check_missing_unit(view: _View) -> list[Finding]:
    """T04 missing_unit: a quantitative value without a measure unit. Zero needs none, and a
    unit written in the name's brackets ("开展修复工程（个）") is the unit."""
    found = []
    for i, line, _p, facts in view.loud_rows():
        if _needs_unit(line, facts):
            msg = Message("lint.T04", label=_label(i, line), value=line.value.original.strip())
            found.append(view.finding("T04", i, msg, Message("lint.T04.why")))
    return found


def _needs_unit(line: IndicatorLine, facts) -> bool:
    """T04's question of a row: a number read without a problem, no unit in its cell or name."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.problems or value.unit or not value.number:
        return False
    return not facts.ask("unit_in_name", _unit_in_name, line.name)


def _unit_in_name(name: str) -> bool:
    """True when the name ends in a bracketed unit: "（个）", "(万元)", "(≥**%)"."""
    return name_hint(name)[1] is not None


# --------------------------------------------------------------------------- T05–T09


def check_identical_across_subcategories(view: _View) -> list[Finding]:
    """T05: the same indicator under two subcategories: the same name, or, where names are
    missing, the same value (2021 summary: "数量、质量、时效和成本指标完全一致")."""
    found: list[Finding] = []
    seen: dict[tuple[str, object], list[int]] = {}
    facts = view.facts
    for i, line, _p, row in view.rows_with_facts():
        sub = row.sub_key
        if row.norm_name:
            key = ("name", row.norm_name)
        elif line.value.kind != Kind.MISSING:
            key = ("value", row.ask("T05", _shown_key, line))
        else:
            continue
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = [i]  # most rows: the first of their name
            continue
        other = next((j for j in earlier if sub and facts[j].sub_key not in ("", sub)), None)
        earlier.append(i)
        if other is not None:
            found.append(
                view.finding(
                    "T05",
                    i,
                    _t05_message(view, i, other, key[0]),
                    Message("lint.T05.why"),
                )
            )
    return found


def _shown_key(line: IndicatorLine) -> str:
    """T05's key of a row without a name: its value as shown, normalised."""
    return normalise_text(line.value.display())


def _t05_message(view: _View, i: int, j: int, by: str) -> str:
    line, first = view.lines[i], view.lines[j]
    here, there = _where(line), _where(first)
    if by == "name":
        label = _label(i, line)
        return Message("lint.T05.same_name", label=label, other=j + 1, there=there, here=here)
    value = line.value.original.strip()
    return Message("lint.T05.same_value", n=i + 1, value=value, other=j + 1, there=there, here=here)


def check_missing_output_subcategory(view: _View) -> list[Finding]:
    """T06: one finding for each of 数量/质量/时效/成本 with no indicator; 数量 blocks, the
    others warn; 成本 follows the catalogue (a subcategory of 产出, or first-level in 2021)."""
    if not view.lines:
        return []  # T01 says it all
    rules = view.rules["T06"]
    names = {p.subcategory for p in view.placements} | {p.category for p in view.placements}
    found = []
    for required in rules["required"]:
        is_category = required in view.categories
        known = is_category or any(required in subs for subs in view.categories.values())
        if not known or required in names:
            continue
        blocking = required in rules["blocking_required"]
        hint = _t06_hint(view, required, is_category)
        msg: str = Message("lint.T06", required=required, hint=hint)
        msg = view.suggested(msg, under=[required], about=[view.declaration.goal or ""])
        found.append(view.finding("T06", None, msg, Message("lint.T06.why"), blocking=blocking))
    return found


def _t06_hint(view: _View, required: str, is_category: bool) -> str:
    """Rows that look like `required` but are not placed there (a classic 产出/成本 row under
    the 2021 catalogue), else the rows that could not be placed at all."""
    core = required.removesuffix("指标")
    near = [
        str(i + 1)
        for i, line, p in view.rows()
        if core in normalise_text(line.subcategory) + normalise_text(line.category)
        and required not in (p.category, p.subcategory)
    ]
    if not near:
        return _unplaced_hint(view)
    where = _where(view.lines[int(near[0]) - 1])
    if is_category:
        subs = Join(view.categories[required])
        code = "lint.T06.near_category"
        return Message(code, rows=Join(near), where=where, required=required, subs=subs)
    return Message("lint.T06.near", rows=Join(near), where=where, required=required)


def _missing_category(view: _View, code: str) -> list[Finding]:
    """T07/T08: no indicator of the rules' category (messages lint.T07 and lint.T08)."""
    category = view.rules[code]["category"]
    if not view.lines or any(p.category == category for p in view.placements):
        return []
    subs = Join(view.categories.get(category, ())) or category
    advice = Message(f"lint.{code}.advice", subs=subs)
    msg: str = Message("lint.missing_category", category=category, advice=advice,
                       hint=_unplaced_hint(view))  # fmt: skip
    under = [category, *view.categories.get(category, ())]
    msg = view.suggested(msg, under=under, about=[view.declaration.goal or ""])
    return [view.finding(code, None, msg, Message(f"lint.{code}.why"))]


def check_missing_benefit(view: _View) -> list[Finding]:
    """T07 missing_benefit: no 效益 indicator."""
    return _missing_category(view, "T07")


def check_missing_satisfaction(view: _View) -> list[Finding]:
    """T08 missing_satisfaction: no 满意度 indicator, unless the project serves no public or
    client group (serves_public false, or a staff-cost item: its name holds a word of rules T08
    `staff_cost_words`, 工资, 人员经费 …, whose only clients are the unit's own staff)."""
    if view.declaration.serves_public is False:
        return []
    if _contains(view.declaration.project_name or "", view.rules["T08"]["staff_cost_words"]):
        return []
    words = view.rules["T08"]["name_words"]
    for facts in view.facts:  # `facts.ask` in line: every row of every declaration
        word = facts.known.get("T08", _UNKNOWN)
        if word is _UNKNOWN:
            word = facts.known["T08"] = _contains(facts.name, words)
        if word:
            return []  # there is one, filed elsewhere: T19 says where it belongs
    return _missing_category(view, "T08")


def check_goal_empty(view: _View) -> list[Finding]:
    """T09 goal_empty: no annual goal text (年度总体目标); a goal cell holding only a number
    (the amount, copied into the wrong cell) has no text either."""
    goal = view.declaration.goal
    if goal is not None and not _is_blank(goal) and any(c.isalpha() for c in goal):
        return []
    return [view.finding("T09", None, Message("lint.T09"), Message("lint.T09.why"))]


# --------------------------------------------------------------------------- T10–T12


@row_check(quiet=lambda view, i: view.facts[i].known.get("T10") is False)  # verdict kept: none
def check_vague_qualitative(view: _View) -> list[Finding]:
    """T10 vague_qualitative: wording with nothing to verify ("进一步提升" ...), boilerplate as
    the whole value ("效果明显", "达成预期指标", "有效", "良好"), or "100%" on an indicator whose
    name names no rate. Word lists: rules T10."""
    rules, found, boilerplate = view.rules["T10"], [], None
    # the incident words of T02, which the value parser reads "无" with (`_no_incident`)
    rules = {**rules, "incident_words": view.rules["T02"]}
    for i, line, p, facts in view.loud_rows():
        if facts.known.get("T10") is False:
            continue  # most rows: a row's verdict is one of its facts, found once
        if boilerplate is None:
            boilerplate = {normalise_text(w) for w in rules["boilerplate"]}
        message = _t10_row(i, line, p, rules, boilerplate, view.process_word(i))
        facts.known["T10"] = message is not None
        if message is None:
            continue
        under = [p.subcategory or line.subcategory]
        msg = view.suggested(message[0], under=under, about=[line.name])
        found.append(view.finding("T10", i, msg, message[1]))
    return found


def _t10_row(i: int, line: IndicatorLine, p: Placement, rules: Mapping, boilerplate, process):
    """`_t10_message` of row `i`, with what it reads of the row's placement."""
    cost = (
        line.value.kind == Kind.QUALITATIVE
        and (p.subcategory or line.subcategory) in rules["money_cost_subcategories"]
        and line.subcategory not in rules["word_cost_subcategories"]
    )
    return _t10_message(i, line, rules, boilerplate, p.category, process, cost,
                        p.subcategory or line.subcategory)  # fmt: skip


def _t10_message(
    i: int,
    line: IndicatorLine,
    rules: Mapping,
    boilerplate: set,
    category=None,
    process: str | None = None,
    cost: bool = False,
    subcategory: str | None = None,
):
    """(message, explanation) for the first T10 problem of a row, or None. A fund-management
    measure (`process`, lint_base.process_word) is T11's, not a vague value; a cost line with
    words and no amount is vague."""
    value = line.value
    if value.kind == Kind.QUALITATIVE:
        label = _label(i, line)
        text = (value.text or value.original).strip()
        if _yes_to_a_fact(line, normalise_text(text), rules):
            return None  # "是" to "是否建立…机制": an inspection confirms it or not
        if normalise_text(text) in rules["category_boilerplate"].get(category, ()):
            return (
                Message("lint.T10.boilerplate", label=label, text=text),
                Message("lint.T10.boilerplate.why"),
            )
        if _restates(normalise_text(text), normalise_text(line.name), rules):
            return (
                Message("lint.T10.restates_name", label=label),
                Message("lint.T10.restates_name.why"),
            )
        wording = _t10_wording(label, text, rules, boilerplate)
        if wording or process or any(c.isdigit() for c in text):
            return wording
        if _few_words(line, text, category, rules):
            return (
                Message("lint.T10.few_words", label=label, text=text, category=category),
                Message("lint.T10.few_words.why", category=category, n=rules["few_words_chars"]),
            )
        if not cost:
            return None
        return (
            Message("lint.T10.cost_no_amount", label=label, text=text),
            Message("lint.T10.cost_no_amount.why"),
        )
    if not process and _slogan_name(line, rules):
        return (
            Message("lint.T10.slogan_name", label=_label(i, line), value=value.original.strip()),
            Message("lint.T10.slogan_name.why"),
        )
    if not process and _partial_answer(line, rules):
        return (
            Message("lint.T10.question_share", label=_label(i, line), value=value.original.strip()),
            Message("lint.T10.question_share.why"),
        )
    if (
        value.kind == Kind.QUANTITATIVE
        and value.unit == "%"
        and value.number
        and (
            value.number == Decimal(rules["full_percent"])
            or category in rules["any_percent_categories"]
        )
        and not _contains(f"{line.name}{value.original}", rules["rate_words"])
        and not _contains(value.original, rules["change_words"])
        and not _change_name(line, rules)
        and not _comparison_name(line, rules)
        and not normalise_text(line.name).endswith(_endings(rules["rate_roots"]))
        and not process
        and not _all_of_them(line, subcategory, rules)
    ):
        return (
            Message("lint.T10.full_percent", label=_label(i, line), value=value.original.strip()),
            Message("lint.T10.full_percent.why"),
        )
    return None


#: "指标3:" before a name: the form's numbering, no part of what is measured.
_NUMBERING_RE = re.compile(r"^指标\d+[:：.、]?")


def _all_of_them(line: IndicatorLine, subcategory: str | None, rules: Mapping) -> bool:
    """A short name under one of rules T10 `all_of_them_subcategories` (质量) stating what each
    item or person must reach ("保障贫困孤儿完成学业", "食品经营环节风险分级"): "100%" there
    says all of them, the share a reviewer checks, as on "验收合格". Not a sentence (longer
    than `short_value_chars`), nor a name ending in an activity or a topic with no state to
    count (`no_state_endings`: 管理, 施工, 情况, 结果 …), nor one naming only a level of
    the catalogue ("质量指标")."""
    if subcategory not in rules["all_of_them_subcategories"]:
        return False
    name = _NUMBERING_RE.sub("", normalise_text(line.name))
    if not name or len(name) > int(rules["short_value_chars"]) or name.endswith("指标"):
        return False
    return not name.endswith(_endings(rules["no_state_endings"]))


def _change_name(line: IndicatorLine, rules: Mapping) -> bool:
    """A short name (rules T10 `short_value_chars`) holding a change word, with a percentage
    other than 100 ("农户收入增加 ≥8%", "办事时间缩短 ≥30%"): the value says by how much the
    named thing changes, which a reviewer checks against the year before (rules T10
    `change_names`). A long name is a sentence of wishes and 100% of a change says nothing."""
    if not rules["change_names"] or line.value.number == Decimal(rules["full_percent"]):
        return False
    name = normalise_text(line.name)
    return len(name) <= int(rules["short_value_chars"]) and bool(
        _contains(name, rules["change_words"])
    )


def _comparison_name(line: IndicatorLine, rules: Mapping) -> bool:
    """A name comparing what is measured with another quantity or a period (rules T10
    `name_comparison_words`: "种薯亩均收入较鲜薯亩均收入 ≥5%", "农药使用量较上年减少 2%"), with a
    percentage other than 100: the value says by how much they differ, which a reviewer checks.
    Not a name ending in a grading word ("效果较好", `grading_endings`)."""
    if line.value.number == Decimal(rules["full_percent"]):
        return False
    name = normalise_text(line.name)
    if not _contains(name, rules["name_comparison_words"]):
        return False
    return not name.endswith(_endings(rules["grading_endings"]))


def _yes_to_a_fact(line: IndicatorLine, norm: str, rules: Mapping) -> bool:
    """True when the value is a yes (rules T10 `yes_answers`) to a name that asks about a fact
    (`question_words` and none of `change_words`, `intention_words`, `effort_words`:
    "是否建立长效管护机制", "相关手续是否完备") or states a comparison with a named reference
    (`_compares`: "种薯采购价格不高于市场价") or an outcome (`outcome_words`: "不发生规模性
    返贫"): an inspection confirms it or not, so it is no boilerplate, few words or cost
    without an amount. "是否提高教学质量 是" stays vague."""
    if norm not in _endings(rules["yes_answers"]):
        return False  # nearly every value: a two-entry list, normalised once (cached)
    if _compares(line.name, rules) or _contains(line.name, rules["outcome_words"]):
        return True  # "不高于市场价", "守住不发生规模性返贫底线": confirmed or not
    if not _contains(line.name, rules["question_words"]):
        return False
    judged = ("change_words", "intention_words", "effort_words", "vague_words")
    return not any(_contains(line.name, rules[key]) for key in judged)


def _endings(words) -> tuple[str, ...]:
    """A rules word list normalised, for `str.endswith`."""
    return tuple(n for _w, n in _normalised(tuple(words)) if n)


def _few_words(line: IndicatorLine, text: str, category: str | None, rules: Mapping) -> bool:
    """A value of a few words (rules T10 `few_words_chars`) and no number under one of
    `few_words_categories` (效益, 满意度) that neither compares with a baseline, follows a
    schedule, answers "none" nor names a class or ends in a grade (`checkable_words`,
    `grade_endings`, `_compares`), on a row that does not say its category does not apply
    (`not_applicable_words`, `_denies_own_category`): an effect stated so is a judgment
    ("效果佳", "作用大") whatever its words, and cannot be checked."""
    if category not in rules["few_words_categories"]:
        return False
    norm = normalise_text(text)
    if not norm or len(norm) > int(rules["few_words_chars"]):
        return False
    if _contains(text, rules["checkable_words"]) or _numeral_count(norm, rules):
        return False
    if norm.endswith(_endings(rules["grade_endings"])):
        return False  # a grade of an official scale ("空气质量 优良")
    if _compares(text, rules) or _no_incident(line.name, norm, rules):
        return False
    written = f"{line.name}|{text}"
    if _contains(written, rules["not_applicable_words"]):
        return False
    return not _denies_own_category(written, line.subcategory, category, rules)


def _no_incident(name: str, norm: str, rules: Mapping) -> bool:
    """True when a question whether an unwanted event happens ("是否发生重大安全事故") is
    answered no (rules T10 `no_answers`): none happens, which an inspection confirms. The
    incident words are lint → T02's, which the value parser reads "无" with."""
    if norm not in {normalise_text(w) for w in rules["no_answers"]}:
        return False
    return bool(_contains(name, rules["question_words"])) and is_incident_name(
        name, rules["incident_words"]
    )


def _compares(text: str, rules: Mapping) -> bool:
    """True when a value compares with a baseline: a comparison word (rules T10
    `comparison_words`: 超, 高于, 不低于 …) and what it is compared with, a period or a
    standard (`baseline_marks`: 年, 期, 平均, 标准 …): "超上年度", "高于全省平均"."""
    return bool(_contains(text, rules["comparison_words"])) and bool(
        _contains(text, rules["baseline_marks"])
    )


def _denies_own_category(written: str, subcategory: str, category: str | None, rules) -> bool:
    """True when the row says its own category does not apply: a word of rules T10
    `denial_words` (无, 没有, 不产生) right before the name of its subcategory or category,
    read from the catalogue ("社会公益服务无经济效益" under 经济效益指标)."""
    norm = normalise_text(written)
    stems = {normalise_text(level or "").removesuffix("指标") for level in (subcategory, category)}
    denials = [n for _w, n in _normalised(tuple(rules["denial_words"])) if n]
    return any(f"{d}{stem}" in norm for d in denials for stem in stems if stem)


@lru_cache(maxsize=64)
def _numeral_pattern(numerals: str, measures: str) -> re.Pattern:
    return re.compile(f"[{re.escape(numerals)}]+[{re.escape(measures)}]")


def _numeral_count(norm: str, rules: Mapping) -> bool:
    """True when a value states a number in Chinese numerals before a measure word (rules T10
    `numerals`, `numeral_measures`: "一次办结", "三天内"), as "1次" states one in digits."""
    return bool(_numeral_pattern(rules["numerals"], rules["numeral_measures"]).search(norm))


def _slogan_name(line: IndicatorLine, rules: Mapping) -> bool:
    """A full "100%" on a name that is a wish ending in a change word ("办学水平提高") and names
    no share ("率", "比例"): 100% of an improvement says nothing of how much."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.unit != "%":
        return False
    if value.number != Decimal(rules["full_percent"]):
        return False
    if _contains(value.original, rules["change_words"]):
        return False
    name = normalise_text(line.name)
    ends = name.endswith(tuple(normalise_text(w) for w in rules["change_words"]))
    return ends and not _contains(line.name, rules["share_words"])


def _partial_answer(line: IndicatorLine, rules: Mapping) -> bool:
    """A yes/no question ("是否解决…问题", rules T10 `question_words`) answered with a share
    below or above 100%: a question is answered yes or no, so "95%" says nothing checkable.
    A satisfaction question ("是否满意", `question_exempt`) is a survey's share and is exempt."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.unit != "%" or value.number is None:
        return False
    if value.number == Decimal(rules["full_percent"]):
        return False
    if _contains(line.name, rules["share_words"]):
        return False  # a share of the items answering yes is checkable
    return bool(_contains(line.name, rules["question_words"])) and not _contains(
        line.name, rules["question_exempt"]
    )


def _restates(value: str, name: str, rules: Mapping) -> bool:
    """The value is the name, or a piece of it ("持续保障" under "持续保障社会发展") at least
    the rules' `restated_chars` long: it repeats what is measured instead of saying how much."""
    return bool(name) and len(value) >= int(rules["restated_chars"]) and value in name


def _names_a_measure(norm: str, rules: Mapping) -> bool:
    """The value names a measure instead of its level ("知识更新率", "发放时间达标率"): short,
    no number, ending in a measure word."""
    return (
        len(norm) <= int(rules["short_value_chars"])
        and not any(c.isdigit() for c in norm)
        and norm.endswith(tuple(rules["measure_endings"]))
    )


def _bare_change(norm: str, rules: Mapping) -> str | None:
    """The change word a short value starts with when it gives no amount ("提高普及率", "改善条件"):
    how much higher is the whole question."""
    if len(norm) > int(rules["short_value_chars"]) or any(c.isdigit() for c in norm):
        return None
    return next((w for w in rules["change_words"] if norm.startswith(normalise_text(w))), None)


def _t10_wording(label: str, text: str, rules: Mapping, boilerplate: set):
    """T10 on a qualitative value: boilerplate as the whole value, a short phrase that only
    grades ("经济效益良好", "影响可持续"), a vague word, a word of effort or extent in a value
    without any number ("切实减轻负担"), or a sentence of intentions with nothing to check
    ("促进…发展，提升…水平"): a reviewer can verify none of them at year end."""
    norm = normalise_text(text)
    if norm in boilerplate:
        return (
            Message("lint.T10.boilerplate", label=label, text=text),
            Message("lint.T10.boilerplate.why"),
        )
    ending = next((w for w in rules["grading_endings"] if norm.endswith(normalise_text(w))), None)
    if ending and len(norm) <= int(rules["short_value_chars"]):
        return (
            Message("lint.T10.grading", label=label, text=text, word=ending),
            Message("lint.T10.grading.why", word=ending, n=rules["short_value_chars"]),
        )
    if _names_a_measure(norm, rules):
        return (
            Message("lint.T10.measure_name", label=label, text=text),
            Message("lint.T10.measure_name.why"),
        )
    word = _vague_word(text, rules) or _bare_change(norm, rules)
    if word:
        return (
            Message("lint.T10.vague", label=label, text=text, word=word),
            Message("lint.T10.vague.why", word=word),
        )
    if any(c.isdigit() for c in norm):
        return None
    effort = _contains(text, rules["effort_words"])
    if effort:
        return (
            Message("lint.T10.vague", label=label, text=text, word=effort),
            Message("lint.T10.vague.why", word=effort),
        )
    start = next((w for w in rules["intention_starts"] if norm.startswith(normalise_text(w))), None)
    if start:
        return (
            Message("lint.T10.intention", label=label, text=text, word=start),
            Message("lint.T10.intention_start.why", word=start),
        )
    intention = _contains(text, rules["intention_words"])
    if (
        intention
        and len(norm) >= int(rules["sentence_chars"])
        and not _states_an_outcome(text, rules)
    ):
        return (
            Message("lint.T10.intention", label=label, text=text, word=intention),
            Message("lint.T10.intention.why", word=intention, n=rules["sentence_chars"]),
        )
    return None


def _vague_word(text: str, rules: Mapping) -> str | None:
    """A word of rules T10 `vague_words` in a value, outside the words it is only a part of
    (`vague_exempt_words`: "不断电" holds 不断 but says the power never fails)."""
    word = _contains(text, rules["vague_words"])
    if not word or not _contains(text, rules["vague_exempt_words"]):
        return word  # nearly always: no vague word, or no word it is a part of
    norm = normalise_text(text)
    for _word, exempt in _normalised(tuple(rules["vague_exempt_words"])):
        norm = norm.replace(exempt, "|") if exempt else norm
    return _contains(norm, rules["vague_words"])


_CLAUSE_RE = re.compile(r"[，,；;。]")


def _states_an_outcome(text: str, rules: Mapping) -> bool:
    """A sentence of up to rules T10 `outcome_clauses` clauses holding one of `outcome_words`
    ("确保全年不发生重大安全责任事故"): it states what an inspection confirms or not."""
    clauses = [c for c in _CLAUSE_RE.split(text) if c.strip()]
    return len(clauses) <= int(rules["outcome_clauses"]) and bool(
        _contains(text, rules["outcome_words"])
    )


@row_check(quiet=lambda view, i: not view.process_measure(i))
def check_process_as_output(view: _View) -> list[Finding]:
    """T11 process_as_output: administrative process measures (预算执行率, 资金拨付及时率,
    制度健全性 ...) used as output or benefit indicators. Lists: rules T11."""
    found = []
    for i, line, p, _facts in view.loud_rows():
        word = view.process_measure(i)
        if word:
            msg: str = Message("lint.T11", label=_label(i, line), word=word, category=p.category)
            msg = view.suggested(msg, under=[p.subcategory or line.subcategory], about=[])
            found.append(view.finding("T11", i, msg, Message("lint.T11.why")))
    return found


# no written operator on a quantity (nothing kept), or no contradiction (None kept)
@row_check(quiet=lambda view, i: view.facts[i].known.get("T12") is None)
def check_operator_contradiction(view: _View) -> list[Finding]:
    """T12 operator_contradiction: the written operator points the wrong way: "≥" on a rate
    where less is better (投诉率, 逾期率 …), "≤" on a coverage or other higher-is-better rate,
    "≥" on a cost or a ceiling. An operator the writer did not write (a bare "100%") contradicts
    nothing; a 满意度 or other rate filed under 成本 is misfiled (T19), not a contradiction.
    Savings and drops (节约率, 下降率 …) are exempt. Rules T12."""
    rules, found = view.rules["T12"], []
    for i, line, p, facts in view.loud_rows():
        value = line.value
        if value.kind != Kind.QUANTITATIVE or value.operator_implied:
            continue
        what = facts.known.get("T12", _UNKNOWN)  # `facts.ask` in line: most rows
        if what is _UNKNOWN:
            what = facts.known["T12"] = _t12_contradiction(line, p, rules)
        if what is None:
            continue
        what, fix = what
        msg = Message("lint.T12", label=_label(i, line), what=what, value=value.display(),
                      implied="", fix=fix)  # fmt: skip
        found.append(view.finding("T12", i, msg, Message("lint.T12.why")))
    return found


def _t12_contradiction(line: IndicatorLine, placement: Placement, rules: Mapping):
    """(what is contradicted, the operator to use) for a row, or None; kept per rules T12 for
    what it reads of the row, fewer things than its facts depend on (rows of the same name,
    operator and unit with other numbers share it)."""
    key = (line.name, line.value.operator, line.value.unit, line.category, line.subcategory,
           placement.category, placement.subcategory)  # fmt: skip
    answers = answers_for(rules, "T12")
    found = answers.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = answers[key] = _t12_read(line, placement, rules)
    return found


def _t12_read(line: IndicatorLine, placement: Placement, rules: Mapping):
    name, up, down = line.name, line.value.operator in _UP, line.value.operator in _DOWN
    if _contains(name, rules["drop_words"]):
        return None  # a drop or a saving of anything: more is better
    negative = _contains(name, rules["negative_words"])
    if negative:
        return (Message("lint.T12.negative", rate=negative), "“≤”") if up else None
    if _contains(name, rules["exempt_words"]):
        return None
    rate = _contains(name, rules["rate_words"])
    in_time = _is_time_unit(line.value.unit)
    share = _contains(name, rules["share_words"])  # a rate under 成本 is misfiled (T19)
    if down and rate and not in_time:  # "检测及时率 ≤7工作日" states the time limit
        return Message("lint.T12.rate", rate=rate), "“≥”"
    if (
        down
        and not rate
        and not in_time
        and (placement.subcategory or line.subcategory) in rules["floor_subcategories"]
        and not _contains(name, rules["ceiling_words"])
        and not _contains(name, rules["floor_exempt_words"])
        and not _is_cost_line(line, placement, rules)
    ):
        return Message("lint.T12.quantity"), "“≥”"
    if up and not rate and _contains(name, rules["ceiling_words"]):
        return Message("lint.T12.ceiling"), "“≤”"
    if up and not rate and not share and _is_cost_line(line, placement, rules):
        return Message("lint.T12.cost"), "“≤”"
    return None


def _is_time_unit(unit: str | None) -> bool:
    """True for a time unit (天, 工作日, 月 …): a "≤" on it is a time limit, not a ceiling on
    an output."""
    return normalise_unit(unit) in TIME_UNITS if unit else False


def _is_cost_line(line: IndicatorLine, placement: Placement, rules: Mapping) -> bool:
    return (
        is_cost(placement.category, placement.subcategory)
        or is_cost(line.category, line.subcategory)
        or bool(_contains(line.name, rules["cost_words"]))
    )


# --------------------------------------------------------------------------- T13–T15


def check_under_ambitious(view: _View, context: LintContext) -> list[Finding]:
    """T13 under_ambitious: a target below last year's actual for the same indicator of the
    same project ("≥" below it, or "≤" above it: looser than what was achieved)."""
    found: list[Finding] = []
    previous = context.previous_actuals
    if previous is None:  # `lint` asks only with last year's actuals
        return found
    for i, line, _p in view.rows():
        value = line.value
        actual = previous.get(indicator_key(line.name))
        if value.kind != Kind.QUANTITATIVE or value.number is None or actual is None:
            continue
        below = value.operator in _UP and value.number < actual
        above = value.operator in _DOWN and value.number > actual
        if below or above:
            shown = f"{_num(Decimal(actual))}{value.unit or ''}"
            code = "lint.T13.below" if below else "lint.T13.above"
            msg = Message(code, label=_label(i, line), value=value.display(), actual=shown)
            explanation = Message("lint.T13.why", actual=shown, value=value.display())
            found.append(view.finding("T13", i, msg, explanation))
    return found


def check_weights_invalid(view: _View) -> list[Finding]:
    """T14 weights_invalid: weights given but not adding up to the rulebook's category totals
    (§6.2: outputs 50, benefits 30, satisfaction 10, execution 10 apart; with no satisfaction
    indicator its points go to outputs). No weights at all is not a finding.

    The totals of the rules and each finding are kept per rules mapping (`answers_for`): a
    finding says only the group, its sum, what was expected and how many rows had no weight,
    and a file's declarations share their sums (a province's file: one finding a
    declaration, all alike)."""
    if all(line.weight is None for line in view.lines):
        return []
    rules = view.rules["T14"]
    kept = answers_for(view.rules, "T14")
    totals = kept.get(_T14_TOTALS)
    if totals is None:
        totals = kept[_T14_TOTALS] = (
            {c: Decimal(v) for c, v in rules["totals"].items()},
            Decimal(rules["tolerance"]),
        )
    expected, tolerance = totals
    sums: dict[str, Decimal] = {}
    missing: dict[str, int] = {}
    share = rules["share"]
    for line, p in zip(view.lines, view.placements, strict=True):
        group = share.get(p.category, p.category)
        if group in expected:
            weight = line.weight
            if group in sums:
                sums[group] += weight or 0
                missing[group] += weight is None
            else:
                sums[group] = Decimal(0) + (weight or 0)
                missing[group] = int(weight is None)
    satisfaction, receiver = rules["satisfaction_category"], rules["no_satisfaction_to"]
    moved = satisfaction not in sums and receiver in expected
    if moved:
        expected = dict(expected)
        expected[receiver] += expected.pop(satisfaction, Decimal(0))
    found = []
    for group, total in sums.items():
        if abs(total - expected[group]) > tolerance:
            to = moved and group == receiver
            key = (group, str(total), missing[group], to)  # the rules give what is expected
            finding = kept.get(key)
            if finding is None:
                finding = kept[key] = _t14_finding(
                    view, group, total, expected[group], missing[group], to
                )
            found.append(finding)
    return found


#: The key of the rules' totals and tolerance, as Decimals, among T14's answers.
_T14_TOTALS = ("totals",)


def _t14_finding(view, group: str, total: Decimal, expected: Decimal, missing: int, moved: bool):
    note = Message("lint.T14.unweighted", n=missing) if missing else ""
    why = Message("lint.T14.moved", group=group) if moved else ""
    msg = Message("lint.T14", group=group, total=_num(total), note=note,
                  expected=_num(expected), why=why)  # fmt: skip
    execution = view.rules["T14"]["execution"]
    explanation = Message("lint.T14.why", group=group, total=_num(total),
                          expected=_num(expected), execution=execution)  # fmt: skip
    return view.finding("T14", None, msg, explanation)


def check_copied_target(view: _View, context: LintContext) -> list[Finding]:
    """T15 copied_target: the indicator set (names and values) identical to another project's,
    or to this project's last year with no change in values."""
    own = signature(view.declaration)
    if not own.items:
        return []
    found = []
    twins = [s.label or Message("lint.T15.another") for s in context.siblings or ()
             if s.items == own.items]  # fmt: skip
    if twins:
        names: str = Join(Message("lint.quoted", text=name) for name in twins[:3])
        names = Message("lint.T15.and_more", names=names) if len(twins) > 3 else names
        msg = Message("lint.T15.sibling", names=names)
        found.append(view.finding("T15", None, msg, Message("lint.T15.sibling.why")))
    last = context.last_year
    if last is not None and signature(last).items == own.items:
        msg = Message("lint.T15.last_year")
        found.append(view.finding("T15", None, msg, Message("lint.T15.last_year.why")))
    return found


# --------------------------------------------------------------------------- T16–T18


def check_amount_mismatch(view: _View) -> list[Finding]:
    """T16 amount_mismatch: the amounts by funding source do not add up to the total."""
    amounts = view.declaration.amounts
    if amounts.total is None or all(s is None for s in amounts.sources):
        return []
    parts = [s or Decimal(0) for s in amounts.sources]
    total = sum(parts, Decimal(0))
    if abs(total - amounts.total) <= Decimal(view.rules["T16"]["tolerance"]):
        return []
    if sum(s is not None for s in amounts.sources) == 1 and total < amounts.total:
        return []  # a table that shows one source beside the total: the rest comes from others
    current, carryover, other = (_num(p) for p in parts)
    msg = Message("lint.T16", total=_num(total), current=current, carryover=carryover,
                  other=other, amount=_num(amounts.total))  # fmt: skip
    explanation = f"{current} + {carryover} + {other} = {_num(total)} ≠ {_num(amounts.total)}"
    return [view.finding("T16", None, msg, explanation)]


def check_child_not_linked(view: _View, context: LintContext) -> list[Finding]:
    """T17 child_not_linked: a level-2 project's output/benefit indicator that supports no
    indicator of its level-1 project: neither its stated `parent_indicator` is one of them, nor
    does its name share a specific word (rules T17: generic words removed) with any of them."""
    parent = context.parent
    rules = view.rules["T17"]
    if parent is None or not parent.indicators:  # `lint` asks only with a parent
        return []
    size, generic = int(rules["min_shared_chars"]), rules["generic_words"]
    parent_names = {normalise_text(line.name) for line in parent.indicators}
    parent_grams = set().union(*(_grams(line.name, generic, size) for line in parent.indicators))
    if parent.project_name:
        title = Message("lint.T17.parent", name=parent.project_name)
    else:
        title = Message("lint.T17.level_one")
    found = []
    for i, line, p in view.rows():
        if p.category not in rules["categories"]:
            continue
        if line.parent_indicator:
            if normalise_text(line.parent_indicator) in parent_names:
                continue
            why = Message("lint.T17.not_parents", linked=line.parent_indicator, title=title)
        elif _grams(line.name, generic, size) & parent_grams:
            continue
        else:
            why = Message("lint.T17.unmatched", title=title)
        msg = Message("lint.T17", label=_label(i, line), why=why)
        found.append(view.finding("T17", i, msg, Message("lint.T17.why")))
    return found


_CHECKS: tuple[Callable[[_View], list[Finding]], ...] = (
    check_no_indicators,
    check_missing_value,
    check_unreadable_value,
    check_missing_unit,
    check_identical_across_subcategories,
    check_missing_output_subcategory,
    check_missing_benefit,
    check_missing_satisfaction,
    check_goal_empty,
    check_vague_qualitative,
    check_process_as_output,
    check_operator_contradiction,
    check_weights_invalid,
    check_amount_mismatch,
    check_cost_quantity_mismatch,
    *MEANING_CHECKS,
)
#: The reasons of the checks of one row to pass over a row, in the checks' order (`row_check`).
_ROW_QUIET = tuple(check.quiet for check in _CHECKS if hasattr(check, "quiet"))

_CONTEXT_CHECKS = (
    ("T13", check_under_ambitious, ("previous_actuals",)),
    ("T15", check_copied_target, ("siblings", "last_year")),
    ("T17", check_child_not_linked, ("parent",)),
)
