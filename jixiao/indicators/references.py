"""Targets relative to a named reference instead of a number: "≤预算", "不高于上年", "控制在概算
以内", "不低于全省平均水平" (issue 15 part 4; DOMAIN.md §4.2 does not list the form).

A pure module: standard library and the other pure modules only. A reviewer reads such a value
as a ceiling (or a floor) set by an amount the project has elsewhere: last year's, the budget,
the approved estimate, the contract price. The table does not give that amount, so the value has
no number to score with; `jixiao.indicators.values` keeps it qualitative (scored by the band of
DOMAIN.md §6.2, which says nothing of relative targets) and records which way it bounds and what
it names, so that the explanation says so instead of calling the value unreadable (lint T03).

The vocabulary is data in the units table (`units.REFERENCES`, the amounts a target may name;
`units.REFERENCE_TAILS`, the words that may follow: 水平, 数, 金额 …); `QUALIFIERS` is how many
characters may stand before a reference (年初, 批复, 全省). A value reads as relative only when it names one of `REFERENCES`
and says which way it bounds, by an operator before it ("≤", "不超过", "低于") or a bound after
it ("以内", "范围内"), or through the 计算符号 column.
"""

import re
from functools import lru_cache

from .quantities import Op, take_prefix_operator
from .units import REFERENCE_TAILS as TAILS
from .units import REFERENCES

__all__ = ["QUALIFIERS", "REFERENCES", "TAILS", "read_reference"]

#: How long the words before a reference may be ("年初预算", "批复概算", "全省平均").
QUALIFIERS = 4

# Bounds written after the reference, and the verb some tables put before it ("控制在").
_AFTER = {"以内": Op.LE, "之内": Op.LE, "内": Op.LE, "范围内": Op.LE, "以下": Op.LE,
          "以上": Op.GE}  # fmt: skip
_UP = (Op.GE, Op.GT)


def _alternatives(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


_RE = re.compile(
    rf"在?(?P<qualifier>[\u4e00-\u9fff]{{0,{QUALIFIERS}}}?)(?P<reference>{_alternatives(REFERENCES)})"
    rf"(?:的?(?:{_alternatives(TAILS)}))?(?P<after>{_alternatives(_AFTER)})?"
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
    match = _RE.fullmatch(rest)
    if match is None or re.search("[不未非无没]", match["qualifier"]):
        return None
    after = _AFTER.get(match["after"] or "")
    directions = {_bound(o) for o in (op, after, column) if o is not None and _bound(o)}
    if len(directions) != 1:
        return None
    return directions.pop(), match["qualifier"] + match["reference"]


def _bound(op: Op) -> Op | None:
    """≤ for a ceiling, ≥ for a floor; None for any other operator (=, 定性, 时限)."""
    if op in _UP:
        return Op.GE
    if op in (Op.LE, Op.LT):
        return Op.LE
    return None
