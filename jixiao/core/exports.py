"""Registry of exports for `jixiao export KIND` (apps register; core knows no kinds)."""

from collections.abc import Callable

# kind → function(reader, region, year, fmt) → bytes
EXPORTERS: dict[str, Callable] = {}


def register_exporter(kind: str):
    def decorator(fn):
        EXPORTERS[kind] = fn
        return fn

    return decorator


def workbook_bytes(book) -> bytes:
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def json_bytes(items) -> bytes:
    import json

    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
