"""Target and actual values of performance indicators (DOMAIN.md §4.1, §4.2).

A pure module: standard library only, no Django. Imports, lint (T02/T03/T04/T10), scoring and
monitoring all read 指标值 cells through `parse_target_value` and 实际完成值 cells through
`parse_actual_value`, so every table in every province is read the same way.

Every result keeps the text as written (`original`), the parsed form, `notes` saying how it was
read and `problems` saying, in Chinese and quoting the text, what could not be read. Numbers are
`Decimal`, never float. Notes and problems are `jixiao.core.rule_messages.Message`s: the Chinese
text with a code and parameters (templates: `rule_messages.MESSAGES`), so that pages can show
them in the reader's language.

Result shapes (`kind`):

- ``missing``: empty or a placeholder ("/", "-", "—", "——", "N/A", "无"); lint T02.
- ``unreadable``: an operator or a unit without a number ("≧ %", "万亩"), a range, contradicting
  operators or columns; lint T03. Always has problems.
- ``quantitative``: operator, number, unit (unit None when not written; lint T04).
- ``deadline``: operator ``deadline`` and a date (None, with a problem, when no year is known).
- ``qualitative``: operator ``qualitative`` and the text.

A result is usable when `ok` is true (no problems and neither missing nor unreadable).

Where an indicator sits in the catalogue is `catalogue`'s and how a deadline is read is
`deadlines`'; the placement names are re-exported here for one release (use `catalogue`).
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from jixiao.core.rule_messages import Join, Message

from .catalogue import (
    CATALOGUE_2021,
    CLASSIC_CATALOGUE,
    Placement,
    is_cost,
    is_timeliness,
    normalise_category,
    normalise_subcategory,
    place_indicator,
)
from .deadlines import When, chinese_int, parse_when
from .units import (
    KNOWN_UNITS,
    MONEY_UNITS,
    TIME_UNITS,
    UNIT_ALIASES,
    convert_number,
    is_known_unit,
    looks_like_unit,
    normalise_unit,
    same_unit,
    split_unit_words,
    tidy_decimal,
    unit_cost_parts,
)

__all__ = [
    "CATALOGUE_2021",
    "CLASSIC_CATALOGUE",
    "KNOWN_UNITS",
    "MONEY_UNITS",
    "OPERATOR_SYMBOLS",
    "UNIT_ALIASES",
    "ActualValue",
    "Kind",
    "Op",
    "Placement",
    "TargetValue",
    "convert_number",
    "is_cost",
    "is_timeliness",
    "normalise_category",
    "normalise_operator",
    "normalise_subcategory",
    "normalise_unit",
    "parse_actual_value",
    "parse_target_value",
    "place_indicator",
    "same_unit",
    "target_value_from_data",
    "unit_cost_parts",
]


class Kind(StrEnum):
    """The shape of a value (DOMAIN.md §4.2, §4.4 T02/T03)."""

    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    DEADLINE = "deadline"
    MISSING = "missing"
    UNREADABLE = "unreadable"


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
    "≥=": Op.GE, "≤=": Op.LE, "==": Op.EQ, "=": Op.EQ, ">": Op.GT, "<": Op.LT,
}  # fmt: skip

_WORD_OPERATORS: dict[str, Op] = {
    "大于或等于": Op.GE, "大于等于": Op.GE, "不低于": Op.GE, "不少于": Op.GE, "不小于": Op.GE,
    "不短于": Op.GE, "至少": Op.GE, "达到": Op.GE,
    "小于或等于": Op.LE, "小于等于": Op.LE, "低于或等于": Op.LE, "不高于": Op.LE, "不超过": Op.LE,
    "不超出": Op.LE, "不多于": Op.LE, "不大于": Op.LE, "不长于": Op.LE, "控制在": Op.LE,
    "至多": Op.LE, "最多": Op.LE,
    "大于": Op.GT, "超过": Op.GT, "高于": Op.GT, "多于": Op.GT,
    "小于": Op.LT, "低于": Op.LT, "少于": Op.LT,
    "达": Op.GE, "等于": Op.EQ,
}  # fmt: skip

_PREFIX_OPERATORS = sorted(
    [(k, v, True) for k, v in _SYMBOL_OPERATORS.items()]
    + [(k, v, False) for k, v in _WORD_OPERATORS.items()],
    key=lambda item: -len(item[0]),
)

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
_RELATIVE_WORDS = ("上年同期的", "上一年度的", "上年度的", "上年的", "去年的", "上年同期", "上年")
# An indicator's name before its value ends with one of these ("覆盖率达100%", "满意度≥90%").
_SUBJECT_ENDINGS = (
    "率", "度", "比例", "占比", "比重", "数", "量", "面积", "里程", "长度", "金额", "成本", "费用",
)  # fmt: skip
_LINKING_WORDS = ("保持在", "保持", "为", "是")
# Words after a bare number's unit that do not change it ("100%覆盖", "100%达标").
_TRAILING_WORDS = ("全覆盖", "覆盖", "达标", "合格", "到位", "落实", "通过", "兑现", "完成")
_APPROXIMATE = ("余", "多")  # "1000余人", "100多个": about, read as the number
_MULTIPLIERS = {"万": 4, "亿": 8}  # "≥1.5万" with no unit: 15000

# Actual values that report a deadline as met or missed without a date (see parse_actual_value).
_ON_TIME = (
    "按时完成", "如期完成", "按期完成", "提前完成", "按计划完成", "按要求完成", "及时完成",
    "已按时完成", "已如期完成", "已按期完成", "已提前完成", "已完成", "全部完成", "已全部完成",
    "完成", "按时", "如期", "是",
)  # fmt: skip
_NOT_ON_TIME = ("未完成", "尚未完成", "未按时完成", "未如期完成", "延期完成", "逾期完成", "否")


@dataclass(frozen=True)
class TargetValue:
    """A parsed 指标值 (DOMAIN.md §4.2), with the text as written and how it was read."""

    original: str
    kind: Kind
    operator: Op | None = None
    number: Decimal | None = None
    unit: str | None = None
    text: str | None = None
    deadline: date | None = None
    operator_implied: bool = False
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the value can be scored: readable and without problems."""
        return not self.problems and self.kind not in (Kind.MISSING, Kind.UNREADABLE)

    @property
    def unit_recognised(self) -> bool:
        """True when the unit is of a known family (`units`); a unit kept as written is not."""
        return self.unit is not None and is_known_unit(self.unit)

    @property
    def symbol(self) -> str | None:
        """The operator as people write it (≥, ≤, 定性 ...)."""
        return OPERATOR_SYMBOLS.get(self.operator) if self.operator else None

    def display(self) -> str:
        """The normalised form: '≥50个', '2021年12月31日前', the text, or the original."""
        if self.kind == Kind.QUANTITATIVE and self.operator and self.number is not None:
            return f"{OPERATOR_SYMBOLS[self.operator]}{self.number:f}{self.unit or ''}"
        if self.kind == Kind.DEADLINE and self.deadline:
            return _format_date(self.deadline) + "前"
        if self.kind == Kind.QUALITATIVE and self.text is not None:
            return self.text
        return self.original

    def explain(self) -> str:
        """One line for people: the original, how it was read, and what is wrong."""
        read = Message("value.target_read", original=self.original, read=self.display())
        return Join([read, *self.notes, *self.problems], "clauses")

    def to_data(self) -> dict | str:
        """The value as common.schema.json `value` (a string when it could not be read)."""
        if self.kind in (Kind.MISSING, Kind.UNREADABLE):
            return self.original
        return {
            "op": str(self.operator),
            "number": None if self.number is None else f"{self.number:f}",
            "unit": self.unit,
            "text": self.text,
            "date": self.deadline.isoformat() if self.deadline else None,
        }


