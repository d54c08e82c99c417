"""Pages of rectifications (整改, DOMAIN.md §8.1): the list with its filters and the overdue
flag, one item (its source linked back, the deadlines, the unit's plan and report, the evidence
files, the 办理 card and the history), finding the sources of the work year as drafts, and
sending a disposed red alert to rectification.

Every page reads through `selectors`: an item outside the user's scope is a 404. The unit's
first view of an issued notice marks it received (`rectification_open_notice`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core import edit_stamp
from jixiao.core.exports import workbook_bytes
from jixiao.core.jobs import XLSX, JobFile, file_builder
from jixiao.core.sorting import sorting
from jixiao.core.views import act, document_transition, error_text, file_or_job, paginate
from jixiao.monitoring.models import Alert
from jixiao.orgs.models import Region, Unit

from . import rect_sources, selectors
from .exports_rect import rectifications_workbook
from .models import RectificationSource, RectificationStatus
from .rectifications import (
    EDITABLE_FIELDS,
    feedback_late,
    rectification_open_notice,
    rectification_transition,
    rectification_update,
)
from .workflow import ISSUERS, RECTIFICATION_WORKFLOW

T = "results/"
FIELDS = {
    "problem": gettext_lazy("存在问题"),
    "required_action": gettext_lazy("整改要求"),
    "plan": gettext_lazy("整改方案"),
    "report": gettext_lazy("整改完成情况"),
}


def _work(request):
    if request.work.region is None:
        raise Http404
    return request.work


#: The list's and its export's filters, and the order asked for (core/sorting.py).
PAGE_FILTERS = (*selectors.FILTERS, "sort")


def _filtered(request):
    work = _work(request)
    filters = {name: request.GET.get(name, "").strip() for name in PAGE_FILTERS}
    return selectors.rectification_list(request.user, work.region, work.year, filters)


@login_required
def rectification_list(request):
    work = _work(request)
    rows = _filtered(request)
    page, query = paginate(request, rows)
    page.object_list = selectors.with_overdue(page.object_list)
    units = Unit.objects.filter(
        pk__in=selectors.rectification_list(request.user, work.region, work.year).values("unit_id")
    ).order_by("code")
    office = request.user.has_role(*ISSUERS)
    return render(
        request,
        T + "rectification_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.RECTIFICATION_SORTS),
            "statuses": RectificationStatus.choices,
            "sources": RectificationSource.choices,
            "units": units,
            "may_find": office,
            "may_send_alerts": office,
        },
    )


@login_required
def rectification_export(request):
    """The list as the page filters it, as xlsx (an audited download)."""
    work = _work(request)
    filters = {name: request.GET.get(name, "").strip() for name in PAGE_FILTERS}
    count = _filtered(request).count()
    return file_or_job(
        request, rectifications_file, rows=count, region=work.region, year=work.year, **filters
    )


@file_builder
def rectifications_file(user, *, region: str, year: int, **filters) -> JobFile:
    """The rectification list's download as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows = selectors.with_overdue(selectors.rectification_list(user, found, year, filters))
    title = _("%(region)s %(year)s 年度整改事项") % {"region": found.name, "year": year}
    data = workbook_bytes(rectifications_workbook(rows, title=title))
    name = _("整改事项-%(year)s.xlsx") % {"year": year}
    return JobFile(data, name, XLSX, audit_kind="rectifications", rows=len(rows))


def _source_url(rectification) -> str:
    """The page of the rectification's source, where there is one the reader may open."""
    r = rectification
    try:
        if r.alert_id:
            return reverse("alert-detail", args=[r.alert_id])
        if r.selfeval_id:
            return reverse("selfeval-detail", args=[r.selfeval_id])
        if r.unit_evaluation_id:
            ue = r.unit_evaluation
            return reverse("unit-evaluation", args=[ue.unit_id, ue.year])
        if r.finding_id:
            return reverse("key-detail", args=[r.finding.evaluation_id])
        if r.audit_finding_id:
            return reverse("audit-finding-detail", args=[r.audit_finding_id])
    except NoReverseMatch:
        return ""
    return ""


