"""The figures of a work year cached by (region, year, data version) (DOMAIN.md §9).

`cached_figures(name, ...)` returns what `compute()` returns, from Django's cache when nothing
they read has changed since it was computed. The key holds:

- the region, the work year, the day (figures count what is overdue today) and the language;
- the reader's scope: `"region"` for a reader who sees the whole region (the budget and
  performance offices, a superior bureau, the CLI's `RegionReader`), whose figures are the
  same for all of them; otherwise the scope itself (a business office's units, a unit), so a
  cached value never crosses from one scope to another;
- the data version: the tokens of `FiguresVersion` of the region, every region under it and
  every region above it (a superior's rulebook changes its figures), for the years the
  figures read: Y (targets, monitoring, key evaluations, results), Y − 1 (self-evaluations,
  whole-unit evaluations, payments), Y + 1 (the linkage proposals for next year's budget)
  and 0 (data of no particular year).

Which writes bump a version: saves and deletes (signals) of the models in `FIGURE_MODELS`,
and changes of a project's kinds; bulk writes call `jixiao.core.figures_cache.changed()`
themselves, and a bulk write audited as one batch entry (`core.audit.record_batch`, the
imports) bumps every year of the regions it names. A write elsewhere in the province leaves a district's figures cached; a write in
a district changes the key of the district, its city and its province.

The cache is `settings.JIXIAO_FIGURES_CACHE` (an alias of `CACHES`, "default" unless set),
for at most `settings.JIXIAO_FIGURES_CACHE_SECONDS`: the local-memory cache of one process
by default; several web nodes share a database or Redis cache (docs/deploy.md).
"""

from __future__ import annotations

import datetime
import hashlib
import random

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from jixiao.core import figures_cache
from jixiao.core.scope import scope_of
from jixiao.orgs.models import Region

#: The models the figures read, and how a row reaches its region and year: "" when it has its
#: own `region` (and `year`, else 0), else the path to the row that has them.
FIGURE_MODELS = {
    "orgs.region": None,  # a region's own name and place
    "orgs.unit": "",
    "orgs.unityear": "unit",  # the structure and the business offices' units of a year
    "budgets.project": "",
    "budgets.payment": "project",
    "budgets.fiscalyear": "",
    "targets.target": "",
    "monitoring.round": "",
    "monitoring.report": "",
    "monitoring.alert": "",
    "evaluations.selfevaluation": "",
    "evaluations.unitevaluation": "",
    "evaluations.keyevaluation": "",
    "evaluations.sitevisit": "evaluation",
    "evaluations.finding": "evaluation",
    "evaluations.reportdelivery": "report__evaluation",
    "evaluations.expertscore": "member__panel__evaluation",
    "surveys.survey": "",
    "surveys.response": "survey",
    "results.auditfinding": "",
    "results.rectification": "",
    "results.linkageproposal": "",
    "results.fundaction": "",
    "results.unitassessment": "",
    "results.disclosure": "",
    "results.resultuse": "",
    "reports.policydocument": "",
    "core.rulebook": None,  # by region code: a rulebook also changes the regions below
}

_resolvers: dict[type, object] = {}


