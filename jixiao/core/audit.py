"""The one audit log (DESIGN.md, Audit).

Models opt in with `@audited`. Saves and deletes of such models write an AuditLog row with the
before/after snapshot; the batch, actor and source come from the current *audit context*, opened
per request by `AuditContextMiddleware`, per import by the import framework and per command by
`audit_context(...)`. Bulk writes call `record()` themselves, because Django signals do not fire
for `bulk_create`.

Imports write their row-level changes as ONE entry per batch: `record_batch(changes, ...)` takes
`Change`s (one per object: action, before, after) and writes a single `AuditLog` (who, when, the
message, and in `changes` only its summary: how many changes of each action) plus one small
`AuditObject(entry, position, object, before, after, message)` row per change, inserted a few
thousand at a time with one statement each, so neither the number of queries nor the memory
grows with an import's rows (one document of a province's changes cost hundreds of MB to
insert). The log still answers per object: `object_history(object_type, object_id)` lists an
object's entries, single and batched alike, as `AuditLog` rows (a batched change comes back as
an unsaved entry with the batch's time, actor, source and ip and the change's own action,
object, before, after and message), and `expand(entry)` turns a batch entry into such rows for
a list.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import operator
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from itertools import chain, repeat

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from .sorting import Sorts

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


def _who(actor) -> dict:
    """An entry's batch, source and ip (the current context's) and its actor (`actor`, or the
    context's when None)."""
    ctx = current_context()
    actor = actor if actor is not None else ctx.actor
    return {
        "batch": ctx.batch,
        "source": ctx.source,
        "ip": ctx.ip,
        "actor": actor if getattr(actor, "pk", None) else None,
        "actor_name": getattr(actor, "username", "") or "",
    }


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

    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:300]
        region_code = region_code or getattr(instance, "audit_region_code", "") or ""
    AuditLog.objects.create(
        **_who(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        region_code=region_code,
        before=before,
        after=after,
        message=message[:500],
    )


class Encoded(str):
    """A change's before or after already encoded as `record_batch` would encode it (the JSON
    text of `json.dumps(value, ensure_ascii=False)`): stored as it is. A bulk writer that
    builds the documents of thousands of rows a column at a time gives them so."""

    def value(self):
        return json.loads(self)


@dataclass
class Change:
    """One object's change in a batch (`record_batch`); `instance` fills the object's type, id,
    text and region as `record` does."""

    action: str
    before: dict | None = None
    after: dict | None = None
    instance: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    region_code: str = ""
    message: str = ""

    def identity(self) -> tuple:
        """(action, object type, object id, object text, region code), as `record` fills them."""
        instance = self.instance
        object_type, object_id = self.object_type, self.object_id
        object_repr, region_code = self.object_repr, self.region_code
        if instance is not None:
            object_type = object_type or instance._meta.label_lower
            object_id = object_id or str(instance.pk)
            object_repr = object_repr or str(instance)
            region_code = region_code or getattr(instance, "audit_region_code", "") or ""
        return (self.action, object_type, str(object_id), object_repr[:300], region_code)

    def as_dict(self) -> dict:
        return dict(zip(_IDENTITY, self.identity(), strict=True)) | {
            "before": _decoded(self.before),
            "after": _decoded(self.after),
            "message": self.message[:500],
        }


def _decoded(value):
    """A before or after as a value, whether given as one or already `Encoded`."""
    return value.value() if isinstance(value, Encoded) else value


def record_batch(
    changes,
    *,
    message: str,
    action: str = "import",
    object_type: str = "",
    region_code: str = "",
    actor=None,
):
    """Write the row-level changes of one batch (an import) as one entry in the current context:
    the entry holds who, when, the message and the summary (how many changes of each action),
    and each change is its own small index row (`AuditObject`: object, before, after, message),
    inserted by one executemany (one COPY on PostgreSQL) per `FLUSH_CHARS` characters of
    changes or `FLUSH_ROWS` changes, so the number of queries does not grow with the rows of
    an ordinary batch and the memory held stays bounded for a province's. `changes` is an
    iterable of `Change`, read once: a generator never has every change's dicts held at once.
    The entry's `object_type` defaults to that of the first change; `message` is read once
    every change is (a lazy text may count them). Returns the entry, its `changes` (the
    summary) left unread (None when there was nothing). `BatchWriter` takes the changes a part
    at a time."""
    writer = BatchWriter(
        action=action, object_type=object_type, region_code=region_code, actor=actor
    )
    writer.add(changes)
    return writer.finish(message)


class BatchWriter:
    """`record_batch` given its changes a part at a time (`add`, then `finish` with the
    message): the same entry and index rows, each flushed as soon as `record_batch` would
    flush it, so that a writer with time to spare (an import waiting for another process)
    writes the first parts' rows meanwhile."""

    def __init__(self, *, action: str = "import", object_type="", region_code="", actor=None):
        from .models import AuditLog

        self.entry = AuditLog(
            **_who(actor),
            action=action,
            object_type=object_type,
            region_code=region_code,
        )
        self.identities: list[tuple] = []
        self.rows: list[tuple] = []
        self.held = 0

    def add(self, changes) -> None:
        """Take `changes` (an iterable of `Change`, read once), after those taken before."""
        identities, rows, held = self.identities, self.rows, self.held
        encode, encoded = _encode, Encoded
        for position, change in enumerate(changes, start=len(identities)):
            identity = change.identity()
            before, after = change.before, change.after
            if before is not None and before.__class__ is not encoded:
                before = encode(before)
            if after is not None and after.__class__ is not encoded:
                after = encode(after)
            identities.append(identity)
            rows.append((position, *identity, before, after, change.message[:500]))
            held += len(before or "") + len(after or "")
            if held >= FLUSH_CHARS or len(rows) >= FLUSH_ROWS:
                self.rows = rows
                self.flush()
                rows, held = self.rows, 0
        self.rows, self.held = rows, held

    def flush(self, least: int = 1) -> None:
        """Write the rows held now, if at least `least` (a writer that would wait otherwise:
        the import, for its alerts' next plan); the stored rows are the same whenever they
        are written."""
        if len(self.rows) < least:
            return
        entry = self.entry
        if entry.pk is None:  # its message and summary follow once every change is read
            entry.object_type = entry.object_type or self.identities[0][1]
            _insert_entry(entry, None)
        _index(entry, self.rows)
        self.rows, self.held = [], 0

    def finish(self, message: str):
        """The entry completed with `message` and the rest of the rows written (`record_batch`'s
        return)."""
        from django.db import connection

        from .models import AuditLog

        entry, identities, rows = self.entry, self.identities, self.rows
        if not identities:
            return None
        entry.object_type = entry.object_type or identities[0][1]
        entry.object_repr, entry.message = str(message)[:300], str(message)[:500]
        summary = _ENCODER.encode(_summary(identities))
        if entry.pk is None:
            _insert_entry(entry, summary)
        else:
            _finish_entry(entry, summary)
        if rows:
            _index(entry, rows)
        # post_save, which a raw INSERT does not send (figure caches watch batch entries): the
        # entry's `changes` then hold each change's identity (action, object, region), not its
        # before and after, which stay in the database.
        entry.changes = list(map(dict, map(zip, repeat(_IDENTITY), identities)))  # in C
        post_save.send(sender=AuditLog, instance=entry, created=True, raw=False,
                       using=connection.alias, update_fields=None)  # fmt: skip
        return AuditLog.objects.defer("changes").get(pk=entry.pk)


_IDENTITY = ("action", "object_type", "object_id", "object_repr", "region_code")
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _fast_encode():
    """`_ENCODER.encode` (json.dumps(value, ensure_ascii=False)) with the same text, made
    of one C encoder for all calls: `encode` builds a new one each call, a third of the time
    of encoding a change's small document (a province's payment file encodes about 80,000).
    The batch is not encoded as one document: each index row keeps its own before and after,
    so that the log stays queryable per object."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C speedups: the pure-Python encoder, one call a value
        return _ENCODER.encode
    e = _ENCODER
    chunks = make(None, e.default, json.encoder.encode_basestring, e.indent, e.key_separator,
                  e.item_separator, e.sort_keys, e.skipkeys, e.allow_nan)  # fmt: skip
    join = "".join

    def encode(value) -> str:
        return join(chunks(value, 0))

    return encode


_encode = _fast_encode()
#: A value (or a part of a document) as `record_batch` encodes it.
encode = _encode
#: A batch's changes are held, encoded, until this many characters of before and after (about
#: twice as many bytes of Python strings) or this many changes, then written as index rows.
FLUSH_CHARS = 4_000_000
FLUSH_ROWS = 20_000


def _summary(identities) -> dict:
    """What a batch entry keeps of its changes: their number, and their number per action."""
    actions: dict[str, int] = {}
    for identity in identities:
        actions[identity[0]] = actions.get(identity[0], 0) + 1
    return {"count": len(identities), "actions": actions}


def _insert_entry(entry, summary: str | None) -> None:
    """INSERT a batch entry, its summary already encoded, without a signal (`record_batch`
    sends post_save itself once the entry is complete)."""
    from django.db import connection
    from django.utils import timezone

    meta, quote = entry._meta, connection.ops.quote_name
    entry.created_at = timezone.now()
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    marks, params = [], []
    for f in fields:
        if f.attname == "changes":
            marks.append("CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s")
            params.append(summary)
        else:
            marks.append("%s")
            params.append(f.get_db_prep_save(getattr(entry, f.attname), connection))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(marks)}) RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        entry.pk = cursor.fetchone()[0]


def _finish_entry(entry, summary: str) -> None:
    """Complete a batch entry inserted before all its changes were read (a batch larger than
    one flush): its message and summary, in the same transaction as the rest of the batch.
    The only UPDATE of the log, by its writer, before anyone can read the entry."""
    from django.db import connection

    meta, quote = entry._meta, connection.ops.quote_name
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    columns = [quote(meta.get_field(n).column) for n in ("object_repr", "message", "changes")]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {columns[0]} = %s, {columns[1]} = %s, "
        f"{columns[2]} = {cast} WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [entry.object_repr, entry.message, summary, entry.pk])


_INDEX_FIELDS = ("entry", "position", *_IDENTITY, "before", "after", "message")


def _index(entry, rows) -> None:
    """INSERT index rows of a batch entry (position, identity, before and after encoded,
    message) in one executemany (one COPY on PostgreSQL): no ORM compile per row, one
    statement whatever their number; SQLite checks each small document on its own."""
    from django.db import connection

    from .models import AuditObject

    meta, quote, pk = AuditObject._meta, connection.ops.quote_name, entry.pk
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(n).column) for n in _INDEX_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a COPY: executemany costs a round trip a row
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((pk, *row))
            return
        insert_values(
            cursor,
            f"INSERT INTO {table} ({columns}) VALUES ",
            len(_INDEX_FIELDS),
            [(pk, *row) for row in rows],
        )


def insert_values(cursor, head: str, width: int, rows: list) -> None:
    """Run `head` ("INSERT INTO t (a, b) VALUES ") for `rows` (sequences of `width` values)
    on SQLite as one executemany of statements of as many rows as its parameter limit allows,
    then one of the rest a row at a time: SQLite runs a statement of 100 rows in about the
    time of five of one (48,000 payments: 0.2 s of CPU to 0.1 s), and the statements stay two
    whatever the number of rows (also when a part is empty, so that the count does not vary)."""
    from django.db import connection

    per = max(1, connection.features.max_query_params // width)
    full = len(rows) - len(rows) % per
    one = "(" + ", ".join(["%s"] * width) + ")"
    flat = chain.from_iterable
    cursor.executemany(
        head + ", ".join([one] * per), [list(flat(rows[i : i + per])) for i in range(0, full, per)]
    )
    cursor.executemany(head + one, rows[full:])


def _as_entry(entry, change):
    """A batched change (its `AuditObject`) as an (unsaved) entry of the log, as `record`
    would have written it."""
    from .models import AuditLog

    row = AuditLog(
        id=entry.id,
        created_at=entry.created_at,
        batch=entry.batch,
        source=entry.source,
        ip=entry.ip,
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        action=change.action,
        object_type=change.object_type,
        object_id=change.object_id,
        object_repr=change.object_repr,
        region_code=change.region_code,
        before=change.before,
        after=change.after,
        message=change.message,
    )
    if "actor" in entry._state.fields_cache:
        row.actor = entry.actor
    return row


def expand(entry, positions=None) -> list:
    """A batch entry's changes (all, or those at `positions`) as entries of the log, in their
    order in the batch, read from their index rows in one query; a single entry as itself."""
    from .models import AuditObject

    if positions is None:
        if entry.changes is None:
            return [entry]
        found = AuditObject.objects.filter(entry_id=entry.pk)
    else:
        found = AuditObject.objects.filter(entry_id=entry.pk, position__in=sorted(set(positions)))
    return [_as_entry(entry, change) for change in found.order_by("position")]


def object_history(object_type: str, object_id) -> list:
    """Every entry of one object, oldest first: its own entries and its changes in batch
    entries (each as an entry, see `expand`). Queries: two, whatever the batches."""
    from .models import AuditLog, AuditObject

    object_id = str(object_id)
    rows = list(AuditLog.objects.filter(object_type=object_type, object_id=object_id))
    batched = AuditObject.objects.filter(object_type=object_type, object_id=object_id)
    for change in batched.select_related("entry").defer("entry__changes"):
        rows.append(_as_entry(change.entry, change))
    return sorted(rows, key=lambda e: (e.created_at, e.id))


#: Fields an `AuditObject` holds itself; a filter on any other field of the log reads its entry.
_INDEXED = frozenset({"action", "object_type", "object_id", "object_repr", "region_code"})


def _on_index(condition):
    """A filter on the log (`Q` or lookup tuple) as the same filter on the per-object index."""
    from django.db.models import Q

    if isinstance(condition, Q):
        copy = Q(*(_on_index(c) for c in condition.children))
        copy.connector, copy.negated = condition.connector, condition.negated
        return copy
    lookup, value = condition
    field = lookup.split("__", 1)[0]
    return (lookup if field in _INDEXED else f"entry__{lookup}", value)


#: The columns the audit log sorts by (core/sorting.py), as `EntryList` unites its entries and
#: batched changes: the time, newest first (the default), the actor's account, the action and
#: the object's type (each newest first within). A batch's changes share its time and entry:
#: their position in the batch breaks the tie, first to last when newest first.
ENTRY_SORTS = Sorts(
    "-time",
    ties=("entry", "-pos"),
    time=("at",),
    actor=("actor_name", "-at"),
    action=("action", "-at"),
    type=("object_type", "-at"),
)


class EntryList:
    """The log as a list page shows it: single entries and, one per object, the changes held in
    batch entries (as `expand` gives them), in the order `sort` asks for (`ENTRY_SORTS`: newest
    first unless asked), filtered by `conditions` (`Q`s on the log's fields, applied to the
    per-object index too). Paginate it like a queryset: `count()` and slices, each slice
    reading only its own rows."""

    def __init__(self, *conditions, sort: str = ""):
        from django.db.models import F, Q, Value

        from .models import AuditLog, AuditObject

        where = Q(*conditions)
        singles = (
            AuditLog.objects.filter(where, changes__isnull=True)
            .annotate(at=F("created_at"), entry=F("id"), pos=Value(-1))
            .values_list("at", "entry", "pos", "actor_name", "action", "object_type")
            .order_by()
        )
        batched = (
            AuditObject.objects.filter(_on_index(where))
            .annotate(
                at=F("entry__created_at"),
                entry_ref=F("entry_id"),
                pos=F("position"),
                actor=F("entry__actor_name"),
            )
            .values_list("at", "entry_ref", "pos", "actor", "action", "object_type")
            .order_by()
        )
        self._keys = ENTRY_SORTS.apply(singles.union(batched, all=True), sort)

    def count(self) -> int:
        return self._keys.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        from django.db.models import Q

        from .models import AuditLog, AuditObject

        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = [row[:3] for row in self._keys[index]]  # (at, entry, position)
        entries = AuditLog.objects.select_related("actor").defer("changes")
        entries = entries.in_bulk({entry for _at, entry, _pos in keys})
        wanted: dict[int, list[int]] = {}
        for _at, entry, position in keys:
            if position >= 0:
                wanted.setdefault(entry, []).append(position)
        changes = {}
        if wanted:  # one query for the page's batched changes, whatever their batches
            found = AuditObject.objects.filter(
                reduce(operator.or_, (Q(entry_id=e, position__in=p) for e, p in wanted.items()))
            )
            changes = {(c.entry_id, c.position): _as_entry(entries[c.entry_id], c) for c in found}
        return [
            entries[entry] if position < 0 else changes[(entry, position)]
            for _at, entry, position in keys
        ]


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


def loaded_locked(instance: models.Model) -> None:
    """`instance` was just read with its row locked (SELECT ... FOR UPDATE) in the transaction
    that will save it: its values are the row's, so that save's audit takes them as "before"
    instead of reading the row again (a workflow step saves the row it locked)."""
    if type(instance) in _AUDITED:
        # A copy: the caller changes the instance's values (a JSON field's dict among them).
        instance._audit_loaded = json.loads(json.dumps(snapshot(instance), default=str))


def _before_save(sender, instance, raw=False, **kwargs):
    if sender not in _AUDITED or raw:
        return
    loaded = instance.__dict__.pop("_audit_loaded", None)
    if loaded is not None and instance.pk is not None:
        instance._audit_before = loaded
        return
    old = None
    if instance.pk is not None:
        # By its key alone: the model's ordering (a target's joins its unit and project) has
        # nothing to order in one row.
        old = sender._base_manager.filter(pk=instance.pk).order_by("pk").first()
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
