"""The one audit log (DESIGN.md, Audit).

Models opt in with `@audited`. Saves and deletes of such models write an AuditLog row with the
before/after snapshot; the batch, actor and source come from the current *audit context*, opened
per request by `AuditContextMiddleware`, per import by the import framework and per command by
`audit_context(...)`. Bulk writes (imports) call `record()` themselves, because Django signals do
not fire for `bulk_create`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

_AUDITED: set[type[models.Model]] = set()


@dataclass(frozen=True)
class AuditContext:
    batch: uuid.UUID
    actor: object | None = None
    source: str = "web"
    ip: str | None = None


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "jixiao_audit_context", default=None
)


def audited(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: record every save and delete of this model."""
    _AUDITED.add(model)
    return model


@contextmanager
def audit_context(
    *, actor=None, source: str = "cli", ip: str | None = None, batch: uuid.UUID | None = None
) -> Iterator[AuditContext]:
    ctx = AuditContext(batch=batch or uuid.uuid4(), actor=actor, source=source, ip=ip)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    ctx = _context.get()
    return ctx if ctx is not None else AuditContext(batch=uuid.uuid4(), source="system")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict:
    """The stored values of a row, JSON-ready (foreign keys as ids, decimals as strings)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in getattr(instance, "audit_exclude", ()):
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def record(
    *,
    action: str,
    instance: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    actor=None,
) -> None:
    """Write one audit entry in the current context."""
    from .models import AuditLog

    ctx = current_context()
    actor = actor if actor is not None else ctx.actor
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:300]
        region_code = region_code or getattr(instance, "audit_region_code", "") or ""
    AuditLog.objects.create(
        batch=ctx.batch,
        source=ctx.source,
        ip=ctx.ip,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        region_code=region_code,
        before=before,
        after=after,
        message=message[:500],
    )


def record_export(
    *,
    kind: str,
    rows: int | None,
    filters: dict | None = None,
    name: str = "",
    region_code: str = "",
    actor=None,
) -> None:
    """Write the `export` entry of one export, download, print or bulk API read (CONTRACT.md:
    the audit log records every export and download): who (the context's actor), what (`kind`,
    and the file `name`), the filter it was asked with and how many rows it held (None when
    the kind has no rows, like the summary's figures)."""
    from django.utils.translation import gettext

    filters = filters or {}
    shown = "，".join(f"{key}={value}" for key, value in filters.items()) or gettext("无")
    record(
        action="export",
        object_type=kind,
        object_repr=name or kind,
        region_code=region_code,
        actor=actor,
        after={"kind": kind, "filter": filters, "rows": rows},
        message=gettext("导出 %(kind)s：%(rows)s 行；条件：%(filter)s")
        % {"kind": kind, "rows": "—" if rows is None else rows, "filter": shown},
    )


def query_filters(query) -> dict:
    """A request's query parameters as the filter of an export: one value, or a list of them."""
    return {key: values[0] if len(values) == 1 else values for key, values in query.lists()}


def _before_save(sender, instance, raw=False, **kwargs):
    if sender not in _AUDITED or raw:
        return
    old = None
    if instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if sender not in _AUDITED or raw:
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before == after:
        return
    record(
        action="create" if created or before is None else "update",
        instance=instance,
        before=before,
        after=after,
    )


def _after_delete(sender, instance, **kwargs):
    if sender not in _AUDITED:
        return
    record(action="delete", instance=instance, before=snapshot(instance), after=None)


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="jixiao_audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="jixiao_audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="jixiao_audit_post_delete")
