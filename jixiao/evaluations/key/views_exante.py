"""Pages of ex-ante assessments (事前绩效评估, DOMAIN.md §7): the list, a unit's request for a new
project or policy, and the assessment's page with its workflow, panel, scoring, conclusion and
report."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.budgets.models import Project
from jixiao.core import edit_stamp
from jixiao.core.sorting import sorting
from jixiao.core.views import act, document_transition, download_response, error_text, paginate
from jixiao.orgs.models import Role, Unit

from . import exante, selectors
from .models import Conclusion, ExAnteStatus, Expert
from .views_report import DOCX
from .views_scoring import score_page, scoring_table
from .work import rules_of
from .workflow import EX_ANTE_WORKFLOW

T = "evaluations/key/"


def _detail_url(assessment) -> str:
    return reverse("exante-detail", args=[assessment.pk])


@login_required
def exante_list_view(request):
    work = request.work
    rows = selectors.exante_list(
        user=request.user,
        region=work.region,
        year=work.year,
        filters={"status": request.GET.get("status", ""), "sort": request.GET.get("sort", "")},
    )
    page, query = paginate(request, rows)
    candidates = exante.exante_candidates(user=request.user, region=work.region, year=work.year)
    return render(
        request,
        T + "exante_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.EXANTE_SORTS),
            "statuses": ExAnteStatus.choices,
            "candidates": candidates,
            "can_request": request.user.has_role(Role.FILER),
        },
    )


@login_required
def exante_new_view(request):
    """A filer's request: a project of the budget year that needs an assessment, or a new
    policy of the filer's unit."""
    work = request.work
    if not request.user.has_role(Role.FILER) or work.region is None:
        raise PermissionDenied(_("只有单位填报人员可以申请事前绩效评估。"))
    candidates = exante.exante_candidates(user=request.user, region=work.region, year=work.year)
    units = Unit.objects.filter(pk__in=request.user.get_scope().unit_ids).order_by("code")
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        project = None
        if str(data.get("project") or "").isdigit():
            project = Project.objects.visible_to(request.user).filter(pk=data["project"]).first()
            if project is None:
                raise Http404
        unit = units.filter(pk=data.get("unit") or 0).first()
        texts = {k: data.get(k, "") for k in exante.TEXT_FIELDS}
        try:
            amount = _amount(data.get("amount"))
            assessment = exante.exante_create(
                actor=request.user, region=work.region, year=work.year, project=project,
                subject=data.get("subject", ""), unit=unit, amount=amount, **texts,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已创建事前绩效评估申请。"))
            return redirect(_detail_url(assessment))
    return render(
        request,
        T + "exante_new.html",
        {"candidates": candidates, "units": units, "data": data, "year": work.year},
    )


def _amount(raw):
    raw = str(raw or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("申请金额“%(v)s”不是数字。") % {"v": raw[:20]}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(_("申请金额应为不小于 0 的数字。"))
    return value


@login_required
def exante_detail_view(request, pk: int):
    return _detail_page(request, selectors.exante_get(user=request.user, pk=pk))


def _detail_page(request, assessment, *, status: int = 200):
    user = request.user
    is_office = user.has_role(Role.PERFORMANCE)
    result = exante.suggestion(assessment)
    allowed = [band["conclusion"] for band in rules_of(assessment)["ex_ante"]["conclusions"]]
    member = selectors.panel_member(assessment.panel, user)
    return render(
        request,
        T + "exante_detail.html",
        {
            "assessment": assessment,
            "can_edit": assessment.edit_refusal(user) is None,
            "members": assessment.panel.members.select_related("expert"),
            "experts": Expert.objects.filter(region=assessment.region, available=True)
            if is_office and assessment.status in exante.STAFFING
            else [],
            "scoring": scoring_table(request, assessment.panel, _detail_url(assessment)),
            "may_score": member is not None and assessment.status == ExAnteStatus.SCORING,
            "may_conclude": is_office and assessment.status == ExAnteStatus.SCORING,
            "suggestion": result,
            "conclusions": [c for c in Conclusion.values if c in allowed],
        },
        status=status,
    )


@login_required
@require_POST
def exante_edit_view(request, pk: int):
    assessment = selectors.exante_get(user=request.user, pk=pk)
    texts = {k: request.POST.get(k, "") for k in exante.TEXT_FIELDS}
    try:
        exante.exante_save(
            actor=request.user,
            assessment=assessment,
            loaded=edit_stamp.posted(request.POST),
            **texts,
        )
    except (ValidationError, PermissionDenied) as exc:
        # the page again with what was typed, not saved: a redirect would lose it
        messages.error(request, error_text(exc))
        edit_stamp.restamp(assessment, exc)  # a colleague's newer save: the form's new stamp
        for key, text in texts.items():
            setattr(assessment, key, text)
        return _detail_page(request, assessment, status=400)
    messages.success(request, _("已保存。"))
    return redirect(_detail_url(assessment))


@login_required
@require_POST
def exante_assign_view(request, pk: int):
    assessment = selectors.exante_get(user=request.user, pk=pk)
    expert = Expert.objects.filter(
        region=assessment.region, pk=request.POST.get("expert") or 0
    ).first()
    if expert is None:
        messages.error(request, _("请选择专家。"))
        return redirect(_detail_url(assessment))
    assign = partial(exante.exante_expert_assign, actor=request.user, assessment=assessment)
    declaration = request.FILES.get("declaration")
    done = _("已选派专家 %(n)s。") % {"n": expert.name}
    act(request, lambda: assign(expert=expert, declaration_file=declaration), done)
    return redirect(_detail_url(assessment))


@login_required
def exante_score_view(request, pk: int):
    assessment = selectors.exante_get(user=request.user, pk=pk)
    evidence = render_to_string(T + "exante_evidence.html", {"assessment": assessment})
    return score_page(
        request,
        panel=assessment.panel,
        back_url=_detail_url(assessment),
        subject=assessment.subject,
        evidence=evidence,
    )


@login_required
def exante_report_view(request, pk: int):
    assessment = selectors.exante_get(user=request.user, pk=pk)
    if assessment.status != ExAnteStatus.CONCLUDED:
        messages.error(request, _("尚未出具评估结论，暂无评估报告。"))
        return redirect(_detail_url(assessment))
    name = _("%(s)s事前绩效评估报告.docx") % {"s": assessment.subject}
    data = exante.exante_report_docx(assessment)
    return download_response(request, data, name, DOCX, kind="exante_report", rows=1)


exante_transition_view = document_transition(
    get=selectors.exante_get,
    workflow=EX_ANTE_WORKFLOW,
    perform=exante.exante_act,
    document_arg="assessment",
    detail="exante-detail",
    extra=lambda request: {"conclusion": request.POST.get("conclusion", "")},
)