def _has(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return True


def _end_of(model, path: str):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _resolver(model, path: str | None):
    """instance → the (region id, year) pairs its save or delete changes."""
    own_year = _has(model, "year")
    if model is Region:
        return lambda i: {(i.pk, 0)}
    if path is None:  # the rulebook: by region code
        return lambda i: {
            (pk, i.year)
            for pk in Region.objects.filter(code=i.region_code).values_list("pk", flat=True)
        }
    if not path:
        return lambda i: {(i.region_id, i.year if own_year else 0)}
    first, _sep, rest = path.partition("__")
    field = model._meta.get_field(first)
    prefix = f"{rest}__" if rest else ""
    columns = [f"{prefix}region_id"]
    if not own_year and _has(_end_of(model, path), "year"):
        columns.append(f"{prefix}year")

    def resolve(instance):
        pk = getattr(instance, field.attname)
        row = field.related_model.objects.filter(pk=pk).values_list(*columns).first()
        if row is None or row[0] is None:
            return set()  # the parent is being deleted too: its own delete says so
        year = instance.year if own_year else (row[1] if len(row) > 1 else 0)
        return {(row[0], year)}

    return resolve


def _on_write(sender, instance, raw=False, **kwargs):
    resolve = _resolvers.get(sender)
    if resolve is None or raw or _deleted_with_parent(sender, kwargs.get("origin")):
        return
    figures_cache.changed(resolve(instance), using=kwargs.get("using"))


def _deleted_with_parent(sender, origin) -> bool:
    """A row reached through a parent (a payment through its project), deleted because a
    figure model's row was (the project, the region): that row's own delete gives the same
    region and year a new version, so the child's is skipped, sparing one query a row (a
    province's projects take 480,000 payments with them)."""
    if origin is None or FIGURE_MODELS.get(sender._meta.label_lower) in (None, ""):
        return False
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is not sender and model in _resolvers


def _on_kinds(sender, instance, action, **kwargs):
    if action.startswith("post_") and hasattr(instance, "region_id"):
        figures_cache.changed({(instance.region_id, instance.year)}, using=kwargs.get("using"))


def _on_batch(sender, instance, created=False, raw=False, **kwargs):
    """A bulk write audited as one batch entry (`core.audit.record_batch`: imports) sends no
    signal of its rows: the regions it names get a new version of every year (year 0 is in
    every key), in case its writer did not call `changed()` for the years it wrote."""
    rows = getattr(instance, "changes", None)
    if raw or not created or not isinstance(rows, list) or not rows:
        return
    codes = {instance.region_code} | {r.get("region_code") for r in rows if isinstance(r, dict)}
    codes -= {"", None}
    if codes:
        regions = Region.objects.filter(code__in=sorted(codes)).values_list("pk", flat=True)
        figures_cache.changed({(pk, 0) for pk in regions}, using=kwargs.get("using"))


def bump(pairs: set[tuple[int, int]]) -> None:
    """A new random version for each (region id, year), in one statement: an upsert (INSERT …
    ON CONFLICT DO UPDATE, the same text on SQLite and PostgreSQL), so a pair's first version
    costs no more than the next ones (an UPDATE that found nothing, then an INSERT in a
    savepoint, were four queries) and a version created meanwhile by another process is simply
    updated. One statement is atomic by itself: the bump runs after its transaction's commit,
    in autocommit, where `bulk_create` would add a BEGIN and a COMMIT. The pairs go in sorted,
    so two transactions bumping the same pairs lock them in the same order."""
    from .models import FiguresVersion

    meta = FiguresVersion._meta
    connection = transaction.get_connection()
    now = meta.get_field("changed_at").get_db_prep_value(timezone.now(), connection)
    rows = [(r, y, random.getrandbits(62), now) for r, y in sorted(pairs)]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in BUMPED)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BUMP_ROWS):  # SQLite binds at most 32,766 values
            chunk = rows[start : start + BUMP_ROWS]
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "
                + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                + " ON CONFLICT (region_id, year) DO UPDATE"
                " SET token = excluded.token, changed_at = excluded.changed_at",
                [value for row in chunk for value in row],
            )


#: The columns of a version's row that `bump` writes, in its VALUES' order.
BUMPED = ("region", "year", "token", "changed_at")
#: The most pairs one statement bumps.
BUMP_ROWS = 2000


def connect() -> None:
    """Notice the writes of FIGURE_MODELS (called once the apps are loaded)."""
    for label, path in FIGURE_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        _resolvers[model] = _resolver(model, path)
    project = apps.get_model("budgets.project")
    post_save.connect(_on_write, dispatch_uid="jixiao_figures_post_save")
    post_delete.connect(_on_write, dispatch_uid="jixiao_figures_post_delete")
    m2m_changed.connect(
        _on_kinds, sender=project.kinds.through, dispatch_uid="jixiao_figures_kinds"
    )
    post_save.connect(
        _on_batch, sender=apps.get_model("core.auditlog"), dispatch_uid="jixiao_figures_batch"
    )
    figures_cache.register_store(bump)


# ── reading ─────────────────────────────────────────────────────────────────────────────────
def version(region: Region, year: int) -> str:
    """The data version of `region`'s work year `year`: a digest of the tokens of the region,
    the regions under it and above it for the years its figures read (one query). A region
    and year without a row have seen no noticed change since the table was made."""
    from .models import FiguresVersion

    rows = FiguresVersion.objects.filter(
        Q(region__path__startswith=region.path) | Q(region__code__in=region.lineage_codes),
        year__in=(0, year - 1, year, year + 1),
    ).values_list("region_id", "year", "token")
    return hashlib.sha1(repr(sorted(rows)).encode()).hexdigest()


def scope_key(user, region: Region) -> str:
    """What scopes the figures: "region" when the reader sees the whole region, else the
    reader's scope (its regions, offices, units and assignment)."""
    scope = scope_of(user)
    if scope.covers_region_path(region.path):
        return "region"
    parts = (
        sorted(scope.region_paths),
        sorted(scope.office_ids),
        sorted(scope.unit_ids),
        scope.assignee_id,
    )
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _cache():
    return caches[getattr(settings, "JIXIAO_FIGURES_CACHE", "default")]


_MISSING = object()


def cached_figures(name: str, *, user, region: Region, year: int, today: datetime.date, compute):
    """`compute()` from the cache when the data it reads has not changed (see the module).
    Computed afresh, and not stored, inside a transaction, which may hold uncommitted writes
    of its own (a test's, a service's)."""
    if not figures_cache.usable():
        return compute()
    parts = (
        name,
        region.pk,
        year,
        today.isoformat(),
        translation.get_language() or "",
        scope_key(user, region),
        version(region, year),
    )
    key = "jixiao:figures:" + hashlib.sha1(repr(parts).encode()).hexdigest()
    cache = _cache()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, getattr(settings, "JIXIAO_FIGURES_CACHE_SECONDS", 3600))
    return value
