""" "无" on an indicator that counts incidents is the target "= 0" (DOMAIN.md §4.2).

A pure module: standard library only. A cell alone cannot say it: "无" is a placeholder (missing,
lint T02) on most rows. A reviewer reads it by the name: on 违法违规案件, 安全责任事故, 有效投诉
... (a count of incidents or other unwanted events) "无", "零", "杜绝", "不发生", "未发生" say that
none is to happen, the target "= 0"; on 培训人数 or 满意度 "无" still says nothing. DOMAIN.md §4.2
does not list this reading: it extends §4.2, and a region that does not want it empties
`incident_names` in its rulebook (lint → T02), which turns it off for every reader.

`incident_text(name, text, words)` maps the pair (name, cell) to the text the parser reads:
"=0" followed by the unit the name implies ("事故次数" → 次, "案件（件）" → 件, else none), or the
cell unchanged. Everything it knows comes from `words`, the rulebook's "lint" → "T02" entry
(jixiao.targets.rules, which starts from `NATIONAL_WORDS`; a region extends the lists with
"incident_names+" ...):

- ``incident_names``: words that make a name a count of incidents (事故, 案件, 投诉 ...);
- ``handling_names``: words that make it a measure of dealing with them instead (处理, 办结,
  整改 ...: "投诉办结率" "无" still says nothing);
- ``none_words``: whole cells that say none is to happen (无, 零, 杜绝, 不发生 ...), also when
  an incident word follows ("零投诉", "无事故");
- ``count_units``: a word of the name → the unit of its count (次数 → 次, 起数 → 起 ...);
- ``none_subcategories``: subcategories whose rows state an unwanted cost (社会成本指标,
  生态环境成本指标), where "无" says there is none whatever the name.

Its one caller is the value parser: `values.parse_target_value` and `values.parse_actual_value`
take the indicator's `name` (and the region's words, else `NATIONAL_WORDS`), so every reader
(the declaration and self-evaluation readers, imports, monitoring reports, last year's actuals
for T13, the corpus checks) reads such a row the same way; the actual "无" reads as 0.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from jixiao.core.rule_messages import Message

__all__ = ["NATIONAL_WORDS", "as_written", "incident_text", "is_incident_name", "may_say_none"]

#: The national lists (the rulebook's lint → T02 entry starts from them; a region extends them
#: with "incident_names+" … or empties `incident_names` to read "无" as missing everywhere).
NATIONAL_WORDS: dict = {
    "incident_names": [
        "事故", "案件", "投诉", "违法", "违纪", "违规", "差错", "纠纷", "上访", "火灾", "伤亡",
        "死亡", "舆情", "隐患", "泄密", "失误", "中毒", "犯罪", "返贫", "欠薪", "安全事件",
    ],
    "handling_names": [
        "处理", "办结", "处置", "查处", "结案", "化解", "整改", "答复", "回复", "受理", "满意",
        "培训", "宣传", "排查", "治理", "调解", "防范", "演练", "下降", "降低", "减少",
    ],
    "none_words": [
        "无", "零", "没有", "杜绝", "杜绝发生", "不发生", "未发生", "无发生", "零发生", "不出现",
        "未出现", "零容忍",
    ],
    "count_units": {
        "次数": "次", "起数": "起", "件数": "件", "个数": "个", "人数": "人", "例数": "例",
    },
    # Rows filed under these state a cost the project imposes on society or nature: "无" there
    # says it imposes none ("对周边环境的影响 无"), whatever the name.
    "none_subcategories": ["社会成本指标", "生态环境成本指标"],
}  # fmt: skip

#: Spaces, punctuation and brackets people put around a cell ("无。", "（无）").
_NOISE_RE = re.compile(r"[\s\u3000。，、；：,.;:!！?？'\"“”‘’()（）\[\]【】]+")
#: A unit in the brackets that end a name: "安全事故（起）", "投诉(次)".
_BRACKET_UNIT_RE = re.compile(r"[（(]\s*([\u4e00-\u9fff]{1,2})\s*[)）]\s*$")


#: Cells longer than this are sentences, never a word saying none (spares normalising them).
_LONGEST = 24


def _norm(text: object) -> str:
    if text is None:
        return ""
    return _NOISE_RE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


@lru_cache(maxsize=64)
def _vocabulary(nones: tuple, incidents: tuple, handling: tuple):
    """The lists normalised once: (a pattern of a whole cell that says none, the incident
    words, the handling words); rules lists are the same for every row."""
    norm = [_norm(w) for w in nones]
    after = sorted({_norm(w) for w in incidents if _norm(w)}, key=len, reverse=True)
    head = "|".join(map(re.escape, sorted({w for w in norm if w}, key=len, reverse=True)))
    tail = "|".join(map(re.escape, after))
    pattern = re.compile(f"(?:{head or '(?!)'})(?:(?:发生)?(?:{tail or '(?!)'}))?")
    return pattern, tuple(after), tuple(w for w in map(_norm, handling) if w)


def _lists(words: Mapping):
    return _vocabulary(tuple(words["none_words"]), tuple(words["incident_names"]),
                       tuple(words["handling_names"]))  # fmt: skip


def is_incident_name(name: object, words: Mapping) -> bool:
    """True when the name holds a word of `incident_names` (it counts unwanted events) and
    none of `handling_names` (it does not measure how they are dealt with)."""
    _pattern, incidents, handling = _lists(words)
    norm = _norm(name)
    return any(w in norm for w in incidents) and not any(w in norm for w in handling)


#: id(none_words) → (the list, the characters its words start with, NFKC-folded both ways,
#: the answers so far by text: every row of a table asks, and its cells repeat).
_FIRST_CHARS: dict[int, tuple[list, frozenset, dict]] = {}


def _may_say_none(text: str, none_words) -> bool:
    """False when no character of `text` starts a word of `none_words`: a cheap test that
    spares normalising the cells of all the other rows."""
    known = _FIRST_CHARS.get(id(none_words))
    if known is None or known[0] is not none_words:
        firsts = {c for w in none_words for c in (str(w)[:1], _norm(w)[:1]) if c}
        known = _FIRST_CHARS[id(none_words)] = (none_words, frozenset(firsts), {})
    answers = known[2]
    found = answers.get(text)
    if found is None:
        if len(answers) > 65_536:
            answers.clear()
        found = answers[text] = any(c in known[1] for c in unicodedata.normalize("NFKC", text))
    return found


def may_say_none(text: object, words: Mapping | None = None) -> bool:
    """False when `text` cannot be a cell saying none (no character that starts a word of
    `none_words`, national by default): a caller that remembers values by their text alone
    (an import's rows) then needs no name in its key."""
    if not isinstance(text, str) or len(text) > _LONGEST:
        return False
    return _may_say_none(text, (words or NATIONAL_WORDS)["none_words"])


def _says_none(cell: str, words: Mapping) -> bool:
    """True when the cell is a `none_words` entry, alone or followed by an incident word
    ("零投诉", "无事故", "零发生事故")."""
    return bool(cell) and _lists(words)[0].fullmatch(cell) is not None


def _unit(name: object, words: Mapping) -> str:
    """The unit the name implies: its bracketed unit when a count unit, else the unit of the
    first `count_units` word it holds, else none."""
    units = words["count_units"]
    bracket = _BRACKET_UNIT_RE.search(str(name or ""))
    if bracket and bracket.group(1) in units.values():
        return bracket.group(1)
    norm = _norm(name)
    return next((unit for word, unit in units.items() if _norm(word) in norm), "")


def incident_text(
    name: object,
    text: object,
    words: Mapping | None,
    *,
    actual=False,
    unit: object = None,
    subcategory: object = None,
    unwanted: bool = False,
) -> object:
    """The text the value parser reads for a row: "=0" and the name's unit when the row counts
    something unwanted and the whole cell says none (`none_words`); for an actual (`actual`)
    "0", which takes its target's unit ("无" happened). A row counts something unwanted when
    its name counts incidents (`is_incident_name`), when it is filed under a subcategory of
    `none_subcategories` (社会成本指标, 生态环境成本指标: "无" is no such cost), or when the
    caller knows it (`unwanted`: the target was read so). A row with a unit column (`unit`)
    takes that unit, so the name's is not written. Else `text` as it is, also when `words` is
    None (no rules: today's reading)."""
    if not words or not isinstance(text, str) or len(text) > _LONGEST:
        return text
    if not _may_say_none(text, words["none_words"]):
        return text  # every reader asks for every row: most cells hold no none word at all
    if not _says_none(_norm(text), words):
        return text
    unwanted = (
        unwanted
        or is_incident_name(name, words)
        or (subcategory is not None and subcategory in words.get("none_subcategories", ()))
    )
    if not unwanted:
        return text
    if actual:
        return "0"
    return "=0" + ("" if unit else _unit(name, words))


def as_written(value, name: object, written: str):
    """A value parsed from `incident_text`'s "=0" (or "0"), shown as `written` with a note
    saying why it reads as zero (a TargetValue or an ActualValue)."""
    note = Message("value.incident_zero", name=str(name or "").strip(), original=written)
    return replace(value, original=written, notes=(note,))
