"""The registry of policy documents (制度文件): every staff role reads the work region's list,
the performance office of that region registers, corrects and repeals documents (DOMAIN.md §9:
the work summary lists those in force at the end of the year)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core.models import Attachment, AuditLog
from jixiao.core.sorting import Sorts
from jixiao.core.views import paginate, role_required, sheet_response
from jixiao.orgs.models import Role

from .. import services
from ..forms import PolicyForm, PolicyReinstateForm, PolicyRepealForm
from ..models import PolicyDocument
from ..navigation import POLICY_EDITORS, POLICY_READERS

IN_FORCE, REPEALED, YEAR_END = "in_force", "repealed", "year_end"
#: The columns the register sorts by (core/sorting.py): the issue date, latest first, then the
#: number (the default, the model's order), the number, the title and the issuer (in the
#: database's collation), and the date repealed (those in force last either way).
POLICY_SORTS = Sorts(
    "-issued",
    issued=("issued_on", "-number"),
    number=("number",),
    title=("title",),
    issuer=("issuer", "-issued_on"),
    repealed=("repealed_on",),
)
# Who reads a document's change history: those who keep the registry and those who audit it.
HISTORY_READERS = (*POLICY_EDITORS, Role.AUDITOR)


def _documents(request):
    """The work region's documents the user may read (404 without a work region)."""
    region = request.work.region
    if region is None:
        raise Http404
    return region, PolicyDocument.objects.visible_to(request.user).filter(region=region)


def _filtered(request, rows):
    f, today = request.GET, timezone.localdate()
    if f.get("year", "").isdigit():
        rows = rows.filter(issued_on__year=int(f["year"]))
    status = f.get("status", "")
    if status == IN_FORCE:
        rows = rows.in_force_at(today)
    elif status == REPEALED:
        rows = rows.filter(repealed_on__lte=today)
    elif status == YEAR_END:
        rows = rows.in_force_at(dt.date(request.work.year, 12, 31))
    q = f.get("q", "").strip()
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(number__icontains=services.normalize_number(q))
        )
    return rows


def _with_file_counts(rows):
    files = (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(PolicyDocument),
            object_id=OuterRef("pk"),
            removed_at__isnull=True,
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return rows.annotate(files=Coalesce(Subquery(files, output_field=IntegerField()), Value(0)))


@role_required(*POLICY_READERS)
def policy_list(request):
    region, rows = _documents(request)
    years = [d.year for d in rows.dates("issued_on", "year", order="DESC")]
    rows = _filtered(request, rows)
    sort = POLICY_SORTS.chosen(request.GET.get("sort"))
    if "xlsx" in (request.GET.get("format"), request.GET.get("export")):
        # the register in the order of issue (序号), unless the page is sorted by a column
        if sort.explicit:
            return _policies_xlsx(request, POLICY_SORTS.apply(rows, sort.param), region)
        return _policies_xlsx(request, rows.order_by("issued_on", "number"), region)
    page, query = paginate(request, _with_file_counts(POLICY_SORTS.apply(rows, sort.param)))
    return render(
        request,
        "reports/policy_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sort,
            "years": years,
            "region": region,
            "statuses": [
                (IN_FORCE, _("现行有效")),
                (REPEALED, _("已废止")),
                (YEAR_END, _("%(y)s年末有效（工作总结口径）") % {"y": request.work.year}),
            ],
            "can_create": services.policy_editable_by(request.user, region),
        },
    )


# The register's document fields before and after its status column, headed by their labels.
ISSUE_FIELDS = ("number", "title", "issuer", "issued_on")
REPEAL_FIELDS = ("repealed_on", "repeal_note", "note")


def _policies_xlsx(request, rows, region):
    today = timezone.localdate()
    headers = [_("序号"), *_labels(ISSUE_FIELDS), _("状态"), *_labels(REPEAL_FIELDS)]
    data = [
        [i, *_values(d, ISSUE_FIELDS), _status_label(d, today), *_values(d, REPEAL_FIELDS)]
        for i, d in enumerate(rows, start=1)
    ]
    return sheet_response(
        request,
        sheet=_("制度文件"),
        headers=headers,
        rows=data,
        title=_("%(r)s制度文件登记表") % {"r": region.name},
        widths=[6, 24, 60, 18, 12, 10, 12, 30, 30],
        filename=f"{region.code}-policies.xlsx",
        kind="policies",
    )


