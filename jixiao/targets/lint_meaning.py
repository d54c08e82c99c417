"""What an indicator measures (DOMAIN.md §4.4): T19–T22.

A pure module (DESIGN.md, Pure rules): category mismatch (T19), an input counted as an output
(T20), a rate above 100% (T21), an annual target restating the long-term one (T22). None of them
blocks. Every word list and threshold comes from the rulebook's "lint" section
(jixiao.targets.rules), where a region extends a list with a key ending in "+".

The checks are deliberately conservative: a reviewer must agree with nearly every finding, so a
row is only called misfiled when it shows nothing of what its own subcategory measures *and*
clearly shows another's; a row that shows neither is left alone.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import chain

from jixiao.core.rule_messages import Join, Message
from jixiao.indicators.catalogue import CATALOGUE_2021, CLASSIC_CATALOGUE
from jixiao.indicators.values import MONEY_UNITS, Kind, Op, parse_target_value

from .declaration import IndicatorLine, name_hint, normalise_text
from .lint_base import (
    _DIGIT,
    _MASKS_DIGITS,
    _UNKNOWN,
    Finding,
    _contains,
    _is_blank,
    _label,
    _masks_digits,
    _normalised,
    _num,
    _round,
    _View,
    _where,
    answers_for,
    row_check,
)

# --------------------------------------------------------------------------- T19


@row_check(quiet=lambda view, i: bool(view.facts[i].known.get("T19 quiet")))  # set below
def check_category_mismatch(view: _View) -> list[Finding]:
    """T19 category_mismatch: an indicator under a subcategory it does not measure.

    In this order (rules T19), a row is misfiled when:
    1. its value is a deadline and it is not under the `deadline_subcategory` (时效), or its
       name holds a `decisive` word of another subcategory (满意 for 满意度) and its value is
       a level, not a count, or it is filed under a `from` subcategory of one of `moves` and
       its name holds one of that move's words (it belongs under the move's `to`);
    2. its value is a rate (in %) under a subcategory of `rate_measures` whose name holds none
       of the words that make a rate about it (a 合格率 under 时效, an 达标率 under 成本): it
       belongs where another subcategory's `signs` place it, else under `rate_home`;
    3. neither its name nor its value shows what its subcategory measures (`measures` and
       `signs` of the subcategory, its `units`, and for the `deadline_subcategory` a deadline
       value), and its name holds a `signs` word of another subcategory of the catalogue in
       use, or its value is a unit cost under one of `unit_cost_from` (it belongs under the
       cost subcategory) or a count (`count_units`) under one of `count_from` (it belongs
       under `count_home`); under a `strict` subcategory, another subcategory's `measures`
       word of at least `strict_min_chars` characters is enough.
    A row that shows nothing of any subcategory is left alone. A row without a name is read by
    its value when the value is words (the sentence is what it measures). Process measures are
    T11's finding and money counted as an output T20's, so T19 keeps quiet on them.
    """
    rules, found = view.rules["T19"], []
    known = _known_subcategories(view.categories)
    for i, line, p, facts in view.loud_rows():
        if facts.known.get("T19 quiet"):
            continue  # most rows: found quiet once, whatever the project (below)
        if view.process_word(i):
            facts.known["T19 quiet"] = True
            continue  # a process measure is T11's finding
        if _input_word(view, line, p.subcategory, facts):
            # quiet for every project when the row's own texts decided the word
            facts.known["T19 quiet"] = facts.known["T20"][0] is not _UNDECIDED
            continue
        homes = facts.ask("T19", _t19_row, line, p.subcategory, rules, known)
        if homes:
            found.append(_t19_finding(view, i, line, p.subcategory, homes))
        else:
            facts.known["T19 quiet"] = True
    return found


def _t19_row(line: IndicatorLine, here: str | None, rules: Mapping, known) -> list:
    """`_t19_homes` of a row as T19 reads it (a fact of the row); [] for a row under no
    subcategory of the catalogue or named by a level only."""
    named = _read_by_value(line)
    if here is None or here not in known or _names_a_level(named.name, here):
        return []
    if named is not line:  # named by its value's words: the whole text is the name
        return _own_words(_t19_homes(named, here, rules, known), line)
    # kept per rules T19 for what the steps read of the row, the digits of the value's text
    # masked where no `measures` or `signs` word holds a digit (`_measures` searches the value's
    # text with them; the other lists search the name); the words taken from the value itself
    # are the row's own (`_THE_TEXT`, `_THE_DISPLAY`)
    answers = answers_for(rules, "T19 homes")
    masks = answers.get(_MASKS_DIGITS)
    if masks is None:
        lists = chain(rules["measures"].values(), rules["signs"].values())
        masks = answers[_MASKS_DIGITS] = _masks_digits(lists)
    value = line.value
    text = _DIGIT.sub("0", value.original) if masks and value.original else value.original
    key = (line.name, text, value.kind, value.unit, line.unit, not value.number, here,
           line.subcategory, known)  # fmt: skip
    found = answers.get(key)
    if found is None:
        found = answers[key] = _t19_homes(line, here, rules, known)
    return _own_words(found, line)


def _own_words(homes: list, line: IndicatorLine) -> list:
    """`homes` with the value's own text and display where the steps took them."""
    if not any(word is _THE_TEXT or word is _THE_DISPLAY for _sub, word in homes):
        return homes
    own = {_THE_TEXT: line.value.original.strip(), _THE_DISPLAY: line.value.display()}
    return [(sub, own.get(word, word)) for sub, word in homes]


#: The words of a T19 home that are the row's value: its text (a deadline), its display (a
#: unit cost or a count).
_THE_TEXT, _THE_DISPLAY = object(), object()


def _known_subcategories(categories: Mapping) -> frozenset:
    """The catalogue's subcategories, once per catalogue mapping."""
    kept = _KNOWN.get(id(categories))
    if kept is None or kept[0] is not categories:
        if len(_KNOWN) > 64:
            _KNOWN.clear()
        subs = frozenset(sub for subs in categories.values() for sub in subs)
        kept = _KNOWN[id(categories)] = (categories, subs)
    return kept[1]


#: id(categories) → (the mapping, its subcategories).
_KNOWN: dict[int, tuple] = {}


def _read_by_value(line: IndicatorLine) -> IndicatorLine:
    """The row as T19 reads it: a row without a name whose value is words ("确保全年未发生
    安全事故…") is named by that value; any other row as it is."""
    if line.name.strip() or line.value.kind != Kind.QUALITATIVE:
        return line
    return replace(line, name=(line.value.text or line.value.original).strip())


def _t19_homes(line: IndicatorLine, here: str, rules: Mapping, known: set) -> list:
    """[(subcategory, word)] where a row filed under `here` belongs (steps 1–3 of
    `check_category_mismatch`); word "" for a rate placed by step 2 alone. [] when it fits."""
    homes = _decisive(line, here, rules, known) or _moved(line, here, rules, known)
    if homes:
        return homes
    if _is_rate(line) and here in rules["rate_measures"]:
        if _contains(line.name, rules["rate_measures"][here]):
            return []
        return _homes(line, here, rules["signs"], known) or [(rules["rate_home"], "")]
    if _measures(line, here, rules) or _written_fits(line, here, rules):
        return []
    homes = _homes(line, here, rules["signs"], known) or _home_by_unit(line, here, rules, known)
    if homes and _people_reached(line, here, homes, rules):
        return []
    if homes or here not in rules["strict"]:
        return homes
    return _homes(line, here, _strict_lists(rules), known)


def _people_reached(line: IndicatorLine, here: str, homes, rules: Mapping) -> bool:
    """True for people counted under a benefit (rules T19 `people_subcategories`,
    `people_units`) that only a count word sends to 数量, when the name says nothing the
    project did to them (`output_acts`): viewers, customers, visitors measure the benefit
    ("全年影院观影人数 ≥4万人次"); trainees counted ("全年培训人次") are an output."""
    if here not in rules["people_subcategories"]:
        return False
    if any(sub != rules["count_home"] for sub, _word in homes):
        return False
    value = line.value
    unit = (value.unit or "").removeprefix("万")
    if value.kind != Kind.QUANTITATIVE or unit not in rules["people_units"]:
        return False
    return not _contains(line.name, rules["output_acts"])


def _written_fits(line: IndicatorLine, here: str, rules: Mapping) -> bool:
    """True when the table's own subcategory, which the catalogue in use folds into `here`
    (a 2021 table's 社会成本指标 read with the classic catalogue's 成本指标), has `measures` of
    its own and the row shows them ("征地拆迁户数" under 社会成本指标): the row is where its
    table put it."""
    written = line.subcategory
    return written != here and written in rules["measures"] and _measures(line, written, rules)


def _strict_lists(rules: Mapping) -> dict:
    """Rules T19 `measures` without the words shorter than `strict_min_chars`, built once per
    rules mapping (the same lists for every row, so `_contains` finds them by identity)."""
    measures, size = rules["measures"], int(rules["strict_min_chars"])
    kept = _STRICT.get(id(measures))
    if kept is None or kept[0] is not measures or kept[1] != size:
        if len(_STRICT) > 64:
            _STRICT.clear()
        lists = {sub: [w for w in words if len(normalise_text(w)) >= size]
                 for sub, words in measures.items()}  # fmt: skip
        kept = _STRICT[id(measures)] = (measures, size, lists)
    return kept[2]


#: id(rules T19 measures) → (the mapping, strict_min_chars, the lists kept).
_STRICT: dict[int, tuple] = {}


def _home_by_unit(line: IndicatorLine, here: str, rules: Mapping, known: set) -> list:
    """[(subcategory, value)] for a unit cost (元/人) under one of rules T19 `unit_cost_from`
    (it belongs under the catalogue's cost subcategory) or a count (`count_units`) under one
    of `count_from` (it belongs under `count_home`; none at all, "=0起", is a quality);
    [] otherwise."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or not value.unit:
        return []
    head, slash, per = value.unit.partition("/")
    if slash and per and head in MONEY_UNITS and here in rules["unit_cost_from"]:
        home = next((sub for sub in rules["unit_cost_homes"] if sub in known), None)
        return [(home, _THE_DISPLAY)] if home else []
    if value.unit in rules["count_units"] and here in rules["count_from"] and value.number:
        return [(rules["count_home"], _THE_DISPLAY)] if rules["count_home"] in known else []
    return []


def _names_a_level(name: str, here: str) -> bool:
    """True for an empty name, or one that only names a level of the catalogues akin to its
    own subcategory ("社会成本指标" under 成本指标): such a row says nothing of what it
    measures."""
    norm = normalise_text(name).removesuffix("指标")
    if not norm:
        return True
    if norm not in _levels():
        return False
    own = normalise_text(here).removesuffix("指标")
    return own in norm or norm in own


@lru_cache(maxsize=1)
def _levels() -> frozenset[str]:
    """The names of the levels of both catalogues, normalised and without "指标"."""
    return frozenset(
        normalise_text(level).removesuffix("指标")
        for catalogue in (CLASSIC_CATALOGUE, CATALOGUE_2021)
        for category, subs in catalogue.items()
        for level in (category, *subs)
    )


def _is_rate(line: IndicatorLine) -> bool:
    return line.value.kind == Kind.QUANTITATIVE and line.value.unit == "%"


def _decisive(line: IndicatorLine, here: str, rules: Mapping, known: set) -> list:
    """[(subcategory, word)] when the value is a deadline (it belongs under the rules'
    `deadline_subcategory`, 时效), or the name holds a decisive word of another subcategory
    (rules T19 `decisive`: 满意 places a row under 满意度) and the value is a level, not a
    count."""
    deadline_sub = rules["deadline_subcategory"]
    if line.value.kind == Kind.DEADLINE and deadline_sub not in (here, None):
        return [(deadline_sub, _THE_TEXT)] if deadline_sub in known else []
    unit = line.value.unit or line.unit or ""
    if unit not in rules["decisive_units"] or _contains(line.name, rules["decisive_exempt"]):
        return []
    for sub, words in rules["decisive"].items():
        word = _contains(line.name, words) if sub != here and sub in known else None
        if word:
            return [(sub, word)]
    return []


def _moved(line: IndicatorLine, here: str, rules: Mapping, known: set) -> list:
    """[(subcategory, word)] when the name holds a word of one of rules T19 `moves` and the row
    is filed under one of that move's `from` subcategories: what it names belongs under `to`
    whatever else the name says (an awareness under 生态效益 is a social effect, a completion
    rate under a benefit is an output)."""
    for move in rules["moves"]:
        if here not in move["from"] or move["to"] not in known:
            continue
        word = _contains(line.name, move["words"])
        if word:
            return [(move["to"], word)]
    return []


def _measures(line: IndicatorLine, sub: str, rules: Mapping) -> bool:
    """True when the row's name or value shows something its subcategory measures."""
    if line.value.kind == Kind.DEADLINE and sub == rules["deadline_subcategory"]:
        return True
    unit = line.value.unit or line.unit or ""
    units = rules["units"].get(sub, ())
    if unit and (unit in units or unit.partition("/")[0] in units):
        return True
    text = f"{line.name}|{line.value.original}|{unit}"
    measures, signs = rules["measures"].get(sub, ()), rules["signs"].get(sub, ())
    return _contains(text, measures) is not None or _contains(text, signs) is not None


