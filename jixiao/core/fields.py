"""Model field shorthands for declarations every app repeats."""

from __future__ import annotations

from django.db import models


def optional_link(
    to, verbose_name, *, related_name: str, on_delete=models.PROTECT, **options
) -> models.ForeignKey:
    """A foreign key that may be empty (NULL in the database, blank in forms); by default what
    it names cannot be deleted while linked. `options` go to the field (`help_text` …)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )
