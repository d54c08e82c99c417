"""Long work as background jobs, on Django's tasks framework (`django-tasks`; docs/deploy.md).

An app registers each kind of long work once (`register(kind, fn, label=...)`, at import or in
its `AppConfig.ready`, like `core/exports.py`); a view, an API route or a command starts one with
`start(user=, kind=, params=)`. The job is a `Job` row (who asked, the parameters, the status,
the progress, the result or why it failed) and ONE task `run_job(job_id)` on the tasks backend
(`settings.TASKS`; the database backend by default, so a job survives a restart of the web
process and any worker on any machine sharing the database can run it).

`fn(job, progress)` does the work as `job.user` with `job.params`, reading through the same scoped
selectors as the page, so its result never shows more than that user could see. It calls
`progress(done, total)` now and then (the row is written at most once a second or per 1 %), and
returns a `JobFile` (stored with the job, downloaded from its page and audited as an export) or a
small JSON summary. A kind that writes runs in one transaction (`atomic=True`, the default): a
failed job writes nothing. A kind that only reads (`atomic=False`) runs outside one, so that on
SQLite it does not hold the database's write lock while it works, and its progress is seen live.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from .models import Job
from .rulebook import register_defaults, rules_for
from .sorting import Sorts
from .tabular import InputRejected

logger = logging.getLogger(__name__)

JOBS_DEFAULTS = {
    # An export (or, once wired, a file import) of more rows than this runs as a background
    # job; a smaller one is answered in the request.
    "threshold_rows": 2000,
}
register_defaults("jobs", JOBS_DEFAULTS)


class JobError(Exception):
    """A job that cannot do its work; the message (Chinese) is shown to the user as it is."""


@dataclass(frozen=True)
class JobFile:
    """A job's result file. `audit_kind` and `rows` describe its `export` audit entry, written
    when the user downloads it."""

    data: bytes
    name: str
    content_type: str
    audit_kind: str
    rows: int | None = None


@dataclass(frozen=True)
class JobKind:
    kind: str
    fn: Callable
    label: str
    atomic: bool


KINDS: dict[str, JobKind] = {}


def register(kind: str, fn: Callable, *, label, atomic: bool = True) -> None:
    """Register a kind of long work: `fn(job, progress) -> JobFile | dict | None`."""
    KINDS[kind] = JobKind(kind, fn, label, atomic)


def label_of(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found.label) if found else kind


def start(*, user, kind: str, params: dict) -> Job:
    """Create the job and put it on the queue; the returned row is fresh (with the immediate
    backend the job has already run)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job.objects.create(user=user, kind=kind, params=params)
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def start_and_follow(request, *, kind: str, params: dict):
    """Start a job for the signed-in user and go to its page (a page's long work)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    job = start(user=request.user, kind=kind, params=params)
    if not job.finished:
        messages.info(request, _("已转入后台处理，完成后可在此页下载结果。"))
    return redirect("job-detail", job.pk)


def threshold_rows(region, year: int) -> int:
    """The rulebook's row count past which an export runs as a job (section "jobs"); with no
    region (the national indicator library), the national rulebook's."""
    codes = region.lineage_codes if region is not None else []
    return int(rules_for(codes, year).section("jobs")["threshold_rows"])


def too_big(rows: int | None, *, region, year: int) -> bool:
    return rows is not None and rows > threshold_rows(region, year)


def status_url(job: Job) -> str:
    return f"/api/v1/jobs/{job.pk}"


def accepted(job: Job) -> dict:
    """The body of a 202 answer (CONTRACT.md): the job and where to follow it."""
    return {"job": job.pk, "status_url": status_url(job)}


def visible_jobs(user):
    """A user's own jobs; nobody else's (404 for them)."""
    return Job.objects.filter(user=user) if user.is_authenticated else Job.objects.none()


#: The columns the job list sorts by (core/sorting.py): the time submitted, latest first (the
#: default, the model's order), the kind of task and the status (each latest first within).
JOB_SORTS = Sorts(
    "-created",
    created=("created_at",),
    kind=("kind", "-created_at"),
    status=("status", "-created_at"),
)


def job_list(user, sort: str = ""):
    """The user's own jobs in the order `sort` asks for (`JOB_SORTS`)."""
    return JOB_SORTS.apply(visible_jobs(user), sort)


