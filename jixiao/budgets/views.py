"""Pages for projects: list with filters and export, detail, edit, import."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jixiao.core import edit_stamp, navigation
from jixiao.core.exports import workbook_bytes
from jixiao.core.jobs import XLSX, JobFile, file_builder
from jixiao.core.views import (
    act,
    import_page,
    list_page,
    role_required,
    template_response,
)
from jixiao.orgs.models import Region, Role, Unit, UnitYear
from jixiao.orgs.selectors import business_offices, unit_choices

from . import selectors, services
from .exports import HEADERS, WIDTHS, projects_workbook
from .forms import ProjectForm
from .importers import ProjectImporter
from .models import Project, ProjectKind


@login_required
def project_list(request):
    work = request.work
    return list_page(
        request,
        selector=selectors.project_list,
        filters=PROJECT_FILTERS,
        builder=projects_file,
        template="budgets/project_list.html",
        sorts=selectors.PROJECT_SORTS,
        context=lambda: {
            "units": unit_choices(user=request.user, region=work.region, year=work.year),
            "kinds": ProjectKind.objects.all(),
            "offices": business_offices(region=work.region),
            "can_create": request.user.has_role(Role.BUDGET, Role.FILER),
            "can_import": request.user.has_role(Role.BUDGET),
        },
    )


PROJECT_FILTERS = ("unit", "kind", "office", "q")


@file_builder
def projects_file(user, *, region: str, year: int, **filters) -> JobFile:
    """The project list's "导出 Excel" as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows = selectors.project_list(user=user, region=found, year=year, **filters)
    book = projects_workbook(rows.iterator(chunk_size=2000))
    name = f"{region}-{year}-projects.xlsx"
    return JobFile(workbook_bytes(book), name, XLSX, audit_kind="projects", rows=rows.count())


@login_required
def project_detail(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    unit_year = (
        UnitYear.objects.filter(unit=project.unit, year=project.year)
        .select_related("office")
        .first()
    )
    return render(
        request,
        "budgets/project_detail.html",
        {
            "project": project,
            "unit_year": unit_year,
            "can_edit": services.can_edit_project(request.user, project.unit),
            "year_open": selectors.year_is_open(region=project.region, year=project.year),
            "panels": navigation.panels_for("project", request, project),
        },
    )


@role_required(Role.BUDGET, Role.FILER)
def project_edit(request, pk: int | None = None):
    work = request.work
    project = selectors.project_get(user=request.user, pk=pk) if pk else None
    region = project.region if project else work.region
    year = project.year if project else work.year
    units = (
        Unit.objects.visible_to(request.user)
        .filter(region=region, years__year=year)
        .order_by("code")
    )
    parents = (
        Project.objects.visible_to(request.user)
        .filter(region=region, year=year, parent__isnull=True)
        .exclude(pk=pk or 0)
    )
    initial = _initial(project)
    form = ProjectForm(
        request.POST or None, initial=initial, units=units, parents=parents, editing=project
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = services.project_save(
                actor=request.user,
                project=project,
                region=region,
                year=year,
                code=d["code"],
                name=d["name"],
                unit=d["unit"],
                kinds=d["kinds"],
                parent=d["parent"],
                amounts=form.amounts(),
                multi_year=d["multi_year"],
                serves_public=d["serves_public"],
                description=d["description"],
                loaded=edit_stamp.posted(request.POST),
            )
        except ValidationError as exc:
            edit_stamp.restamp(project, exc)  # a colleague's newer save: the form's new stamp
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
            refused = True
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            refused = True
        else:
            messages.success(request, _("项目已保存。"))
            return redirect("project-detail", pk=saved.pk)
    return render(
        request,
        "budgets/project_edit.html",
        {"form": form, "project": project, "year": year},
        status=400 if refused else 200,
    )


def _initial(project: Project | None) -> dict:
    if project is None:
        return {"serves_public": True}
    data = {f: getattr(project, f) for f in services.AMOUNT_FIELDS}
    data.update(
        code=project.code,
        name=project.name,
        unit=project.unit,
        parent=project.parent,
        kinds=list(project.kinds.all()),
        multi_year=project.multi_year,
        serves_public=project.serves_public,
        description=project.description,
    )
    return data


@role_required(Role.BUDGET)
def project_import(request):
    return import_page(
        request,
        importer=ProjectImporter(actor=request.user, region=request.work.region),
        template_url=reverse("project-template"),
        back_url=reverse("project-list"),
    )


@login_required
def project_template(request):
    example = [
        request.work.year,
        "2022-101001-001",
        "示例项目",
        "101001",
        "专项资金",
        "",
        *map(Decimal, ["100", "0", "0", "100", "100", "20.5", "0", "120.5"]),
        "否",
        "是",
        "",
    ]
    return template_response(
        request,
        sheet=pgettext("heading", "项目"),
        headers=HEADERS,
        examples=[example],
        title=_("项目导入模板（金额单位：万元）"),
        widths=WIDTHS,
        filename="projects-template.xlsx",
        kind="projects-template",
    )


@role_required(Role.BUDGET, Role.PERFORMANCE, Role.AUDITOR)
def fiscal_year_list(request):
    """The region's budget years; the budget office starts the next one."""
    from .models import FiscalYear

    work = request.work
    if work.region is None:
        raise Http404
    error = ""
    if request.method == "POST":
        year = request.POST.get("year", "")
        try:
            if not year.isdigit() or not 2000 <= int(year) <= 2100:
                raise ValidationError(_("请输入有效的年度，如 2023。"))
            services.fiscal_year_create(actor=request.user, region=work.region, year=int(year))
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except PermissionDenied as exc:
            error = str(exc)
        else:
            request.session["work_year"] = int(year)
            messages.success(
                request, _("已新建 %(y)s 年度，单位结构已从上一年度带入。") % {"y": year}
            )
            return redirect("fiscal-year-list")
    years = (
        FiscalYear.objects.visible_to(request.user)
        .filter(region__path__startswith=work.region.path)
        .select_related("region")
    )
    return render(
        request,
        "budgets/fiscal_year_list.html",
        {
            "years": years,
            "error": error,
            "can_create": request.user.has_role(Role.BUDGET),
            "can_close": request.user.has_role(Role.BUDGET, Role.PERFORMANCE)
            and work.region.level == "district",
            "next_year": max([y.year for y in years] or [work.year]) + 1,
        },
        status=400 if error else 200,
    )


@role_required(Role.BUDGET, Role.PERFORMANCE)
@require_POST
def year_status(request):
    """Close or reopen the working year (explicit and logged)."""
    work = request.work
    close = request.POST.get("action") == "close"
    act(
        request,
        partial(
            services.fiscal_year_set_status,
            actor=request.user,
            region=work.region,
            year=work.year,
            close=close,
            reason=request.POST.get("reason", ""),
        ),
        _("年度已关闭。") if close else _("年度已重新开放。"),
    )
    return redirect("fiscal-year-list")
