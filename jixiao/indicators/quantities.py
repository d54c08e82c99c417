"""Reading a quantity from a 指标值 or 实际完成值 cell: operator, number and unit (DOMAIN.md §4.2).

A pure module: standard library and the other pure modules only. `jixiao.indicators.values` builds
target and actual values on `parse_quantity`; the operators (`Op`, their spellings and symbols),
the cell-text helpers and the words read past around a number live here, the measure units in
`jixiao.indicators.units`.

`parse_quantity` reads '≥50个', '不低于90%', '90%以上', '控制在5%以内', '十五人', and the forms of
real tables: an indicator's name before the value ('覆盖率达100%', '满意度≥90%'), words
naming the number ('达到目标值95%'), a base ('不低于上年的95%'), words after the unit ('100%覆盖',
'≥95%覆盖全县'), about-numbers ('1000余人'), a rate written with 每 ('每亩300'), and odd glyphs
for operators (═, ≧, ≦, ＞＝, '> =', full-width digits and ％), and a frequency without a number
('每季度', '按月报送': ≥1次/季度, ≥1次/月). Every word read past is kept in the notes. The result
says 'ok', 'unreadable' (with a message quoting the part that could not be read) or 'prose' (text
a target keeps as qualitative). `read_reference` reads a bound by a named reference ('≤预算',
'不高于上年'), which `values` keeps qualitative.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from jixiao.core.rule_messages import Join, Message

from .deadlines import chinese_int
from .units import (
    FREQUENCY_ACTIONS,
    FREQUENCY_PERIODS,
    REFERENCE_TAILS,
    REFERENCES,
    TIME_UNITS,
    is_known_unit,
    looks_like_unit,
    normalise_unit,
    split_unit_words,
)

__all__ = [
    "MULTIPLIERS",
    "OPERATOR_SYMBOLS",
    "Op",
    "Quantity",
    "as_text",
    "clean_text",
    "is_placeholder",
    "lacks_money_unit",
    "normalise_operator",
    "parse_quantity",
    "read_reference",
    "take_prefix_operator",
]


class Op(StrEnum):
    """Operators, spelt as in common.schema.json `value.op` (compare equal to those strings)."""

    GE = ">="
    GT = ">"
    EQ = "="
    LE = "<="
    LT = "<"
    QUALITATIVE = "qualitative"
    DEADLINE = "deadline"


#: How each operator is shown to people and may be written in JSON besides the schema spelling.
OPERATOR_SYMBOLS: dict[str, str] = {
    Op.GE: "≥",
    Op.GT: ">",
    Op.EQ: "=",
    Op.LE: "≤",
    Op.LT: "<",
    Op.QUALITATIVE: "定性",
    Op.DEADLINE: "时限",
}

_SYMBOL_OPERATORS: dict[str, Op] = {
    ">=": Op.GE, "=>": Op.GE, "≥": Op.GE, "≧": Op.GE, "⩾": Op.GE, "≮": Op.GE,
    "<=": Op.LE, "=<": Op.LE, "≤": Op.LE, "≦": Op.LE, "⩽": Op.LE, "≯": Op.LE,
    "≥=": Op.GE, "≤=": Op.LE, "±": Op.LE, "==": Op.EQ, "=": Op.EQ, ">": Op.GT, "<": Op.LT,
}  # fmt: skip

_WORD_OPERATORS: dict[str, Op] = {
    "大于或等于": Op.GE, "大于等于": Op.GE, "不低于": Op.GE, "不少于": Op.GE, "不小于": Op.GE,
    "不短于": Op.GE, "至少": Op.GE, "达到": Op.GE,
    "小于或等于": Op.LE, "小于等于": Op.LE, "低于或等于": Op.LE, "不高于": Op.LE, "不超过": Op.LE,
    "不超出": Op.LE, "不多于": Op.LE, "不大于": Op.LE, "不长于": Op.LE, "控制在": Op.LE,
    "至多": Op.LE, "最多": Op.LE, "不超": Op.LE,
    "大于": Op.GT, "超过": Op.GT, "高于": Op.GT, "多于": Op.GT,
    "小于": Op.LT, "低于": Op.LT, "少于": Op.LT,
    "达": Op.GE, "等于": Op.EQ,
}  # fmt: skip

_PREFIX_OPERATORS = {k: (v, True) for k, v in _SYMBOL_OPERATORS.items()} | {
    k: (v, False) for k, v in _WORD_OPERATORS.items()
}
# The longest spelling first, so '大于等于' wins over '大于'.
_PREFIX_RE = re.compile("|".join(map(re.escape, sorted(_PREFIX_OPERATORS, key=len, reverse=True))))

# 以上 after a number is ≥ and 以下 ≤ (§4.2); 以内/之内 ≤; 内 only after a time unit ("30天内").
_SUFFIX_OPERATORS = (
    ("及以上", Op.GE), ("以上", Op.GE), ("及以下", Op.LE), ("以下", Op.LE),
    ("以内", Op.LE), ("之内", Op.LE), ("内", Op.LE),
)  # fmt: skip

_COLUMN_OPERATORS: dict[str, Op | None] = {
    "定性": Op.QUALITATIVE, "qualitative": Op.QUALITATIVE, "deadline": Op.DEADLINE,
    "时限": Op.DEADLINE, "正向": Op.GE, "反向": Op.LE, "定量": None,
}  # fmt: skip

# Words before a number that do not change its meaning ("约50人", "完成100%", "约为2100").
_FILLERS = (
    "实际完成", "已完成", "完成", "实现", "大约", "约为", "约", "累计", "共计", "合计", "为",
)  # fmt: skip
# Words naming the number after an operator ("达到目标值95%"): read past, kept in the notes.
_VALUE_WORDS = ("目标值", "预计值", "预期值", "计划值", "指标值", "标准值", "预期", "预计", "计划")
# Words saying the number is relative to last year ("不低于上年的95%"): read past, noted.
# Any reference of the units table followed by 的 ("不超过预算的95%") is such a base too.
_RELATIVE_WORDS = tuple(sorted(
    {"上年同期的", "上一年度的", "上年度的", "上年的", "去年的", "上年同期", "上年"}
    | {f"{reference}的" for reference in REFERENCES}, key=len, reverse=True,
))  # fmt: skip
_RELATIVE_RE = re.compile("|".join(map(re.escape, _RELATIVE_WORDS)))
# An indicator's name before its value ends with one of these ("覆盖率达100%", "满意度≥90%").
_SUBJECT_ENDINGS = (
    "率", "度", "比例", "占比", "比重", "数", "量", "面积", "里程", "长度", "金额", "成本", "费用",
    "到位", "覆盖", "完成", "达标",
)  # fmt: skip
_LINKING_WORDS = ("保持在", "保持", "为", "是")
# A change written before its size ("较上年提高5%", "同比下降不超过3%"): the number is the size of
# the change, read as ≥ unless an operator is written; noted, since the actual must be one too.
_CHANGE_RE = re.compile(
    r"(?:较上年|比上年|较去年|比去年|较上年度|同比|环比|较基期|比基期)?(?:提升|提高|增长|增加|下降|降低|减少)了?"
)
# Words after a bare number's unit that do not change it ("100%覆盖", "100%达标").
_TRAILING_WORDS = ("全覆盖", "覆盖", "达标", "合格", "到位", "落实", "通过", "兑现", "完成")
_APPROXIMATE = ("余", "多")  # "1000余人", "100多个": about, read as the number
MULTIPLIERS = {"万": 4, "亿": 8}  # "150万" with no unit: 万元 in a cost, else 1500000

# --------------------------------------------------------------------------- text helpers

_WS_RE = re.compile(r"\s+")
_CHAR_MAP = str.maketrans(
    {"−": "-", "‐": "-", "‑": "-", "〜": "~", "═": "=", "\u200b": "", "\ufeff": "", "\u00a0": ""}
)
_TRAILING_PUNCT = "。；;,、.!?:：'\""
_PLACEHOLDER_RE = re.compile(r"[-/\\—–_·~*]*")
_PLACEHOLDER_WORDS = {"n/a", "na", "#n/a", "无", "空", "暂无", "不适用", "none", "null", "nan"}
_NUMBER_RE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_INCLUSIVE_RE = re.compile(r"\(含(?:本数)?\)")
_TRAILING_NOTE_RE = re.compile(r"^(.*\S)[(【\[]([^()【】\[\]]*)[)】\]]$")


def as_text(value: object) -> str:
    """Cell contents as text: None → '', numbers without float noise, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if value == value else "nan"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