def _homes(line: IndicatorLine, here: str, lists: Mapping, known: set) -> list:
    """[(subcategory, word)] for the other subcategories of `lists` (signs or measures) whose
    word the row's name holds, best first: the longest word wins; subcategories tied with it
    are kept (the message names them all)."""
    found = []
    for sub, words in lists.items():
        if sub == here or sub not in known:
            continue
        word = _longest(line.name, words)
        if word:
            found.append((sub, word, len(normalise_text(word))))
    if not found:
        return []
    best = max(size for _s, _w, size in found)
    return [(sub, word) for sub, word, size in found if size == best]


def _longest(text: str, words) -> str | None:
    """The longest word of `words` found in `text` (normalised), or None."""
    if _contains(text, words) is None:
        return None  # most names hold none: one search of the list's pattern says so
    norm = normalise_text(text)
    hits = [(len(n), w) for w, n in _normalised(tuple(words)) if n and n in norm]
    return max(hits)[1] if hits else None


def _t19_finding(view: _View, i: int, line: IndicatorLine, here: str, homes) -> Finding:
    rules = view.rules["T19"]
    there = Join([sub for sub, _w in homes])
    word = homes[0][1]
    examples = Join(Message("lint.quoted", text=w) for w in rules["examples"].get(here, ())[:3])
    if word:
        what = Message("lint.T19.word", word=word, there=there)
        why = Message("lint.T19.why", here=here, word=word, there=there)
    else:
        what = Message("lint.T19.rate", value=line.value.display(), there=there)
        why = Message("lint.T19.rate.why", here=here, there=there)
    msg = Message("lint.T19", label=_label(i, line), where=_where(line), here=here, what=what,
                  there=there, examples=examples)  # fmt: skip
    return view.finding("T19", i, msg, why)


# --------------------------------------------------------------------------- T20


def _t20_quiet(view: _View, i: int) -> bool:
    """T20 passes over a row whose own texts, read the first time (`_input_read`), say it is
    no input, or leave it to the project's name with neither supplies nor put_in to decide."""
    read = view.facts[i].known.get("T20")
    return read is not None and (read[0] is None or (read[0] is _UNDECIDED and not any(read[1:])))


