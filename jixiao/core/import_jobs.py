"""A file import above the rulebook's row threshold as a background job (kind "import").

The import page (`core/views.py::import_page`) reads the upload as it always has (the size
check of `read_upload`), counts the file's rows cheaply (`count_rows`, before any parsing) and,
past `jobs.threshold_rows` for the importer's region and year, starts a job of the signed-in
user instead of importing in the request. The job runs the SAME importer: the page's importer
is described by its class and the values its constructor took (`importer_spec`: codes, numbers
and model rows by primary key, read back from the importer's attributes of the same names),
rebuilt in the worker (`rebuild`) with the job's user as the actor, and run by
`core.imports.run_import`, so the checks, messages and the one transaction are those of the
page. The uploaded bytes travel to the worker through the media storage (the one the jobs'
result files use: a shared filesystem or an S3-compatible store once there are several nodes),
under a random name, and are deleted when the job ends, however it ends.

A failed file writes nothing (`run_import` is one transaction, and the job wraps it in
another); its located problems are kept on the job (`result["problems"]`) and listed on the
job's page as the import page lists them. The kind is registered with `atomic=False` for that
reason only: the job's own transaction is opened here around the import, so that the problems
can be written to the job's row after the rollback.
"""

from __future__ import annotations

import inspect
import io
import re
import uuid
import zipfile

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import imports, jobs
from .imports import Importer, _measure_json, run_import
from .models import Job
from .tabular import InputRejected

UPLOADS = "job-uploads"

# --- counting a file's rows before parsing it ------------------------------------------------

#: A worksheet's declared extent, `<dimension ref="A1:Q5001"/>`, near the top of its XML.
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref\s*=\s*"[^"]*?(\d+)"')
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
#: How much of a worksheet's XML is read looking for its dimension.
_HEAD_BYTES = 16384
_CHUNK = 1 << 20


def count_rows(data: bytes, filename: str) -> int:
    """The rows of an uploaded file, counted without parsing it: an xlsx file's worksheets by
    their declared dimensions (what openpyxl's read-only `max_row` reports), a JSON file by its
    objects (`{`, an upper bound), a CSV file by its lines. Header rows count too, and a file
    that cannot be counted counts 0: it is then read in the request, which says what is wrong.
    """
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if filename.lower().endswith(".json"):
        return data.count(b"{")
    if filename.lower().endswith((".csv", ".txt")):
        return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return 0


def _xlsx_rows(data: bytes) -> int:
    """The sum of the worksheets' last row numbers. A worksheet's dimension is found in the
    first bytes of its XML; one written without it has its `<row>` tags counted, reading no
    more than the import's inflated-size limit."""
    from django.conf import settings

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = [
            i
            for i in archive.infolist()
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
        ]
        total, budget = 0, settings.JIXIAO_IMPORT_MAX_UNZIPPED_BYTES
        for info in sheets:
            with archive.open(info) as stream:
                head = stream.read(_HEAD_BYTES)
                found = _DIMENSION.search(head)
                if found:
                    total += int(found.group(1))
                    continue
                rows, tail, chunk = 0, b"", head
                while chunk and budget > 0:  # counted on whole tags, cut after a ">"
                    budget -= len(chunk)
                    window = tail + chunk
                    cut = window.rfind(b">") + 1
                    rows += len(_ROW_TAG.findall(window, 0, cut))
                    tail, chunk = window[cut:], stream.read(_CHUNK)
                total += rows
        return total
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return 0  # not readable as a workbook: the request's reader says why


# --- the importer, described and rebuilt --------------------------------------------------------


def importer_spec(importer: Importer) -> dict | None:
    """How to build `importer` again in a worker: its class and its constructor's arguments
    (besides the actor), read from its attributes of the same names; None when one of them is
    not a plain value or a model row (then the file is imported in the request)."""
    cls = type(importer)
    args = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name in ("self", "actor") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if not hasattr(importer, name):
            return None
        value = getattr(importer, name)
        if isinstance(value, models.Model):
            args[name] = {"model": value._meta.label_lower, "pk": value.pk}
        elif value is None or isinstance(value, bool | int | str):
            args[name] = value
        else:
            return None
    return {"class": f"{cls.__module__}.{cls.__qualname__}", "args": args}


def rebuild(spec: dict, actor) -> Importer:
    """The importer `importer_spec` described, for `actor` (the job's user)."""
    try:
        cls = import_string(spec["class"])
    except ImportError:
        cls = None
    if not (isinstance(cls, type) and issubclass(cls, Importer)):
        raise jobs.JobError(_("要导入的数据类型已不存在。"))
    args = {}
    for name, value in spec["args"].items():
        if isinstance(value, dict):
            model = apps.get_model(value["model"])
            value = model._default_manager.filter(pk=value["pk"]).first()
            if value is None:
                raise jobs.JobError(_("导入的对象已不存在，未写入任何数据。"))
        args[name] = value
    return cls(actor=actor, **args)


# --- starting and running the job -------------------------------------------------------------


def job_params(importer: Importer, data: bytes, filename: str, *, year: int) -> dict | None:
    """The parameters of an import job for this file, or None when it is imported in the
    request: at or under the rulebook's threshold for the importer's region and `year` (the
    importer's own year, else the page's), or an importer that cannot be rebuilt. A JSON file
    past the import's limits (objects, values, nesting) is refused here (`InputRejected`), in
    the request, as it was before there were jobs."""
    if filename.lower().endswith(".json"):
        _measure_json(data)  # a flood of objects or of nesting is refused here, as before
    rows = count_rows(data, filename)
    year = getattr(importer, "year", None) or year or timezone.localdate().year
    if not jobs.too_big(rows, region=importer.region, year=year):
        return None
    spec = importer_spec(importer)
    if spec is None:
        return None
    return {
        "importer": spec,
        "filename": filename[:255],
        "rows": rows,
        "region": getattr(importer.region, "code", ""),
        "year": year,
        "title": str(importer.title),
    }


def start(*, user, params: dict, data: bytes) -> Job:
    """Store the uploaded bytes and start the import job of `user`."""
    name = default_storage.save(f"{UPLOADS}/{uuid.uuid4().hex}", ContentFile(data))
    return jobs.start(user=user, kind="import", params={**params, "upload": name})


def import_job(job: Job, progress: jobs.Progress) -> dict:
    """The kind "import": the page's importer rebuilt for the job's user, run on the stored
    file in one transaction; the file is deleted when the job ends."""
    params = job.params
    try:
        with default_storage.open(params["upload"], "rb") as stream:
            data = stream.read()
        importer = rebuild(params["importer"], job.user)
        progress(0, params.get("rows"))
        try:
            with transaction.atomic():
                result = run_import(importer, data, params["filename"])
        except InputRejected as exc:
            problems = [p.as_dict() for p in exc.problems]
            Job.objects.filter(pk=job.pk).update(result={"problems": problems, "total": exc.total})
            raise jobs.JobError(
                _("发现 %(n)s 个问题，未导入任何数据。") % {"n": exc.total}
            ) from None
    except FileNotFoundError:
        raise jobs.JobError(_("上传的文件已不存在，请重新导入。")) from None
    finally:
        if default_storage.exists(params["upload"]):
            default_storage.delete(params["upload"])
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "batch": result.batch_id,
        "counts": result.counts,
    }


def import_summary(result: dict) -> str:
    """A finished import's line on its page (the import page's own message)."""
    return imports.import_summary(
        result["rows"], result["created"], result["updated"], counts=result.get("counts", "rows")
    )


import_job.summary = import_summary
jobs.register("import", import_job, label=gettext_lazy("数据导入"), atomic=False)
