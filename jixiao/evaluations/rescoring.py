"""Re-scoring every self-evaluation of a region-year, a chunk at a time (after a rulebook change:
`jixiao rescore`). The same computation as `services.rescore` per table
(`services.selfeval_score`), at the cost of a few queries per chunk instead of several per table:

- the ids in one query, then per chunk the self-evaluations with what scoring reads in one query
  (only the columns it uses of the four joined tables) and their lines in another;
- one rulebook per region lineage and year, read when its first self-evaluation comes;
- only the rows whose stored result differs from the new one are written (a re-score after a
  change of grade bands rewrites the self-evaluations but not their 15 lines; one after no
  change writes nothing), in one transaction a chunk, as one executemany UPDATE per table (one
  statement prepared once, portable on SQLite and PostgreSQL, faster than bulk_update's CASE).
  The stored JSON is fetched as text and decoded only when every other scored field is equal;
- Python's cyclic garbage collector paused for the whole run: scoring allocates millions of
  small objects (parsed values, messages, result dicts) that reference counting frees, and the
  collector's passes over a web process's heap took about 40% of the time. After each chunk,
  once the cycle select_related makes between a self-evaluation and its project is broken and
  the rows are dropped, reference counting frees the chunk and one young-generation pass
  collects what cycles are left: it walks only what survived the chunk, not its 250,000
  objects.

The work runs behind one function with plain arguments, so it can move to a background job.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import audit, figures_cache, jobs
from jixiao.core.bulkupdate import update_many
from jixiao.core.collector import gc_paused
from jixiao.orgs.models import Region, Role

from .models import SelfEvalIndicator, SelfEvaluation
from .services import SCORED_FIELDS, SCORED_LINE_FIELDS, Scorer

CHUNK = 1000


def selfevals_rescore(
    *,
    actor,
    region,
    year: int,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
) -> int:
    """Re-score every self-evaluation of projects of `year` in `region` and the regions below
    it, each by the rulebook in force for its region and year; returns how many. `progress(done,
    total)` is called after each chunk. One audit entry for the run (who, region, year, how many
    and how many changed grade)."""
    ids = list(
        SelfEvaluation.objects.filter(region__path__startswith=region.path, year=year)
        .order_by("id")
        .values_list("id", flat=True)
    )
    scorer = Scorer()
    done = changed = 0
    with gc_paused():
        for start in range(0, len(ids), chunk):
            changed += _rescore_chunk(ids[start : start + chunk], scorer)
            gc.collect(0)  # the chunk's own cycles, now that its rows are dropped
            done = min(start + chunk, len(ids))
            if progress is not None:
                progress(done, len(ids))
    audit.record(
        action="action",
        object_type=SelfEvaluation._meta.label_lower,
        object_repr=_("重新评分：%(region)s %(year)s 年度项目自评")
        % {"region": region.name, "year": year},
        region_code=region.code,
        actor=actor,
        after={"region": region.code, "year": year, "rescored": done, "grade_changed": changed},
        message=_("按现行规则重新评分 %(n)s 份自评表，其中 %(changed)s 份等级改变。")
        % {"n": done, "changed": changed},
    )
    return done


#: The scored fields compared as they are; the JSON ones (`result`, `problems`) are compared
#: decoded from their stored text, and only when these are equal.
_PLAIN_FIELDS = tuple(f for f in SCORED_FIELDS if f != "result")
_PLAIN_LINE_FIELDS = tuple(f for f in SCORED_LINE_FIELDS if f != "problems")

#: What scoring reads of a self-evaluation and its project, unit, region and target
#: (`services.selfeval_data`, `Scorer`), besides the scored fields: a third of the columns
#: the four joined tables hold (the target's findings, the report and such are left unread).
#: A field read that is not here costs a query per table, which the query-count test catches.
_READ = (
    *("region", "year", "unit", "project", "target", "goal_achieved", "self_total"),
    *("executed_current", "executed_carryover", "executed_other", "self_execution_score"),
    *_PLAIN_FIELDS,
    *("project__code", "project__name", "unit__code", "unit__name"),
    *(f"project__{stage}_{source}" for stage in ("initial", "full")
      for source in ("current", "carryover", "other")),
    *("region__code", "region__path", "target__goal"),
)  # fmt: skip


def _rescore_chunk(ids: list[int], scorer: Scorer) -> int:
    """Score one chunk and write what changed in one transaction; returns how many changed
    grade."""
    changed = 0
    with transaction.atomic():
        selfevals = list(
            SelfEvaluation.objects.filter(id__in=ids)
            .select_related("project", "unit", "region", "target")
            .only(*_READ)
            .annotate(stored_result=Cast("result", TextField()))
            .select_for_update(of=("self",))
        )
        lines_of = defaultdict(list)
        rows = (
            SelfEvalIndicator.objects.filter(selfeval_id__in=ids)
            .defer("problems")
            .annotate(stored_problems=Cast("problems", TextField()))
        )
        for line in rows.order_by("selfeval_id", "position"):
            lines_of[line.selfeval_id].append(line)
        written, written_lines = [], []
        for selfeval in selfevals:
            lines = lines_of[selfeval.id]
            before = _plain(selfeval, _PLAIN_FIELDS)
            lines_before = [_plain(line, _PLAIN_LINE_FIELDS) for line in lines]
            if scorer(selfeval, lines):
                written_lines += [
                    line
                    for line, was in zip(lines, lines_before, strict=True)
                    if _differs(line, was, _PLAIN_LINE_FIELDS, "problems", line.stored_problems)
                ]
            if _differs(selfeval, before, _PLAIN_FIELDS, "result", selfeval.stored_result):
                written.append(selfeval)
            changed += selfeval.grade != before[_PLAIN_FIELDS.index("grade")]
        update_many(SelfEvalIndicator, written_lines, SCORED_LINE_FIELDS, as_is=True)
        update_many(SelfEvaluation, written, SCORED_FIELDS, as_is=True)
        # bulk updates send no signal: the work year's figures are told themselves
        figures_cache.changed({(s.region_id, s.year) for s in selfevals})
    for selfeval in selfevals:
        # select_related caches the project's reverse one-to-one back to its self-evaluation:
        # a cycle per row, which would leave the whole chunk (models, results, messages: a
        # quarter of a million objects) to the cyclic collector instead of reference counting
        selfeval._state.fields_cache.clear()
    return changed


def _plain(obj, fields: tuple[str, ...]) -> tuple:
    return tuple(getattr(obj, name) for name in fields)


def _differs(obj, before: tuple, fields: tuple[str, ...], json_field: str, stored: str | None):
    """Whether scoring changed `obj`: a plain field, or its JSON field against the `stored` text
    (decoded only when every plain field is equal: a re-score that changes a total or a grade
    skips the decoding)."""
    if _plain(obj, fields) != before:
        return True
    return stored is None or json.loads(stored) != getattr(obj, json_field)


def rescore_job(job, progress) -> dict:
    """`selfevals_rescore` as a background job of `job.user` (kind "rescore"): the performance
    office re-scores a region it sees (`job.params`: region code, project year)."""
    user, params = job.user, job.params
    region = Region.objects.visible_to(user).filter(code=params["region"]).first()
    if region is None or not user.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以重新评分本区划的项目自评表。"))
    count = selfevals_rescore(
        actor=user, region=region, year=int(params["year"]), progress=progress
    )
    return {"rescored": count}


jobs.register("rescore", rescore_job, label=gettext_lazy("重新评分"))