@login_required
def rectification_detail(request, pk: int):
    rectification = selectors.rectification_get(request.user, pk)
    rectification = rectification_open_notice(request.user, rectification)
    return _detail_page(request, rectification)


def _detail_page(request, rectification, *, typed=None):
    """The rectification's page; with `typed` (a refused edit's POST) its text fields hold what
    was typed, not saved, and the page answers 400."""
    user = request.user
    editable = rectification.edit_refusal(user) is None
    fields = EDITABLE_FIELDS.get(rectification.status, ()) if editable else ()
    shown = typed if typed is not None else {}
    return render(
        request,
        T + "rectification_detail.html",
        {
            "r": rectification,
            "source_object": rectification.source_object,
            "source_url": _source_url(rectification),
            "overdue": selectors.is_overdue(rectification),
            "feedback_late": feedback_late(rectification),
            "fields": [
                (name, FIELDS[name], shown.get(name, getattr(rectification, name)))
                for name in fields
            ],
            "blocked": RECTIFICATION_WORKFLOW.blocked(rectification, user),
        },
        status=400 if typed is not None else 200,
    )


@login_required
@require_POST
def rectification_edit(request, pk: int):
    # A refusal (a colleague's newer save among them, core/edit_stamp.py) draws the page again
    # with what was typed; a redirect would lose it.
    rectification = selectors.rectification_get(request.user, pk)
    names = EDITABLE_FIELDS.get(rectification.status, ())
    values = {name: request.POST.get(name, "") for name in names if name in request.POST}
    try:
        rectification_update(
            actor=request.user,
            rectification=rectification,
            loaded=edit_stamp.posted(request.POST),
            **values,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        edit_stamp.restamp(rectification, exc)  # a colleague's newer save: the form's new stamp
        return _detail_page(request, rectification, typed=request.POST)
    messages.success(request, _("已保存。"))
    return redirect("rectification-detail", pk=pk)


rectification_transition_view = document_transition(
    get=selectors.rectification_get,
    workflow=RECTIFICATION_WORKFLOW,
    perform=rectification_transition,
    document_arg="rectification",
    detail="rectification-detail",
)


@login_required
@require_POST
def rectification_find(request):
    """The offices' "find sources" button: a draft for every source of the work year not yet
    sent, limited to those the user's office issues."""
    work = _work(request)
    if not request.user.has_role(*ISSUERS):
        raise PermissionDenied(_("只有业务股室和绩效办可以查找整改来源。"))
    made = rect_sources.sources_find(region=work.region, year=work.year, actor=request.user)
    if made:
        messages.success(request, _("已生成 %(n)s 件待下达的整改事项。") % {"n": len(made)})
    else:
        messages.info(request, _("没有新的整改来源。"))
    return redirect(reverse("rectification-list") + "?status=draft")


@login_required
def rectification_alerts(request):
    """The office reviewing the disposals sends a disposed red alert to rectification."""
    work = _work(request)
    if not request.user.has_role(*ISSUERS):
        raise PermissionDenied(_("只有业务股室和绩效办可以将预警转入整改。"))
    alerts = rect_sources.alerts_to_send(request.user, work.region, work.year)
    if request.method == "POST":
        alert = Alert.objects.visible_to(request.user).filter(pk=request.POST.get("alert")).first()
        if alert is None:
            raise Http404
        made = []

        def send():
            made.append(
                rect_sources.alert_to_rectification(
                    request.user,
                    alert,
                    request.POST.get("problem", ""),
                    request.POST.get("required_action", ""),
                )
            )

        if act(request, send, _("已转入整改，请核对后下达。")):
            return redirect("rectification-detail", pk=made[0].pk)
        return redirect("rectification-alerts")
    return render(request, T + "rectification_alerts.html", {"alerts": alerts})
