"""Base views shared by every app: lists with paging, xlsx downloads, the import page,
supporting files and the review transition."""

from __future__ import annotations

import io
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .imports import Importer, run_import
from .sorting import sorting
from .tabular import InputRejected

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def paginate(request, queryset, per_page: int = 50):
    """A page of the list and the query string without `page`, for the pager links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def work_rows(request, selector, *filters: str):
    """The rows of a list page in the working region and year: `selector` called with the user,
    the region, the year and the page's `filters` as the query string gives them (`q` stripped
    of spaces). No working region: 404."""
    work = request.work
    if work.region is None:
        raise Http404
    values = {name: request.GET.get(name, "") for name in filters}
    if "q" in values:
        values["q"] = values["q"].strip()
    return selector(user=request.user, region=work.region, year=work.year, **values)


def audit_export(request, *, kind: str, rows: int | None, name: str = "", query=None) -> None:
    """Log one export or download of a page (its `export` audit entry): the signed-in user,
    `kind`, the page's query parameters (`query`, else the request's) with the working region
    and year, the row count."""
    from . import audit

    filters = audit.query_filters(request.GET if query is None else query)
    work = getattr(request, "work", None)
    region = getattr(work, "region", None)
    if region is not None:
        filters.setdefault("work_region", region.code)
        filters.setdefault("work_year", work.year)
    audit.record_export(
        kind=kind,
        rows=rows,
        filters=filters,
        name=name,
        region_code=getattr(region, "code", "") or "",
        actor=request.user,
    )


def download_response(
    request, data: bytes, filename: str, content_type: str, *, kind: str, rows: int | None
) -> HttpResponse:
    """A file for the browser to save, logged as an export (every page download goes here)."""
    audit_export(request, kind=kind, rows=rows, name=filename)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def list_file(request, builder, rows, filters):
    """A list page's "导出 Excel" (`?export=xlsx`): the filtered rows of the work year as the
    page shows them, through `file_or_job`; None when the page is not asked for its file.
    `filters` are the names of the page's filter parameters, passed on to `builder`."""
    if request.GET.get("export") != "xlsx":
        return None
    work = request.work
    given = {name: request.GET.get(name, "").strip() for name in filters}
    return file_or_job(
        request, builder, rows=rows.count(), region=work.region, year=work.year, **given
    )


def list_page(request, *, selector, filters, builder, template: str, context, sorts=None):
    """A filtered list of the work year (`work_rows` of `selector` with the page's `filters`):
    its "导出 Excel" file when asked (`list_file` through `builder`), else the page rendered
    with `template`, the paginated rows (`page`, `query`) and the page's own `context()` (a
    function, called only once the working region is known to exist). A list with `sorts`
    (core/sorting.py) passes `sort` to its selector and builder as one more filter, and gives
    the template the order chosen (`sorting`)."""
    if sorts is not None:
        filters = (*filters, "sort")
    rows = work_rows(request, selector, *filters)
    exported = list_file(request, builder, rows, filters)
    if exported is not None:
        return exported
    page, query = paginate(request, rows)
    found = {"page": page, "query": query}
    if sorts is not None:
        found["sorting"] = sorting(request, sorts)
    return render(request, template, {**found, **context()})


def queue_page(request, *, queue, sorts, template: str, **context):
    """A "待我处理" queue: `queue(sort)` gives the rows waiting for this user in the order the
    page asks for (`sorts`, core/sorting.py), paginated and rendered with `template`, `queue`
    set and the page's own `context`."""
    sort = sorting(request, sorts)
    page, query = paginate(request, queue(sort.param))
    found = {"page": page, "query": query, "queue": True, "sorting": sort}
    return render(request, template, {**found, **context})