def clean_text(text: str) -> str:
    """NFKC (full-width digits, ＞＝, ％, ，), one minus sign, no spaces, no trailing stops."""
    s = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    return _WS_RE.sub("", s).rstrip(_TRAILING_PUNCT)


def is_placeholder(clean: str) -> bool:
    """Empty, dashes and slashes, or a word such as 'N/A' or '无' (DOMAIN.md §4.2, T02)."""
    return bool(_PLACEHOLDER_RE.fullmatch(clean)) or clean.casefold() in _PLACEHOLDER_WORDS


def normalise_operator(value: object) -> Op | None:
    """An operator from any spelling: schema ('>='), symbol ('≥', '≧', '＞＝'), words ('不低于'),
    '定性', '正向'/'反向', also after the option code of a budget system ('004 >='). None for
    blank, '定量' or an unknown spelling."""
    s = clean_text(as_text(value))
    if not s or is_placeholder(s):
        return None
    coded = re.fullmatch(r"\d{1,4}(\D.*)", s)
    if coded and normalise_operator(coded.group(1)) is not None:
        return normalise_operator(coded.group(1))
    if s in Op._value2member_map_:
        return Op(s)
    if s in _COLUMN_OPERATORS:
        return _COLUMN_OPERATORS[s]
    return _SYMBOL_OPERATORS.get(s) or _WORD_OPERATORS.get(s)


