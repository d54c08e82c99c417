"""Index kinds the models share."""

from __future__ import annotations

from django.db import models


class CoveringIndex(models.Index):
    """An index that also carries `covering` columns, as INCLUDE, where the database has
    them (PostgreSQL), and is a plain index of `fields` elsewhere (SQLite).

    Why not `Index(include=...)`: on SQLite that makes Django warn (models.W040) at every
    migrate and check. Why INCLUDE rather than more key columns: a row's insert compares
    only the key, so the figures read the index alone (an index-only scan, not the wide rows)
    at no measurable cost to an insert, where the same columns as keys made inserting a
    payment import's alerts about a third slower on PostgreSQL (docs/performance.md, payment
    files, eleventh pass)."""

    def __init__(self, *args, covering=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.covering = tuple(covering)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["covering"] = self.covering
        return path, args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if self.covering and schema_editor.connection.features.supports_covering_indexes:
            index = self.clone()
            index.include = self.covering
        return models.Index.create_sql(index, model, schema_editor, using=using, **kwargs)
