"""API: GET /api/v1/jobs/{id} — a background job's progress and result (CONTRACT.md: requests
that start long work answer 202 with `{"job": id, "status_url": ...}`; this is the status URL).
Only the job's own user sees it; anyone else gets 404."""

from __future__ import annotations

from django.urls import reverse
from ninja import Router, Schema, Status

from . import jobs
from .api import answers, error, not_found

router = Router()


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
            "result_url": reverse("job-result", args=[job.pk]) if job.file else None,
        },
    )
