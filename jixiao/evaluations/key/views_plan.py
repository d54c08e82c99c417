"""Pages of key evaluations: the evaluation plan (立项) and its five-year cover, for the
performance office; department evaluations (部门评价) started by a first-level unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.budgets.models import Project
from jixiao.core.views import act, error_text, safe_back
from jixiao.orgs.models import Role, Unit, UnitYear

from . import plan
from .models import KeyCandidate
from .selection import FACTORS

FACTOR_LABELS = {
    "amount": gettext_lazy("金额"),
    "coverage": gettext_lazy("覆盖面"),
    "attention": gettext_lazy("社会关注度"),
    "years": gettext_lazy("距上次评价"),
    "last_grade": gettext_lazy("上次评价等级"),
}


def _office_work(request):
    """The working region and year of the performance office; anyone else: 404 (the plan is a
    data page)."""
    if not request.user.has_role(Role.PERFORMANCE) or request.work.region is None:
        raise Http404
    return request.work.region, request.work.year


def _int(value, label) -> int:
    text = str(value or "0").strip() or "0"
    if not text.isdigit():
        raise ValidationError(_("%(l)s须为非负整数。") % {"l": label})
    return int(text)


def _first_level_units(region, year):
    ids = UnitYear.objects.filter(unit__region=region, year=year, level=1).values("unit_id")
    return Unit.objects.filter(pk__in=ids).order_by("code")


@login_required
def key_plan(request, tab: str = "plan"):
    region, year = _office_work(request)
    rules = plan.key_rules(region, year)
    f = request.GET
    context = {
        "tab": tab,
        "year": year,
        "project_year": year - 1,
        "weights": [(FACTOR_LABELS[n], rules["selection"]["weights"][n]) for n in FACTORS],
        "factor_labels": [FACTOR_LABELS[n] for n in FACTORS],
        "cover_cycle": rules["cover_cycle"],
        "key_line": rules["key_project"]["line"],
    }
    if tab == "cover":
        context["groups"] = plan.cover_rows(user=request.user, region=region, year=year)
    else:
        filters = {
            "unit": f.get("unit", ""),
            "special_kind": f.get("special_kind", ""),
            "key_only": f.get("key_only", ""),
        }
        context |= {
            "rows": plan.plan_rows(user=request.user, region=region, year=year, filters=filters),
            "units": _first_level_units(region, year - 1),
            "all_units": Unit.objects.filter(region=region).order_by("code"),
            "special_kinds": plan.special_kind_labels(rules),
        }
    return render(request, "evaluations/key/plan.html", context)


def _back_to_plan(request):
    return redirect(safe_back(request, reverse("key-plan")))


@login_required
@require_POST
def key_candidate_save(request):
    """The inline edit of a candidate's coverage and public attention."""
    region, year = _office_work(request)
    post = request.POST
    project = candidate = None
    if post.get("candidate"):
        candidate = KeyCandidate.objects.get_visible_or_404(request.user, pk=post["candidate"])
    else:
        project = Project.objects.get_visible_or_404(request.user, pk=post.get("project"))

    def save():
        plan.candidate_save(
            actor=request.user,
            region=region,
            year=year,
            project=project,
            candidate=candidate,
            beneficiaries=_int(post.get("beneficiaries"), _("受益人数")),
            units_involved=_int(post.get("units_involved"), _("涉及单位数")),
            public_attention=bool(post.get("public_attention")),
            attention_note=post.get("attention_note", ""),
        )

    act(request, save, _("已保存遴选信息，排序已按规则重新计算。"))
    return _back_to_plan(request)


@login_required
@require_POST
def key_policy_add(request):
    region, year = _office_work(request)
    subject = request.POST.get("subject", "")
    act(
        request,
        lambda: plan.policy_add(actor=request.user, region=region, year=year, subject=subject),
        _("已加入备选清单。"),
    )
    return _back_to_plan(request)


@login_required
@require_POST
def key_pick(request):
    """立项: the picked candidate becomes a key evaluation with its default framework."""
    region, year = _office_work(request)
    post = request.POST
    project = candidate = unit = None
    if post.get("candidate"):
        candidate = KeyCandidate.objects.get_visible_or_404(request.user, pk=post["candidate"])
        if str(post.get("unit") or "").isdigit():
            unit = Unit.objects.get_visible_or_404(request.user, pk=post["unit"])
    else:
        project = Project.objects.get_visible_or_404(request.user, pk=post.get("project"))
    try:
        evaluation = plan.evaluation_pick(
            actor=request.user,
            region=region,
            year=year,
            project=project,
            candidate=candidate,
            unit=unit,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return _back_to_plan(request)
    messages.success(request, _("已立项：%(s)s。") % {"s": evaluation.subject})
    return _back_to_plan(request)


@login_required
def key_department_new(request):
    """A first-level unit's leader or filer starts a department evaluation (部门评价) of one of
    its level-2 units' projects. The menu offers the page to every unit's people, so another
    unit's get the page saying why they cannot (a level-2 unit's evaluation is its department's
    to organise); anyone else, and any post of theirs: 404."""
    year = request.work.year
    unit = plan.department_unit(request.user, year)
    if unit is None:
        if request.method == "POST" or request.user.unit is None:
            raise Http404
        context = {"unit": request.user.unit, "year": year, "not_first_level": True}
        return render(request, "evaluations/key/plan_department.html", context)
    projects = plan.department_projects(request.user, year)
    error = ""
    if request.method == "POST":
        project = Project.objects.get_visible_or_404(request.user, pk=request.POST.get("project"))
        try:
            evaluation = plan.department_evaluation_create(
                actor=request.user, year=year, project=project
            )
        except (ValidationError, PermissionDenied) as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已组织部门评价：%(s)s。") % {"s": evaluation.subject})
            return redirect("key-detail", pk=evaluation.pk)
    return render(
        request,
        "evaluations/key/plan_department.html",
        {
            "projects": projects,
            "unit": unit,
            "year": year,
            "error": error,
        },
        status=400 if error else 200,
    )