_Date = date  # ActualValue has a field named `date`


@dataclass(frozen=True)
class ActualValue:
    """A parsed 实际完成值, read against its target (DOMAIN.md §4.2).

    `number` is in the target's `unit` (money converted exactly); it is None when the units do
    not match, so nothing can compare it silently. For deadline targets `date` is the completion
    date and `on_time` whether it met the target's deadline (None when unknown).
    """

    original: str
    kind: Kind
    number: Decimal | None = None
    unit: str | None = None
    date: _Date | None = None
    on_time: bool | None = None
    text: str | None = None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the actual can be compared with its target."""
        return not self.problems and self.kind not in (Kind.MISSING, Kind.UNREADABLE)

    def explain(self) -> str:
        """One line for people: the original, how it was read, and what is wrong."""
        if self.number is not None:
            read = f"{self.number:f}{self.unit or ''}"
        elif self.date is not None:
            read = _format_date(self.date)
        else:
            read = self.text or self.original
        read = Message("value.actual_read", original=self.original, read=read)
        return Join([read, *self.notes, *self.problems], "clauses")


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


def _as_text(value: object) -> str:
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


def _clean(text: str) -> str:
    """NFKC (full-width digits, ＞＝, ％, ，), one minus sign, no spaces, no trailing stops."""
    s = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    return _WS_RE.sub("", s).rstrip(_TRAILING_PUNCT)


def _is_placeholder(clean: str) -> bool:
    """Empty, dashes and slashes, or a word such as 'N/A' or '无' (DOMAIN.md §4.2, T02)."""
    return bool(_PLACEHOLDER_RE.fullmatch(clean)) or clean.casefold() in _PLACEHOLDER_WORDS


def _format_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def normalise_operator(value: object) -> Op | None:
    """An operator from any spelling: schema ('>='), symbol ('≥', '≧', '＞＝'), words ('不低于'),
    '定性', '正向'/'反向'. None for blank, '定量' or an unknown spelling."""
    s = _clean(_as_text(value))
    if not s or _is_placeholder(s):
        return None
    if s in Op._value2member_map_:
        return Op(s)
    if s in _COLUMN_OPERATORS:
        return _COLUMN_OPERATORS[s]
    return _SYMBOL_OPERATORS.get(s) or _WORD_OPERATORS.get(s)


# --------------------------------------------------------------------------- quantities (§4.2)


@dataclass(frozen=True)
class _Quantity:
    status: str  # 'ok', 'unreadable' or 'prose'
    op: Op | None = None
    number: Decimal | None = None
    unit: str | None = None
    message: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    lead: str = ""  # the words read before the number ('约为'), for precise problems


def _take_prefix_operator(s: str) -> tuple[Op | None, str, bool, str]:
    for token, op, is_symbol in _PREFIX_OPERATORS:
        if s.startswith(token):
            return op, token, is_symbol, s[len(token) :]
    return None, "", False, s


def _strip_words(s: str, words: tuple[str, ...], before_number: bool = False) -> tuple[str, str]:
    """(rest, word) after the first of `words` that starts `s` (when `before_number`, only if a
    number follows it)."""
    for word in words:
        rest = s[len(word) :]
        if s.startswith(word) and (not before_number or rest[:1].isdigit()):
            return rest, word
    return s, ""


def _take_subject(s: str) -> tuple[str, str]:
    """'覆盖率达100%' → ('达100%', '覆盖率'): an indicator's name written before its value, taken
    only when an operator, a linking word (为, 是, 保持) or a number follows it."""
    for i in range(1, min(len(s), 16)):
        subject, rest = s[:i], s[i:]
        if not subject.endswith(_SUBJECT_ENDINGS) or not re.fullmatch(r"[\u4e00-\u9fff]+", subject):
            continue
        rest, _ = _strip_words(rest, _LINKING_WORDS)
        if rest[:1].isdigit() or _take_prefix_operator(rest)[0] is not None:
            return rest, subject
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
    """The leading number (1,234.5 / -3 / 十五 / 1.5万 / 100余), what follows it, and notes."""
    m = _NUMBER_RE.match(s)
    if m:
        number, rest = Decimal(m.group().replace(",", "")), s[m.end() :]
        if rest[:1] in _APPROXIMATE and (rest[1:] == "" or is_known_unit(rest[1:])):
            note = Message("value.approximate", word=rest[0], number=m.group())
            return number, rest[1:], [note]
        if rest in _MULTIPLIERS:
            value = tidy_decimal(number.scaleb(_MULTIPLIERS[rest]))
            note = Message("value.multiplier", written=m.group() + rest, number=f"{value:f}")
            return value, "", [note]
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


def _direction(op: Op) -> str:
    return {Op.GE: "up", Op.GT: "up", Op.LE: "down", Op.LT: "down"}.get(op, "eq")


def _parse_quantity(clean: str, quoted: str) -> _Quantity:
    """Operator, number and unit from '≥50个', '不低于90%', '90%以上', '控制在5%以内', '十五人',
    '覆盖率达100%', '达到目标值95%', '100%覆盖', '≤28.40/株' (unit '/株': no money unit)."""
    s = _INCLUSIVE_RE.sub("", clean)
    notes, words = [], []
    note = _TRAILING_NOTE_RE.match(s)
    if note and re.search(r"\d", note.group(1)):
        s = note.group(1)
        notes.append(Message("value.note_ignored", note=note.group(2)))
    s, subject = _take_subject(s)
    start = s
    op, op_token, is_symbol, s = _take_prefix_operator(_strip_words(s, _FILLERS)[0])
    s, _ = _strip_words(s, _FILLERS)
    s, word = _strip_words(s, _VALUE_WORDS, before_number=True)
    s, base = _strip_words(s, _RELATIVE_WORDS, before_number=True)
    lead = start[: len(start) - len(s)]
    suffix_op, suffix_token, s = _take_suffix_operator(s)
    number, unit_text, number_notes = _take_number(s)
    if number is None:
        return _no_number(quoted, s, op, is_symbol, suffix_op, lead)
    notes += number_notes
    if re.fullmatch(r"[^\d]*[-~至到:][-+]?\d.*", unit_text):
        code = "value.ratio" if ":" in unit_text else "value.range"
        return _Quantity("unreadable", message=Message(code, quoted=quoted))
    written = bool(op or suffix_op)
    if unit_text and not looks_like_unit(unit_text, written) and not unit_text.startswith("/"):
        split = split_unit_words(unit_text, None if written else _TRAILING_WORDS)
        if split and re.search(r"以上|以下|以内|之内", split[1]):
            split = None
        if split is None and written:
            msg = Message("value.unknown_unit", quoted=quoted, unit=unit_text)
            return _Quantity("unreadable", message=msg)
        if split is None:
            return _Quantity("prose", lead=lead)
        unit_text, tail = split
        words.append(tail)
    if unit_text.startswith("/") and not is_known_unit("元" + unit_text):
        msg = Message("value.unknown_unit", quoted=quoted, unit=unit_text)
        return _Quantity("unreadable", message=msg)
    if op and suffix_op and _direction(op) != _direction(suffix_op):
        msg = Message("value.two_operators", quoted=quoted, op=op_token, suffix=suffix_token)
        return _Quantity("unreadable", message=msg)
    unit = normalise_unit(unit_text) if unit_text else None
    if unit and not unit.startswith("/") and not is_known_unit(unit):
        notes.append(Message("value.rare_unit", unit=unit))
    words = [w for w in (subject, word, *words) if w]
    if words:
        notes.append(Message("value.words_ignored", words=Join(words, "list")))
    if base:
        notes.append(Message("value.relative_base", base=base.removesuffix("的")))
    return _Quantity("ok", op or suffix_op, number, unit, notes=tuple(notes), lead=lead)


def _no_number(quoted: str, core: str, op, is_symbol: bool, suffix_op, lead: str) -> _Quantity:
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
        return _Quantity("prose", lead=lead)
    return _Quantity("unreadable", message=msg)


# --------------------------------------------------------------------------- targets (§4.2)


def _implied_operator(number: Decimal, cost: bool) -> tuple[Op, str]:
    """§4.2: a bare number means ≥, ≤ under a cost (sub)category, and a bare 0 means = 0."""
    if number == 0:
        return Op.EQ, Message("value.implied_zero")
    if cost:
        return Op.LE, Message("value.implied_cost")
    return Op.GE, Message("value.implied")


def parse_target_value(
    text: object,
    *,
    category: object = None,
    subcategory: object = None,
    year: int | None = None,
    unit: object = None,
    operator: object = None,
) -> TargetValue:
    """Read a 指标值 cell as DOMAIN.md §4.2 says; never raises, never returns a silent zero.

    Results are immutable, and real tables repeat the same few hundred values ("≥95%",
    "12月底前完成") across thousands of rows, so text inputs are memoised.
    """
    key = (text, category, subcategory, year, unit, operator)
    if all(v is None or type(v) in (str, int) for v in key):
        return _parse_target_value_cached(*key)
    return _parse_target_value(
        text, category=category, subcategory=subcategory, year=year, unit=unit, operator=operator
    )


@lru_cache(maxsize=65_536)
def _parse_target_value_cached(text, category, subcategory, year, unit, operator) -> TargetValue:
    return _parse_target_value(
        text, category=category, subcategory=subcategory, year=year, unit=unit, operator=operator
    )


def _parse_target_value(
    text: object,
    *,
    category: object = None,
    subcategory: object = None,
    year: int | None = None,
    unit: object = None,
    operator: object = None,
) -> TargetValue:
    """The parser proper (see `parse_target_value`).

    `unit` and `operator` are the separate 度量单位 and 计算符号 columns when the table has them;
    `year` is the document's budget year for deadlines without one ('12月底前完成');
    `category`/`subcategory` decide the bare-number rule (成本 → ≤) and bare months (时效).
    """
    original = _as_text(text)
    if isinstance(text, bool):
        return _unreadable(original, Message("value.not_text", original=original))
    if isinstance(text, date):
        d = text.date() if isinstance(text, datetime) else text
        return TargetValue(original, Kind.DEADLINE, Op.DEADLINE, deadline=d)
    clean = _clean(original)
    col_problems, col_op = _column_operator(operator)
    col_unit = normalise_unit(unit)
    if _is_placeholder(clean):
        stripped = original.strip()
        msg = Message("value.placeholder", original=stripped) if clean else Message("value.empty")
        return TargetValue(original, Kind.MISSING, problems=(msg,))
    if col_op == Op.QUALITATIVE:
        return TargetValue(original, Kind.QUALITATIVE, Op.QUALITATIVE, text=original.strip())
    timely = is_timeliness(subcategory) or col_op == Op.DEADLINE
    when = parse_when(clean, year, timely)
    if when is None:
        op, _, is_symbol, rest = _take_prefix_operator(clean)
        if op in (Op.LE, Op.LT) and is_symbol:
            when = parse_when(rest, year, True, strict=True)
    if when is not None:
        return _deadline(original, when, year, col_problems)
    if col_op == Op.DEADLINE:
        return _unreadable(original, Message("value.not_a_date", original=original))
    quantity = _parse_quantity(clean, Message("value.quoted_target", text=original.strip()))
    if quantity.status == "unreadable":
        return _unreadable(original, quantity.message)
    if quantity.status == "prose":
        if col_op is not None or col_unit is not None:
            if col_op:
                column = Message("value.column_operator", operator=str(operator))
            else:
                column = Message("value.column_unit", unit=str(unit))
            message = Message("value.column_no_number", column=column, original=original)
            return _unreadable(original, message)
        return TargetValue(original, Kind.QUALITATIVE, Op.QUALITATIVE, text=original.strip(),
                           problems=col_problems)  # fmt: skip
    return _quantitative(original, quantity, col_op, col_unit, col_problems, category, subcategory)


def _deadline(original: str, when: When, year: int | None, problems: tuple) -> TargetValue:
    """A deadline target, saying which year and which end of a range it took (§4.2)."""
    notes = []
    if when.in_range:
        notes.append(Message("value.range_end"))
    if when.value and not when.year_written:
        notes.append(Message("value.budget_year", year=year))
    if when.problem:
        problems += (Message("value.deadline_problem", original=original, problem=when.problem),)
    return TargetValue(original, Kind.DEADLINE, Op.DEADLINE, deadline=when.value,
                       problems=problems, notes=tuple(notes))  # fmt: skip


def _column_operator(operator: object) -> tuple[tuple[str, ...], Op | None]:
    """The 计算符号 column: its operator, or a problem when it is written but unknown."""
    op = normalise_operator(operator)
    written = _clean(_as_text(operator))
    if op is None and written and not _is_placeholder(written) and written != "定量":
        return (Message("value.unknown_operator", operator=str(operator)),), None
    return (), op


def _quantitative(
    original: str,
    quantity: _Quantity,
    col_op: Op | None,
    col_unit: str | None,
    problems: tuple[str, ...],
    category: object,
    subcategory: object,
) -> TargetValue:
    """Combine the parsed text with the operator and unit columns and the bare-number rule."""
    op, unit, notes = quantity.op, quantity.unit, list(quantity.notes)
    if col_op is not None:
        if op is not None and op != col_op:
            msg = Message("value.column_operator_differs", column=OPERATOR_SYMBOLS[col_op],
                          original=original, written=OPERATOR_SYMBOLS[op])  # fmt: skip
            return _unreadable(original, msg)
        op = col_op
    if unit and unit.startswith("/"):
        quoted = Message("value.quoted_target", text=original.strip())
        unit, note = _with_money_unit(unit, col_unit, is_cost(category, subcategory), quoted)
        if unit is None:
            return _unreadable(original, note)
        notes.append(note)
    if col_unit is not None:
        if unit is None:
            unit = col_unit
        elif not same_unit(unit, col_unit) and convert_number(Decimal(1), unit, col_unit) is None:
            msg = Message("value.column_unit_differs", column=col_unit, original=original,
                          unit=unit)  # fmt: skip
            return _unreadable(original, msg)
    implied = op is None
    if implied:
        op, note = _implied_operator(quantity.number, is_cost(category, subcategory))
        notes.append(note)
    return TargetValue(
        original, Kind.QUANTITATIVE, op, quantity.number, unit,
        operator_implied=implied, problems=problems, notes=tuple(notes),
    )  # fmt: skip


def _with_money_unit(unit: str, given: str | None, cost: bool, quoted: str) -> tuple:
    """(unit, note) for a cost written without its money unit ('≤28.40/株', unit '/株'): the
    `given` unit (the unit column, or an actual's target) when it ends the same ('元/株'), else
    元 under a cost indicator; (None, problem) otherwise."""
    if given and unit_cost_parts(given) and given.endswith(unit):
        return given, Message("value.money_unit_from", unit=unit, given=given)
    if cost:
        return "元" + unit, Message("value.currency_assumed", unit=unit, assumed="元" + unit)
    return None, Message("value.no_currency", quoted=quoted, unit=unit)


def _unreadable(original: str, message: str | None) -> TargetValue:
    message = message or Message("value.unreadable", original=original)
    return TargetValue(original, Kind.UNREADABLE, problems=(message,))


def target_value_from_data(
    data: object,
    *,
    category: object = None,
    subcategory: object = None,
    year: int | None = None,
) -> TargetValue:
    """A value as common.schema.json carries it: a string, a number, null, or an object
    ``{"op", "number", "unit", "text", "date"}`` whose op may be the schema spelling or a
    symbol (≥, ≤, 定性 ...). Numbers become Decimal through their text, never through float."""
    context = {"category": category, "subcategory": subcategory, "year": year}
    if not isinstance(data, dict):
        return parse_target_value(data, **context)
    op = normalise_operator(data.get("op"))
    text, unit, raw_date = data.get("text"), data.get("unit"), data.get("date")
    if op == Op.QUALITATIVE:
        return parse_target_value(text, operator=op, **context)
    if op == Op.DEADLINE:
        try:
            return parse_target_value(date.fromisoformat(str(raw_date)), **context)
        except ValueError:
            return parse_target_value(text, operator=op, **context)
    if op is None:
        return _unreadable(
            str(data), Message("value.unknown_operator", operator=str(data.get("op")))
        )
    number = _as_text(data.get("number"))
    parsed = parse_target_value(number, operator=op, unit=unit, **context)
    written = f"{OPERATOR_SYMBOLS[op]}{number}{normalise_unit(unit) or ''}"
    return replace(parsed, original=text or written)


# --------------------------------------------------------------------------- actuals (§4.2)


def parse_actual_value(text: object, target: TargetValue) -> ActualValue:
    """Read a 实际完成值 against its target (DOMAIN.md §4.2); never raises.

    Quantitative: no unit takes the target's; 百分比 is %; money converts exactly between 元,
    万元 and 亿元; any other mismatch is a problem and `number` stays None. Deadline: a date
    ('2021年11月完成' → 30 Nov, '2021-12-20'), or words: '按时完成', '已完成' ... mean met on the
    target's date, '未完成' means not met with no date. Qualitative: the text as written.
    """
    original = _as_text(text)
    clean = _clean(original)
    if _is_placeholder(clean):
        stripped = original.strip()
        msg = Message("value.actual_placeholder", original=stripped) if clean else Message(
            "value.actual_empty")  # fmt: skip
        return ActualValue(original, Kind.MISSING, problems=(msg,))
    if target.kind == Kind.QUALITATIVE:
        return ActualValue(original, Kind.QUALITATIVE, text=original.strip())
    if target.kind == Kind.DEADLINE:
        return _actual_deadline(original, clean, target)
    if target.kind == Kind.QUANTITATIVE:
        return _actual_quantity(original, clean, target)
    return _actual_alone(original, clean)


def _actual_deadline(original: str, clean: str, target: TargetValue) -> ActualValue:
    due = target.deadline
    if clean in _ON_TIME:
        on = Message("value.on_date", date=_format_date(due)) if due else ""
        note = Message("value.done_without_date", on=on)
        return ActualValue(original, Kind.DEADLINE, date=due, on_time=True, text=original.strip(),
                           notes=(note,))  # fmt: skip
    if clean in _NOT_ON_TIME:
        return ActualValue(original, Kind.DEADLINE, on_time=False, text=original.strip(),
                           notes=(Message("value.late_without_date"),))  # fmt: skip
    when = parse_when(clean, due.year if due else None, True)
    if when is None or when.value is None:
        detail = when.problem if when else Message("value.no_date")
        message = Message("value.actual_deadline_problem", original=original, problem=detail)
        return ActualValue(original, Kind.UNREADABLE, text=original.strip(), problems=(message,))
    on_time = None if due is None else when.value <= due
    return ActualValue(original, Kind.DEADLINE, date=when.value, on_time=on_time)


def _actual_quantity(original: str, clean: str, target: TargetValue) -> ActualValue:
    quoted = Message("value.quoted_actual", text=original.strip())
    quantity = _parse_quantity(clean, quoted)
    if quantity.status != "ok":
        msg = quantity.message or _not_a_number(original, clean, quantity.lead, quoted, target)
        return ActualValue(original, Kind.UNREADABLE, text=original.strip(), problems=(msg,))
    notes = list(quantity.notes)
    if quantity.op is not None:
        notes.append(Message("value.actual_operator", op=OPERATOR_SYMBOLS[quantity.op]))
    written, unit = quantity.unit, target.unit
    if written and written.startswith("/"):
        written, note = _with_money_unit(written, unit, False, quoted)
        if written is None:
            return ActualValue(original, Kind.UNREADABLE, text=original.strip(), problems=(note,))
        notes.append(note)
    if written is None:
        if unit:
            notes.append(Message("value.actual_unit_from_target", unit=unit))
        return ActualValue(original, Kind.QUANTITATIVE, quantity.number, unit, notes=tuple(notes))
    if unit is None:
        notes.append(Message("value.target_unit_from_actual", unit=written))
        return ActualValue(original, Kind.QUANTITATIVE, quantity.number, written,
                           notes=tuple(notes))  # fmt: skip
    converted = convert_number(quantity.number, written, unit)
    if converted is None:
        msg = Message("value.unit_mismatch", original=original, written=written,
                      target=target.display(), unit=unit)  # fmt: skip
        return ActualValue(original, Kind.QUANTITATIVE, unit=written, problems=(msg,),
                           notes=tuple(notes))  # fmt: skip
    if not same_unit(written, unit):
        (head, _, per), (_, _, target_per) = written.partition("/"), unit.partition("/")
        money = head in MONEY_UNITS and per == target_per
        code = "value.money_converted" if money else "value.unit_converted"
        notes.append(Message(code, number=f"{quantity.number:f}", written=written,
                             converted=f"{converted:f}", unit=unit))  # fmt: skip
    return ActualValue(original, Kind.QUANTITATIVE, converted, unit, notes=tuple(notes))


def _not_a_number(original: str, clean: str, lead: str, quoted: str, target: TargetValue) -> str:
    """Which part of an actual is not a number: the words after '约为' ..., or the whole."""
    rest = clean[len(lead) :] if lead and clean.startswith(lead) else ""
    if rest:
        return Message("value.after_word", quoted=quoted, word=lead, rest=rest)
    return Message("value.actual_not_a_number", original=original, target=target.display())


def _actual_alone(original: str, clean: str) -> ActualValue:
    """An actual whose target could not be read: read on its own, compared with nothing."""
    note = (Message("value.actual_alone"),)
    quantity = _parse_quantity(clean, Message("value.quoted_actual", text=original.strip()))
    if quantity.status == "ok":
        return ActualValue(original, Kind.QUANTITATIVE, quantity.number, quantity.unit, notes=note)
    when = parse_when(clean, None, False)
    if when is not None and when.value is not None:
        return ActualValue(original, Kind.DEADLINE, date=when.value, notes=note)
    return ActualValue(original, Kind.QUALITATIVE, text=original.strip(), notes=note)
