"""How a list sorts by its columns: `?sort=<key>` (ascending) or `?sort=-<key>` (descending).

A list declares its sortable columns once, as a `Sorts` beside its selector: each key names the
`order_by` terms of its column (field paths or expressions), one key is the default order, and
the primary key (or the list's own `ties`) breaks every tie, so that page 2 continues page 1 and the export lists the rows
as the pages do. The selector takes `sort` as one of its filters and ends with
`SORTS.apply(rows, sort)`: the page (`list_page(sorts=...)`), its "导出 Excel" and the
background job of a large export pass the same `sort` on, as they pass the other filters.
`{% sort_header %}` (core/templatetags/jixiao.py) draws a sortable column's header.

A value that is not one of the list's keys gives the default order: nothing from the address
ever names a field. The API lists (`core.api.sorted_by`) take the same keys but refuse any other
value (400, naming `values()`). A row without a value (an empty amount, a declaration not yet submitted)
comes last in either direction, on SQLite and PostgreSQL alike (their own default for empty
values differs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import Exact

from .grades import GRADES


@dataclass(frozen=True)
class Sort:
    """The order a list is drawn in: a column's key and its direction."""

    key: str
    descending: bool = False
    explicit: bool = False  # asked for by the address (not the list's default)

    @property
    def param(self) -> str:
        """The value of `?sort=` that asks for this order."""
        return f"-{self.key}" if self.descending else self.key


class Sorts:
    """The sortable columns of one list: `Sorts("unit", unit=("unit__code", "project__code"),
    amount="amount_total")`, the default first (prefixed with "-" for descending). A term
    prefixed with "-" runs against its column's direction ("status", "-level"). `ties` break
    every tie, in the column's direction too: the primary key, or the columns that stand for
    it in a list that has none (the audit log's union of entries and batched changes)."""

    def __init__(self, default: str, *, ties: tuple[str, ...] = ("pk",), **columns):
        self.ties = ties
        self.columns = {
            key: tuple(terms) if isinstance(terms, tuple | list) else (terms,)
            for key, terms in columns.items()
        }
        found = self.parsed(default)
        if found is None:
            raise ValueError(f"default sort {default!r} is not one of the columns")
        self.default = replace(found, explicit=False)

    def parsed(self, value) -> Sort | None:
        """The order `?sort=value` names, or None when it names none of the columns."""
        text = value if isinstance(value, str) else ""
        descending = text.startswith("-")
        key = text[1:] if descending else text
        if key in self.columns:
            return Sort(key, descending, explicit=True)
        return None

    def values(self) -> list[str]:
        """Every value `?sort=` takes: each key ascending, then descending ("-key")."""
        return [*self.columns, *(f"-{key}" for key in self.columns)]

    def chosen(self, value) -> Sort:
        """The order `?sort=value` asks for, or the default when it names no column."""
        return self.parsed(value) or self.default

    def order(self, value, *, through=None) -> list:
        """The `order_by` terms of `chosen(value)`, the ties (the primary key) last.
        `through(expression)` reads each column's term on other rows than the list's own (the
        API's units are units, the page's rows their years); the ties stay the rows' own."""
        sort = self.chosen(value)
        terms = [_term(t, sort.descending, through) for t in self.columns[sort.key]]
        return [*terms, *(_tie(t, sort.descending) for t in self.ties)]

    def apply(self, rows, value, *, through=None):
        """`rows` in the order `?sort=value` asks for."""
        return rows.order_by(*self.order(value, through=through))


def grade_order(*fields: str):
    """A term that sorts by grade, 差 lowest and 优 highest (the words' own order is not the
    grades'): by the first of `fields` that holds one ("reviewed_grade", "grade": the grade a
    page shows). A row without a grade has no value, so it comes last either way."""
    shown = [NullIf(F(field), Value("")) for field in fields]
    grade = Coalesce(*shown) if len(shown) > 1 else shown[0]
    return Case(
        *(When(Exact(grade, word), then=Value(len(GRADES) - i)) for i, word in enumerate(GRADES)),
        output_field=IntegerField(),
    )


def _term(term, descending: bool, through=None):
    if isinstance(term, str) and term.startswith("-"):  # a term of its own direction
        term, descending = term[1:], not descending
    expression = F(term) if isinstance(term, str) else term
    if through is not None:
        expression = through(expression)
    if descending:
        return expression.desc(nulls_last=True)
    return expression.asc(nulls_last=True)


def _tie(term: str, descending: bool):
    if term.startswith("-"):  # a tie of its own direction
        term, descending = term[1:], not descending
    return F(term).desc() if descending else F(term).asc()


def sorting(request, sorts: Sorts) -> Sort:
    """The order a list page is asked for (its `sorting`, for `{% sort_header %}`)."""
    return sorts.chosen(request.GET.get("sort"))
