"""The shared parts of the quality lint (DOMAIN.md §4.4): findings, the declaration as the
checks see it, and the small helpers every check uses.

A pure module (DESIGN.md, Pure rules). `jixiao.targets.lint` runs the checks; the checks live
there (T01–T18) and in `lint_meaning` (T19–T22, what an indicator measures), and all of them
build their findings through `_View.finding` here, so severities always come from the rulebook.
What the checks read of a row (its normalised name, placement, cost flags and the answers of
the rules' questions about it) is derived once, in its `RowFacts`, and kept for rows of the
same texts under the same rules; the checks stay small functions of the view and its facts.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from functools import cached_property, lru_cache
from itertools import chain
from typing import Final

from jixiao.core.rule_messages import Join, Message
from jixiao.indicators.catalogue import Placement, is_cost
from jixiao.indicators.quantities import _PLACEHOLDER_WORDS, clean_text, is_placeholder
from jixiao.indicators.values import Kind, parse_target_value

from .declaration import Declaration, IndicatorLine, normalise_text
from .lint_suggest import suggest, with_suggestion


@dataclass(frozen=True)
class Finding:
    """One lint finding (DOMAIN.md §4.4); `indicator` is the 0-based row, or None."""

    code: str
    blocking: bool
    indicator: int | None
    message: str
    explanation: str = ""

    def to_data(self) -> dict:
        return {
            "code": self.code,
            "blocking": self.blocking,
            "indicator": self.indicator,
            "message": self.message,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Note:
    """A row whose category or subcategory could not be placed in the catalogue (§4.1)."""

    indicator: int
    message: str

    def to_data(self) -> dict:
        return {"code": "placement", "indicator": self.indicator, "message": self.message}


@dataclass(frozen=True)
class LintResult:
    """Findings ordered by code then indicator; `skipped`: checks that lacked context."""

    findings: tuple[Finding, ...]
    skipped: tuple[str, ...]
    notes: tuple[Note, ...] = ()

    @property
    def blocking(self) -> bool:
        """True when a finding prevents submission (DOMAIN.md §4.5)."""
        return any(f.blocking for f in self.findings)

    def to_data(self) -> dict:
        """The `jixiao lint --json` shape of CONTRACT.md (plus explanations and warnings)."""
        return {
            "findings": [f.to_data() for f in self.findings],
            "skipped": list(self.skipped),
            "warnings": [n.to_data() for n in self.notes],
        }


class RowFacts:
    """What the checks read of one row, derived once: its name normalised,
    where it is placed, whether it is a cost line, and the answers of the rules' questions that
    depend on the row alone (process words, T10's verdict, T19's homes, T20's input words …),
    each found the first time a check asks (`known`).

    A row's facts depend only on what `row_key` reads of it, the rules and the catalogue, so one
    facts object serves every row with the same texts in every lint with the same rules (names
    repeat across a file and across a province): the checks ask it instead of searching the
    word lists again. The index, weight and parent link of a row are not facts: the checks read
    them from the row itself.
    """

    __slots__ = ("name", "norm_name", "sub", "sub_key", "placed_cost", "written_cost",
                 "empty", "is_rate", "known", "value", "placement")  # fmt: skip

    def __init__(self, line: IndicatorLine, placement: Placement):
        value = line.value
        #: The value and placement objects the facts were made for (`row_facts` finds the
        #: facts again by their identity); the store's key holds them alive already.
        self.value, self.placement = value, placement
        self.name = line.name
        self.norm_name = normalise_text(line.name)
        #: The subcategory the row is read under: the catalogue's, else as written.
        self.sub = placement.subcategory or line.subcategory
        #: T05's key of the subcategory: the catalogue's, else the written one normalised.
        self.sub_key = placement.subcategory or normalise_text(line.subcategory)
        self.placed_cost = is_cost(placement.category, placement.subcategory)
        self.written_cost = is_cost(line.category, line.subcategory)
        #: T02: no target, or the form's filler (no name or "0", and a zero value).
        self.empty = value.kind == Kind.MISSING or (
            self.norm_name in ("", "0") and value.number == 0
        )
        self.is_rate = value.kind == Kind.QUANTITATIVE and value.unit == "%"
        self.known: dict = {}

    def ask(self, question, answer, *args):
        """The answer to `question` about this row: `answer(*args)` the first time."""
        found = self.known.get(question, _UNKNOWN)
        if found is _UNKNOWN:
            found = self.known[question] = answer(*args)
        return found


def row_key(line: IndicatorLine, placement: Placement) -> tuple:
    """What a row's facts depend on: its texts, its value as read, and its placement. The
    number is its text as well, since 100 and 100.0 are equal but shown differently."""
    value = line.value
    number = None if value.number is None else str(value.number)
    return (line.name, line.category, line.subcategory, line.unit, value, number, placement)


def row_facts(rules: Mapping, categories: Mapping, declaration: Declaration, placements):
    """The facts of each row of a declaration, found again by `row_key` for rows seen before
    under the same rules and catalogue.

    First by the identity of the row's value and placement (`_Store.by_id`): an import parses
    each distinct value text once and places each pair of names once, so its rows share those
    objects, and a key of the row's texts and the two objects' ids is found without making
    `row_key` (the number as text) and hashing the value's dozen fields (a province's 120,000
    rows: about 0.4 s). The facts hold the objects they were made for, so an id found there is
    theirs (a freed object's id reused by another never matches `is`)."""
    store, room = _facts_store(rules, categories)
    by_id = store.by_id
    facts = []
    for line, placement in zip(declaration.indicators, placements, strict=True):
        value = line.value
        quick = (line.name, line.category, line.subcategory, line.unit, id(value), id(placement))
        found = by_id.get(quick)
        if found is not None and found.value is value and found.placement is placement:
            facts.append(found)
            continue
        key = row_key(line, placement)
        found = store.get(key)
        if found is None:
            if len(store) >= room:
                store.clear()
            found = store[key] = RowFacts(line, placement)
            by_id[quick] = found
        facts.append(found)
    return tuple(facts)


class _Store(dict):
    """Rows' facts by `row_key`, and (`by_id`) the facts made for a row by its texts and the
    ids of its value and placement, emptied with them: no more entries than the facts."""

    __slots__ = ("by_id",)
    by_id: dict[tuple, RowFacts]

    def __init__(self):
        super().__init__()
        self.by_id = {}

    def clear(self):
        super().clear()
        self.by_id.clear()


def _facts_store(rules: Mapping, categories: Mapping) -> tuple[_Store, int]:
    """The facts kept for one rules mapping and one catalogue (found by identity, both kept
    alive so that their ids are not reused), and how many it may hold: `_FACTS_KEPT` less
    what the other mappings' stores hold, so that all of them together stay within it."""
    key = (id(rules), id(categories))
    known = _FACTS.get(key)
    if known is None or known[0] is not rules or known[1] is not categories:
        held = sum(len(other[2]) for other in _FACTS.values())
        # a new mapping starts with at least half the room: the others are let go first
        if len(_FACTS) >= 4 or held > _FACTS_KEPT // 2:
            _FACTS.clear()
        known = _FACTS[key] = (rules, categories, _Store())
    others = sum(len(other[2]) for other in _FACTS.values()) - len(known[2])
    return known[2], _FACTS_KEPT - others


_FACTS: dict[tuple[int, int], tuple[Mapping, Mapping, _Store]] = {}
#: Rows' facts kept, for at most 4 rules mappings at once and this many in all of them. An
#: import and the saves lint with the rulebook version's one shared mapping
#: (`Rules.frozen_section`), so a province's file is one mapping: its 120,000 rows hold 21,886
#: distinct ones, and 4,096 kept built 53,820 facts (the store emptied every 4,096), 32,768
#: kept build each once. A fact holds about 1 KB (its row's key and value, and the answers
#: found for it: 21.7 MB for the province's file), so the bound is about 34 MB in a process;
#: when it was 32,768 a mapping, a web worker linting distinct rows under four rulebook
#: versions held 139 MB of facts (129,600 of them).
_FACTS_KEPT = 32_768


@dataclass(frozen=True)
class _View:
    """A declaration with each row placed in the catalogue and its facts (`RowFacts`), and
    the rules, for the checks."""

    declaration: Declaration
    rules: Mapping
    categories: Mapping
    placements: tuple[Placement, ...]
    library: tuple = ()  # the library's rows, read by lint_suggest.suggest when needed
    facts: tuple[RowFacts, ...] = ()

    @cached_property  # read about 45 times a declaration; the view is never changed
    def lines(self) -> tuple[IndicatorLine, ...]:
        return self.declaration.indicators

    def rows(self):
        return zip(range(len(self.lines)), self.lines, self.placements, strict=True)

    def rows_with_facts(self):
        """(index, row, placement, facts) of each row."""
        return zip(range(len(self.lines)), self.lines, self.placements, self.facts, strict=True)

    @cached_property
    def loud(self) -> tuple[int, ...]:
        """The rows the checks of one row each must read: all but those whose facts say that
        none of those checks finds anything in them under these rules, whatever the
        declaration (`QUIET`, `row_check`)."""
        return tuple(i for i, facts in enumerate(self.facts) if facts.known.get(QUIET) is not True)

    def loud_rows(self) -> list[tuple]:
        """(index, row, placement, facts) of each of the `loud` rows, in their order: what a
        check of one row at a time walks (T02–T04, T10–T12, T19–T21). A province's rows are
        nearly all quiet once seen, and each check walked all 12 of every declaration."""
        lines, placements, facts = self.lines, self.placements, self.facts
        return [(i, lines[i], placements[i], facts[i]) for i in self.loud]

    def process_word(self, index: int) -> str | None:
        """`process_word` of row `index`, asked by T10, T11, T19 and T21: found once a row."""
        known = self.facts[index].known
        found = known.get("process", _UNKNOWN)
        if found is _UNKNOWN:
            line, placement = self.declaration.indicators[index], self.placements[index]
            found = known["process"] = process_word(self.rules, line, placement)
        return found

    def process_measure(self, index: int) -> str | None:
        """Row `index`'s process word under rules T11 `categories`: T11's (T20 leaves it)."""
        if self.placements[index].category in self.rules["T11"]["categories"]:
            return self.process_word(index)
        return None

    def finding(
        self,
        code: str,
        index: int | None,
        message: str,
        explanation: str,
        blocking: bool | None = None,
    ) -> Finding:
        if blocking is None:
            blocking = bool(self.rules[code]["blocking"])
        explanation = Message("lint.explanation", code=code, text=explanation)
        return Finding(code, blocking, index, message, explanation)

    def suggested(self, message: str, *, under, about) -> str:
        """`message` with a fitting indicator of the library under `under`, about `about`
        (jixiao.targets.lint_suggest); the project's name is always part of what it is about."""
        about = (*about, self.declaration.project_name or "")
        return with_suggestion(message, suggest(self.library, under=under, about=about))


def process_word(rules: Mapping, line: IndicatorLine, placement: Placement) -> str | None:
    """`_process_word` of a row, kept per rules mapping for what it reads of the row (its name,
    its subcategory as written and as placed, its category as placed, its value's kind, unit
    and text), the digits of the text masked when none of the word lists it searches holds a
    digit (`_masks_digits`): rows that differ only in their numbers share the answer (the
    province's 21,886 distinct rows ask 421 questions)."""
    answers = answers_for(rules, "T11 process")
    masks = answers.get(_MASKS_DIGITS)
    if masks is None:
        lists = [rules["T11"][k] for k in _PROCESS_LISTS] + [rules["T20"]["money_output_words"]]
        masks = answers[_MASKS_DIGITS] = _masks_digits(lists)
    value = line.value
    text = _DIGIT.sub("0", value.original) if masks and value.original else value.original
    key = (line.name, text, value.kind, value.unit, line.subcategory, placement.category,
           placement.subcategory)  # fmt: skip
    found = answers.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = answers[key] = _process_word(rules, line, placement)
    return found


#: The rules T11 word lists `_process_word` searches (with rules T20 `money_output_words`).
_PROCESS_LISTS = ("process_words", "institution_words", "fund_words", "budget_words",
                  "budget_cost_words", "movement_words")  # fmt: skip
#: The key of a kept answer's decision whether its lists let digits be masked.
_MASKS_DIGITS = ("masks digits",)
_DIGIT = re.compile(r"\d")


def _masks_digits(lists) -> bool:
    """True when no word of `lists`, normalised, holds a digit: then a word is found in a text
    exactly when it is found in the text with each digit written 0 (`_DIGIT`). Normalising
    (`normalise_text`: NFKC, spaces and punctuation dropped, case folded) turns a digit into
    one digit and composes nothing with it, so the other characters and their places stay
    those of the text; a word without a digit cannot hold a place where the texts differ. A
    region whose list holds a digit ("12345热线") keeps the whole text in the key."""
    return not any(ch.isdecimal() for words in lists for w in words for ch in normalise_text(w))


def _process_word(rules: Mapping, line: IndicatorLine, placement: Placement) -> str | None:
    """The words that make a row an administrative process measure (T11), or None: a word of
    rules T11 `process_words` in its name or value, else (not on a cost line, where the money
    spent is the cost) budget money followed by how it moves (`_fund_movement`) in its name,
    or in its value when the value is words ("补助资金及时到位100%"); under 成本, a rate or a
    sentence about the budget as a whole (`budget_words`: "本年预算安排800万元 100%", "全年预算
    全额用于…"), which says how the budget is used, not what a unit of output costs; unless it
    speaks of keeping a cost within the budget (`budget_cost_words`: "控制在预算内", a vague
    cost, T10's finding). T10, T19 and T21 ask the
    same question, so a row T11 reaches by the general rule is not also called vague or
    misfiled when a region's phrase list lacks its words."""
    t11 = rules["T11"]
    text = f"{line.name}|{line.value.original}"
    word = _contains(text, t11["process_words"]) or _institution(text, line, placement, t11)
    if word or _cost_line(line, placement):
        return word
    if is_cost(placement.category, placement.subcategory):
        budget = _contains(text, t11["budget_words"])
        if budget and not _contains(text, t11["budget_cost_words"]):
            return budget  # a rate or a sentence of the budget under 成本: how it is used
    brought_in = rules["T20"]["money_output_words"]
    return _fund_movement(line.name, t11, brought_in) or _fund_movement(
        line.value.original, t11, brought_in
    )


def _institution(text: str, line: IndicatorLine, placement: Placement, t11: Mapping):
    """A word of rules T11 `institution_words` (制度健全, 管理制度 …) in the row: a process
    measure, except under `lasting_subcategories` (可持续影响), where a mechanism keeping the
    results running is what is asked, unless the row also speaks of money (`fund_words`)."""
    word = _contains(text, t11["institution_words"])
    if not word:
        return None
    lasting = (placement.subcategory or line.subcategory) in t11["lasting_subcategories"]
    return word if not lasting or _contains(text, t11["fund_words"]) else None


def _cost_line(line: IndicatorLine, placement: Placement) -> bool:
    """A row under a cost subcategory whose value is an amount (not a rate, not words): the
    money spent there is the cost. A rate or a sentence about the budget under 成本 ("资金执行率
    100%", "全年预算全额用于…") measures how the money moves, as anywhere else."""
    if not is_cost(placement.category, placement.subcategory):
        return False
    return line.value.kind == Kind.QUANTITATIVE and line.value.unit != "%"


def _fund_movement(name: str, rules: Mapping, brought_in) -> str | None:
    """The words of a name where budget money (rules T11 `fund_words`) is followed, at most
    `movement_gap` characters on, by its movement through the administration
    (`movement_words`), as "资金…到位"; None otherwise, or when the name speaks of money the
    project brings in (`brought_in`)."""
    if not _contains(name, rules["fund_words"]) or not _contains(name, rules["movement_words"]):
        return None  # most names hold neither: two searches of the lists' patterns say so
    norm = normalise_text(name)
    funds = "|".join(re.escape(n) for _w, n in _normalised(tuple(rules["fund_words"])) if n)
    moves = "|".join(re.escape(n) for _w, n in _normalised(tuple(rules["movement_words"])) if n)
    gap = int(rules["movement_gap"])
    hit = re.search(rf"({funds}).{{0,{gap}}}?({moves})", norm)
    if not hit or _contains(name, brought_in):
        return None
    return f"{hit.group(1)}…{hit.group(2)}"


def _label(index: int, line: IndicatorLine) -> str:
    name = (line.name or "").strip()
    if name:
        return Message("lint.label", n=index + 1, name=name)
    return Message("lint.label_unnamed", n=index + 1)


def _num(number: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros (1.50 → 1.5)."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _round(number: Decimal, places: str) -> Decimal:
    """`number` rounded half up to `places` ("0.1"), or as it is when too large to round."""
    try:
        return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return number


def _contains(text: str, words) -> str | None:
    """The first word of `words` found in `text` (both normalised), or None. Most texts hold
    none of a list's words: one search of the list's pattern says so before the words are
    tried in their order. Answers are kept per list for texts (names repeat across a file)."""
    known = _WORD_LISTS.get(id(words))
    if known is not None and known[0] is words and known[1].size == len(words):
        entry = known[1]
        found = entry.answers.get(text, _UNKNOWN) if type(text) is str else _UNKNOWN
        if found is not _UNKNOWN:
            return found  # the usual case: this list has seen this text
    else:
        entry = _word_list(words)
    if type(text) is str:
        found = entry.answers.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = entry.answers[text] = entry.first_in(normalise_text(text))
            _WORD_ANSWERS[0] += 1
            if _WORD_ANSWERS[0] > _WORD_ANSWERS_KEPT:
                _forget_word_answers()
        return found
    return entry.first_in(normalise_text(text))


def _forget_word_answers() -> None:
    for entry in chain(_BY_WORDS.values(), (e for _w, e in _WORD_LISTS.values())):
        entry.answers.clear()
    _WORD_ANSWERS[0] = 0


class _Unknown(Enum):
    """The default of a lookup of kept answers: none found yet (None is an answer)."""

    UNKNOWN = 0


_UNKNOWN: Final = _Unknown.UNKNOWN
#: The fact of a row that none of the checks of one row finds anything in it (`_View.loud`):
#: True or False once a lint has run every check on it, True when each says so (`row_check`).
QUIET = "quiet"


def row_check(quiet):
    """A check of one row at a time (it walks `_View.loud_rows()`), with `quiet(view, i)`: its
    own reason to pass over row `i`, true when, having run on the row, it can find nothing
    there under these rules in any declaration. The reason reads the row and its facts (the
    answers the check just kept), never the declaration: a row that the year or the project's
    name decides is never quiet."""

    def declared(check):
        check.quiet = quiet
        return check

    return declared


#: Answers kept by all word lists together (about 42 bytes each: 11 MB), counted as they are
#: found: a province's file finds 73,467 in its 34 lists; a web worker linting distinct rows
#: under four rulebook versions found 1.4 million (57 MB) when each list kept 65,536.
_WORD_ANSWERS_KEPT = 262_144
_WORD_ANSWERS = [0]


def answers_for(rules: Mapping, check: str) -> dict:
    """A check's answers kept for one rules mapping (found by identity, and kept alive so
    that its id is not reused), for a pure question of a row asked again on every table."""
    known = _ANSWERS.get((id(rules), check))
    if known is None or known[0] is not rules:
        held = sum(len(other[1]) for other in _ANSWERS.values())
        if len(_ANSWERS) > 256 or held > _CHECK_ANSWERS_KEPT // 2:
            _ANSWERS.clear()  # a new store starts with at least half the room
        known = _ANSWERS[(id(rules), check)] = (rules, {})
    if len(known[1]) > _CHECK_ANSWERS_KEPT // len(_ANSWERS):  # all of them within the bound
        known[1].clear()
    return known[1]


_ANSWERS: dict[tuple[int, str], tuple[Mapping, dict]] = {}
#: Answers kept by all checks' stores together, about 220 bytes each (14 MB): a province's
#: file keeps 235; a web worker under four rulebook versions kept 129,600 (27 MB) when each
#: store kept 65,536.
_CHECK_ANSWERS_KEPT = 65_536


@dataclass
class _WordList:
    """A rules word list as `_contains` searches it."""

    size: int
    pattern: re.Pattern
    pairs: tuple[tuple[str, str], ...]
    answers: dict[str, str | None]

    def first_in(self, norm: str) -> str | None:
        if not self.pattern.search(norm):
            return None
        return next((w for w, n in self.pairs if n and n in norm), None)


#: id(list) → (the list, its `_WordList`): rules lists are the same objects for every row, and
#: finding one by identity spares hashing all its words on every search (the list is kept
#: alive so that its id is not reused while it is a key).
_WORD_LISTS: dict[int, tuple[object, _WordList]] = {}
#: The words → their `_WordList`: a list a check builds anew for each row (two rules lists
#: joined), or the same list in another region's rules, keeps the answers found so far.
_BY_WORDS: dict[tuple, _WordList] = {}


def _word_list(words) -> _WordList:
    key = tuple(words)
    entry = _BY_WORDS.get(key)
    if entry is None:
        if len(_BY_WORDS) > 1024:
            _BY_WORDS.clear()
        entry = _BY_WORDS[key] = _WordList(len(key), _pattern(key), _normalised(key), {})
    if len(_WORD_LISTS) > 4096:
        _WORD_LISTS.clear()
    _WORD_LISTS[id(words)] = (words, entry)
    return entry


@lru_cache(maxsize=256)
def _normalised(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A rules word list with each word normalised once (lists are reused for every row)."""
    return tuple((w, normalise_text(w)) for w in words)


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    """One search for any word of a list (normalised); never matches for a list of none."""
    found = sorted({n for _w, n in _normalised(words) if n}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, found)) if found else r"(?!)")


def _where(line: IndicatorLine) -> str:
    written = "/".join(part for part in (line.category, line.subcategory) if part)
    return written or Message("lint.no_category")


def _unplaced_hint(view: _View) -> str:
    rows = [str(i + 1) for i, _line, p in view.rows() if p.category is None]
    return Message("lint.unplaced_hint", rows=Join(rows)) if rows else ""


def _is_blank(text: str | None) -> bool:
    """Empty or a placeholder ("/", "—", "无"), as for target values (DOMAIN.md §4.2): what
    `parse_target_value` reads as missing, without parsing a whole text (a goal) as a value."""
    if text is None:
        return True
    if isinstance(text, str):
        if _IDEOGRAPHS_PAST_PLACEHOLDERS.search(text):
            return False  # a goal's sentence: what cleaning keeps is no placeholder
        return _blank_text(text)
    return parse_target_value(text).kind == Kind.MISSING


#: More CJK ideographs than the longest placeholder word has characters: cleaning a text
#: (`clean_text`: NFKC, which neither decomposes nor composes these, the dashes mapped, the
#: spaces and the trailing stops dropped) keeps every one of them, so the clean text is
#: longer than any placeholder word and not only dashes. One search instead of cleaning each
#: declaration's goal (T09 asks it of every goal, about 10 µs a goal of 56 characters).
_IDEOGRAPHS_PAST_PLACEHOLDERS = re.compile(
    f"(?:[\u4e00-\u9fff][^\u4e00-\u9fff]*){{{max(map(len, _PLACEHOLDER_WORDS)) + 1}}}"
)


@lru_cache(maxsize=256)
def _blank_text(text: str) -> bool:
    """`_is_blank` of a text, kept for the few last: T09 and T22 both ask it of the goal."""
    return is_placeholder(clean_text(text))


def _grams(name: str, generic, size: int) -> set[str]:
    """Runs of `size` characters of a name without its generic words (T17's "specific word")."""
    text = normalise_text(name)
    for _word, norm in _longest_first(tuple(generic)):
        text = text.replace(norm, "|")
    return {part[k : k + size] for part in text.split("|") for k in range(len(part) - size + 1)}


@lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((w, n) for w, n in _normalised(words) if n), key=lambda p: -len(p[1])))