# --------------------------------------------------------------------------- quantities (§4.2)


@dataclass(frozen=True)
class Quantity:
    status: str  # 'ok', 'unreadable' or 'prose'
    op: Op | None = None
    number: Decimal | None = None
    unit: str | None = None
    message: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    lead: str = ""  # the words read before the number ('约为'), for precise problems


def take_prefix_operator(s: str) -> tuple[Op | None, str, bool, str]:
    m = _PREFIX_RE.match(s)
    if m is None:
        return None, "", False, s
    op, is_symbol = _PREFIX_OPERATORS[m.group()]
    return op, m.group(), is_symbol, s[m.end() :]


def _strip_words(s: str, words: tuple[str, ...], before_number: bool = False) -> tuple[str, str]:
    """(rest, word) after the first of `words` that starts `s` (when `before_number`, only if a
    number follows it)."""
    for word in words:
        rest = s[len(word) :]
        if s.startswith(word) and (not before_number or rest[:1].isdigit()):
            return rest, word
    return s, ""


def _take_subject(s: str) -> tuple[str, str]:
    """'覆盖率达100%' → ('达100%', '覆盖率'): an indicator's name written before its value. A name
    ending like a measure (率, 度, 数量 ...) is taken when an operator, a linking word (为, 是, 保持)
    or a number follows it; any other words only when an operator and a number follow them
    ('学校绿化覆盖达70%'). Nothing is taken from text that starts with an operator ('不低于95%')."""
    op, token, _, _ = take_prefix_operator(s)
    starts = (op is not None and token != "达") or _take_change(s)[1]
    if starts or not re.match(r"[\u4e00-\u9fff]", s):
        return s, ""  # 达 also starts names: '达标率≥95%'

    for i in range(1, min(len(s), 16)):
        subject, rest = s[:i], s[i:]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", subject):
            break
        op, _, _, after = take_prefix_operator(rest)
        if (op is not None and after[:1].isdigit()) or _take_change(rest)[1]:
            return rest, subject
        rest, _ = _strip_words(rest, _LINKING_WORDS)
        if subject.endswith(_SUBJECT_ENDINGS) and (rest[:1].isdigit() or op is not None):
            return rest, subject
    return s, ""


def _take_change(s: str) -> tuple[str, str]:
    """('5%', '较上年提高') from '较上年提高5%': a change followed by a number or an operator."""
    change = _CHANGE_RE.match(s)
    rest = s[change.end() :] if change else s
    if change and (rest[:1].isdigit() or take_prefix_operator(rest)[0] is not None):
        return rest, change.group()
    return s, ""


