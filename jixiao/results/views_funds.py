"""Pages of fund actions (调整、收回、盘活): the list with its filters and totals by kind (and its
xlsx), the form that records one, an action's page, and the panel on the project page.

The form chooses the project by its code and year; the links to the source (an alert, a
self-evaluation, a key evaluation, a rectification) are lists of those about the project line or
its unit. Coming from an alert's or a rectification's page (`?alert=<id>`, `?rectification=<id>`,
also `?selfeval=`, `?key_evaluation=`, `?project=<code>&year=`) fills them in. Refusals of the
service (`fund_actions.FundActionRefused`) are shown at their fields.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jixiao.budgets.models import Project
from jixiao.core.jobs import file_builder
from jixiao.core.messages import render_message
from jixiao.core.sorting import sorting
from jixiao.core.views import file_or_job, paginate, role_required, sheet_file, work_rows
from jixiao.core.widgets import date_input
from jixiao.evaluations.key.models import KeyEvaluation
from jixiao.evaluations.models import SelfEvaluation
from jixiao.monitoring.models import Alert
from jixiao.orgs.models import Region

from . import fund_actions as services
from .models import FundAction, FundActionKind, FundActionSource, Rectification

T = "results/"
FILTERS = ("kind", "unit", "source", "q", "sort")
#: form field → (model, what the select shows)
LINK_MODELS = {
    "alert": Alert,
    "selfeval": SelfEvaluation,
    "key_evaluation": KeyEvaluation,
    "rectification": Rectification,
}


@file_builder
def fund_actions_file(user, *, region: str, year: int, **filters):
    """The fund actions' download as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows = services.fund_action_list(user=user, region=found, year=year, **filters)
    return sheet_file(
        sheet=_("资金处理"),
        headers=sheet_headers(),
        rows=sheet_rows(rows),
        title=_("资金调整、收回和盘活"),
        widths=(18, 30, 24, 8, 14, 12, 10, 22, 18, 40),
        filename=f"fund-actions-{year}.xlsx",
        kind="fund-actions",
        money_columns=(4,),
    )


def _work(request):
    if request.work.region is None:
        raise Http404
    return request.work.region, request.work.year


# --------------------------------------------------------------------------- list


def sheet_rows(rows) -> list[list]:
    return [
        [
            a.project.code,
            a.project.name,
            a.unit.name,
            a.kind,
            a.amount,
            a.date.isoformat(),
            str(a.get_source_display()),
            a.document_number,
            a.receiving_project.code if a.receiving_project_id else "",
            a.reason,
        ]
        for a in rows
    ]


def sheet_headers() -> list[str]:
    return [
        _("项目编码"), _("项目名称"), _("预算单位"), _("处理方式"), _("金额（万元）"), _("日期"),
        _("依据来源"), _("文号"), _("接收项目"), _("理由"),
    ]  # fmt: skip


@login_required
def fund_action_list(request):
    rows = work_rows(request, services.fund_action_list, *FILTERS)
    if request.GET.get("export") == "xlsx":
        region, year = _work(request)
        filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
        return file_or_job(
            request, fund_actions_file, rows=rows.count(), region=region, year=year, **filters
        )
    page, query = paginate(request, rows)
    region, year = _work(request)
    units = (
        rows.model.objects.visible_to(request.user)
        .in_work(region, year)
        .values_list("unit_id", "unit__name")
        .distinct()
        .order_by("unit__name")
    )
    return render(
        request,
        T + "fund_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, services.FUND_ACTION_SORTS),
            "totals": services.totals_by_kind(rows),
            "kinds": FundActionKind.choices,
            "sources": FundActionSource.choices,
            "units": list(units),
            "may_record": services.may_record(request.user),
        },
    )


# --------------------------------------------------------------------------- the form


class FundActionForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("项目年度"), min_value=2000, max_value=2100)
    project = forms.CharField(label=gettext_lazy("项目编码"), max_length=64)
    kind = forms.ChoiceField(label=gettext_lazy("处理方式"), choices=FundActionKind.choices)
    amount = forms.CharField(
        label=gettext_lazy("金额（万元）"),
        max_length=40,
        help_text=gettext_lazy("不超过项目未支付余额（全年预算减去截至当月的支付数）"),
    )
    date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=date_input(),
    )
    reason = forms.CharField(label=gettext_lazy("理由"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=gettext_lazy("依据来源"), choices=FundActionSource.choices)
    alert = forms.ChoiceField(label=pgettext_lazy("field", "预警"), required=False)
    selfeval = forms.ChoiceField(label=pgettext_lazy("field", "项目自评"), required=False)
    key_evaluation = forms.ChoiceField(label=pgettext_lazy("field", "重点评价"), required=False)
    rectification = forms.ChoiceField(label=pgettext_lazy("field", "整改事项"), required=False)
    document_number = forms.CharField(
        label=gettext_lazy("文号"), max_length=60, help_text=gettext_lazy("如 东财绩〔2021〕5号")
    )
    receiving_project = forms.CharField(
        label=gettext_lazy("接收项目编码（盘活时填写）"), max_length=64, required=False
    )

    def __init__(self, *args, sources: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, rows in sources.items():
            self.fields[name].choices = [("", "—")] + [(str(o.pk), _label(o)) for o in rows]


def _label(obj) -> str:
    if isinstance(obj, Alert):
        return f"{obj.code} {obj.message[:40]}（{obj.due_date or ''}）"
    if isinstance(obj, SelfEvaluation):
        return _("%(year)s年度自评 %(grade)s") % {"year": obj.year, "grade": obj.grade or "—"}
    if isinstance(obj, KeyEvaluation):
        return f"{obj.year} {obj.subject}"
    return f"{obj.number or obj.pk} {obj.problem[:40]}"


def _visible_project(user, region, year, code) -> Project | None:
    if not code or not str(year).isdigit():
        return None
    return (
        Project.objects.visible_to(user)
        .in_work(region, int(year))
        .select_related("region", "unit")
        .filter(code=code.strip())
        .first()
    )


def _sources_of(user, project: Project | None) -> dict:
    """The alerts, self-evaluations, key evaluations and rectifications of the project's unit
    (the service's rule), the project's own first."""
    if project is None:
        return {name: [] for name in LINK_MODELS}
    found = {}
    for name, model in LINK_MODELS.items():
        rows = model.objects.visible_to(user).filter(
            Q(project__unit=project.unit) | Q(project__isnull=True, unit=project.unit)
        )
        found[name] = sorted(rows.order_by("-pk")[:100], key=lambda o: o.project_id != project.pk)
    return found


def _prefill(request, work_year: int) -> dict:
    """Initial values from the page the user came from (the source and its project)."""
    get, user = request.GET, request.user
    initial = {"year": get.get("year") or work_year, "project": get.get("project", "")}
    picks = [
        ("alert", FundActionSource.ALERT, Alert, lambda o: o.year),
        ("rectification", FundActionSource.RECTIFICATION, Rectification, lambda o: o.year),
        ("selfeval", FundActionSource.EVALUATION, SelfEvaluation, lambda o: o.year + 1),
        ("key_evaluation", FundActionSource.EVALUATION, KeyEvaluation, lambda o: o.year),
    ]
    for name, source, model, action_year in picks:
        pk = get.get(name, "")
        if not pk.isdigit():
            continue
        link = model.objects.select_related("project").get_visible_or_404(user, pk=pk)
        initial.update({"source": source, name: str(link.pk), "year": action_year(link)})
        if getattr(link, "project", None) is not None:
            initial["project"] = link.project.code
        break
    if get.get("kind") in FundActionKind.values:
        initial["kind"] = get["kind"]
    initial.setdefault("date", timezone.localdate())
    return initial


def _linked(user, form) -> dict:
    """The chosen links, loaded in the user's scope (a forged id is a 404)."""
    return {
        name: model.objects.get_visible_or_404(user, pk=form.cleaned_data[name])
        for name, model in LINK_MODELS.items()
        if form.cleaned_data.get(name)
    }


def _form_project(form, user, region, field: str) -> Project | None:
    """The project whose code the form's `field` gives, in the form's year; an error at the
    field when there is none."""
    data = form.cleaned_data
    project = _visible_project(user, region, data["year"], data[field])
    if project is None:
        form.add_error(
            field,
            _("在%(year)s年度没有编码为“%(code)s”的项目。")
            % {"year": data["year"], "code": data[field]},
        )
    return project


def _record(request, form, region):
    """Record the action from a valid form, or put each refusal at its field."""
    data, user = form.cleaned_data, request.user
    project = _form_project(form, user, region, "project")
    receiving = None
    if data["receiving_project"].strip():
        receiving = _form_project(form, user, region, "receiving_project")
        if receiving is None:
            return None
    if project is None:
        return None
    try:
        return services.fund_action_create(
            actor=user,
            project=project,
            kind=data["kind"],
            amount=data["amount"],
            date=data["date"],
            reason=data["reason"],
            source=data["source"],
            document_number=data["document_number"],
            receiving_project=receiving,
            **_linked(user, form),
        )
    except services.FundActionRefused as refused:
        for problem in refused.problems:
            form.add_error(problem.path if problem.path in form.fields else None, problem.message)
    return None


@role_required(*services.RECORDERS)
def fund_action_new(request):
    region, year = _work(request)
    if request.method == "POST":
        data = request.POST
        project = _visible_project(request.user, region, data.get("year"), data.get("project"))
        form = FundActionForm(data, sources=_sources_of(request.user, project))
        if form.is_valid() and (action := _record(request, form, region)):
            messages.success(request, _("已登记%(kind)s。") % {"kind": action.get_kind_display()})
            return redirect("fund-action-detail", action.pk)
    else:
        initial = _prefill(request, year)
        project = _visible_project(request.user, region, initial["year"], initial["project"])
        form = FundActionForm(initial=initial, sources=_sources_of(request.user, project))
    return render(
        request,
        T + "fund_form.html",
        {"form": form, "project": project, **_balance_today(project)},
    )


def _balance_today(project: Project | None) -> dict:
    """The project's balance on today, held within its budget year, and where it comes from."""
    if project is None:
        return {}
    today = timezone.localdate()
    on = min(max(today, datetime.date(project.year, 1, 1)), datetime.date(project.year, 12, 31))
    balance = services.project_balance(project, on)
    return {"balance": balance, "balance_text": render_message(balance.explanation())}


# --------------------------------------------------------------------------- one action


def source_url(action) -> str:
    """The page of the action's source, if the user's apps serve one."""
    targets = [
        ("alert", "alert-detail"),
        ("selfeval", "selfeval-detail"),
        ("key_evaluation", "key-detail"),
        ("rectification", "rectification-detail"),
    ]
    for field, url_name in targets:
        pk = getattr(action, f"{field}_id")
        if pk:
            try:
                return reverse(url_name, args=[pk])
            except NoReverseMatch:
                return ""
    return ""


@login_required
def fund_action_detail(request, pk):
    action = services.fund_action_get(user=request.user, pk=pk)
    return render(
        request,
        T + "fund_detail.html",
        {
            "action": action,
            "source_link": action.alert
            or action.selfeval
            or action.key_evaluation
            or action.rectification,
            "source_url": source_url(action),
            "current_budget": services.project_current_budget(action.project),
        },
    )


def project_panel(request, project) -> str:
    """The project page's section: the actions taken from it or redeployed to it, and its
    budget from today on beside the full-year budget that was measured."""
    rows = list(
        FundAction.objects.visible_to(request.user)
        .filter(Q(project=project) | Q(receiving_project=project))
        .select_related("project", "receiving_project")
    )
    return render_to_string(
        T + "_fund_panel.html",
        {
            "project": project,
            "actions": rows,
            "current_budget": services.project_current_budget(project),
            "may_record": services.may_record(request.user),
        },
        request=request,
    )


def fund_action_buttons(request, *, source: str, pk: int) -> str:
    """The buttons 调整 / 收回 / 盘活 for a source's page (`source`: "alert", "rectification",
    "selfeval" or "key_evaluation"), each opening the form with the source and the kind filled
    in; nothing for a user who does not record actions."""
    if not services.may_record(request.user) or source not in LINK_MODELS:
        return ""
    return render_to_string(
        T + "_fund_buttons.html",
        {"source": source, "pk": pk, "kinds": FundActionKind.choices},
        request=request,
    )