@row_check(quiet=_t20_quiet)
def check_input_as_output(view: _View) -> list[Finding]:
    """T20 input_as_output: an input or a spending amount counted as an output: under a
    subcategory of rules T20 `subcategories` (数量, 质量), a row whose name says money put in
    or spent (rules T20 `input_words`) with a value in money or without a unit, or with any
    value in money unless the name says the money is what the project delivers or brings in
    (`money_output_words`: 贷款, 收入 …), or that counts consumables (`consumable_words`: 试剂,
    耗材 …) not handed on, or purchases for the unit's own running (`own_use_words`: 办公), or
    supplies bought or paid for that the project does not deliver (`_own_supplies`), or people
    and means put in counted (`_put_in`); not a row T11 reports as a process measure (a
    reviewer names one problem a row, and money moved by the administration is first that);
    under a cost subcategory of `floor_subcategories`, a money input with a floor ("投入资金
    ≥1500万元"); any other purchase of equipment counted by what was bought only when
    `purchase_counts` is true."""
    found, rules = [], view.rules["T20"]
    for i, line, p, facts in view.loud_rows():
        if _t20_quiet(view, i):
            continue  # most rows: their own texts say they are no input (`_input_read`)
        if view.process_measure(i):
            continue  # money moved by the administration ("资金拨付额 100万元") is T11's finding
        word = _input_word(view, line, p.subcategory, facts)
        if word:
            code = _t20_code(line, p.subcategory, word, rules)
            msg: str = Message(code, label=_label(i, line), value=line.value.display(),
                               here=p.subcategory, word=word)  # fmt: skip
            if code == "lint.T20.supplies":
                under = [p.subcategory or line.subcategory]
                msg = view.suggested(msg, under=under, about=[line.name])
            found.append(view.finding("T20", i, msg, Message("lint.T20.why", word=word)))
    return found


def _t20_code(line: IndicatorLine, sub: str | None, word: str, rules: Mapping) -> str:
    """The message of a T20 finding: a money floor under 成本, a consumable, a purchase,
    money put in, or a value in money on a name that says nothing of money (the word found is
    then the value itself, not a word of the name)."""
    if sub in rules["floor_subcategories"]:
        return "lint.T20.spending_floor"
    if normalise_text(word) not in normalise_text(line.name):
        return "lint.T20.money_value"
    counted = _purchase_count(line, rules)
    if counted:
        return "lint.T20.consumable" if _consumable(line.name, rules) else "lint.T20.purchase"
    if _contains(line.name, rules["supply_words"]) == word:
        return "lint.T20.supplies"
    if _put_in(line, rules) == word:
        return "lint.T20.put_in"
    return "lint.T20"


def _input_word(view: _View, line: IndicatorLine, sub: str | None, facts) -> str | None:
    """The word that makes the row an input counted as an output (T20), or None. What the
    row says is a fact of the row (`_input_read`); only its own supplies depend on the project's
    name."""
    read = facts.known.get("T20")  # `facts.ask` in line: asked twice of every row
    if read is None:
        read = facts.known["T20"] = _input_read(line, sub, view.rules["T20"])
    word, supply, put_in = read
    if word is not _UNDECIDED:
        return word
    project = view.declaration.project_name
    if supply and not (project and normalise_text(supply) in normalise_text(project)):
        return supply  # the project's own supplies (`_own_supplies`)
    return put_in


#: `_input_read`'s word when the project's name decides between its own supplies and put_in.
_UNDECIDED = object()


def _input_read(line: IndicatorLine, sub: str | None, rules: Mapping):
    """(word, supplies, put in) of a row for `_input_word`: the word when the row decides it,
    else `_UNDECIDED` with the supplies word (before the project's name is asked, `_own_supplies`)
    and `_put_in`'s word. Kept per rules T20 for what it reads of the row: the word lists
    search its name only, and of its value it reads the kind, unit, operator, whether the
    operator is implied, whether the number is zero or none and whether the text ends in a
    money unit; the value's own text, where it is the word, is the row's (`_THE_VALUE`). Rows
    that differ only in their numbers share the answer."""
    value = line.value
    key = (line.name, sub, value.kind, value.unit, value.operator, value.operator_implied,
           not value.number, _money_written(value.original))  # fmt: skip
    answers = answers_for(rules, "T20 read")
    found = answers.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = answers[key] = _input_decided(line, sub, rules)
    if found[0] is _THE_VALUE:
        return value.original.strip() or None, None, None
    return found