def _take_suffix_operator(s: str) -> tuple[Op | None, str, str]:
    if s.endswith("完成") and re.search(r"\d", s):
        s = s[:-2]
    for token, op in _SUFFIX_OPERATORS:
        if s.endswith(token):
            head = s[: -len(token)]
            if token == "内" and not head.endswith(TIME_UNITS):
                continue
            return op, token, head
    return None, "", s


def _take_number(s: str) -> tuple[Decimal | None, str, list]:
    """The leading number (1,234.5 / -3 / 十五 / 100余), what follows it, and notes."""
    m = _NUMBER_RE.match(s)
    if m:
        number, rest = Decimal(m.group().replace(",", "")), s[m.end() :]
        if rest[:1] in _APPROXIMATE and (rest[1:] == "" or is_known_unit(rest[1:])):
            note = Message("value.approximate", word=rest[0], number=m.group())
            return number, rest[1:], [note]
        return number, rest, []
    if is_known_unit(s):
        return None, s, []
    lead = re.match(r"[零〇一二两三四五六七八九十百千]{1,8}", s)
    for i in range(1, len(lead.group()) + 1 if lead else 0):
        rest = s[i:]
        value = chinese_int(s[:i])
        if value is not None and (rest == "" or len(rest) <= 8 and is_known_unit(rest)):
            return Decimal(value), rest, []
    return None, s, []


def lacks_money_unit(unit: str | None) -> bool:
    """True for a cost written without its money unit: '/株' (from '≤28.40/株' or '每亩300'), and
    万 or 亿 with no 元 ('150万', '620万/月'); `jixiao.indicators.values` decides which it is."""
    head, slash, per = (unit or "").partition("/")
    if head not in ("", *MULTIPLIERS) or not (head or slash):
        return False
    return is_known_unit(f"{head}元{slash}{per}")


def _direction(op: Op) -> str:
    return {Op.GE: "up", Op.GT: "up", Op.LE: "down", Op.LT: "down"}.get(op, "eq")


def parse_quantity(clean: str, quoted: str) -> Quantity:
    """Operator, number and unit from '≥50个', '不低于90%', '90%以上', '控制在5%以内', '十五人',
    '覆盖率达100%', '达到目标值95%', '100%覆盖', '≤28.40/株' (unit '/株': no money unit), and a
    frequency without a number ('每季度', '按月报送': `_frequency`)."""
    s = _INCLUSIVE_RE.sub("", clean)
    frequency = _frequency(s)
    if frequency is not None:
        return frequency
    clause = re.fullmatch(r"([^,;]*\d[^,;]*)[,;]([\u4e00-\u9fff].*)", s)  # '达70%,优化环境'
    if clause:
        first = parse_quantity(clause.group(1), quoted)
        if first.status == "ok":
            more = Message("value.words_ignored", words=clause.group(2))
            return replace(first, notes=(*first.notes, more))
    notes, words = [], []
    note = _TRAILING_NOTE_RE.match(s)
    if note and re.search(r"\d", note.group(1)):
        s = note.group(1)
        notes.append(Message("value.note_ignored", note=note.group(2)))
    s, subject = _take_subject(s)
    s, change = _take_change(s)
    start = s
    op, op_token, is_symbol, s = take_prefix_operator(_strip_words(s, _FILLERS)[0])
    s, _ = _strip_words(s, _FILLERS)
    s, word = _strip_words(s, _VALUE_WORDS, before_number=True)
    relative = _RELATIVE_RE.match(s)  # one match, not a startswith per word of the list
    base = relative.group() if relative and s[relative.end() : relative.end() + 1].isdigit() else ""
    s = s[len(base) :]
    rate = re.match(r"每([^\d]{1,4}?)(?=\d)", s)  # '每亩300': 300 per 亩
    per = rate.group(1) if rate and is_known_unit(rate.group(1)) else None
    s = s[len(per) + 1 :] if per else s
    if not per and subject.startswith("每") and is_known_unit(subject[1:]):
        per, subject = subject[1:], ""  # '每年不少于2次': 2次/年
    lead = start[: len(start) - len(s)]
    suffix_op, suffix_token, s = _take_suffix_operator(s)
    number, unit_text, number_notes = _take_number(s)
    if number is None:
        return _no_number(quoted, s, op, is_symbol, suffix_op, lead)
    notes += number_notes
    unit_text = f"{unit_text}/{per}" if per else unit_text
    if re.fullmatch(r"[^\d]*[-~至到:][-+]?\d.*", unit_text):
        code = "value.ratio" if ":" in unit_text else "value.range"
        return Quantity("unreadable", message=Message(code, quoted=quoted))
    written = bool(op or suffix_op)
    lacks_money = lacks_money_unit(unit_text)
    if unit_text and not looks_like_unit(unit_text, written) and not lacks_money:
        split = split_unit_words(unit_text, None if written else _TRAILING_WORDS)
        if split and re.search(r"以上|以下|以内|之内", split[1]):
            split = None
        if split is None and written:
            msg = Message("value.unknown_unit", quoted=quoted, unit=unit_text)
            return Quantity("unreadable", message=msg)
        if split is None:
            return Quantity("prose", lead=lead)
        unit_text, tail = split
        words.append(tail)
    if unit_text.startswith("/") and not lacks_money:
        msg = Message("value.unknown_unit", quoted=quoted, unit=unit_text)
        return Quantity("unreadable", message=msg)
    if op and suffix_op and _direction(op) != _direction(suffix_op):
        msg = Message("value.two_operators", quoted=quoted, op=op_token, suffix=suffix_token)
        return Quantity("unreadable", message=msg)
    unit = normalise_unit(unit_text) if unit_text else None
    if unit and not lacks_money and not is_known_unit(unit):
        notes.append(Message("value.rare_unit", unit=unit))
    words = [w for w in (subject, word, *words) if w]
    if words:
        notes.append(Message("value.words_ignored", words=Join(words, "list")))
    if base:
        notes.append(Message("value.relative_base", base=base.removesuffix("的")))
    if change:
        notes.append(Message("value.change", change=change))
    return Quantity("ok", op or suffix_op, number, unit, notes=tuple(notes), lead=lead)


