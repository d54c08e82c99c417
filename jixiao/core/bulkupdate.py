"""Writing the same fields of many rows: one `UPDATE … SET … WHERE id = %s` run with executemany,
each value prepared by its field as `save()` does. Portable on SQLite and PostgreSQL, and faster
than Django's `bulk_update`, which compiles a CASE … WHEN per row and field through the ORM
(bench/key_evaluations.py, bench/evaluations.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def update_many(model, objects: Sequence, fields: Sequence[str], *, batch: int = 5000) -> None:
    """UPDATE `fields` (by their names) of each of `objects` (saved rows of `model`) to the
    values they hold, `batch` rows to a statement's executemany."""
    if not objects:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(c.column)} = %s" for c in columns)
        + f" WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            cursor.executemany(
                sql,
                [
                    [c.get_db_prep_save(getattr(o, c.attname), connection) for c in columns]
                    + [o.pk]
                    for o in objects[start : start + batch]
                ],
            )
