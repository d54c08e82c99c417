""" "无" on an indicator that counts incidents is the target "= 0" (issue 15, DOMAIN.md §4.2).

A pure module: standard library only. The value parser (`values.parse_target_value`) reads a
cell without its indicator's name, so it reads "无" as a placeholder (missing, lint T02) on
every row. A reviewer reads it by the name: on 违法违规案件, 安全责任事故, 有效投诉 ... (a count of
incidents or other unwanted events) "无", "零", "杜绝", "不发生", "未发生" say that none is to
happen, the target "= 0"; on 培训人数 or 满意度 "无" still says nothing.

`incident_text(name, text, words)` maps the pair (name, cell) to the text the parser reads:
"=0" followed by the unit the name implies ("事故次数" → 次, "案件（件）" → 件, else none), or the
cell unchanged. Everything it knows comes from `words`, the rulebook's "lint" → "T02" entry
(jixiao.targets.rules; a region extends the lists with "incident_names+" ...):

- ``incident_names``: words that make a name a count of incidents (事故, 案件, 投诉 ...);
- ``handling_names``: words that make it a measure of dealing with them instead (处理, 办结,
  整改 ...: "投诉办结率" "无" still says nothing);
- ``none_words``: whole cells that say none is to happen (无, 零, 杜绝, 不发生 ...), also when
  an incident word follows ("零投诉", "无事故");
- ``count_units``: a word of the name → the unit of its count (次数 → 次, 起数 → 起 ...).

The lint (`jixiao.targets.lint_base.read_incidents`, on every declaration it checks) and the
self-evaluation reader (`jixiao.evaluations.selfeval_data`, with `incidents`) call it before
parsing a row's target, and the actual "无" on such a row reads as 0 the same way.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from jixiao.core.rule_messages import Message

__all__ = ["as_written", "incident_text", "is_incident_name"]

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
    name: object, text: object, words: Mapping | None, *, actual=False, unit: object = None
) -> object:
    """The text the value parser reads for a row: "=0" and the name's unit when the name counts
    incidents (`is_incident_name`) and the whole cell says none (`none_words`); for an actual
    (`actual`) "0", which takes its target's unit ("无" happened). A row with a unit column (`unit`) takes that
    unit, so the name's is not written. Else `text` as it is, also when `words` is None (no
    rules: today's reading)."""
    if not words or not isinstance(text, str) or len(text) > _LONGEST:
        return text
    if not _says_none(_norm(text), words) or not is_incident_name(name, words):
        return text
    if actual:
        return "0"
    return "=0" + ("" if unit else _unit(name, words))


def as_written(value, name: object, written: str):
    """A value parsed from `incident_text`'s "=0" (or "0"), shown as `written` with a note
    saying why it reads as zero (a TargetValue or an ActualValue)."""
    note = Message("value.incident_zero", name=str(name or "").strip(), original=written)
    return replace(value, original=written, notes=(note,))