def file_or_job(request, builder, *, rows: int | None, region, year: int, now=None, **filters):
    """A list's download, built by `builder` (a `jobs.file_builder`) as the signed-in user:
    in the request, or past the rulebook's row threshold (`jobs.too_big`) by a background job
    of the same builder, whose page the user is sent to (the file is then the same). `now()`,
    if given, builds the same file in the request from what the page has already read."""
    from . import jobs

    args = {"region": region.code if region is not None else "", "year": year, **filters}
    if jobs.too_big(rows, region=region, year=year):
        params = {"builder": jobs.builder_path(builder), "args": args}
        return jobs.start_and_follow(request, kind="file", params=params)
    found = now() if now else builder(request.user, **args)
    return download_response(
        request, found.data, found.name, found.content_type, kind=found.audit_kind, rows=found.rows
    )


def xlsx_response(request, workbook, filename: str, *, kind: str, rows: int | None) -> HttpResponse:
    """A workbook download, logged as an export of `rows` rows of `kind`."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download_response(request, buffer.getvalue(), filename, XLSX, kind=kind, rows=rows)


def sheet_response(
    request,
    *,
    sheet: str,
    headers,
    rows: list,
    title: str,
    widths,
    filename: str,
    kind: str,
    money_columns=(),
    logged_rows: int | None = None,
) -> HttpResponse:
    """A workbook of one worksheet `sheet` (`sheet_workbook`), downloaded as `filename` and
    logged as an export of `kind` with its row count (`logged_rows`, by default how many rows
    it has)."""
    book = sheet_workbook(
        sheet=sheet, headers=headers, rows=rows, title=title, widths=widths,
        money_columns=money_columns,
    )  # fmt: skip
    count = len(rows) if logged_rows is None else logged_rows
    return xlsx_response(request, book, filename, kind=kind, rows=count)


def sheet_workbook(*, sheet: str, headers, rows: list, title: str, widths, money_columns=()):
    """A workbook of one worksheet `sheet`: the titled table of `rows` under `headers`
    (`core.tabular.write_sheet`)."""
    import openpyxl

    from .tabular import write_sheet

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    write_sheet(ws, headers, rows, title=title, widths=widths, money_columns=money_columns)
    return book


def sheet_file(*, filename: str, kind: str, **sheet):
    """`sheet_workbook` as a file of `filename`, for a `jobs.file_builder`."""
    from .exports import workbook_bytes
    from .jobs import XLSX, JobFile

    data = workbook_bytes(sheet_workbook(**sheet))
    return JobFile(data, filename, XLSX, audit_kind=kind, rows=len(sheet["rows"]))


def template_response(
    request, *, sheet: str, headers, examples, title: str, widths, filename: str, kind: str
) -> HttpResponse:
    """An import template: the columns with example rows, logged as an export of 0 rows."""
    return sheet_response(
        request,
        sheet=sheet,
        headers=headers,
        rows=examples,
        title=title,
        widths=widths,
        filename=filename,
        kind=kind,
        logged_rows=0,
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（.xlsx 或 .csv）"))


def import_page(
    request, *, importer: Importer, template_url: str, back_url: str, success_url: str = ""
):
    """GET shows the upload form; POST imports the whole file or nothing, listing problems, and
    goes to `success_url` (by default `back_url`). A file of more rows than the rulebook's
    threshold is imported by a background job of the user with the same importer
    (`core/import_jobs.py`), whose page the user is sent to."""
    from . import import_jobs
    from .document_imports import DocumentImporter

    problems = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if isinstance(importer, DocumentImporter):  # official forms, or the schema's JSON
        form.fields["file"].label = gettext_lazy("文件（.xlsx 或 .json）")
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload)
            year = getattr(getattr(request, "work", None), "year", None)
            params = import_jobs.job_params(importer, data, upload.name, year=year)
            if params is not None:  # past the threshold: a job of the same importer
                job = import_jobs.start(user=request.user, params=params, data=data)
                if not job.finished:
                    messages.info(request, _("文件较大，已转入后台导入，完成后在此页查看结果。"))
                return redirect("job-detail", job.pk)
            result = run_import(importer, data, upload.name)
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, result.summary())
            return redirect(success_url or back_url)
    return render(
        request,
        "core/import.html",
        {
            "form": form,
            "problems": problems,
            "importer": importer,
            "template_url": template_url,
            "back_url": back_url,
        },
        status=400 if problems else 200,
    )


def document_import_page(request, importer_class, *, year: int, list_url: str):
    """The import page of a stage's documents (`DocumentImporter.for_page`: a filer, into their
    own units) in the working region: the core import page, and with `?template=1` the filer's
    own documents of `year` as filled official forms (the stage's registered exporter), the
    file to fill in and bring back."""
    from django.http import Http404

    from .exports import EXPORTERS, row_count

    work = request.work
    if work.region is None:
        raise Http404
    importer = importer_class.for_page(actor=request.user, region=work.region, year=year)
    if request.GET.get("template"):
        from . import jobs

        kind = importer_class.kind
        rows = row_count(kind, request.user, work.region, year)
        name = f"{importer_class.form_title}-{year}.xlsx"
        if jobs.too_big(rows, region=work.region, year=year):  # past the threshold: a job
            params = {"kind": kind, "region": work.region.code, "year": year, "name": name}
            return jobs.start_and_follow(request, kind="export", params=params)
        data = EXPORTERS[kind](request.user, work.region, year, "xlsx")
        return download_response(request, data, name, XLSX, kind=kind, rows=rows)
    return import_page(
        request,
        importer=importer,
        template_url=request.path + "?template=1",
        back_url=list_url,
        success_url=list_url,
    )


def read_upload(upload) -> bytes:
    """Read an uploaded file, refusing it before reading past the configured size."""
    from django.conf import settings

    from .tabular import Problem

    limit = settings.JIXIAO_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise InputRejected(
            [
                Problem(
                    _("文件过大（%(size)s MB），上限为 %(limit)s MB。")
                    % {"size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
                )
            ]
        )
    return upload.read(limit + 1)


def role_required(*roles: str):
    """Signed-in users holding one of `roles`; others get 403 (what they may do, not which rows
    they see: rows outside scope are a 404 from `visible_to`)."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied(_("您没有执行此操作的权限。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def print_log(request):
    """A page being printed (page.js posts it on the browser's `beforeprint`, whether from the
    page's 打印 button or the browser's menu): its `export` entry, kind `print`, naming the page
    and its query. Answers 204; only pages of this site, by a signed-in user, are logged."""
    from urllib.parse import urlsplit

    from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, QueryDict

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    page = str(request.POST.get("page", ""))[:1000]
    if not page.startswith("/") or safe_back(request, "", field="page") != page:
        return HttpResponseBadRequest()
    parts = urlsplit(page)
    audit_export(request, kind="print", rows=None, name=parts.path, query=QueryDict(parts.query))
    return HttpResponse(status=204)


def session_alive(request):
    """Someone is typing on a page (page.js posts here while they do, and when they answer the
    idle warning): the session-timeout middleware, which this request passed, counted it as
    activity. Answers 204; 401 when no one is signed in, so the page can say the session has
    ended (a session that timed out is redirected to the login page before reaching here)."""
    from django.http import HttpResponseNotAllowed

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return HttpResponse(status=204 if request.user.is_authenticated else 401)


def attachment_download(request, file_pk: int):
    """A supporting file, for users who can see its document (404 otherwise)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import FileResponse

    from .attachments import attachment_for_user

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = attachment_for_user(pk=file_pk, user=request.user)
    audit_export(request, kind="attachment", rows=1, name=attachment.name)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.mime,
    )


def error_text(exc) -> str:
    """A refusal from a service (ValidationError or PermissionDenied) as one line for messages."""
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _document(request, label: str, pk: int):
    """A document by "app_label.model" and id, if the user can see it (404 otherwise)."""
    from django.apps import apps
    from django.http import Http404

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not hasattr(model, "attachments_editable_by"):
        raise Http404
    return model.objects.get_visible_or_404(request.user, pk=pk)


def transition_view(request, document, *, workflow, perform, back):
    """POST of the 办理 card (`{% review_actions %}`): perform the transition named in the form
    with its comment and attestation, tell the outcome, go `back`. `perform(name=, comment=,
    attest=)` is the stage's transition service bound to the actor and document."""
    from django.core.exceptions import ValidationError

    from .review_draft import keep_review_draft
    from .workflow import TransitionError

    name = request.POST.get("transition", "")
    try:
        perform(
            name=name,
            comment=request.POST.get("comment", ""),
            attest=bool(request.POST.get("attest")),
        )
    except (TransitionError, ValidationError) as exc:
        messages.error(request, error_text(exc))
        keep_review_draft(request, back)
    else:
        messages.success(request, _("已%(t)s。") % {"t": workflow.get(name).label})
    return redirect(back)


def document_transition(*, get, workflow, perform, document_arg, detail, extra=None):
    """A stage's transition view (POST, signed in) for `transition_view`: the document is
    `get(user=, pk=)`, the transition `perform(actor=, <document_arg>=document, **extra(request))`
    and the page to go back to `detail`, a URL name taking the pk or a function of the document."""
    from functools import partial

    from django.contrib.auth.decorators import login_required
    from django.urls import reverse
    from django.views.decorators.http import require_POST

    @login_required
    @require_POST
    def view(request, pk: int):
        document = get(user=request.user, pk=pk)
        options = extra(request) if extra else {}
        return transition_view(
            request,
            document,
            workflow=workflow,
            perform=partial(perform, actor=request.user, **{document_arg: document}, **options),
            back=reverse(detail, args=[pk]) if isinstance(detail, str) else detail(document),
        )

    return view


def act(request, action, success) -> bool:
    """Run `action()`, a service call: a refusal (ValidationError or PermissionDenied) is told as
    an error and gives False; otherwise `success` is told and it gives True."""
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, success)
    return True


def edit_refused(request, document, back):
    """The gate of a document's edit page: its edit rule (`edit_refusal`). A refusal is told
    and leads `back` (the response to return); None lets the page open."""
    refusal = document.edit_refusal(request.user)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect(back)


def safe_back(request, default: str, *, field: str = "back") -> str:
    """Where a form asks to go next (its `back`, or `next`, posted or in the query), if that is
    a page of this site; `default` (a path or a URL name) otherwise. Every redirect to an
    address a request names goes through here, so none leads off the site (no open redirect
    to `//evil.example`, `https://evil.example` or `javascript:`)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = str(request.POST.get(field) or request.GET.get(field) or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _back(request):
    return redirect(safe_back(request, "home"))


def attachment_remove(request, file_pk: int, pk: int | None = None):
    """Remove a supporting file (kept and listed as removed) while the document is editable.
    `pk`, when the address names the document, must be the file's document."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.http import Http404, HttpResponseNotAllowed

    from . import attachments

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    attachment = attachments.attachment_for_user(pk=file_pk, user=request.user)
    if pk is not None and attachment.object_id != pk:
        raise Http404
    label = attachment.content_type.model_class()._meta.label
    document = _document(request, label, attachment.object_id)
    try:
        attachments.attachment_remove(
            attachment=attachment,
            actor=request.user,
            can_change=document.attachments_editable_by(request.user),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return _back(request)


def attachment_upload(request, label: str, pk: int):
    """Upload a supporting file to any document that allows it (佐证材料, DOMAIN.md §4.5)."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import ValidationError

    from . import attachments

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["POST"])
    document = _document(request, label, pk)
    upload = request.FILES.get("file")

    def add():
        if upload is None:
            raise ValidationError(_("请选择文件。"))
        attachments.check_upload_size(upload.size)
        attachments.attachment_add(
            obj=document,
            name=upload.name,
            data=upload.read(),
            actor=request.user,
            kind=request.POST.get("kind", "other"),
            description=request.POST.get("description", ""),
            can_change=document.attachments_editable_by(request.user),
        )

    act(request, add, _("已上传佐证材料。"))
    return _back(request)
