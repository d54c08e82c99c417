"""Pages of audit findings (审计发现) and of the rectification notice (整改通知书).

- the findings of the working region and year (the performance office, the auditor reading;
  a unit's staff see their own unit's), a finding's page, the office's entry form and its
  xlsx/CSV import (all or nothing, `?template=1` for the template);
- the notices: the units with issued rectifications in the working year, and one unit's
  整改通知书 as docx (`?year=` another work year), downloaded through the audited
  `download_response`.

Rows outside the reader's scope answer 404; writing is the performance office's (403 for
others, the auditor included).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import Project
from jixiao.core.listing import narrowed
from jixiao.core.views import (
    download_response,
    import_page,
    paginate,
    template_response,
)
from jixiao.core.widgets import date_input
from jixiao.orgs.models import Role, Unit

from . import notice
from .audit_findings import audit_finding_create, entry_refusal, finding_rectification
from .audit_import import AuditFindingImporter
from .models import AuditFinding, Rectification, RectificationStatus
from .rectifications import rectification_open_notice

T = "results/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Who reads the list from the menu; a unit's staff reach their own findings too.
READERS = frozenset({Role.PERFORMANCE, Role.AUDITOR})


def _work(request):
    if request.work.region is None:
        raise Http404
    return request.work.region, request.work.year


def audit_finding_list_rows(user, region, year, *, unit: str = "", q: str = ""):
    """The findings `user` sees in the working region and year, with their unit and project."""
    rows = narrowed(
        AuditFinding.objects.visible_to(user),
        search=("report_title", "report_number", "problem", "recommendation"),
        region=region,
        year=year,
        unit=unit,
        q=q,
    )
    return rows.select_related("unit", "project").prefetch_related("rectifications")


@login_required
def audit_finding_list(request):
    region, year = _work(request)
    rows = audit_finding_list_rows(
        request.user,
        region,
        year,
        unit=request.GET.get("unit", ""),
        q=request.GET.get("q", "").strip(),
    )
    page, query = paginate(request, rows)
    units = Unit.objects.visible_to(request.user).filter(region=region).order_by("code")
    return render(
        request,
        T + "audit_list.html",
        {
            "page": page,
            "query": query,
            "units": units,
            "may_enter": entry_refusal(request.user) is None,
        },
    )


@login_required
def audit_finding_detail(request, pk: int):
    finding = AuditFinding.objects.get_visible_or_404(request.user, pk=pk)
    return render(
        request,
        T + "audit_detail.html",
        {"finding": finding, "rectification": finding_rectification(finding)},
    )


class AuditFindingForm(forms.Form):
    """The office's entry of one finding from an audit report."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("预算单位"),
        queryset=Unit.objects.none(),
        error_messages={"required": gettext_lazy("请选择预算单位")},
    )
    project = forms.CharField(
        label=gettext_lazy("项目编码"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("选填：问题涉及的项目"),
    )
    report_title = forms.CharField(
        label=gettext_lazy("审计报告"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写审计报告名称")},
    )
    report_number = forms.CharField(label=gettext_lazy("文号"), max_length=60, required=False)
    report_date = forms.DateField(
        label=gettext_lazy("报告日期"),
        widget=date_input(),
        error_messages={
            "required": gettext_lazy("请填写报告日期"),
            "invalid": gettext_lazy("请按 2021-10-15 的格式填写日期"),
        },
    )
    problem = forms.CharField(
        label=gettext_lazy("审计发现的问题"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("请填写审计发现的问题")},
    )
    recommendation = forms.CharField(
        label=gettext_lazy("审计建议"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    required_action = forms.CharField(
        label=gettext_lazy("整改要求"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("不填则按审计建议下达"),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("涉及金额（万元）"),
        required=False,
        max_digits=18,
        decimal_places=6,
        error_messages={
            "invalid": gettext_lazy("请填写数字"),
            "max_decimal_places": gettext_lazy("最多 6 位小数"),
            "max_digits": gettext_lazy("金额过大"),
            "max_whole_digits": gettext_lazy("金额过大"),
        },
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


@login_required
def audit_finding_new(request):
    region, year = _work(request)
    refusal = entry_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    units = Unit.objects.visible_to(request.user).filter(region=region).order_by("code")
    form = AuditFindingForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        project = _project(form, region, values)
        if not form.errors:
            try:
                finding = audit_finding_create(
                    actor=request.user,
                    region=region,
                    year=values["report_date"].year,
                    project=project,
                    **{k: v for k, v in values.items() if k != "project"},
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("审计发现已录入，并生成整改事项（待下达）。"))
                return redirect("audit-finding-detail", finding.pk)
    return render(
        request, T + "audit_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _project(form, region, values) -> Project | None:
    """The project a code names, of the report date's year and the chosen unit's region."""
    code = (values.get("project") or "").strip()
    if not code:
        return None
    project = Project.objects.filter(
        region=region, year=values["report_date"].year, code=code
    ).first()
    if project is None:
        form.add_error(
            "project",
            _("找不到 %(y)s 年度的项目“%(c)s”") % {"y": values["report_date"].year, "c": code},
        )
    return project


@login_required
def audit_finding_import(request):
    region, _year = _work(request)
    refusal = entry_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    importer = AuditFindingImporter(actor=request.user, region=region)
    if request.GET.get("template"):
        return template_response(
            request,
            sheet=_("审计发现"),
            headers=[str(c.label) for c in AuditFindingImporter.columns],
            examples=[AuditFindingImporter.EXAMPLE],
            title=_("审计发现导入模板"),
            widths=[12, 20, 12, 40, 20, 12, 40, 40, 14, 8],
            filename=_("审计发现导入模板.xlsx"),
            kind=AuditFindingImporter.kind,
        )
    return import_page(
        request,
        importer=importer,
        template_url=request.path + "?template=1",
        back_url=reverse("audit-finding-list"),
    )


# ── the rectification notice (整改通知书) ───────────────────────────────────────────────


@login_required
def notice_list(request):
    """The units with issued rectifications in the working year, each with its notice."""
    region, year = _work(request)
    issued = ~Q(rectifications__status=RectificationStatus.DRAFT)
    visible = Rectification.objects.visible_to(request.user).filter(year=year).values("pk")
    units = (
        Unit.objects.visible_to(request.user)
        .filter(region=region)
        .filter(rectifications__pk__in=visible)
        .annotate(
            items=Count("rectifications", filter=issued, distinct=True),
            open_items=Count(
                "rectifications",
                filter=issued & ~Q(rectifications__status=RectificationStatus.CLOSED),
                distinct=True,
            ),
        )
        .filter(items__gt=0)
        .order_by("code")
    )
    return render(request, T + "audit_notices.html", {"units": units, "year": year})


@login_required
def notice_download(request, unit_pk: int):
    """整改通知书 of a unit for the working year (or `?year=`), listing its issued items; the
    unit's own download receives those not yet received."""
    region, year = _work(request)
    unit = Unit.objects.get_visible_or_404(request.user, pk=unit_pk)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else year
    items = list(notice.notice_items(request.user, unit, year))
    refusal = notice.notice_refusal(items)
    if refusal:
        messages.error(request, refusal)
        return redirect("rectification-notices")
    # The unit opening its notice receives the items it lists (DOMAIN.md §8.1), so the
    # deadlines run from today and the notice shows them.
    items = [rectification_open_notice(request.user, item) for item in items]
    data = notice.notice_docx(unit, year, items)
    return download_response(
        request,
        data,
        notice.notice_name(unit, year),
        DOCX,
        kind="rectification-notice",
        rows=len(items),
    )
