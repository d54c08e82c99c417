"""Registry of exports for `jixiao export KIND` (apps register; core knows no kinds)."""

from collections.abc import Callable, Iterator

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
