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

- ``missing``: empty or a placeholder ("/", "-", "—", "——", "N/A", "无"); lint T02. Given the
  indicator's `name`, "无" (零, 杜绝, 不发生 …) on one that counts incidents (安全事故, 有效投诉)
  is the target "= 0" and the actual 0 instead (`incidents`: an extension of DOMAIN.md
  §4.2), with the national words unless the reader passes its region's (`incidents=`, the
  rulebook's lint → T02 entry; empty lists keep "无" missing). Every reader passes the name.
- ``unreadable``: an operator or a unit without a number ("≧ %", "万亩"), a range, contradicting
  operators or columns; lint T03. Always has problems.
- ``quantitative``: operator, number, unit (unit None when not written; lint T04).
- ``deadline``: operator ``deadline`` and a date (None, with a problem, when no year is known).
- ``qualitative``: operator ``qualitative`` and the text.

A result is usable when `ok` is true (no problems and neither missing nor unreadable).

Where an indicator sits in the catalogue is `catalogue`'s, how a deadline is read is
`deadlines`', how an operator, a number and a unit are read from text is `quantities`' and what
a measure unit is and how it converts is `units`'. The placement names and the unit names
(`KNOWN_UNITS`, `MONEY_UNITS`, `convert_number`, `same_unit`, `unit_cost_parts`) are re-exported
here for their callers.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TypedDict

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
from .deadlines import _DONE_RE as _DONE_WORDS
from .deadlines import When, parse_when
from .incidents import NATIONAL_WORDS, as_written, incident_text
from .quantities import (
    MULTIPLIERS,
    OPERATOR_SYMBOLS,
    Op,
    Quantity,
    as_text,
    clean_text,
    is_placeholder,
    lacks_money_unit,
    normalise_operator,
    parse_quantity,
    read_reference,
    take_prefix_operator,
)
from .units import (
    KNOWN_UNITS,
    MONEY_UNITS,
    TIME_UNITS,
    UNIT_ALIASES,
    convert_number,
    is_known_unit,
    normalise_unit,
    same_unit,
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
    relation: Op | None = None  # a qualitative value bounded by a named reference: ≤ or ≥ ...
    reference: str | None = (
        None  # ... the reference as written ("年初预算"): `quantities.read_reference`
    )

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

    `number` is in the target's `unit`, converted exactly from another unit of its family
    (`units.convert_number`: 米 → 公里, 万株 → 株, 元 → 万元); it is None when the units are of two
    families, so nothing can compare them silently. For deadline targets `date` is the completion
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


def _format_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- targets (§4.2)


def _implied_operator(number: Decimal, cost: bool) -> tuple[Op, str]:
    """§4.2: a bare number means ≥, ≤ under a cost (sub)category, and a bare 0 means = 0."""
    if number == 0:
        return Op.EQ, Message("value.implied_zero")
    if cost:
        return Op.LE, Message("value.implied_cost")
    return Op.GE, Message("value.implied")


def _words(incidents: Mapping | None) -> Mapping:
    """The incident words a reader passed, else the national ones."""
    return NATIONAL_WORDS if incidents is None else incidents


def parse_target_value(
    text: object,
    *,
    category: object = None,
    subcategory: object = None,
    year: int | None = None,
    unit: object = None,
    operator: object = None,
    name: object = None,
    incidents: Mapping | None = None,
) -> TargetValue:
    """Read a 指标值 cell as DOMAIN.md §4.2 says; never raises, never returns a silent zero.

    `name`, the indicator's name: "无" on an indicator that counts incidents reads as "= 0"
    (`_by_name`); `incidents` the words that say so (None: `incidents.NATIONAL_WORDS`).
    Results are immutable, and real tables repeat the same few hundred values ("≥95%",
    "12月底前完成") across thousands of rows, so text inputs are memoised.
    """
    if name is not None:
        read_as = incident_text(name, text, _words(incidents), unit=unit, subcategory=subcategory)
        if read_as is not text and isinstance(text, str):  # only a text is read as another
            value = parse_target_value(read_as, category=category, subcategory=subcategory,
                                       year=year, unit=unit, operator=operator)  # fmt: skip
            return as_written(value, name, text)
    if type(text) is str and text[:1] in _FAST_FIRST:
        quick = _quick_target_value(text, category, subcategory, year, unit, operator)
        if quick is not None:
            return quick
    if (
        type(text) in _KEYS
        and type(category) in _KEYS
        and type(subcategory) in _KEYS
        and type(year) in _KEYS
        and type(unit) in _KEYS
        and type(operator) in _KEYS
    ):  # tested one by one: a generator over the six cost more than the cache saved
        return _parse_target_value_cached(text, category, subcategory, year, unit, operator)
    return _parse_target_value(
        text, category=category, subcategory=subcategory, year=year, unit=unit, operator=operator
    )


#: The argument types whose values are kept (hashable, and compared by value).
_KEYS = frozenset({str, int, type(None)})


# The common shape of a 指标值 cell, an operator symbol or none, a number and a unit ("≥95%",
# "≤3个", "≤120元/人", "100%"): 19 in 20 of a province's distinct cells, nearly each with its
# own number. Such a cell reads as its shape with the number put in, so the shape is parsed
# once (`_shape`) and each cell costs a match. The unit's characters leave out whatever could
# make the number part of a date (年 月 日 号 旬 季, 底 末 前 止, the completion words), a
# written bound (以上 以内 内 之内 及), an about-number (余 多), a rate (每), a second number
# or a clause, so that only the number differs between the cell and its shape; the shape is
# used only when the full parser read it as that number with nothing number-dependent in its
# notes. Without a written operator the operator implied depends on the number only through a
# bare 0 (`_implied_operator`), which is parsed in full.
_FAST_FIRST = frozenset("≥≤=><0123456789")
_FAST_RE = re.compile(r"([≥≤=><]?)(\d+(?:\.\d+)?)([\u4e00-\u9fff%‰/·]{1,8})")
_NOT_IN_FAST_UNIT = re.compile(r"[年月日号旬季底末前止内余多每以之及至到]|" + _DONE_WORDS.pattern)
#: Notes that depend on the unit alone, and (for a number other than 0) the implied operator's,
#: which a shape may carry to its cells.
_SHAPE_NOTES = frozenset({"value.rare_unit", "value.implied", "value.implied_cost"})
_shapes: dict[tuple, TargetValue | None] = {}


def _quick_target_value(text, category, subcategory, year, unit, operator) -> TargetValue | None:
    """`_parse_target_value`'s answer for a cell of the common shape, or None (parse it)."""
    match = _FAST_RE.fullmatch(text)
    if match is None:
        return None
    op, number, unit_text = match.groups()
    key = (op, unit_text, category, subcategory, year, unit, operator)
    try:
        shape = _shapes[key]
    except KeyError:
        shape = _shape(op, unit_text, category, subcategory, year, unit, operator)
    except TypeError:  # an argument that cannot be a key
        return None
    if shape is None:
        return None
    number = Decimal(number)
    if shape.operator_implied and not number:
        return None  # a bare 0 means = 0
    return TargetValue(text, Kind.QUANTITATIVE, shape.operator, number, shape.unit,
                       operator_implied=shape.operator_implied, problems=shape.problems,
                       notes=shape.notes)  # fmt: skip


def _shape(op, unit_text, category, subcategory, year, unit, operator) -> TargetValue | None:
    """The parse of `op`1`unit_text`, kept when every cell of that shape reads as it does with
    its own number; None (kept too) when not."""
    if len(_shapes) >= 4096:  # a table has a few hundred shapes; a stream of odd ones is cut
        _shapes.clear()
    shape = None
    if _NOT_IN_FAST_UNIT.search(unit_text) is None:
        parsed = _parse_target_value(f"{op}1{unit_text}", category=category,
                                     subcategory=subcategory, year=year, unit=unit,
                                     operator=operator)  # fmt: skip
        if (
            parsed.kind == Kind.QUANTITATIVE
            and parsed.number == 1
            and str(parsed.number) == "1"
            and not parsed.problems
            and all(getattr(m, "code", None) in _SHAPE_NOTES for m in parsed.notes)
        ):
            shape = parsed
    _shapes[op, unit_text, category, subcategory, year, unit, operator] = shape
    return shape


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
    original = as_text(text)
    if isinstance(text, bool):
        return _unreadable(original, Message("value.not_text", original=original))
    if isinstance(text, date):
        d = text.date() if isinstance(text, datetime) else text
        return TargetValue(original, Kind.DEADLINE, Op.DEADLINE, deadline=d)
    clean = clean_text(original)
    col_problems, col_op = _column_operator(operator)
    col_unit = normalise_unit(unit)
    if is_placeholder(clean):
        stripped = original.strip()
        msg = Message("value.placeholder", original=stripped) if clean else Message("value.empty")
        return TargetValue(original, Kind.MISSING, problems=(msg,))
    if col_op == Op.QUALITATIVE:  # a stored qualitative value keeps its reference when re-read
        relative = read_reference(clean)
        if relative is not None:
            return _relative(original, *relative, col_problems)
        return TargetValue(original, Kind.QUALITATIVE, Op.QUALITATIVE, text=original.strip())
    if col_unit and re.search(r"\d", col_unit) and not is_known_unit(col_unit):
        return _unreadable(original, Message("value.column_unit_unknown", unit=str(unit)))
    timely = is_timeliness(subcategory) or col_op == Op.DEADLINE
    when = _parse_when(clean, year, timely)
    if when is None:
        op, _, is_symbol, rest = take_prefix_operator(clean)
        if op in (Op.LE, Op.LT) and is_symbol:
            when = parse_when(rest, year, True, strict=True)
    if when is not None:
        return _deadline(original, when, year, col_problems)
    if col_op == Op.DEADLINE:
        return _unreadable(original, Message("value.not_a_date", original=original))
    relative = read_reference(clean, col_op)
    if relative is not None:
        return _relative(original, *relative, col_problems)
    quantity = parse_quantity(clean, Message("value.quoted_target", text=original.strip()))
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


def _relative(original: str, relation: Op, reference: str, problems: tuple) -> TargetValue:
    """A target bounded by a named reference ("≤预算", "不高于上年"): qualitative, since the table
    gives no amount for the reference, with the bound and the reference kept and explained."""
    code = "value.relative_floor" if relation == Op.GE else "value.relative_ceiling"
    return TargetValue(original, Kind.QUALITATIVE, Op.QUALITATIVE, text=original.strip(),
                       problems=problems, notes=(Message(code, reference=reference),),
                       relation=relation, reference=reference)  # fmt: skip


# Words naming a date before it ("完成时间为2022年12月30日"), and 每年 ("每年12月底前": this year's).
_DATE_NAME_RE = re.compile(r"(?:每年|[\u4e00-\u9fff]{0,8}(?:时间|时限|日期|期限)(?:为|是|:)?)")


def _parse_when(clean: str, year: int | None, timely: bool) -> When | None:
    """`parse_when`, also past words naming the date (`_DATE_NAME_RE`)."""
    when = parse_when(clean, year, timely)
    named = _DATE_NAME_RE.match(clean)
    if when is None and named and named.end() < len(clean):
        when = parse_when(clean[named.end() :], year, timely)
    return when


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


#: 计算符号 cells that mark a yes/no indicator: its value is a qualitative answer ("否").
_YES_NO_OPERATORS = frozenset({"是/否", "是或否", "是否", "是/否型", "√/×"})


def _column_operator(operator: object) -> tuple[tuple[str, ...], Op | None]:
    """The 计算符号 column: its operator (a yes/no mark is 定性), or a problem when it is
    written but unknown."""
    op = normalise_operator(operator)
    written = clean_text(as_text(operator))
    if op is None and written.replace(" ", "") in _YES_NO_OPERATORS:
        return (), Op.QUALITATIVE
    if op is None and written and not is_placeholder(written) and written != "定量":
        return (Message("value.unknown_operator", operator=str(operator)),), None
    return (), op


def _quantitative(
    original: str,
    quantity: Quantity,
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
    number = quantity.number
    assert number is not None  # an "ok" quantity has its number (`parse_quantity`)
    if unit is not None and lacks_money_unit(unit):
        quoted = Message("value.quoted_target", text=original.strip())
        cost = is_cost(category, subcategory)
        number, unit, note = _with_money_unit(number, unit, col_unit, cost, quoted)
        if number is None:
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
        op, note = _implied_operator(number, is_cost(category, subcategory))
        notes.append(note)
    return TargetValue(
        original, Kind.QUANTITATIVE, op, number, unit,
        operator_implied=implied, problems=problems, notes=tuple(notes),
    )  # fmt: skip


def _with_money_unit(number: Decimal, unit: str, given: str | None, cost: bool, quoted: str):
    """(number, unit, note) for a cost written without its money unit (`lacks_money_unit`):
    '≤28.40/株' and '150万' take the money unit of `given` (the unit column, or an actual's
    target) when that is money, else 元 under a cost indicator (元/株, 万元); a bare 万 or 亿
    elsewhere multiplies the number ('1.5万' → 15000); (None, None, problem) otherwise."""
    head, slash, per = unit.partition("/")
    parts = unit_cost_parts(given) if given else None
    if not head and parts and given and given.endswith(unit):
        return number, given, Message("value.money_unit_from", unit=unit, given=given)
    money = f"{head}元{slash}{per}"
    if head and (parts or given in MONEY_UNITS):
        return number, money, Message("value.money_unit_from", unit=unit, given=money)
    if cost:
        return number, money, Message("value.currency_assumed", unit=unit, assumed=money)
    if head and not slash:
        value = tidy_decimal(number.scaleb(MULTIPLIERS[head]))
        written = f"{number:f}{head}"
        return value, None, Message("value.multiplier", written=written, number=f"{value:f}")
    return None, None, Message("value.no_currency", quoted=quoted, unit=unit)


def _unreadable(original: str, message: str | None) -> TargetValue:
    message = message or Message("value.unreadable", original=original)
    return TargetValue(original, Kind.UNREADABLE, problems=(message,))


class _Where(TypedDict):
    """Where a value stands, as `parse_target_value` takes it."""

    category: object
    subcategory: object
    year: int | None


def target_value_from_data(
    data: object,
    *,
    category: object = None,
    subcategory: object = None,
    year: int | None = None,
    name: object = None,
    incidents: Mapping | None = None,
) -> TargetValue:
    """A value as common.schema.json carries it: a string, a number, null, or an object
    ``{"op", "number", "unit", "text", "date"}`` whose op may be the schema spelling or a
    symbol (≥, ≤, 定性 ...). Numbers become Decimal through their text, never through float.
    A string is read with the indicator's `name` (and `incidents`) as `parse_target_value`."""
    context: _Where = {"category": category, "subcategory": subcategory, "year": year}
    if not isinstance(data, dict):
        return parse_target_value(data, name=name, incidents=incidents, **context)
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
    number = as_text(data.get("number"))
    parsed = parse_target_value(number, operator=op, unit=unit, **context)
    written = f"{OPERATOR_SYMBOLS[op]}{number}{normalise_unit(unit) or ''}"
    return replace(parsed, original=text or written)


# --------------------------------------------------------------------------- actuals (§4.2)


def parse_actual_value(
    text: object, target: TargetValue, *, name: object = None, incidents: Mapping | None = None
) -> ActualValue:
    """Read a 实际完成值 against its target (DOMAIN.md §4.2); never raises.

    Quantitative: no unit takes the target's; 百分比 is %; a unit of the target unit's family
    converts exactly (the real tables of tests/corpus widen DOMAIN.md §4.2's money-only rule
    to the families of `units`: 870米 against 公里 is 0.87公里, with a note); a unit of another
    family is a problem and `number` stays None. Deadline: a date
    ('2021年11月完成' → 30 Nov, '2021-12-20'), or words: '按时完成', '已完成' ... mean met on the
    target's date, '未完成' means not met with no date. Qualitative: the text as written.

    Results are immutable and actual values repeat too ("100%", "已完成", whole numbers against
    the same targets across a province's tables), so text inputs are memoised.

    `name` (and `incidents`), as for the target: "无" on an indicator that counts incidents
    says none happened, the actual 0 in the target's unit.
    """
    if name is not None:
        unwanted = any(getattr(n, "code", None) == "value.incident_zero" for n in target.notes)
        read_as = incident_text(name, text, _words(incidents), actual=True, unwanted=unwanted)
        if read_as is not text and isinstance(text, str):  # only a text is read as another
            return as_written(parse_actual_value(read_as, target), name, text)
    if type(text) is str:
        try:
            return _parse_actual_value_cached(text, target)
        except TypeError:  # a target that cannot be a key (a signalling NaN in it)
            pass
    return _parse_actual_value(text, target)


@lru_cache(maxsize=16_384)
def _parse_actual_value_cached(text: str, target: TargetValue) -> ActualValue:
    return _parse_actual_value(text, target)


def _parse_actual_value(text: object, target: TargetValue) -> ActualValue:
    original = as_text(text)
    clean = clean_text(original)
    if is_placeholder(clean):
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
    when = _parse_when(clean, due.year if due else None, True)
    if when is None or when.value is None:
        detail = when.problem if when else Message("value.no_date")
        message = Message("value.actual_deadline_problem", original=original, problem=detail)
        return ActualValue(original, Kind.UNREADABLE, text=original.strip(), problems=(message,))
    on_time = None if due is None else when.value <= due
    return ActualValue(original, Kind.DEADLINE, date=when.value, on_time=on_time)


def _actual_quantity(original: str, clean: str, target: TargetValue) -> ActualValue:
    if clean in _ON_TIME and _is_frequency(target):  # "按时完成" against "每季度": done each time
        note = Message("value.frequency_done", original=original.strip(), read=target.display())
        return ActualValue(original, Kind.QUANTITATIVE, target.number, target.unit, notes=(note,))
    quoted = Message("value.quoted_actual", text=original.strip())
    quantity = parse_quantity(clean, quoted)
    lone = re.fullmatch(r"([\u4e00-\u9fff]{1,10})(\d[\d,.]*[^\d]*)", clean)  # '按合同10.5万元'
    if quantity.status == "prose" and lone:
        alone = parse_quantity(lone.group(2), quoted)
        if alone.status == "ok" and (alone.unit is None or is_known_unit(alone.unit)):
            words = Message("value.words_ignored", words=lone.group(1))
            quantity = replace(alone, notes=(words, *alone.notes))
    if quantity.status != "ok":
        msg = quantity.message or _not_a_number(original, clean, quantity.lead, quoted, target)
        return ActualValue(original, Kind.UNREADABLE, text=original.strip(), problems=(msg,))
    notes = list(quantity.notes)
    if quantity.op is not None:
        notes.append(Message("value.actual_operator", op=OPERATOR_SYMBOLS[quantity.op]))
    written, unit, number = quantity.unit, target.unit, quantity.number
    assert number is not None  # an "ok" quantity has its number (`parse_quantity`)
    if written is not None and lacks_money_unit(written):
        number, written, note = _with_money_unit(number, written, unit, False, quoted)
        if number is None:
            return ActualValue(original, Kind.UNREADABLE, text=original.strip(), problems=(note,))
        notes.append(note)
    if written is None:
        if unit:
            notes.append(Message("value.actual_unit_from_target", unit=unit))
        return ActualValue(original, Kind.QUANTITATIVE, number, unit, notes=tuple(notes))
    if unit is None:
        notes.append(Message("value.target_unit_from_actual", unit=written))
        return ActualValue(original, Kind.QUANTITATIVE, number, written,
                           notes=tuple(notes))  # fmt: skip
    converted = convert_number(number, written, unit)
    if converted is None:
        msg = Message("value.unit_mismatch", original=original, written=written,
                      target=target.display(), unit=unit)  # fmt: skip
        return ActualValue(original, Kind.QUANTITATIVE, unit=written, problems=(msg,),
                           notes=tuple(notes))  # fmt: skip
    if not same_unit(written, unit):
        (head, _, per), (_, _, target_per) = written.partition("/"), unit.partition("/")
        money = head in MONEY_UNITS and per == target_per
        code = "value.money_converted" if money else "value.unit_converted"
        notes.append(Message(code, number=f"{number:f}", written=written,
                             converted=f"{converted:f}", unit=unit))  # fmt: skip
    return ActualValue(original, Kind.QUANTITATIVE, converted, unit, notes=tuple(notes))


def _is_frequency(target: TargetValue) -> bool:
    """A target of times per period ('每季度' → ≥1次/季度), a time target as a deadline is: an
    actual that says it was done on time (`_ON_TIME`) met it, as it meets a deadline (§4.2)."""
    head, _, per = (target.unit or "").partition("/")
    return head == "次" and per in TIME_UNITS and target.operator in (Op.GE, Op.GT, Op.EQ)


def _not_a_number(original: str, clean: str, lead: str, quoted: str, target: TargetValue) -> str:
    """Which part of an actual is not a number: the words after '约为' ..., or the whole."""
    rest = clean[len(lead) :] if len(lead) > 1 and clean.startswith(lead) else ""
    if rest:
        return Message("value.after_word", quoted=quoted, word=lead, rest=rest)
    return Message("value.actual_not_a_number", original=original, target=target.display())


def _actual_alone(original: str, clean: str) -> ActualValue:
    """An actual whose target could not be read: read on its own, compared with nothing."""
    note = (Message("value.actual_alone"),)
    quantity = parse_quantity(clean, Message("value.quoted_actual", text=original.strip()))
    if quantity.status == "ok":
        return ActualValue(original, Kind.QUANTITATIVE, quantity.number, quantity.unit, notes=note)
    when = parse_when(clean, None, False)
    if when is not None and when.value is not None:
        return ActualValue(original, Kind.DEADLINE, date=when.value, notes=note)
    return ActualValue(original, Kind.QUALITATIVE, text=original.strip(), notes=note)