def _longest_first(words) -> str:
    """A regex alternation of `words`, the longest spelling first."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _frequency_re() -> re.Pattern:
    """'[words]每季度[一次][按时报送]': the vocabulary of `units.FREQUENCY_PERIODS` and
    `units.FREQUENCY_ACTIONS` as one pattern (the longest spelling first)."""
    periods = _longest_first(FREQUENCY_PERIODS)
    return re.compile(
        rf"(?P<lead>[^\d每按逐不未非无]{{0,8}}?)"
        rf"(?:(?P<mark>每|按|逐)(?P<period>{periods})|一(?P<once>{periods})(?=一次))"
        r"(?P<end>[末底]前?)?(?:(?:至少|不少于)?(?P<count>[一二两三四五六七八九十])次)?"
        rf"(?P<tail>(?:{_longest_first(FREQUENCY_ACTIONS['manners'])})?"
        rf"(?:{_longest_first(FREQUENCY_ACTIONS['actions'])})?)"
    )


_FREQUENCY_RE = _frequency_re()
_FREQUENCY_MARKS = frozenset("每按逐一")


def _frequency(s: str) -> Quantity | None:
    """A frequency written without a rate's number ('每季度', '按月', '每季度一次', '一年一次',
    '按季度报送', '报送频次每季度', '每季度末'): at least that many times (1 unless written) per
    the period, '≥1次/季度', as '每季度1次' reads (a number in digits goes the usual way). The
    words before it and the action after it are kept in the notes; anything else after the
    period leaves the text to the other readers."""
    if not _FREQUENCY_MARKS.intersection(s) or re.search(r"\d", s):
        return None  # most cells: a number, or no word that starts a frequency
    match = _FREQUENCY_RE.fullmatch(s)
    if match is None or (match["lead"] and not re.fullmatch(r"[\u4e00-\u9fff]+", match["lead"])):
        return None
    unit = f"次/{FREQUENCY_PERIODS[match['period'] or match['once']]}"
    count = chinese_int(match["count"] or "一")
    assert count is not None  # one numeral of 一 to 十, as the pattern allows
    number = Decimal(count)
    read = f"{OPERATOR_SYMBOLS[Op.GE]}{number:f}{unit}"
    notes = [Message("value.frequency", written=s, read=read)]
    words = [w for w in (match["lead"], match["tail"]) if w]
    if words:
        notes.append(Message("value.words_ignored", words=Join(words, "list")))
    return Quantity("ok", Op.GE, number, unit, notes=tuple(notes))


def _no_number(quoted: str, core: str, op, is_symbol: bool, suffix_op, lead: str) -> Quantity:
    """Classify text without a number: operator/unit only is unreadable (T03), else prose."""
    has_op = op is not None or suffix_op is not None
    unit_only = bool(core) and is_known_unit(core)
    if has_op and unit_only:
        msg = Message("value.no_number", quoted=quoted)
    elif has_op and not core:
        msg = Message("value.operator_only", quoted=quoted)
    elif unit_only:
        msg = Message("value.unit_only", quoted=quoted)
    elif op is not None and is_symbol:
        msg = Message("value.not_a_number", quoted=quoted, core=core)
    else:
        return Quantity("prose", lead=lead)
    return Quantity("unreadable", message=msg)


# --------------------------------------------------------------------------- relative targets
#
# Targets relative to a named reference instead of a number: "≤预算", "不高于上年", "控制在概算以内",
# "不低于全省平均水平" (DOMAIN.md §4.2 does not list the form). A reviewer reads
# such a value as a ceiling (or a floor) set by an amount the project has elsewhere: last year's,
# the budget, the approved estimate, the contract price. The table does not give that amount, so
# the value has no number to score with; `jixiao.indicators.values` keeps it qualitative (scored
# by the bands of DOMAIN.md §6.2, which says nothing of relative targets) and records which way it
# bounds and what it names, instead of calling it unreadable (lint T03). The vocabulary is data in
# the units table (`units.REFERENCES`, `units.REFERENCE_TAILS`). A value reads as relative only
# when it names a reference and says which way it bounds: an operator before it ("≤", "不超过",
# "低于"), a bound after it ("以内", "范围内"), or the 计算符号 column.

#: How long the words before a reference may be ("年初预算", "批复概算", "全省平均").
QUALIFIERS = 4

# Bounds written after the reference, and the verb some tables put before it ("控制在").
_BOUND_AFTER = {"以内": Op.LE, "之内": Op.LE, "内": Op.LE, "范围内": Op.LE, "以下": Op.LE,
          "以上": Op.GE}  # fmt: skip
_UP_OPS = (Op.GE, Op.GT)


_REFERENCE_RE = re.compile(
    rf"在?(?P<qualifier>[\u4e00-\u9fff]{{0,{QUALIFIERS}}}?)(?P<reference>{_longest_first(REFERENCES)})"
    rf"(?:的?(?:{_longest_first(REFERENCE_TAILS)}))?(?P<after>{_longest_first(_BOUND_AFTER)})?"
)


@lru_cache(maxsize=4096)
def read_reference(clean: str, column: Op | None = None) -> tuple[Op, str] | None:
    """(≤ or ≥, the reference as written) for a value that bounds by a named reference
    ("≤预算" → (≤, "预算"), "不低于上年水平" → (≥, "上年"), "控制在年初预算以内" → (≤, "年初预算"));
    `column` the 计算符号 column's operator, which may give the direction ("上年" under "≤").
    None when the text has a number, names no reference, gives no direction or two that differ,
    or ends in 的 ("不超过年度预算的": the share of it was cut off).
    """
    if re.search(r"\d", clean):
        return None
    op, _, _, rest = take_prefix_operator(clean)
    match = _REFERENCE_RE.fullmatch(rest)
    if match is None or re.search("[不未非无没]", match["qualifier"]):
        return None
    after = _BOUND_AFTER.get(match["after"] or "")
    bounds = (_bound(o) for o in (op, after, column) if o is not None)
    directions = {bound for bound in bounds if bound}
    if len(directions) != 1:
        return None
    return directions.pop(), match["qualifier"] + match["reference"]


def _bound(op: Op) -> Op | None:
    """≤ for a ceiling, ≥ for a floor; None for any other operator (=, 定性, 时限)."""
    if op in _UP_OPS:
        return Op.GE
    if op in (Op.LE, Op.LT):
        return Op.LE
    return None
