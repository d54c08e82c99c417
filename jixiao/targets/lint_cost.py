"""T18 cost_quantity_mismatch (DOMAIN.md §4.4): unit costs times quantities against the money.

A pure module (DESIGN.md, Pure rules). A reviewer multiplies each unit cost (元/人, 万元/公里,
元/人·月 …) by the quantity it is paid on (the row counted in its "per" unit: 人, 公里 …) and,
where the cost has a time dimension (per month, per day, per term), by the number of those
periods (a row counted in 月/天/学期, else the periods of one budget year from the rules, and for
a daily cost no guess at all). Only cost lines count: rows under 成本, or named as a cost (成本, 单价, 费用 …); a
standard filed under 质量 (低保标准 元/人·月) is what recipients get, not what the project
spends per unit. A project's money is often spent on several cost lines, so their
products are added up before they are compared with the project's amount; a single line is
compared alone. A mismatch beyond the rules' tolerance (20%) is a finding on the first cost line;
when several lines together fall short of the amount the rest of the money may be spent on things
without a unit cost, so only an excess is a finding then.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.core.rule_messages import Join, Message
from jixiao.indicators.units import unit_cost_parts
from jixiao.indicators.values import Kind, convert_number
from jixiao.indicators.values import same_unit as _same_unit

from .declaration import Declaration, IndicatorLine
from .lint_base import _UNKNOWN, Finding, _contains, _grams, _label, _num, _round, _View


@dataclass(frozen=True)
class _Product:
    """One cost line: row `cost` × row `quantity` (× `periods`) = `amount` in the money unit."""

    cost: int
    quantity: int
    periods: Decimal
    period_row: int | None
    amount: Decimal


def check_cost_quantity_mismatch(view: _View) -> list[Finding]:
    """T18: the products of the cost lines against the project's amount (module docstring)."""
    amount = _project_amount(view.declaration)
    rules = view.rules["T18"]
    if amount is None or amount <= 0:
        return []
    products = []
    for i, facts in enumerate(view.facts):
        # most rows are no unit cost, a fact of the row found once (`_product`)
        if facts.known.get("T18", _UNKNOWN) is not None:
            product = _product(view, i, rules)
            if product:
                products.append(product)
    if not products:
        return []
    total = sum((p.amount for p in products), Decimal(0))
    gap = abs(total - amount) / amount
    if gap <= Decimal(rules["tolerance"]) or (len(products) > 1 and total < amount):
        return []
    return [_finding(view, products, total, amount, gap)]


def _project_amount(declaration: Declaration) -> Decimal | None:
    amounts = declaration.amounts
    if amounts.total is not None:
        return amounts.total
    given = [s for s in amounts.sources if s is not None]
    return sum(given, Decimal(0)) if given else None


def _product(view: _View, i: int, rules: Mapping) -> _Product | None:
    """Row `i` as a cost line with its quantity and periods, or None when it is not a unit cost
    or a reviewer could not tell what it multiplies."""
    line, facts = view.lines[i], view.facts[i]
    value = line.value
    parts = facts.known.get("T18", _UNKNOWN)  # `facts.ask` in line: asked of every row
    if parts is _UNKNOWN:
        # the value is part of the row's facts' key, so its test is a fact as well
        if value.kind != Kind.QUANTITATIVE or not value.number or not value.unit:
            parts = None
        else:
            parts = _unit_cost(facts, line, rules)
        facts.known["T18"] = parts
    if parts is None:
        return None
    money, per, period = parts
    j = _matching_row(view, i, per)
    if j is None:
        return None
    periods, period_row = Decimal(1), None
    if period:
        period_row = _matching_row(view, i, period, exclude=j)
        if period_row is not None:
            periods = view.lines[period_row].value.number
        elif period in rules["periods_per_year"]:
            periods = Decimal(rules["periods_per_year"][period])
        else:
            return None  # a daily cost: how many days, a reviewer cannot tell either
    product = value.number * view.lines[j].value.number * periods
    product = convert_number(product, money, rules["money_unit"])
    return None if product is None else _Product(i, j, periods, period_row, product)


