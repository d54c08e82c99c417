"""Pages of the indicator library (指标库): every staff role reads it; the performance office
keeps its region's own templates (DOMAIN.md §3). National templates are read-only."""

from __future__ import annotations

import openpyxl
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core.exports import workbook_bytes
from jixiao.core.jobs import XLSX, JobFile, file_builder
from jixiao.core.tabular import write_sheet
from jixiao.core.views import file_or_job, import_page, paginate, role_required, xlsx_response
from jixiao.orgs.models import Region

from . import selectors, services
from .importers import HEADERS, WIDTHS, LibraryImporter
from .models import IndicatorTemplate
from .navigation import LIBRARY_EDITORS, LIBRARY_READERS
from .selectors import CATEGORIES, SUBCATEGORIES


class TemplateForm(forms.Form):
    """One regional template, as a row of the library table."""

    sector = forms.CharField(
        label=gettext_lazy("行业领域"),
        max_length=20,
        widget=forms.TextInput(attrs={"list": "sector-list"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=IndicatorTemplate.Kind.choices,
        initial=IndicatorTemplate.Kind.SPECIFIC,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("一级指标"), choices=[(c, c) for c in CATEGORIES]
    )
    subcategory = forms.ChoiceField(
        label=gettext_lazy("二级指标"), choices=[(s, s) for s in SUBCATEGORIES]
    )
    name = forms.CharField(label=gettext_lazy("三级指标"), max_length=200)
    value_hint = forms.CharField(
        label=gettext_lazy("参考指标值"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("如“≥95%”“≤500元/人”“12月底前完成”"),
    )
    unit = forms.CharField(label=gettext_lazy("度量单位"), max_length=20, required=False)
    explanation = forms.CharField(
        label=gettext_lazy("指标解释"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("计算方法或核验依据"),
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


def _region_or_404(request):
    region = request.work.region
    if region is None:
        raise Http404
    return region


@role_required(*LIBRARY_READERS)
def library(request):
    """The library with filters; the performance office also sees its deactivated templates."""
    region = request.work.region
    can_edit = region is not None and request.user.has_role(*LIBRARY_EDITORS)
    f = request.GET
    filters = {
        "sector": f.get("sector", ""),
        "subcategory": f.get("subcategory", ""),
        "kind": f.get("kind", ""),
        "q": f.get("q", "").strip(),
        "inactive": can_edit and f.get("inactive") == "1",
    }
    rows = selectors.template_list(region=region, **filters)
    if f.get("export") == "xlsx":
        return file_or_job(
            request,
            library_file,
            rows=rows.count(),
            region=region,
            year=request.work.year,
            **filters,
        )
    page, query = paginate(request, rows)
    return render(
        request,
        "indicators/library.html",
        {
            "page": page,
            "query": query,
            "can_edit": can_edit,
            "sectors": selectors.sectors(region=region),
            "subcategories": SUBCATEGORIES,
            "kinds": IndicatorTemplate.Kind.choices,
        },
    )


def _row(t: IndicatorTemplate) -> list:
    return [
        t.sector,
        t.get_kind_display(),
        t.category,
        t.subcategory,
        t.name,
        t.value_hint,
        t.unit,
        t.explanation,
    ]


@file_builder
def library_file(user, *, region: str, year: int, inactive: bool, **filters) -> JobFile:
    """The library's download (national templates and the working region's own), in the
    request or as a job past the threshold."""
    found = Region.objects.get_visible_or_404(user, code=region) if region else None
    inactive = inactive and found is not None and user.has_role(*LIBRARY_EDITORS)
    rows = selectors.template_list(region=found, inactive=inactive, **filters)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("指标库")
    write_sheet(
        ws, HEADERS, (_row(t) for t in rows.iterator()), title=_("绩效指标库"), widths=WIDTHS
    )
    name = f"{region or 'national'}-library.xlsx"
    return JobFile(workbook_bytes(book), name, XLSX, audit_kind="library", rows=rows.count())


@role_required(*LIBRARY_EDITORS)
def library_edit(request, pk: int | None = None):
    """Add a regional template, or change one of the region's own (national ones: 403)."""
    region = _region_or_404(request)
    template = None
    if pk is not None:
        template = selectors.template_get(region=region, pk=pk)
        if template is None:
            raise Http404
        if template.region_id is None:
            raise PermissionDenied(_("全国通用指标只读，不能修改；可新增本区划的指标。"))
    initial = (
        {key: getattr(template, key) for key in (*services.FIELDS, "active")} if template else {}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_save(
                actor=request.user, region=region, data=form.cleaned_data, template=template
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("指标已保存。"))
            return redirect("library")
    return render(
        request,
        "indicators/template_edit.html",
        {
            "form": form,
            "template": template,
            "sectors": selectors.sectors(region=region),
        },
    )


@role_required(*LIBRARY_EDITORS)
@require_POST
def library_deactivate(request, pk: int):
    """Deactivate (or, with action=activate, reactivate) one of the region's own templates."""
    region = _region_or_404(request)
    template = selectors.template_get(region=region, pk=pk)
    if template is None:
        raise Http404
    active = request.POST.get("action") == "activate"
    services.template_deactivate(
        actor=request.user, region=region, template=template, active=active
    )  # a national template: PermissionDenied, 403
    messages.success(request, _("指标已启用。") if active else _("指标已停用。"))
    return redirect(reverse("library") + ("?inactive=1" if active else ""))


@role_required(*LIBRARY_EDITORS)
def library_import(request):
    region = _region_or_404(request)
    return import_page(
        request,
        importer=LibraryImporter(actor=request.user, region=region),
        template_url=reverse("library-template"),
        back_url=reverse("library"),
        success_url=reverse("library"),
    )


@role_required(*LIBRARY_READERS)
def library_template(request):
    """The import template: the library's columns with two example rows."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("指标库")
    examples = [
        [
            "教育",
            "个性",
            "产出指标",
            "数量指标",
            "资助家庭经济困难学生人数",
            "≥1200人",
            "人",
            "按学生资助管理信息系统中当年实际享受资助的学生人数统计",
        ],
        [
            "通用",
            "共性",
            "满意度指标",
            "服务对象满意度指标",
            "服务对象满意度",
            "≥90%",
            "%",
            "通过问卷调查，满意和基本满意份数/有效问卷份数×100%",
        ],
    ]
    write_sheet(ws, HEADERS, examples, title=_("指标库导入模板"), widths=WIDTHS)
    return xlsx_response(request, book, "library-template.xlsx", kind="library-template", rows=0)
