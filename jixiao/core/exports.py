"""Registry of exports for `jixiao export KIND` (apps register; core knows no kinds)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .tabular import InputRejected, Problem

# kind → function(reader, region, year, fmt) → bytes
EXPORTERS: dict[str, Callable] = {}
# kind → the rows it exports: function(user=, region=, year=) → a queryset or list
ROWS: dict[str, Callable] = {}


def register_exporter(kind: str, *, rows: Callable | None = None):
    """Register `jixiao export KIND`; `rows` (the exporter's list selector) gives the row count
    of its audit entry."""

    def decorator(fn):
        EXPORTERS[kind] = fn
        if rows is not None:
            ROWS[kind] = rows
        return fn

    return decorator


def row_count(kind: str, reader, region, year: int) -> int | None:
    """How many rows `jixiao export KIND` writes for this region and year (None: unknown)."""
    selector = ROWS.get(kind)
    if selector is None:
        return None
    found = selector(user=reader, region=region, year=year)
    return found.count() if hasattr(found, "count") and not isinstance(found, list) else len(found)


def workbook_bytes(book) -> bytes:
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def json_bytes(items) -> bytes:
    import json

    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


def in_chunks(rows, load: Callable, size: int = 500) -> Iterator[list]:
    """The objects of the list `rows` (a queryset) in the list's order, a chunk of `size` at a
    time, each chunk read by `load(pks)` (a queryset with the details an export needs): the
    details of a province fit in memory, not in one IN ()."""
    pks = list(rows.values_list("pk", flat=True))
    for start in range(0, len(pks), size):
        chunk = pks[start : start + size]
        by_pk = {o.pk: o for o in load(chunk)}
        yield [by_pk[pk] for pk in chunk if pk in by_pk]


def decimal_text(value) -> str | None:
    """A decimal as the JSON files write it: a string with its stored precision (None stays)."""
    return None if value is None else f"{value:f}"


def indicator_row(line, layout, **stored_as) -> dict:
    """A stored indicator line as a row of its official form: under each indicator column the
    form declares (`layout.indicator_columns`), the line's attribute of that name, or of the
    name `stored_as` gives for it."""
    return {c.key: getattr(line, stored_as.get(c.key, c.key)) for c in layout.indicator_columns}


# --- the national data elements (一体化 exchange documents; indicators.data_elements) ----------


@dataclass(frozen=True)
class NationalForm:
    """How a kind reads and writes an exchange document of the national data elements:
    `tables` are its table names, `out(items)` turns the kind's JSON objects into a document,
    `into(document)` back (raising a ValueError with `problems`, a list of (path, message))."""

    tables: tuple[str, ...]
    out: Callable[[list], dict]
    into: Callable[[dict], list]


NATIONAL: dict[str, NationalForm] = {}


def register_national(kind: str, *, tables, out, into) -> None:
    """`jixiao export KIND --format national` and the import of such a document."""
    NATIONAL[kind] = NationalForm(tuple(tables), out, into)


def national_bytes(kind: str, json_data: bytes) -> bytes:
    """The kind's JSON export (`--format json`) as an exchange document."""
    import json

    return json_bytes(NATIONAL[kind].out(json.loads(json_data, parse_float=Decimal)))


def national_items(kind: str, items: list) -> list:
    """The objects of an uploaded JSON file: an exchange document of the kind's tables (one
    object with those tables) becomes the kind's objects; anything else is returned as is.
    A document that cannot be read is refused with each problem located by table, row and
    field."""
    form = NATIONAL.get(kind)
    if form is None or len(items) != 1 or not isinstance(items[0], dict):
        return items
    if not any(name in items[0] for name in form.tables):
        return items
    try:
        return form.into(items[0])
    except ValueError as exc:
        if not hasattr(exc, "problems"):
            raise
        raise InputRejected([_located(path, message) for path, message in exc.problems]) from None


def _located(path: str, message: str) -> Problem:
    """ "PM_PERF_INDICATOR[3].pro_code" as the table (the sheet), the row (1-based) and the
    field."""
    import re

    found = re.fullmatch(r"(\w+)(?:\[(\d+)\])?(?:\.(\w+))?", path)
    if found is None:
        return Problem(f"{path}：{message}")
    table, index, field = found.groups()
    row = int(index) + 1 if index is not None else None
    return Problem(str(message), sheet=table, row=row, field=field or "")
