"""Payment data written, and what depends on it recomputed, in bulk (DOMAIN.md §5).

A province-year is 480,000 monthly rows for 40,000 projects (bench/monitoring.py), so nothing
here goes row by row through the ORM; everything works a chunk of projects at a time, in the same
few queries per chunk however many rows it holds:

- `write_payments` inserts the new monthly totals with one executemany INSERT and updates the
  changed ones with one executemany UPDATE, and gives one audit change per project whose months
  changed (before and after, month → amount);
- `payments_changed` recomputes the execution of the projects' reports in open rounds (when it
  comes from payments), those reports' alerts and the projects' year-end rush (M05), and writes
  the alerts that appear, change or clear in bulk, giving their audit changes.

The caller records the changes as one audit entry (`audit.record_batch`). Amounts are kept to the
6 decimals the database stores, so the alerts computed here read as those computed from a
report's stored payments.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, make_dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, partial
from itertools import accumulate, chain, repeat, starmap
from operator import add, itemgetter, methodcaller

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from jixiao.budgets.models import MONEY, Payment, Project
from jixiao.core import audit, locks, readahead
from jixiao.core.bulkupdate import AS_IS, update_many
from jixiao.orgs.models import Region

from . import alerts as rules_alerts
from .models import Alert, Report, ReportIndicator, Round
from .report_data import Amounts, MonitoringReport
from .services import (
    ALERTS_LOCK,
    ALERTS_LOCK_WAIT,
    INDICATOR_FIELDS,
    AlertPlan,
    alert_values,
    monitoring_report_of,
    monitoring_rules,
    plan_alerts,
)

#: Projects per chunk: each chunk reads its payments, reports, indicators and alerts in one
#: query each.
CHUNK = 2000
PLACES = Decimal(1).scaleb(-MONEY["decimal_places"])


def stored_amount(amount: Decimal) -> Decimal:
    """An amount as the database keeps it (6 decimals)."""
    return amount.quantize(PLACES, ROUND_HALF_UP)


_STORED = methodcaller("quantize", PLACES, ROUND_HALF_UP)  # `stored_amount`, called from C


def _insert(
    model, fields: tuple | list, rows: list[tuple], *, same: dict, prepared: bool = False
) -> None:
    """INSERT `rows` (values of `fields`) with the values `same` gives every row, each value
    prepared as `insert_rows` prepares it (`_prepare`; already, when `prepared`), in as few
    statements as the database takes: on PostgreSQL one COPY (psycopg's executemany costs a
    server round trip a row, about 20 times the COPY's time), on SQLite statements of many
    rows (`_insert_values`), `BATCH` rows at a time."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in (*fields, *same)]
    tail = tuple(meta.get_field(n).get_db_prep_save(v, connection) for n, v in same.items())

    def whole(part: list[tuple]) -> list[tuple]:
        """The rows prepared, with `tail` (480,000 payments need no preparing at all)."""
        return list(map(add, part if prepared else _prepare(model, fields, part), repeat(tail)))

    table, names = quote(meta.db_table), ", ".join(quote(f.column) for f in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for start in range(0, len(rows), BATCH):
                    for row in whole(rows[start : start + BATCH]):
                        copy.write_row(row)
            return
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            part = part if prepared else _prepare(model, fields, part)
            _insert_values(cursor, f"INSERT INTO {table} ({names}) ", len(fields), tail, part)


def _insert_values(cursor, head: str, width: int, tail: tuple, rows: list[tuple]) -> None:
    """`audit.insert_values` on SQLite for rows (of `width` values) that all end with the
    values `tail`: each statement an INSERT ... SELECT from a VALUES list of the rows' own
    values, with `tail` bound once (not added to each row and flattened with it: a province's
    480,000 payments, their batch and time, a fifth of their insert's CPU) and more rows a
    statement. Two statements whatever the number of rows, as `insert_values`."""
    if not tail:
        audit.insert_values(cursor, head + "VALUES ", width, rows)
        return
    picked = ", ".join([f"column{n}" for n in range(1, width + 1)] + ["%s"] * len(tail))
    head = f"{head}SELECT {picked} FROM (VALUES "
    per = max(1, (connection.features.max_query_params - len(tail)) // width)
    full = len(rows) - len(rows) % per
    one = "(" + ", ".join(["%s"] * width) + ")"
    flat = chain.from_iterable
    cursor.executemany(
        head + ", ".join([one] * per) + ")",
        [[*tail, *flat(rows[i : i + per])] for i in range(0, full, per)],
    )
    cursor.executemany(head + one + ")", [tail + tuple(row) for row in rows[full:]])


def _prepare(model, fields: tuple | list, rows: list[tuple]) -> list[tuple]:
    """`rows` (values of `fields`) with each value prepared as `insert_rows` prepares it, a
    column at a time in C, each value object once (by identity: the rows hold them all
    meanwhile): a chunk's new alerts share their due date and, a round's identical ones,
    their texts. Needs no query (a planning process may do it, `NewAlerts`)."""
    meta = model._meta
    prepare = [
        (i, _json_prep if _plain_json(f) else partial(f.get_db_prep_save, connection=connection))
        for i, f in enumerate(meta.get_field(name) for name in fields)
        if f.get_internal_type() not in AS_IS
    ]
    if not prepare or not rows:
        return rows
    cut = list(zip(*rows, strict=True))
    for i, prep in prepare:
        objects = dict(zip(map(id, cut[i]), cut[i], strict=True))  # by identity, in C
        done = {key: prep(value) for key, value in objects.items()}
        cut[i] = map(done.__getitem__, map(id, cut[i]))
    return list(zip(*cut, strict=True))


#: A month as the key of a JSON document, with what follows it.
_MONTH_KEY = {month: f'"{month}": ' for month in range(1, 13)}
#: Rows prepared and held at once by an INSERT on SQLite.
BATCH = 20000


def _plain_json(field) -> bool:
    """A JSONField that Django would store as `json.dumps(value)` (no encoder of its own)."""
    return isinstance(field, models.JSONField) and field.encoder is None


def _json_dumps():
    """`json.dumps(value)`, as a JSONField without an encoder prepares a value for the
    database (`adapt_json_value`), the same text from one C encoder made once: `dumps` makes
    one a call, a third of the time of encoding a new alert's small message data. Text for
    PostgreSQL too, whose COPY reads it into the jsonb column as it would Django's adapter."""
    make, base = getattr(json.encoder, "c_make_encoder", None), json.JSONEncoder()
    if make is None:
        return base.encode
    chunks = make(None, base.default, json.encoder.encode_basestring_ascii, None,
                  base.key_separator, base.item_separator, False, False, True)  # fmt: skip
    join = "".join

    def dumps(value) -> str | None:
        return None if value is None else join(chunks(value, 0))

    return dumps


_json_prep = _json_dumps()


def among(ids) -> RawSQL:
    """A list of ids for `field__in=`, passed as one parameter: Django would prepare each of a
    chunk's thousands of ids by its field, in every query that names them (a tenth of a
    payment file's import). The ids are ints from the database or the file's lookups."""
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def write_payments(
    totals: dict[tuple[int, int], Decimal], *, labels: dict[int, tuple[str, str]]
) -> tuple[int, int, list[audit.Change], dict[int, dict[int, Decimal]]]:
    """Store the monthly totals {(project id, month): amount}: insert the new months, update
    the changed ones (tagged with the current audit batch). Returns (created, updated, the
    audit changes, and every project's months as stored afterwards). `labels` gives each
    project's (code, region code) for its audit change."""
    planned = plan_payments(MonthlyTotals.of(totals), labels=labels)
    store_payments(planned)
    return planned.created, planned.updated, planned.changes, planned.paid


@dataclass
class PaymentPlan:
    """What storing a file's monthly totals takes (`plan_payments`), read but not yet written:
    every changed project's months as they will be stored (`paid`) and the projects whose
    months change (`changed_ids`), then, made by `rows` as the payments are written, each
    chunk's new rows and changed payments, the audit changes and the counts."""

    paid: dict[int, dict[int, Decimal]]
    changed_ids: list[int]
    pending: list = field(default_factory=list)  # each chunk's `_payment_rows`, not yet made
    chunks: list[tuple[list[tuple], list[Payment]]] = field(default_factory=list)
    changes: list[audit.Change] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def rows(self) -> None:
        """Make each chunk's rows and audit changes (after the fork when the alerts are planned
        ahead: the importing process has time then, and none before)."""
        for make in self.pending:
            new, changed, changes = make()
            self.chunks.append((new, changed))
            self.changes += changes
            self.created, self.updated = self.created + len(new), self.updated + len(changed)
        self.pending = []


class MonthlyTotals(Mapping):
    """{(project id, month): amount} held as three columns of the same length, every project
    and month once (a good file's lines, `importers._whole_totals`): `plan_payments` reads
    the columns, not 480,000 key tuples made and hashed for a province; as a mapping for
    anything else."""

    def __init__(self, projects: list[int], months: list[int], amounts: list[Decimal]):
        self.columns = (projects, months, amounts)

    @classmethod
    def of(cls, totals: Mapping[tuple[int, int], Decimal]) -> MonthlyTotals:
        """The columns of any {(project id, month): amount} mapping (the totals of a file read
        line by line, a caller's dict), so that `plan_payments` has one input."""
        if isinstance(totals, cls):
            return totals
        keys = list(totals)
        return cls(list(map(itemgetter(0), keys)), list(map(itemgetter(1), keys)),
                   list(totals.values()))  # fmt: skip

    def __len__(self) -> int:
        return len(self.columns[0])

    def __iter__(self):
        return zip(self.columns[0], self.columns[1], strict=True)

    def __getitem__(self, key: tuple[int, int]) -> Decimal:
        return self._found[key]

    @cached_property
    def _found(self) -> dict[tuple[int, int], Decimal]:
        return dict(zip(self, self.columns[2], strict=True))


def plan_payments(totals: MonthlyTotals, *, labels: dict[int, tuple[str, str]]) -> PaymentPlan:
    """`write_payments`' reads: the stored months of the file's projects, a chunk at a time,
    compared with `totals`; nothing is written (`store_payments`)."""
    project_ids, months, given = totals.columns
    # each amount object rounded once, found by identity: a file's parse gives its equal
    # amounts as one Decimal (a province-year's 480,000 hold about 15,000), and hashing a
    # Decimal costs more than rounding it
    objects = dict(zip(map(id, given), given, strict=True))  # in C
    rounded = {key: _STORED(amount) for key, amount in objects.items()}
    amounts = list(map(rounded.__getitem__, map(id, given)))
    by_project: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for project_id, month, amount in zip(project_ids, months, amounts, strict=True):
        by_project[project_id][month] = amount
    ids = sorted(by_project)
    planned = PaymentPlan(paid={}, changed_ids=[])
    paid, changed_ids = planned.paid, planned.changed_ids
    texts = _AmountTexts(rounded.values())
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stored: dict[int, dict[int, tuple[int, Decimal]]] = defaultdict(dict)
        for pk, project_id, month, amount in Payment.objects.filter(
            project_id__in=among(chunk)
        ).values_list("pk", "project_id", "month", "amount"):
            stored[project_id][month] = (pk, amount)
        for project_id in chunk:
            months, old = by_project[project_id], stored.get(project_id)
            if not old:  # the project's first payments: every month is new
                paid[project_id] = months
                changed_ids.append(project_id)
                continue
            paid[project_id] = {m: a for m, (_pk, a) in old.items()} | months
            if any(m not in old or old[m][1] != a for m, a in months.items()):
                changed_ids.append(project_id)
        planned.pending.append(partial(_payment_rows, chunk, stored, by_project, texts, labels))
    return planned


class _AmountTexts:
    """Each distinct stored amount's texts, made once: as the driver binds it (SQLite's
    adapter is `str`, found by identity: not once a row by the driver, a sixth of SQLite's
    insert of a province's 480,000 payments), as the audit shows it, and as JSON."""

    def __init__(self, amounts):
        amounts = list(amounts)
        self.bound = {id(amount): str(amount) for amount in amounts}.__getitem__
        # all have the stored places, so that equal amounts have the same text
        self.text = {amount: f"{amount:f}" for amount in amounts}
        self.quoted = {amount: f'"{shown}"' for amount, shown in self.text.items()}


def _payment_rows(chunk, stored, by_project, texts, labels) -> tuple[list, list, list]:
    """A chunk's new rows, changed payments and audit changes, in the chunk's order. A chunk
    of projects all paid for the first time (a province's first file) a column at a time
    (`_first_rows`), any other month by month."""
    batch = audit.current_context().batch
    label, noun = Project._meta.label_lower, str(Payment._meta.verbose_name)  # translated once
    bound, text = texts.bound, texts.text
    new, changed, found = [], [], []  # found: (project, before, after) of each changed one
    first = not any(map(stored.get, chunk))
    if first:
        new, afters = _first_rows(chunk, by_project, texts)
        found = list(zip(chunk, repeat(None, len(chunk)), afters, strict=True))
    for project_id in () if first else chunk:
        months, old = by_project[project_id], stored.get(project_id) or {}
        before, after = {}, {}
        for month, amount in months.items():
            if month not in old:
                new.append((project_id, month, bound(id(amount))))
            elif old[month][1] != amount:
                changed.append(Payment(pk=old[month][0], amount=amount, batch=batch))
                before[month] = f"{old[month][1]:f}"
            else:
                continue
            after[month] = text[amount]
        if after:
            found.append((project_id, before or None, after))
    changes = []
    for project_id, before, after in found:
        code, region_code = labels[project_id]
        changes.append(
            audit.Change(
                action="import",
                object_type=label,
                object_id=str(project_id),
                object_repr=f"{code} {noun}",
                region_code=region_code,
                before=before,
                after=after,
                message=noun,
            )
        )
    return new, changed, changes


def _first_rows(first: list[int], by_project, texts) -> tuple[list[tuple], list]:
    """The new rows of projects paid for the first time (every month of each new), and each
    one's audit after ({month: amount as text}, encoded as the audit would encode that dict,
    from each month's and amount's JSON made once), a column at a time in C: a province's
    480,000 rows were a `zip` a project, a fifth of a second."""
    if not first:
        return [], []
    paid = list(map(by_project.__getitem__, first))
    counts = list(map(len, paid))
    amounts = list(chain.from_iterable(map(dict.values, paid)))
    months = list(chain.from_iterable(paid))
    projects = chain.from_iterable(map(repeat, first, counts))
    rows = list(zip(projects, months, map(texts.bound, map(id, amounts)), strict=True))
    # each project's {"month": "amount", ...}: its pairs joined, then cut by the counts
    pairs = list(
        map(add, map(_MONTH_KEY.__getitem__, months), map(texts.quoted.__getitem__, amounts))
    )
    ends = list(accumulate(counts))
    afters = [
        audit.Encoded("{" + ", ".join(pairs[end - count : end]) + "}")
        for end, count in zip(ends, counts, strict=True)
    ]
    return rows, afters


def store_payments(planned: PaymentPlan, between: Callable[[], object] = lambda: None) -> None:
    """Write what `plan_payments` found: each chunk's new months inserted and changed ones
    updated, in the same order; `between()` after each chunk."""
    planned.rows()
    batch = audit.current_context().batch
    now = timezone.now()
    for new, changed in planned.chunks:
        _insert(
            Payment, ("project", "month", "amount"), new, same={"batch": batch, "updated_at": now}
        )
        for payment in changed:
            payment.updated_at = now
        update_many(Payment, changed, ["amount", "batch", "updated_at"], as_is=True)
        between()


def payments_changed(
    ids: Iterable[int],
    *,
    today: dt.date,
    paid: dict[int, dict[int, Decimal]] | None = None,
    audit_message: str = "",
    meanwhile: Callable[[Callable[[], None]], object] | None = None,
    ahead: bool = False,
    entry: audit.BatchWriter | None = None,
) -> list[audit.Change]:
    """After payments of the projects `ids` changed: their reports in open rounds take their
    execution from the payments (as `payments_to` does) unless it was typed, and those reports'
    alerts and the projects' year-end rush (M05, which belongs to no round) are recomputed and
    written in bulk. `paid` (project → month → amount), when given, is every stored month of
    those projects; read otherwise. Returns the alerts' audit changes, and records them as one
    audit entry when given its `audit_message` (an import records them with its own).

    `meanwhile(between)`: writes of the caller's that the recomputing does not read (an
    import's payments and their totals: `paid` already holds the months), done first; it calls
    `between()` now and then (after each chunk of its writes). With `ahead` (and `paid` given)
    the chunks' inputs are read first, under the alerts' lock, and a second process
    (`core.readahead`) judges and plans their alerts while this one runs `meanwhile`; each
    chunk's plan is written as it comes, at a `between()` when it has come by then: the same
    rows, the planning on the second core.

    `entry`: the caller's audit entry (`audit.BatchWriter`), given the changes too: planned
    ahead, each chunk's as it is written once `meanwhile` has returned (those written before,
    then), and its rows written while this process waits for the next plan (`_recompute_ahead`),
    not all after the last; otherwise all at the end. The caller finishes the entry."""
    ids = sorted(set(ids))
    rules = RulesByRegion(today)
    changes: list[audit.Change] = []
    if meanwhile is not None and not (ahead and ids and paid is not None):
        meanwhile(_nothing)
        meanwhile = None
    # nothing to recompute (a file the database already holds): no wait for the lock, which a
    # tick of every region may hold for a minute
    with locks.held(ALERTS_LOCK, wait=ALERTS_LOCK_WAIT) if ids else nullcontext():
        if meanwhile is not None:
            changes = _recompute_ahead(ids, paid, rules, today, meanwhile, entry)
            entry = None  # given them already
        for start in range(0, len(ids) if meanwhile is None else 0, CHUNK):
            chunk = ids[start : start + CHUNK]
            if paid is None:
                months = _stored_payments(chunk)
            else:
                months = defaultdict(dict, {pk: paid.get(pk, {}) for pk in chunk})
            changes += _recompute(chunk, months, rules, today)
    if entry is not None:
        entry.add(changes)
    if audit_message:
        audit.record_batch(changes, message=audit_message)
    return changes


#: Audit rows that an import, waiting for its alerts' next plan, writes meanwhile (`BatchWriter.
#: flush`) once it holds as many: a province's 37,000 alerts' rows were a third of a second
#: after the last plan; an ordinary file's few are written with its entry, as before.
IDLE_FLUSH_ROWS = 1000


def _recompute_ahead(
    ids: list[int],
    paid: dict,
    rules: RulesByRegion,
    today: dt.date,
    meanwhile: Callable,
    entry: audit.BatchWriter | None = None,
) -> list[audit.Change]:
    """`_recompute` of every chunk, its judging and planning in a forked child (see
    `payments_changed`): each chunk's inputs read here before the fork (the child inherits
    them), the child's plans sent as plain values (`_ChunkInputs.plan`), and written here as
    they come, between `meanwhile`'s writes and then after them; `entry` given each chunk's
    changes once `meanwhile` has returned, its rows written while the next plan is awaited."""
    inputs = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        months = defaultdict(dict, {pk: paid.get(pk, {}) for pk in chunk})
        inputs.append(_ChunkInputs.read(chunk, months, rules))
    plans = readahead.read_ahead(
        lambda: (chunk.plan(rules, today) for chunk in inputs), repeat(1), ahead=len(inputs)
    )
    waiting = iter(inputs)  # the chunks whose plans are not written yet, in order
    changes: list[audit.Change] = []
    ready = getattr(plans, "ready", None)  # None: planned here (no process to spare)

    def between() -> None:
        while ready is not None and ready():
            chunk = next(waiting, None)
            if chunk is None:
                return
            changes.extend(chunk.write(next(plans), rules))

    try:
        meanwhile(between)
        if entry is not None:
            entry.add(changes)  # after `meanwhile`'s own (the payments')
        for chunk in waiting:
            if entry is not None and ready is not None and not ready():
                entry.flush(IDLE_FLUSH_ROWS)  # rather than wait
            planned = next(plans, None)
            if planned is None:  # no more plans (as `zip` would stop)
                break
            found = chunk.write(planned, rules)
            changes.extend(found)
            if entry is not None:
                entry.add(found)
    finally:
        close = getattr(plans, "close", None)
        if close is not None:
            close()
    return changes


def _nothing() -> None:
    pass


class RulesByRegion:
    """The monitoring rules of each (region, year), read once, and the disposal deadline of an
    alert raised today under them."""

    def __init__(self, today: dt.date):
        self.today = today
        self.regions: dict[int, Region] = {}
        self.rules: dict[tuple[int, int], tuple] = {}

    def __call__(self, region_id: int, year: int) -> tuple:
        key = (region_id, year)
        if key not in self.rules:
            if region_id not in self.regions:
                self.regions[region_id] = Region.objects.get(pk=region_id)
            found = monitoring_rules(self.regions[region_id], year)
            self.rules[key] = (found, rules_alerts.disposal_deadline(self.today, rules=found))
        return self.rules[key]

    def load(self, region_ids: set[int]) -> None:
        missing = region_ids - set(self.regions)
        if missing:
            self.regions |= Region.objects.in_bulk(missing)


def _stored_payments(ids: list[int]) -> dict[int, dict[int, Decimal]]:
    paid: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for project_id, month, amount in Payment.objects.filter(project_id__in=among(ids)).values_list(
        "project_id", "month", "amount"
    ):
        paid[project_id][month] = amount
    return paid


PROJECT_FIELDS = (
    "name",
    "code",
    "year",
    "region_id",
    "unit_id",
    *(f"{kind}_{source}" for kind in ("initial", "full") for source in ("current", "carryover")),
    "initial_other",
    "full_other",
)


#: A project as the alerts read it, its `PROJECT_FIELDS` as plain attributes (with the model's
#: own sums of them): a province's 40,000 made from rows, not loaded as model instances.
ProjectRow = make_dataclass(
    "ProjectRow",
    ["pk", *PROJECT_FIELDS],
    slots=True,
    namespace={"initial_total": Project.initial_total, "full_total": Project.full_total},
)
REPORT_FIELDS = (
    "round_id",
    "project_id",
    "year",
    "executed",
    "execution_from_payments",
    "expected_full_year",
    "contract_amount",
    "submitted_at",
)
#: A report as its execution and alerts read it (`REPORT_FIELDS`, its project and round), made
#: from a row like `ProjectRow`.
ReportRow = make_dataclass(
    "ReportRow",
    ["pk", *REPORT_FIELDS, ("project", object, None), ("round", object, None)],
    slots=True,
)


def plain_rows(kind, queryset, fields: tuple) -> list:
    """The rows of `queryset` (in its own order) as `kind` objects of `pk` and `fields`, each
    column's values converted as `values_list` converts them, but each distinct value once
    (SQLite gives an amount as a float that Django makes a Decimal: a province's 40,000
    projects hold 240,000 amounts, many of them the same, and a row at a time was a tenth of
    the alerts' step)."""
    compiler = queryset.values_list("pk", *fields).query.get_compiler(queryset.db)
    found = list(chain.from_iterable(compiler.execute_sql(MULTI)))
    if not found:
        return []
    columns: list = list(zip(*found, strict=True))
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    for position, (convert, expression) in converters.items():
        column = columns[position]
        # by value and kind: a whole amount may come as an int beside a float that equals it
        seen = dict.fromkeys(zip(map(type, column), column, strict=True))
        for key in seen:
            value = key[1]
            for step in convert:
                value = step(value, expression, connection)
            seen[key] = value
        columns[position] = map(seen.__getitem__, zip(map(type, column), column, strict=True))
    return list(starmap(kind, zip(*columns, strict=True)))


#: What `plan_alerts` and `write_alerts` read of a stored alert: its key, what is compared,
#: and the before values of a change (`AlertPlan.change`) and of its audit change.
STORED_ALERT_FIELDS = (
    "project_id",
    "round_id",
    "region_id",
    "code",
    "indicator",
    "level",
    "message",
    "status",
    "explanation",
    "texts_i18n",
    "due_date",
)


def _recompute(
    ids: list[int], paid: dict, rules: RulesByRegion, today: dt.date
) -> list[audit.Change]:
    """One chunk: its reports' execution, then every alert of its open-round reports and its
    year-end rush, planned against the stored alerts and written in bulk."""
    inputs = _ChunkInputs.read(ids, paid, rules)
    return inputs.write(inputs.plan(rules, today), rules)


@dataclass
class _ChunkInputs:
    """What recomputing a chunk's alerts reads (`read`): its stored alerts (in `alerts`, by
    (project, round) in `stored`), open-round reports with their project and round, their
    filled-in indicator rows, the projects and their payments. `plan` is pure (no query): it
    gives the execution of the reports and the alerts' plan as plain values, which a child
    process can send back (`_recompute_ahead`); `write` stores them."""

    ids: list[int]
    paid: dict
    alerts: list[Alert]
    stored: dict[tuple, list[Alert]]
    reports: list
    rows: dict[int, list[ReportIndicator]]
    projects: dict[int, object]

    @classmethod
    def read(cls, ids: list[int], paid: dict, rules: RulesByRegion) -> _ChunkInputs:
        # every field planning and the audit read of a stored alert: a deferred one would be
        # fetched by a query for each alert changed (three for a re-import's changed amounts)
        alerts = list(Alert.objects.filter(project_id__in=among(ids)).only(*STORED_ALERT_FIELDS))
        stored: dict[tuple, list[Alert]] = defaultdict(list)
        for alert in alerts:
            stored[(alert.project_id, alert.round_id)].append(alert)
        open_reports = Report.objects.filter(
            project_id__in=among(ids), round__status=Round.Status.OPEN
        )
        reports = plain_rows(ReportRow, open_reports, REPORT_FIELDS)
        rows = _filled_indicators([r.pk for r in reports])
        # each project and round once (not a copy a report, as select_related would make)
        found = plain_rows(ProjectRow, Project.objects.filter(pk__in=among(ids)), PROJECT_FIELDS)
        projects = {p.pk: p for p in found}
        rounds = Round.objects.only("period_end", "deadline").in_bulk({r.round_id for r in reports})
        for report in reports:
            report.project, report.round = projects[report.project_id], rounds[report.round_id]
        rules.load({p.region_id for p in projects.values()})
        # every region and year's rules the plan asks for, read now (the plan reads nothing)
        for report in reports:
            rules(report.project.region_id, report.year)
        for project in projects.values():
            if 12 in paid[project.pk]:
                rules(project.region_id, project.year)
        return cls(ids, paid, alerts, stored, reports, rows, projects)

    def plan(self, rules: RulesByRegion, today: dt.date) -> tuple[list, NewAlerts, list]:
        """(each report's execution from payments, by its place in `reports`; the new alerts
        ready to insert, `NewAlerts`; each changed alert by its place in `alerts`, with its
        new and old values), judged and planned without a query, on copies: `write` applies
        them to `reports` and `alerts`."""
        paid, executed = self.paid, []
        for place, report in enumerate(self.reports):
            if report.execution_from_payments or report.executed is None:
                months = [
                    a
                    for m, a in paid[report.project_id].items()
                    if m <= report.round.period_end.month
                ]
                report.executed = sum(months, Decimal(0)) if months else None  # as payments_to
                report.execution_from_payments = True
                executed.append((place, report.executed))
        plan = AlertPlan()
        judged: dict[int, tuple] = {}  # a project's M05, as a report of its year found them
        for report in self.reports:
            found_rules, due = rules(report.project.region_id, report.year)
            result = rules_alerts.alerts(
                monitoring_report_of(
                    report,
                    rows=self.rows.get(report.pk, []),
                    payments=paid[report.project_id],
                ),
                rules=found_rules,
                today=today,
            )
            if report.year == report.project.year:
                judged[report.project_id] = tuple(a for a in result.alerts if a.code == "M05")
            plan_alerts(
                project=report.project,
                report=report,
                round=report.round,
                found=result.alerts,
                rules=found_rules,
                today=today,
                existing=self.stored[(report.project_id, report.round_id)],
                due_date=due,
                plan=plan,
                new_alert=alert_values,
            )
        for project_id in self.ids:
            project, found = self.projects[project_id], judged.get(project_id)
            _year_end_rush(project, paid[project_id], rules, today, self.stored, plan, found)
        places = {id(alert): place for place, alert in enumerate(self.alerts)}
        changed = [
            (places[id(alert)], {f: getattr(alert, f) for f in fields}, before)
            for alert, fields, before in plan.changed
        ]
        return executed, NewAlerts(plan.new), changed

    def write(
        self, planned: tuple[list, NewAlerts, list], rules: RulesByRegion
    ) -> list[audit.Change]:
        """Store a plan (`plan`'s, made here or in another process): the reports' execution,
        then the alerts."""
        executed, new, changed = planned
        reports = []
        for place, amount in executed:
            report = self.reports[place]
            report.executed, report.execution_from_payments = amount, True
            reports.append(report)
        _update_execution(reports)
        plan = AlertPlan(new=new)
        for place, values, before in changed:
            alert = self.alerts[place]
            for name, value in values.items():
                setattr(alert, name, value)
            plan.changed.append((alert, list(values), before))
        return write_alerts(plan, rules, {pk: p.name for pk, p in self.projects.items()})


def _update_execution(reports: list) -> None:
    """Store the reports' execution from payments: `update_many`, or on PostgreSQL one UPDATE
    from arrays of the ids and amounts (an executemany costs a server round trip a row)."""
    if connection.vendor != "postgresql":
        # the amounts are Decimals and the flag a bool, which the driver takes as they are
        update_many(Report, reports, ["executed", "execution_from_payments"], as_is=True)
        return
    if not reports:
        return
    meta, quote = Report._meta, connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    executed = quote(meta.get_field("executed").column)
    flag = quote(meta.get_field("execution_from_payments").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {executed} = v.amount, {flag} = TRUE FROM "
            f"unnest(%s::bigint[], %s::numeric[]) AS v(id, amount) WHERE {table}.{pk} = v.id",
            [[r.pk for r in reports], [r.executed for r in reports]],
        )


def _filled_indicators(report_ids: list[int]) -> dict[int, list[ReportIndicator]]:
    """The indicator rows of the reports that have any row filled in, in order. A report none
    of whose rows the unit has filled in gets none: such rows raise no alert (M03 needs a
    progress, M04 a likelihood), only warnings, which are not stored; and the position of an
    indicator alert counts every row of its report, so a report's rows come all or none."""
    empty = {name: "" for name in INDICATOR_FIELDS}
    filled = (
        ReportIndicator.objects.filter(report_id__in=among(report_ids))
        .exclude(**empty)
        .values("report_id")
    )
    rows: dict[int, list[ReportIndicator]] = defaultdict(list)
    for row in ReportIndicator.objects.filter(report_id__in=filled).order_by(
        "report_id", "position"
    ):
        rows[row.report_id].append(row)
    return rows


def _year_end_rush(
    project, payments: dict, rules: RulesByRegion, today, stored, plan, found
) -> None:
    """M05 of a project's year, judged once December's payments exist. `found`, when not
    None, is what a report of the project's year found of M05 (`alerts` judges it on the same
    payments and rules, and the texts do not name the report): not judged again, and the new
    alerts of the report and of the year share their texts' stored data."""
    if 12 not in payments:
        return
    found_rules, due = rules(project.region_id, project.year)
    existing = stored[(project.pk, None)]
    if found is None:
        total = sum(payments.values(), Decimal(0))
        if not existing and not rules_alerts.is_year_end_rush(
            payments[12], total, rules=found_rules
        ):
            return  # what judging it would come to: no rush, and no alert of its year to clear
        report = MonitoringReport(
            period_end=dt.date(project.year, 12, 31),
            payments=payments,
            amounts=Amounts(full_year=project.full_total),
            project=project.name,
            year=project.year,
        )
        found = rules_alerts.year_end_rush(report, rules=found_rules)
    elif not found and not existing:
        return  # no rush, and no alert of its year to clear
    plan_alerts(
        project=project,
        report=None,
        round=None,
        found=found,
        rules=found_rules,
        today=today,
        codes={"M05"},
        existing=existing,
        due_date=due,
        plan=plan,
        new_alert=alert_values,
    )


def write_alerts(
    plan: AlertPlan, rules: RulesByRegion, names: dict[int, str]
) -> list[audit.Change]:
    """The plan in bulk: new alerts (`alert_values`) inserted, changed ones updated field set by
    field set, and an audit change for each (what a save would have recorded)."""
    new = plan.new if isinstance(plan.new, NewAlerts) else NewAlerts(plan.new)
    ids, snapshots = new.insert()
    by_fields: dict[tuple, list[Alert]] = defaultdict(list)
    for alert, fields, _before in plan.changed:
        by_fields[tuple(fields)].append(alert)
    for fields, alerts in by_fields.items():
        update_many(Alert, alerts, fields, as_is=True)  # texts as they are, JSON and dates prepared
    label = Alert._meta.label_lower
    exclude = set(Alert.audit_exclude)

    def change(action, pk, code, project_id, region_id, before, after):
        return audit.Change(
            action=action,
            object_type=label,
            object_id=str(pk),
            object_repr=f"{code} {names[project_id]}",
            region_code=rules.regions[region_id].code,
            before=before,
            after=after,
        )

    changes = [
        change("create", pk, code, project_id, region_id, None, snapshot)
        for pk, (code, project_id, region_id), snapshot in zip(
            ids, new.labels, snapshots, strict=True
        )
    ]
    for alert, fields, before in plan.changed:
        shown = [f for f in fields if f not in exclude]
        changes.append(
            change(
                "update",
                alert.pk,
                alert.code,
                alert.project_id,
                alert.region_id,
                {f: _plain(before[f]) for f in shown},
                {f: _plain(getattr(alert, f)) for f in shown},
            )
        )
    return changes


def _plain(value):
    """A changed field's value as the audit stores it (a date as text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


#: The fields a new alert is inserted with (`raised_at` is the same for all), their defaults,
#: and the fields of its audit snapshot (`audit.snapshot`) with whether each is a date.
_INSERTED = [f for f in Alert._meta.concrete_fields if not f.primary_key and f.name != "raised_at"]
_DEFAULTS = {f.attname: f.get_default() for f in _INSERTED}
_SNAPSHOT = [
    (f.attname, isinstance(f, models.DateField))
    for f in Alert._meta.concrete_fields
    if f.name not in Alert.audit_exclude
]


class NewAlerts:
    """New alerts, given as their values (`alert_values`), made ready to insert without a
    query: their rows prepared for the database (`_prepare`), their keys (project, round,
    code, indicator, unique) and their audit snapshots encoded but for the id and the time
    raised (`_snapshots`). A planning process makes them (`_ChunkInputs.plan`) and sends
    them as text, which pickles fast; `insert` stores them."""

    def __init__(self, new: list[dict]):
        self.given = list(new[0]) if new else []  # `alert_values`' fields, in its order
        # the rest are the same for every new alert
        self.same = {f.name: _DEFAULTS[f.attname] for f in _INSERTED if f.attname not in self.given}
        rows = [tuple(values.values()) for values in new]
        self.rows = _prepare(Alert, self.given, _plain_texts(self.given, rows))
        self.keys, self.labels, self.snapshots = [], [], []
        if new:
            column = dict(zip(self.given, zip(*rows, strict=True), strict=True))  # by field
            key, label = ("project_id", "round_id", "code", "indicator"), ("code", "project_id")
            self.keys = list(zip(*map(column.__getitem__, key), strict=True))
            self.labels = list(zip(*map(column.__getitem__, (*label, "region_id")), strict=True))
            self.snapshots = _snapshots(column, self.same, holes=("id", "raised_at"))

    def __len__(self) -> int:
        return len(self.rows)

    def insert(self) -> tuple[list[int], list[audit.Encoded]]:
        """Insert them (`_insert`, raised now) and return each one's primary key, read back
        by its key, and its audit snapshot (`audit.snapshot` of the saved row) encoded."""
        if not self.rows:
            return [], []
        now = timezone.now()
        _insert(Alert, self.given, self.rows, same=self.same | {"raised_at": now}, prepared=True)
        ids = {
            (project, round_, code_, indicator): pk
            for pk, project, round_, code_, indicator in Alert.objects.filter(
                project_id__in=among({key[0] for key in self.keys})
            ).values_list("pk", "project_id", "round_id", "code", "indicator")
        }
        pks = list(map(ids.__getitem__, self.keys))
        raised = audit.encode(_plain(now))
        documents = map(str.__mod__, self.snapshots, zip(pks, repeat(raised)))
        return pks, list(map(audit.Encoded, documents))


#: The alert's text fields, whose values may be messages (`rule_messages.Message`, a str
#: subclass that unpickles by formatting itself again: a third of a second for a province's
#: new alerts in the process that writes them).
_TEXTS = {f.name for f in _INSERTED if f.get_internal_type() in ("CharField", "TextField")}


def _plain_texts(fields: list, rows: list[tuple]) -> list[tuple]:
    """`rows` with the values of text fields as plain `str` (the same text stored)."""
    places = [i for i, name in enumerate(fields) if name in _TEXTS]
    if not rows or not places:
        return rows
    cut = list(zip(*rows, strict=True))
    for i in places:
        cut[i] = [v if v.__class__ is str or v is None else str(v) for v in cut[i]]
    return list(zip(*cut, strict=True))


def _snapshots(column: dict, same: dict, holes: tuple = ()) -> list:
    """The audit snapshots of new alerts (`audit.snapshot` of each stored row, a date as
    text), encoded as `audit.record_batch` encodes a change, a column at a time: each
    distinct value of a field encoded once (a chunk's alerts share their region, year, round,
    code, level and due date), the value every new alert has (`same`) written into the
    document's frame once, and each document that frame filled in by one `%` in C (a
    province's 37,000 snapshots were a dict each and then a document each). The fields of
    `holes` (the id, the time raised) are left as `%s`, to be filled in by another `%` (every
    other `%` doubled)."""
    encode = audit.encode
    # `%` in a value: doubled once for the frame's `%`, and once more when holes are left
    escaped = (lambda text: text.replace("%", "%%")) if holes else str
    frame, columns = [], []
    for name, is_date in _SNAPSHOT:
        head = encode(name) + ": "
        if name in holes:
            frame.append(head + "%%s")
        elif name in column:
            values = column[name]
            kinds = set(map(type, values)) - {type(None)}
            if len(kinds) > 1 and not all(issubclass(kind, str) for kind in kinds):
                # by kind and value: an int and a bool, or a date and a datetime, may be equal
                values = list(zip(map(type, values), values, strict=True))
            seen = dict.fromkeys(values)
            for value in seen:
                shown = value[1] if value.__class__ is tuple else value
                seen[value] = escaped(encode(_plain(shown) if is_date else shown))
            columns.append(map(seen.__getitem__, values))
            frame.append(head + "%s")
        else:
            value = same.get(name, _DEFAULTS.get(name))
            text = escaped(encode(_plain(value) if is_date else value))
            frame.append(head + text.replace("%", "%%"))
    document = "{" + ", ".join(frame) + "}"
    documents = map(document.__mod__, zip(*columns, strict=True))
    # with holes, plain text to be filled in (a str subclass pickles ten times slower)
    return list(documents if holes else map(audit.Encoded, documents))
