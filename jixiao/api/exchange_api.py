"""/api/v1/exchange/{kind}: declarations and self-evaluations in the national 一体化 data
elements (docs/api.md, 数据交换; the mapping is jixiao/indicators/data_elements.py).

GET answers the document of the caller's rows of a region and year, as `jixiao export KIND
--format national` writes it; past the rulebook's row threshold it answers 202 with the job
that builds it. POST reads such a document through the kind's import, with the same checks,
lint, scope and audit as a file uploaded on the page, in one transaction; a document of more
rows (objects) than the threshold is imported by a job of the caller (202, `core/import_jobs.py`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jixiao.core import audit, import_jobs, jobs
from jixiao.core.api import answers, error
from jixiao.core.exports import EXPORTERS, NATIONAL, national_bytes, row_count
from jixiao.core.imports import IMPORTERS, run_import
from jixiao.core.job_api import JobStarted
from jixiao.core.tabular import InputRejected
from jixiao.orgs.models import Region

router = Router()


class NationalDocument(Schema):
    """One exchange document: tables named by the national standard, each a list of rows
    (docs/api.md, 数据交换, has every field); a kind fills its own tables."""

    PM_PERF_GOAL_INFO: list[dict] | None = None
    PM_PERF_INDICATOR: list[dict] | None = None
    BGT_PERF_GOAL_INFO: list[dict] | None = None
    BGT_PERF_INDICATOR: list[dict] | None = None
    PM_PERF_SELF_EVAL: list[dict] | None = None
    PM_SELF_EVAL_GOAL: list[dict] | None = None
    PM_SELF_EVAL_INDICATOR: list[dict] | None = None
    PM_PERF_SELF_BGT: list[dict] | None = None


class ImportDone(Schema):
    rows: int
    created: int
    updated: int


def _kind_or_404(kind: str) -> None:
    if kind not in NATIONAL:
        raise Http404


@router.get(
    "/{kind}",
    summary="按全国一体化绩效数据元素导出（targets、selfevals）；行数超过阈值时答复 202 与后台任务",
    response={202: JobStarted} | answers(NationalDocument, 404),
)
def exchange_out(request, kind: str, region: str, year: int):
    _kind_or_404(kind)
    found = Region.objects.get_visible_or_404(request.user, code=region)
    rows = row_count(kind, request.user, found, year)
    if jobs.too_big(rows, region=found, year=year):
        name = f"{kind}-{found.code}-{year}-national.json"
        job = jobs.start(
            user=request.user,
            kind="export",
            params={
                "kind": kind,
                "region": found.code,
                "year": year,
                "name": name,
                "fmt": "national",
            },
        )
        return Status(202, jobs.accepted(job))
    data = national_bytes(kind, EXPORTERS[kind](request.user, found, year, "json"))
    audit.record_export(
        kind=kind,
        rows=rows,
        filters={"region": found.code, "year": year, "format": "national"},
        name=request.path,
        region_code=found.code,
        actor=request.user,
    )
    return HttpResponse(data, content_type="application/json; charset=utf-8")


@router.post(
    "/{kind}",
    summary="导入全国一体化数据元素格式的文档（与页面导入相同的校验、审核规则和范围；整批成功或整批不写入）",
    response={202: JobStarted} | answers(ImportDone, 404),
)
def exchange_in(request, kind: str, region: str = "", year: int | None = None):
    _kind_or_404(kind)
    importer_class = IMPORTERS[kind]
    found = (
        Region.objects.get_visible_or_404(request.user, code=region)
        if region
        else request.user.region
    )
    if found is None:
        return Status(422, error(_("请指定区划（region）。")))
    try:
        # as on the import page: a unit's filer, into their own units (代录 is the CLI's)
        importer = importer_class.for_page(actor=request.user, region=found, year=year)
        params = import_jobs.job_params(importer, request.body, f"{kind}.json", year=year)
        if params is not None:  # past the rulebook's threshold: a job of the same import
            job = import_jobs.start(user=request.user, params=params, data=request.body)
            return Status(202, jobs.accepted(job))
        result = run_import(importer, request.body, f"{kind}.json")
    except PermissionDenied as exc:
        return Status(403, error(str(exc)))
    except InputRejected as exc:
        problems = [
            {
                "path": ".".join(
                    p for p in (p.sheet, f"[{p.row - 1}]" if p.row else "", p.field) if p
                ).replace(".[", "["),
                "code": "invalid",
                "message": p.message,
            }
            for p in exc.problems
        ]
        return Status(422, error(str(exc.problems[0]) if exc.problems else "", problems))
    return Status(200, {"rows": result.rows, "created": result.created, "updated": result.updated})
