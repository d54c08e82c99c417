"""API: GET /api/v1/jobs/{id} — a background job's progress and result (CONTRACT.md: requests
that start long work answer 202 with `{"job": id, "status_url": ...}`; this is the status URL).
Only the job's own user sees it; anyone else gets 404."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema, Status

from . import jobs
from .api import ERRORS, ErrorOut, answers, error, not_found
from .job_views import result_response
from .models import Job

router = Router()


class JobStarted(Schema):
    """The 202 answer of a request that starts long work (`jobs.accepted`)."""

    job: int
    status_url: str


def accepted_answers(*errors: int) -> dict:
    """A route's `response=` when it answers 202 with the job it started."""
    return {202: JobStarted} | {code: ErrorOut for code in sorted({*ERRORS, *errors})}


class JobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int | None
    error: str
    result_url: str | None


@router.get("/{job_id}", summary="后台任务的状态、进度和结果", response=answers(JobOut, 404))
def job_status(request, job_id: int):
    job = jobs.visible_jobs(request.user).filter(pk=job_id).first()
    if job is None:
        return Status(404, error(not_found()))
    return Status(
        200,
        {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "done": job.done,
            "total": job.total,
            "error": job.error,
            "result_url": f"/api/v1/jobs/{job.pk}/result" if job.file else None,
        },
    )


#: A file, not JSON: left out of the OpenAPI description (whose GETs answer typed JSON) and
#: described in docs/api.md; `result_url` above points here.
@router.get("/{job_id}/result", include_in_schema=False)
def job_result(request, job_id: int):
    job = jobs.visible_jobs(request.user).filter(pk=job_id, status=Job.Status.DONE).first()
    if job is None or not job.file:
        raise Http404  # the API's error shape (jixiao/api/urls.py)
    return result_response(request, job)
