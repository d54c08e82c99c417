"""Pages of the background jobs (`core/jobs.py`): the user's own jobs, one job's progress (it
refreshes itself with htmx while the job runs, and has a plain reload link without script), and
its result's download, audited as an export. Another user's job is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from . import jobs
from .sorting import sorting
from .views import paginate


def _row(job) -> dict:
    result = job.result if isinstance(job.result, dict) else {}
    # a kind's summary line of a finished job (an import's counts, what the tick did), said in
    # the reader's language: `fn.summary(result)` of the kind's registered function
    describe = getattr(getattr(jobs.KINDS.get(job.kind), "fn", None), "summary", None)
    return {
        "job": job,
        "label": jobs.label_of(job.kind),
        "name": result.get("name", "") if job.file else "",
        "result_url": reverse("job-result", args=[job.pk]) if job.file else "",
        "percent": round(job.done * 100 / job.total) if job.total else None,
        "summary": describe(result) if describe and job.status == job.Status.DONE else "",
        # a refused file's located problems (an import job), listed as the import page lists them
        "problems": result.get("problems", []) if job.status == job.Status.FAILED else [],
    }


@login_required
def job_list(request):
    page, query = paginate(request, jobs.job_list(request.user, request.GET.get("sort", "")))
    rows = [_row(job) for job in page.object_list]
    return render(
        request,
        "core/jobs.html",
        {"page": page, "query": query, "rows": rows, "sorting": sorting(request, jobs.JOB_SORTS)},
    )


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(jobs.visible_jobs(request.user), pk=pk)
    template = (
        "core/jobs_status.html" if request.headers.get("HX-Request") else "core/jobs_detail.html"
    )
    return render(request, template, {"row": _row(job)})


@login_required
def job_result(request, pk: int):
    return result_response(request, get_object_or_404(jobs.visible_jobs(request.user), pk=pk))


def result_response(request, job):
    """A finished job's file, logged as an export of what it holds (its kind, rows, and the
    filter the job was started with); 404 when it has none."""
    from urllib.parse import quote

    from django.http import HttpResponse

    from . import audit

    found = jobs.file_result(job)
    if found is None:
        raise Http404
    asked = job.params.get("args", job.params)  # a file builder's arguments, or the params
    filters = {k: v for k, v in asked.items() if isinstance(v, str | int) and v != ""}
    audit.record_export(
        kind=found.audit_kind,
        rows=found.rows,
        filters={**filters, "job": job.pk},
        name=found.name,
        region_code=str(asked.get("region", "")),
        actor=request.user,
    )
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.name)}"
    return response


urlpatterns = [
    path("jobs/", job_list, name="job-list"),
    path("jobs/<int:pk>/", job_detail, name="job-detail"),
    path("jobs/<int:pk>/result", job_result, name="job-result"),
]