class Progress:
    """`progress(done, total)` for a job: writes the row when a second has passed or the work
    moved by 1 % since the last write, and at the end."""

    def __init__(self, job: Job):
        self.job = job
        self.written_at = 0.0
        self.written_done = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        step = max((total or 0) // 100, 1)
        if done == total or now - self.written_at >= 1 or done - self.written_done >= step:
            Job.objects.filter(pk=self.job.pk).update(done=done, total=total)
            self.job.done, self.job.total = done, total
            self.written_at, self.written_done = now, done

    def over(self, items: Iterable, total: int | None = None) -> Iterator:
        """Iterate `items`, counting them (as a progress bar wraps a loop)."""
        if total is None and hasattr(items, "__len__"):
            total = len(items)
        done = 0
        self(done, total)
        for item in items:
            yield item
            done += 1
            self(done, total)


@task(queue_name=settings.JIXIAO_TASKS_QUEUE)
def run_job(job_id: int) -> None:
    """Run one job, once: a job another worker already took is left alone."""
    from .audit import audit_context

    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    spec = KINDS.get(job.kind)
    try:
        if spec is None:
            raise JobError(_("未知的任务类型“%(k)s”。") % {"k": job.kind})
        with audit_context(actor=job.user, source="job"):
            with transaction.atomic() if spec.atomic else nullcontext():
                result = spec.fn(job, Progress(job))
    except Exception as exc:  # noqa: BLE001 — every failure is told on the job's page
        job.status, job.error = Job.Status.FAILED, failure_text(exc)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return
    _finish(job, result)


def _finish(job: Job, result) -> None:
    if isinstance(result, JobFile):
        job.file.save(result.name, ContentFile(result.data), save=False)
        job.result = {
            "name": result.name,
            "content_type": result.content_type,
            "audit_kind": result.audit_kind,
            "rows": result.rows,
            "size": len(result.data),
        }
    else:
        job.result = result
    job.status, job.finished_at = Job.Status.DONE, timezone.now()
    if job.total is not None:
        job.done = job.total
    job.save(update_fields=["file", "result", "status", "finished_at", "done"])


def failure_text(exc: Exception) -> str:
    """Why a job failed, for its user: a refusal's own words; anything else a plain message
    naming the error's class (and the whole error in the log)."""
    if isinstance(exc, JobError | PermissionDenied):
        return str(exc)
    if isinstance(exc, InputRejected):
        return "；".join(str(p) for p in exc.problems[:20]) or str(exc)
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    logger.exception("job failed")
    return _("任务执行出错（%(e)s），没有写入任何数据。请稍后重试或联系系统管理员。") % {
        "e": type(exc).__name__
    }


def file_result(job: Job) -> JobFile | None:
    """The stored result file of a finished job, read back (None when it has none)."""
    if job.status != Job.Status.DONE or not job.file or not isinstance(job.result, dict):
        return None
    with job.file.open("rb") as stream:
        data = stream.read()
    return JobFile(
        data=data,
        name=job.result["name"],
        content_type=job.result["content_type"],
        audit_kind=job.result.get("audit_kind") or job.kind,
        rows=job.result.get("rows"),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_job(job: Job, progress: Progress) -> JobFile:
    """The kind "export": a registered exporter (`core/exports.py`, as `jixiao export KIND`)
    run as the job's user, who sees in it only the rows of their own scope."""
    from .commands import region_lookup
    from .exports import EXPORTERS, national_bytes, row_count

    params = job.params
    region = region_lookup().by_code(params["region"])
    exporter = EXPORTERS.get(params["kind"])
    if region is None or exporter is None:
        raise JobError(_("要导出的区划或类型已不存在。"))
    fmt = params.get("fmt", "xlsx")  # xlsx, json, or national (the national data elements)
    progress(0, 1)
    data = exporter(job.user, region, params["year"], "xlsx" if fmt == "xlsx" else "json")
    if fmt == "national":
        data = national_bytes(params["kind"], data)
    rows = row_count(params["kind"], job.user, region, params["year"])
    progress(1, 1)
    content_type = XLSX if fmt == "xlsx" else "application/json"
    return JobFile(data, params["name"], content_type, audit_kind=params["kind"], rows=rows)


register("export", export_job, label=gettext_lazy("数据导出"), atomic=False)


def file_builder(fn: Callable) -> Callable:
    """Mark `fn(user, *, region, year, **filters) -> JobFile`, a module-level function that
    builds a page's download (`region` is the region's code), as one a job of kind "file" may
    call by its dotted path (`core/views.py::file_or_job`)."""
    fn.job_file_builder = True
    return fn


def builder_path(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def file_job(job: Job, progress: Progress) -> JobFile:
    """The kind "file": a page's download built by its marked builder as the job's user."""
    from django.utils.module_loading import import_string

    try:
        builder = import_string(job.params["builder"])
    except ImportError:
        builder = None
    if not getattr(builder, "job_file_builder", False):
        raise JobError(_("要导出的内容已不存在。"))
    progress(0, 1)
    found = builder(job.user, **job.params["args"])
    progress(1, 1)
    return found


register("file", file_job, label=gettext_lazy("数据导出"), atomic=False)