def _unit_cost(facts, line: IndicatorLine, rules: Mapping):
    """(money, per, period) of a cost line's unit with a "per" unit, or None (a fact of the
    row): only cost lines count, a standard under 质量 (低保标准 元/人·月) is what recipients get,
    not a cost."""
    cost_row = facts.placed_cost or facts.written_cost
    if not cost_row and not _contains(line.name, rules["cost_words"]):
        return None
    parts = _cost_parts(line.value.unit)
    return None if parts is None or parts[1] is None else parts


@lru_cache(maxsize=4096)
def same_unit(a: str | None, b: str | None) -> bool:
    """`values.same_unit`, memoised: every cost line compares its unit with every row's."""
    return _same_unit(a, b)


@lru_cache(maxsize=4096)
def _cost_parts(unit: str) -> tuple[str, str | None, str | None] | None:
    return unit_cost_parts(unit)


def _matching_row(view: _View, cost_index: int, unit: str, exclude: int | None = None):
    """The quantity row for a unit cost's "per" unit (or its period): the only positive row in
    that unit, else the one whose name shares most with the cost's name; None when there is
    none or no clear choice."""
    candidates = [
        j
        for j, line in enumerate(view.lines)
        if j not in (cost_index, exclude)
        and line.value.kind == Kind.QUANTITATIVE
        and line.value.number
        and line.value.number > 0
        and same_unit(line.value.unit, unit)
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    name = view.lines[cost_index].name
    scored = sorted(
        ((len(_grams(name, (), 2) & _grams(view.lines[j].name, (), 2)), j) for j in candidates),
        reverse=True,
    )
    best, second = scored[0], scored[1]
    return best[1] if best[0] > second[0] else None


def _finding(view: _View, products, total: Decimal, amount: Decimal, gap: Decimal) -> Finding:
    rules = view.rules["T18"]
    unit, lines = rules["money_unit"], view.lines
    pct = _num(_round(gap * 100, "0.1"))
    limit = _num(Decimal(rules["tolerance"]) * 100)
    shown = _num(_round(total, "0.0001"))
    terms = Join((_term(view, p) for p in products), "list")
    first = products[0]
    if len(products) == 1 and first.periods == 1:
        return _one_line_finding(view, first, shown, amount, pct, limit)
    msg = Message("lint.T18.lines", label=_label(first.cost, lines[first.cost]), terms=terms,
                  product=shown, unit=unit, amount=_num(amount), pct=pct, limit=limit,
                  n=len(products))  # fmt: skip
    formula = " + ".join(_formula(view, p) for p in products)
    explanation = f"{formula} = {shown}{unit}；|{shown} − {_num(amount)}| / {_num(amount)} = {pct}% > {limit}%"
    return view.finding("T18", first.cost, msg, explanation)


def _one_line_finding(view: _View, p: _Product, shown: str, amount, pct: str, limit: str):
    cost, qty = view.lines[p.cost], view.lines[p.quantity]
    unit = view.rules["T18"]["money_unit"]
    msg = Message("lint.T18", label=_label(p.cost, cost), cost=cost.value.display(),
                  j=p.quantity + 1, name=qty.name, quantity=qty.value.display(), product=shown,
                  unit=unit, amount=_num(amount), pct=pct, limit=limit)  # fmt: skip
    explanation = (
        f"{_formula(view, p)} = {shown}{unit}；"
        f"|{shown} − {_num(amount)}| / {_num(amount)} = {pct}% > {limit}%"
    )
    return view.finding("T18", p.cost, msg, explanation)


def _term(view: _View, p: _Product) -> str:
    cost, qty = view.lines[p.cost], view.lines[p.quantity]
    return Message("lint.T18.term", i=p.cost + 1, cost=cost.value.display(), j=p.quantity + 1,
                   name=qty.name, quantity=qty.value.display(),
                   periods=_periods(view, p))  # fmt: skip


def _periods(view: _View, p: _Product) -> str:
    if p.period_row is not None:
        return Message("lint.T18.period_row", k=p.period_row + 1,
                       value=view.lines[p.period_row].value.display())  # fmt: skip
    return Message("lint.T18.periods", n=_num(p.periods)) if p.periods != 1 else ""


def _formula(view: _View, p: _Product) -> str:
    cost, quantity = view.lines[p.cost].value.number, view.lines[p.quantity].value.number
    assert cost is not None and quantity is not None  # `_product` multiplied the two
    numbers = [cost, quantity]
    if p.periods != 1:
        numbers.append(p.periods)
    return " × ".join(_num(n) for n in numbers)
