"""Pages of how each result was used (结果应用登记, DOMAIN.md §8.2): the work year's results with
filters (kind, unit, not yet recorded), the totals, one compact form per row (the five uses and
the instruction), an xlsx download, and the project page's panel."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core.jobs import file_builder
from jixiao.core.views import act, file_or_job, paginate, safe_back, sheet_file
from jixiao.orgs.models import Region, Unit

from . import result_uses as services
from .models import RESULT_USE_FLAGS, ResultUse

T = "results/"


@file_builder
def uses_file(user, *, region: str, year: int, kind: str, unit: str, missing: bool):
    """The result uses' download as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows = services.results_of_year(user, found, year, kind=kind, unit=unit, missing=missing)
    return uses_sheet(rows, year)


def uses_sheet(rows, year: int):
    return sheet_file(
        sheet=_("结果应用情况"),
        headers=sheet_headers(),
        rows=sheet_rows(rows),
        title=_("%(year)s年度绩效评价结果应用情况") % {"year": year},
        widths=(12, 10, 24, 36, 8, 10, 10, 10, 10, 10, 30, 20),
        filename=f"result-uses-{year}.xlsx",
        kind="result-uses",
    )


def _work(request):
    """The working region and the work year (`?year=` when given)."""
    if request.work.region is None:
        raise Http404
    year = request.GET.get("year", "")
    return request.work.region, int(year) if year.isdigit() else request.work.year


class UseForm(forms.ModelForm):
    class Meta:
        model = ResultUse
        fields = (*RESULT_USE_FLAGS, "instruction")
        widgets = {"instruction": forms.TextInput}

    def __init__(self, *args, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # the row's inputs sit in the table's cells and belong to the form of its last cell
            field.widget.attrs["form"] = form_id
            field.widget.attrs["aria-label"] = field.label


def _yes(value: bool) -> str:
    return _("是") if value else ""


def sheet_rows(rows) -> list[list]:
    out = []
    for r in rows:
        use = r.use
        flags = [_yes(bool(use and getattr(use, f))) for f in RESULT_USE_FLAGS]
        out.append(
            [r.kind_label, r.unit.code, r.unit.name, r.subject, r.grade, *flags]
            + [use.instruction if use else "", use.note if use else ""]
        )
    return out


def sheet_headers() -> list[str]:
    return [
        _("结果类型"), _("单位编码"), _("预算单位"), _("评价对象"), _("评价等级"),
        *(str(ResultUse._meta.get_field(f).verbose_name) for f in RESULT_USE_FLAGS),
        _("领导批示情况"), _("备注"),
    ]  # fmt: skip


@login_required
def uses_list(request):
    region, year = _work(request)
    kind = request.GET.get("kind", "")
    unit = request.GET.get("unit", "").strip()
    missing = bool(request.GET.get("missing"))
    rows = services.results_of_year(
        request.user, region, year, kind=kind, unit=unit, missing=missing
    )
    if request.GET.get("export") == "xlsx":
        return file_or_job(
            request,
            uses_file,
            rows=len(rows),
            region=region,
            year=year,
            now=lambda: uses_sheet(rows, year),
            kind=kind,
            unit=unit,
            missing=missing,
        )
    page, query = paginate(request, rows)
    for row in page:
        prefix = f"{row.kind}-{row.result.pk}"
        row.form = UseForm(instance=row.use or ResultUse(), prefix=prefix, form_id=f"use-{prefix}")
        row.may_record = services.may_record(request.user, row.kind)
    sets = services.result_sets(request.user, region, year)
    q = Q(pk__in=[])
    for rows_of_kind in sets.values():
        q |= Q(pk__in=rows_of_kind.values("unit_id"))
    units = Unit.objects.filter(q).order_by("code")
    return render(
        request,
        T + "uses_list.html",
        {
            "year": year,
            "page": page,
            "query": query,
            "totals": services.use_totals(rows),
            "kinds": list(services.KINDS.items()),
            "units": units,
            "labels": [ResultUse._meta.get_field(f).verbose_name for f in RESULT_USE_FLAGS],
            "back": request.get_full_path(),
        },
    )


@require_POST
@login_required
def uses_save(request, kind: str, pk: int):
    if kind not in services.MODELS:
        raise Http404
    result = services.MODELS[kind].objects.get_visible_or_404(request.user, pk=pk)
    if not services.may_record(request.user, kind):
        raise PermissionDenied
    form = UseForm(request.POST, prefix=f"{kind}-{pk}")
    back = safe_back(request, reverse("result-use-list"))
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}")
        return redirect(back)
    values = {name: form.cleaned_data[name] for name in form.Meta.fields}
    act(
        request,
        lambda: services.result_use_save(actor=request.user, result=result, **values),
        _("已登记“%(result)s”的应用情况。") % {"result": str(result)},
    )
    return redirect(back)


def project_panel(request, project) -> str:
    """The project page's section: the project's results (its self-evaluation, its key
    evaluations) the user sees, and how each was used."""
    from jixiao.evaluations.key.models import KeyStatus
    from jixiao.evaluations.models import EvaluationStatus, KeyEvaluation, SelfEvaluation

    rows = []
    selfevals = SelfEvaluation.objects.visible_to(request.user).filter(
        project=project, status=EvaluationStatus.CONFIRMED
    )
    keys = KeyEvaluation.objects.visible_to(request.user).filter(
        project=project, status=KeyStatus.ARCHIVED
    )
    uses = {
        (u.selfeval_id, u.key_evaluation_id): u
        for u in ResultUse.objects.filter(selfeval__in=selfevals.values("pk"))
        | ResultUse.objects.filter(key_evaluation__in=keys.values("pk"))
    }
    for s in selfevals:
        rows.append(services.ResultRow("selfeval", s, uses.get((s.pk, None))))
    for k in keys.select_related("unit"):
        rows.append(services.ResultRow("key_evaluation", k, uses.get((None, k.pk))))
    if not rows:
        return ""
    return render_to_string(
        T + "uses_panel.html", {"rows": rows, "flags": RESULT_USE_FLAGS}, request=request
    )