def _input_decided(line: IndicatorLine, sub: str | None, rules: Mapping):
    word = _input_by_row(line, sub, rules)
    if word is not _UNDECIDED:
        return word, None, None
    return _UNDECIDED, _own_supplies(line, None, rules), _put_in(line, rules)


#: `_input_by_row`'s word where it is the value's own text (money on a name of no money word).
_THE_VALUE = object()


def _input_by_row(line: IndicatorLine, sub: str | None, rules: Mapping):
    """The T20 word of a row where its own texts decide it, else `_UNDECIDED`."""
    value = line.value
    if sub in rules["floor_subcategories"]:
        return _spending_floor(line, rules)
    if sub not in rules["subcategories"]:
        return None
    unit = value.unit or ""
    # A money value, also where a unit column contradicts the value ("28.8万元" with "%").
    money = unit in MONEY_UNITS or _money_written(value.original)
    if value.kind != Kind.QUANTITATIVE and not (value.kind == Kind.UNREADABLE and money):
        return None
    if money and _contains(line.name, rules["money_output_words"]):
        return None  # the money is what the project delivers or brings in (loans, investment)
    word = _contains(line.name, rules["input_words"])
    if word and (money or not unit):
        return word
    if money:
        return (
            _contains(line.name, rules["money_words"])
            or _contains(line.name, rules["purchase_words"])
            or _THE_VALUE  # any other money: the spending itself (its text) is counted
        )
    return _purchase_count(line, rules) or _UNDECIDED