def _labels(fields) -> list[str]:
    return [str(PolicyDocument._meta.get_field(name).verbose_name) for name in fields]


def _values(document, fields) -> list:
    return [getattr(document, name) for name in fields]


def _status_label(document, today) -> str:
    if document.repealed_on is not None and document.repealed_on <= today:
        return _("已废止")
    return _("现行有效")


@role_required(*POLICY_READERS)
def policy_detail(request, pk: int):
    document = PolicyDocument.objects.select_related("region", "created_by").get_visible_or_404(
        request.user, pk=pk
    )
    return render(
        request,
        "reports/policy_detail.html",
        {
            "document": document,
            "can_edit": services.policy_editable_by(request.user, document.region),
            "history": _history(document) if request.user.has_role(*HISTORY_READERS) else None,
        },
    )


def _history(document) -> list[dict]:
    """The document's entries in the audit log, oldest first, with the fields that changed."""
    labels = {f.attname: f.verbose_name for f in PolicyDocument._meta.concrete_fields}
    shown = {"number", "title", "issued_on", "issuer", "repealed_on", "repeal_note", "note"}
    rows = []
    for entry in (
        AuditLog.objects.filter(
            object_type=PolicyDocument._meta.label_lower, object_id=str(document.pk)
        )
        .select_related("actor")
        .order_by("created_at", "id")
    ):
        before, after = entry.before or {}, entry.after or {}
        changes = [
            {"field": labels[k], "old": before.get(k), "new": after.get(k)}
            for k in sorted(shown, key=list(labels).index)
            if entry.action == "update" and before.get(k) != after.get(k)
        ]
        rows.append(
            {
                "at": entry.created_at,
                "actor": entry.actor or entry.actor_name,
                "action": entry.get_action_display(),
                "changes": changes,
                "message": entry.message,
            }
        )
    return rows


def _editable(request, pk: int) -> PolicyDocument:
    """A document the user may change: outside their scope 404, only readable 403."""
    if not request.user.has_role(*POLICY_READERS, *POLICY_EDITORS):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    document = PolicyDocument.objects.select_related("region").get_visible_or_404(
        request.user, pk=pk
    )
    if not services.policy_editable_by(request.user, document.region):
        raise PermissionDenied(_("只有本区划的绩效办可以修改制度文件。"))
    return document


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def policy_edit(request, pk: int | None = None):
    if pk is not None:
        document = _editable(request, pk)
        region = document.region
    else:
        document, region = None, request.work.region
        if region is None:
            raise Http404
        if not services.policy_editable_by(request.user, region):
            raise PermissionDenied(_("只有本区划的绩效办可以登记制度文件。"))
    form = PolicyForm(request.POST or None, initial=_initial(document, region))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.policy_document_save(
                actor=request.user, region=region, data=form.cleaned_data, document=document
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已保存制度文件 %(n)s。") % {"n": saved.number})
            return redirect("policy-detail", pk=saved.pk)
    return render(
        request,
        "reports/policy_edit.html",
        {
            "form": form,
            "document": document,
            "region": region,
        },
        status=400 if form.errors else 200,
    )


def _initial(document, region) -> dict:
    if document is None:
        # The registry is the bureau's own documents: its name is the usual issuer.
        return {"issuer": _("%(r)s财政局") % {"r": region.name}}
    return {
        "number": document.number,
        "title": document.title,
        "issued_on": document.issued_on,
        "issuer": document.issuer,
        "note": document.note,
    }


@login_required
def policy_repeal(request, pk: int):
    """Repeal a document in force; on a repealed one, undo a repeal recorded by mistake."""
    document = _editable(request, pk)
    repealed = document.repealed_on is not None
    form = (PolicyReinstateForm if repealed else PolicyRepealForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if repealed:
                services.policy_document_reinstate(
                    actor=request.user, document=document, reason=d["reason"]
                )
            else:
                services.policy_document_repeal(
                    actor=request.user,
                    document=document,
                    repealed_on=d["repealed_on"],
                    note=d["repeal_note"],
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("已撤销废止，文件恢复为现行有效。") if repealed else _("已登记废止。")
            )
            return redirect("policy-detail", pk=document.pk)
    return render(
        request,
        "reports/policy_repeal.html",
        {
            "form": form,
            "document": document,
            "repealed": repealed,
        },
        status=400 if form.errors else 200,
    )
