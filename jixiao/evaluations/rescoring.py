"""Re-scoring every self-evaluation of a region-year, a chunk at a time (after a rulebook change:
`jixiao rescore`). The same computation as `services.rescore` per table
(`services.selfeval_score`), at the cost of a few queries per chunk instead of several per table:

- the ids in one query, then per chunk the self-evaluations with what scoring reads in one query
  and their lines in another;
- one rulebook per region lineage and year, read when its first self-evaluation comes;
- the chunk's results written in one transaction, as one executemany UPDATE per table (one
  statement prepared once, portable on SQLite and PostgreSQL, faster than bulk_update's CASE);
- Python's cyclic garbage collector paused while a chunk is scored: scoring allocates millions
  of small objects (parsed values, messages, result dicts) that reference counting frees, and
  the collector's passes over a web process's heap took about 40% of the time; it runs again
  between chunks, so the few cycles made meanwhile are still collected.

The work runs behind one function with plain arguments, so it can move to a background job.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import audit, figures_cache, jobs
from jixiao.core.bulkupdate import update_many
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
    for start in range(0, len(ids), chunk):
        changed += _rescore_chunk(ids[start : start + chunk], scorer)
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


def _rescore_chunk(ids: list[int], scorer: Scorer) -> int:
    """Score one chunk and write it in one transaction; returns how many changed grade."""
    changed = 0
    with transaction.atomic(), _collector_paused():
        # the stored results are replaced, never read: left unread (and undecoded)
        selfevals = list(
            SelfEvaluation.objects.filter(id__in=ids)
            .select_related("project", "unit", "region", "target")
            .defer("result")
            .select_for_update(of=("self",))
        )
        lines_of = defaultdict(list)
        lines = SelfEvalIndicator.objects.filter(selfeval_id__in=ids).defer("problems")
        for line in lines.order_by("selfeval_id", "position"):
            lines_of[line.selfeval_id].append(line)
        scored_lines = []
        for selfeval in selfevals:
            grade, lines = selfeval.grade, lines_of[selfeval.id]
            if scorer(selfeval, lines):
                scored_lines += lines
            changed += selfeval.grade != grade
        update_many(SelfEvalIndicator, scored_lines, SCORED_LINE_FIELDS)
        update_many(SelfEvaluation, selfevals, SCORED_FIELDS)
        # bulk updates send no signal: the work year's figures are told themselves
        figures_cache.changed({(s.region_id, s.year) for s in selfevals})
    return changed


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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (reference counting still frees what is
    dropped), and back as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