def _put_in(line: IndicatorLine, rules: Mapping) -> str | None:
    """The word of a row counting what is put in (rules T20 `put_in_words`: "投入执法人员 ≥200
    人次", "投入机械设备 ≥15台"): the people and means a project puts in are its inputs, what they
    do is the output. A count only (not a rate, not money), and not a thing put into service
    (`put_in_exempt`: 投入使用, 投入运行), which is what the project delivers, nor time worked
    (`work_time_units`: 工日, 小时), which measures the work done."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.unit == "%" or value.unit in MONEY_UNITS:
        return None
    if not value.number or _contains(line.name, rules["put_in_exempt"]):
        return None
    if value.unit in rules["work_time_units"]:
        return None  # days or hours worked: the work done
    return _contains(line.name, rules["put_in_words"])


def _own_supplies(line: IndicatorLine, project: str | None, rules: Mapping) -> str | None:
    """The supplies word of a row counting the project's own supplies bought or paid for
    (rules T20 `spend_words` with a `supply_words` word: "采购防疫物资 ≥20批", "购买车辆燃油
    ≥3000升"), or None: a count (not a rate, not money), not handed on (`handed_on_words`),
    and only where the project's name does not say those supplies are what it delivers
    ("应急物资储备项目" buying 物资, a vaccine project buying 药物). Equipment is no supply:
    for an equipment project the equipment delivered is the output (`purchase_counts`)."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.unit == "%" or value.unit in MONEY_UNITS:
        return None
    supply = _contains(line.name, rules["supply_words"])
    if not supply or not _contains(line.name, rules["spend_words"]):
        return None
    if _contains(line.name, rules["handed_on_words"]):
        return None
    if project and normalise_text(supply) in normalise_text(project):
        return None  # the supplies are what the project delivers
    return supply


def _spending_floor(line: IndicatorLine, rules: Mapping) -> str | None:
    """The input word of a money input with a written floor (rules T20 `floor_subcategories`:
    "投入资金 ≥1500万元" under 成本), or None."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.operator not in (Op.GE, Op.GT):
        return None
    if value.operator_implied or value.unit not in MONEY_UNITS:
        return None
    return _contains(line.name, rules["input_words"])


def _purchase_count(line: IndicatorLine, rules: Mapping) -> str | None:
    """The word of a row counting consumables (rules T20 `consumable_words`), a purchase for
    the unit's own running (`own_use_words`: 办公设备采购数量), or any purchase of equipment
    when `purchase_counts` is true; None for a rate (a 购置合格率 is a quality) and where the
    things bought are handed on (`handed_on_words`), and for a value in money."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or value.unit == "%" or value.unit in MONEY_UNITS:
        return None  # a rate is a quality; a purchase counted by its price is money put in
    if _contains(line.name, rules["handed_on_words"]):
        return None
    consumable = _consumable(line.name, rules)
    if consumable:
        return consumable
    if rules["purchase_counts"] or _contains(line.name, rules["own_use_words"]):
        return _contains(line.name, rules["purchase_words"])
    return None


def _consumable(name: str, rules: Mapping) -> str | None:
    """The word of a name counting materials or supplies used up (rules T20
    `consumable_words`), unless they are materials the project writes or hands on
    (`made_words`: 宣传材料, 培训材料)."""
    word = _contains(name, rules["consumable_words"])
    return None if not word or _contains(name, rules["made_words"]) else word


def _money_written(text: str) -> bool:
    """True when the value as written ends in a money unit ("28.8万元")."""
    return text.rstrip().endswith(_MONEY_ENDINGS)


_MONEY_ENDINGS = tuple(MONEY_UNITS)


# --------------------------------------------------------------------------- T21


def _t21_quiet(view: _View, i: int) -> bool:
    """T21 passes over a row that is no rate in % with a number (nothing kept), or whose kept
    reading finds no bounded rate above the limit, or only a floor on a process measure."""
    read = view.facts[i].known.get("T21")
    return read is None or (read[1] and bool(view.process_word(i)))


@row_check(quiet=_t21_quiet)
def check_rate_over_100(view: _View) -> list[Finding]:
    """T21 rate_over_100: a target above 100% (">100%", "≥105%", "=110%") on a rate that
    cannot exceed 100 (rules T21 `bounded_rates`: 覆盖率, 合格率, 满意度 ...; above the limit,
    any name with an `over_words` word, a rate of any kind). Rates where
    overshoot is possible (rules T21 `exempt_words`: 增长率, 完成率, 同比 ...) are exempt,
    and only values in % are read. A written "≥100%" (a floor at the ceiling, which only
    "=100%" can meet) is a finding only when rules T21 `floor_at_limit` is true and the writer
    wrote the "≥" (`_floor_written`); a bare "100%" never is."""
    rules, found = view.rules["T21"], []
    for i, line, _p, facts in view.loud_rows():
        if not facts.is_rate or line.value.number is None:
            continue
        read = facts.ask("T21", _t21_read, line, rules)
        if read is None:
            continue
        over, floor, rate = read
        if floor and view.process_word(i):
            continue  # a process measure at 100% is T11's finding; its floor is secondary
        limit = _num(Decimal(rules["limit"]))
        code = "lint.T21" if over else "lint.T21.floor"
        msg = Message(code, label=_label(i, line), value=line.value.display(), rate=rate,
                      limit=limit)  # fmt: skip
        why = Message("lint.T21.why", rate=rate, limit=limit)
        found.append(view.finding("T21", i, msg, why))
    return found


def _t21_read(line: IndicatorLine, rules: Mapping):
    """(over, floor, rate) of a rate in % above the limit or written as a floor at it, on a
    name of a bounded rate; None otherwise (a fact of the row)."""
    value, limit = line.value, Decimal(rules["limit"])
    number = value.number
    assert number is not None  # T21 reads only rates with a number (`check_rate_over_100`)
    over = number > limit or (number == limit and value.operator == Op.GT)
    floor = (
        number == limit
        and value.operator == Op.GE
        and not value.operator_implied
        and not normalise_text(value.original).startswith(_attain_words(rules))
        and bool(rules["floor_at_limit"])
        and _floor_written(line, rules)
    )
    if not (over or floor) or value.operator not in (Op.GE, Op.GT, Op.EQ):
        return None
    rate = _contains(line.name, rules["bounded_rates"])
    if not rate and over and _contains(line.name, rules["over_words"]):
        rate = _rate_term(line.name, rules["over_words"])
    if rate and not _contains(line.name, rules["exempt_words"]):
        return over, floor, rate
    return None


def _floor_written(line: IndicatorLine, rules: Mapping) -> bool:
    """True when the writer chose the "≥" of a floor at the limit: it is written in the value
    cell itself ("≥100%"), and the name does not carry the form's own operator ("完成及时率
    (≥**%)"). With `floor_needs_written_operator` false, any "≥100%" counts. Where the form
    prints the operator (a 指标值符号 column filled for every row, or "(≥**%)" in the name),
    the writer only filled in the number, and "100" under a printed "≥" says "all of them"."""
    if not rules["floor_needs_written_operator"]:
        return True
    if name_hint(line.name)[0] is not None:
        return False
    return not _cell_operator(line.value.original).operator_implied


@lru_cache(maxsize=4096)
def _cell_operator(text: str):
    """The value cell read alone, without the table's operator column."""
    return parse_target_value(text)


def _rate_term(name: str, words) -> str:
    """The rate a name speaks of, for the message: the last of `words` with up to two
    characters before it ("项目开展率" → "开展率")."""
    norm = normalise_text(name)
    found = [m.group(0) for w, n in _normalised(tuple(words)) if n
             for m in re.finditer(rf"[\u4e00-\u9fff]{{0,2}}{re.escape(n)}", norm)]  # fmt: skip
    return found[-1] if found else words[0]


def _attain_words(rules: Mapping) -> tuple[str, ...]:
    """Rules T21 `attain_words`, normalised: a value starting so ("达到目标值100%") says the
    rate is to reach 100%, its "≥" only read from the word, so it is no floor set above."""
    return tuple(n for _w, n in _normalised(tuple(rules["attain_words"])) if n)


# --------------------------------------------------------------------------- T22

_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_YEAR_RE = re.compile(r"(?:19|20)\d\d(?=年|\.|-|—|～|~|至)")


def check_annual_equals_long_term(view: _View) -> list[Finding]:
    """T22 annual_equals_long_term: the annual goal restates the medium- or long-term goal:
    equal after normalising spaces and punctuation, or nearly equal (rules T22 `similarity`,
    the share of characters the two have in common, 2 × matches / total length) with the same
    numbers apart from years, so a year's own quantities are not a restatement. Nothing when
    either goal is empty."""
    goal, medium = view.declaration.goal, view.declaration.medium_term_goal
    if _is_blank(goal) or _is_blank(medium):
        return []
    a, b = normalise_text(goal), normalise_text(medium)
    if a == b:
        how = Message("lint.T22.same")
        why = Message("lint.T22.same.why")
    else:
        matches = sum(block.size for block in SequenceMatcher(None, a, b).get_matching_blocks())
        ratio = Decimal(2 * matches) / Decimal(len(a) + len(b))
        threshold = Decimal(view.rules["T22"]["similarity"])
        if ratio < threshold or _numbers(a) != _numbers(b):
            return []
        pct = _num(_round(ratio * 100, "0.1"))
        how = Message("lint.T22.near", pct=pct)
        why = Message("lint.T22.near.why", pct=pct, limit=_num(threshold * 100))
    return [view.finding("T22", None, Message("lint.T22", how=how), why)]


def _numbers(text: str) -> list[str]:
    """The numbers written in a goal, years left out, in order."""
    return _NUMBER_RE.findall(_YEAR_RE.sub("", text))


#: The checks of this module, in code order; `jixiao.targets.lint` runs them after T01–T18.
MEANING_CHECKS: tuple[Callable[[_View], list[Finding]], ...] = (
    check_category_mismatch,
    check_input_as_output,
    check_rate_over_100,
    check_annual_equals_long_term,
)
