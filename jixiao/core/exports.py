"""Registry of exports for `jixiao export KIND` (apps register; core knows no kinds)."""

from collections.abc import Callable

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
