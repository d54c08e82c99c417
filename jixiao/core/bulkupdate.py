"""Writing the same fields of many rows: one `UPDATE … SET … WHERE id = %s` run with executemany,
each value prepared by its field as `save()` does. Portable on SQLite and PostgreSQL, and faster
than Django's `bulk_update`, which compiles a CASE … WHEN per row and field through the ORM
(bench/key_evaluations.py, bench/evaluations.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def update_many(
    model, objects: Sequence, fields: Sequence[str], *, batch: int = 5000, as_is: bool = False
) -> None:
    """UPDATE `fields` (by their names) of each of `objects` (saved rows of `model`) to the
    values they hold, `batch` rows to a statement's executemany. Each value is prepared by its
    field as `save()` does; with `as_is`, values of the kinds in `AS_IS` go to the driver as
    they are (a caller whose values already fit their columns: preparing each one cost more
    than the statement when re-scoring a province)."""
    if not objects:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    names = [c.attname for c in columns]
    prepare = [
        (i, c) for i, c in enumerate(columns) if not (as_is and c.get_internal_type() in AS_IS)
    ]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(c.column)} = %s" for c in columns)
        + f" WHERE {quote(meta.pk.column)} = %s"
    )

    def row(obj) -> list:
        values = [getattr(obj, name) for name in names]
        for i, column in prepare:
            values[i] = column.get_db_prep_save(values[i], connection)
        values.append(obj.pk)
        return values

    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            cursor.executemany(sql, [row(o) for o in objects[start : start + batch]])


#: Fields whose Python values both drivers take as they are (text, numbers, decimals, ids):
#: `insert_rows` passes them through instead of preparing each value by its field.
AS_IS = {
    "CharField",
    "TextField",
    "IntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "DecimalField",
    "ForeignKey",
}


def insert_rows(
    model, fields: Sequence[str], rows: Sequence[tuple], *, same: dict | None = None, batch=20000
) -> None:
    """INSERT rows of `model`: each row a tuple of the values of `fields` (by name), plus the
    values `same` gives every row (prepared once), with one executemany a `batch` of rows.
    Values are prepared by their field as `save()` does, except for the kinds in `AS_IS`;
    no primary keys come back and no signals are sent (as with `bulk_create`), at a fraction
    of bulk_create's cost per row (a province's payment file inserts 480,000)."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    same = same or {}
    columns = [meta.get_field(name) for name in fields]
    fixed = [meta.get_field(name) for name in same]
    tail = tuple(f.get_db_prep_save(same[f.name], connection) for f in fixed)
    prepare = [None if f.get_internal_type() in AS_IS else (i, f) for i, f in enumerate(columns)]
    prepare = [p for p in prepare if p is not None]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ("
        + ", ".join(quote(f.column) for f in columns + fixed)
        + ") VALUES ("
        + ", ".join(["%s"] * (len(columns) + len(fixed)))
        + ")"
    )

    def prepared(row: tuple) -> tuple:
        if not prepare:
            return row + tail
        values = list(row)
        for i, field in prepare:
            values[i] = field.get_db_prep_save(values[i], connection)
        return tuple(values) + tail

    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, [prepared(row) for row in rows[start : start + batch]])
