"""Pages of key evaluations: the agency and expert registries (the performance office keeps
them, the auditor reads them), the assignment section of the evaluation page, the agency's
执业质量 score and the random quality checks (财监〔2021〕4号)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core.views import act, audit_export, error_text
from jixiao.orgs.models import Role

from . import registry, selectors
from .forms_registry import AgencyForm, EngagementForm, ExpertForm
from .models import Agency, Expert, KeyEvaluation, PanelMember, QualityCheck
from .workflow import commissioning_office

READERS = (Role.PERFORMANCE, Role.AUDITOR)


def _reader_region(request):
    """The working region for the registry's readers (the office, the auditor); anyone else:
    404, the registries being data pages."""
    if not request.user.has_role(*READERS) or request.work.region is None:
        raise Http404
    return request.work.region


def _keeper_region(request):
    """The working region for the office, which keeps the registries; the auditor reads only."""
    region = _reader_region(request)
    if not request.user.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以维护第三方机构和专家库。"))
    return region


def _service_errors(form, exc) -> None:
    """A service's refusal on the form: by field where it names one."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))


def _edit_page(request, *, form, save, template: str, context: dict, done):
    """GET shows the form; a valid POST calls `save(cleaned_data)` (a service) and goes to
    `done(saved)`; a refusal is shown on the form (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(done(saved))
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


# --------------------------------------------------------------------------- agencies


@login_required
def agency_list(request):
    region = _reader_region(request)
    agencies = registry.agency_ranking(region)
    return render(
        request,
        "evaluations/key/agency_list.html",
        {"agencies": agencies, "can_edit": request.user.has_role(Role.PERFORMANCE)},
    )


@login_required
def agency_detail(request, pk: int):
    region = _reader_region(request)
    agency = Agency.objects.filter(region=region).get_visible_or_404(request.user, pk=pk)
    evaluations = agency.evaluations.select_related("unit", "project").order_by("-year", "pk")
    can_edit = request.user.has_role(Role.PERFORMANCE)
    return render(
        request,
        "evaluations/key/agency_detail.html",
        {
            "agency": agency,
            "evaluations": evaluations,
            "average": registry.agency_quality_average(agency),
            "engagements": agency.engagements.select_related("unit").order_by("-year", "pk"),
            "checks": QualityCheck.objects.filter(evaluation__agency=agency)
            .select_related("evaluation")
            .order_by("-year", "pk"),
            "can_edit": can_edit,
            "engagement_form": EngagementForm(region=region) if can_edit else None,
        },
    )


def _agency_save(request, region, agency):
    def save(data):
        members = data.pop("members", [])
        return registry.agency_save(
            actor=request.user, region=region, agency=agency, members=members, **data
        )

    return save


@login_required
def agency_new(request):
    region = _keeper_region(request)
    return _edit_page(
        request,
        form=AgencyForm(request.POST or None, region=region),
        save=_agency_save(request, region, None),
        template="evaluations/key/agency_edit.html",
        context={"agency": None},
        done=lambda a: reverse("agency-detail", args=[a.pk]),
    )


@login_required
def agency_edit(request, pk: int):
    region = _keeper_region(request)
    agency = Agency.objects.filter(region=region).get_visible_or_404(request.user, pk=pk)
    return _edit_page(
        request,
        form=AgencyForm(request.POST or None, instance=agency, region=region),
        save=_agency_save(request, region, agency),
        template="evaluations/key/agency_edit.html",
        context={"agency": agency},
        done=lambda a: reverse("agency-detail", args=[a.pk]),
    )


@login_required
@require_POST
def agency_engagement_add(request, pk: int):
    region = _keeper_region(request)
    agency = Agency.objects.filter(region=region).get_visible_or_404(request.user, pk=pk)
    form = EngagementForm(request.POST, region=region)
    if not form.is_valid():
        messages.error(request, _("请填写单位、年度和业务类型。"))
    else:
        act(
            request,
            lambda: registry.engagement_add(actor=request.user, agency=agency, **form.cleaned_data),
            _("已登记该机构为单位提供的服务。"),
        )
    return redirect("agency-detail", pk=agency.pk)


# --------------------------------------------------------------------------- experts


@login_required
def expert_list(request):
    region = _reader_region(request)
    experts = (
        Expert.objects.visible_to(request.user)
        .filter(region=region)
        .select_related("employer_unit", "user")
        .prefetch_related("ties")
    )
    return render(
        request,
        "evaluations/key/expert_list.html",
        {"experts": experts, "can_edit": request.user.has_role(Role.PERFORMANCE)},
    )


def _expert_page(request, expert):
    region = _keeper_region(request)

    def save(data):
        ties = data.pop("ties", [])
        return registry.expert_save(
            actor=request.user, region=region, expert=expert, ties=ties, **data
        )

    return _edit_page(
        request,
        form=ExpertForm(request.POST or None, instance=expert, region=region),
        save=save,
        template="evaluations/key/expert_edit.html",
        context={"expert": expert},
        done=lambda e: reverse("expert-list"),
    )


@login_required
def expert_new(request):
    return _expert_page(request, None)


@login_required
def expert_edit(request, pk: int):
    region = _reader_region(request)
    return _expert_page(
        request, Expert.objects.filter(region=region).get_visible_or_404(request.user, pk=pk)
    )


# --------------------------------------------------------------------------- assignment


def _may_read_declarations(evaluation, user) -> bool:
    return user.has_role(*READERS) or commissioning_office(evaluation, user) is None


def registry_panel(request, evaluation) -> str:
    """The evaluation page's assignment section (agency, experts, declarations, quality)."""
    user = request.user
    office = commissioning_office(evaluation, user) is None
    can_assign = office and evaluation.status in registry.ASSIGNABLE
    members = list(evaluation.panel.members.select_related("expert__employer_unit"))
    on_panel = {m.expert_id for m in members}
    files = registry.declarations(evaluation) if _may_read_declarations(evaluation, user) else {}
    context = {
        "evaluation": evaluation,
        "members": [(m, files.get(m.pk, [])) for m in members],
        "can_assign": can_assign,
        "can_unassign": office
        and not evaluation.panel.members.filter(scores__isnull=False).exists(),
        "can_score_agency": office
        and evaluation.agency_id is not None
        and evaluation.status in registry.QUALITY_SCORABLE,
    }
    if can_assign:
        context["agencies"] = [
            a for a in registry.agency_ranking(evaluation.region) if a.pk != evaluation.agency_id
        ]
        context["experts"] = Expert.objects.filter(
            region=evaluation.region, available=True
        ).exclude(pk__in=on_panel)
    return render_to_string("evaluations/key/_assignment.html", context, request=request)


def _evaluation(request, pk: int) -> KeyEvaluation:
    return selectors.key_get(user=request.user, pk=pk)


def _registry_entry(model, evaluation, pk):
    """An agency or expert of the evaluation's region: whoever commissions the evaluation (the
    office, or a unit for its department evaluation) chooses from the region's registry."""
    if not str(pk or "").isdigit():
        raise Http404
    entry = model.objects.filter(region=evaluation.region, pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def _back(evaluation) -> str:
    return reverse("key-detail", args=[evaluation.pk]) + "#assignment"


@login_required
@require_POST
def key_assign_agency(request, pk: int):
    evaluation = _evaluation(request, pk)
    agency = _registry_entry(Agency, evaluation, request.POST.get("agency"))
    act(
        request,
        lambda: registry.agency_assign(actor=request.user, evaluation=evaluation, agency=agency),
        _("已委托第三方机构：%(n)s。") % {"n": agency.name},
    )
    return redirect(_back(evaluation))


@login_required
@require_POST
def key_assign_expert(request, pk: int):
    evaluation = _evaluation(request, pk)
    expert = _registry_entry(Expert, evaluation, request.POST.get("expert"))
    act(
        request,
        lambda: registry.expert_assign(
            actor=request.user,
            evaluation=evaluation,
            expert=expert,
            declaration_file=request.FILES.get("declaration"),
        ),
        _("已选派评审专家：%(n)s。") % {"n": expert.name},
    )
    return redirect(_back(evaluation))


def _member(evaluation, member_pk: int) -> PanelMember:
    member = evaluation.panel.members.select_related("expert").filter(pk=member_pk).first()
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def key_unassign_expert(request, pk: int, member_pk: int):
    evaluation = _evaluation(request, pk)
    member = _member(evaluation, member_pk)
    act(
        request,
        lambda: registry.expert_unassign(actor=request.user, evaluation=evaluation, member=member),
        _("已撤回评审专家：%(n)s。") % {"n": member.expert.name},
    )
    return redirect(_back(evaluation))


@login_required
def key_declaration(request, pk: int, member_pk: int, file_pk: int):
    """A member's signed 回避 declaration, for the office and the auditor (404 otherwise)."""
    evaluation = _evaluation(request, pk)
    if not _may_read_declarations(evaluation, request.user):
        raise Http404
    member = _member(evaluation, member_pk)
    files = registry.declarations(evaluation).get(member.pk, [])
    attachment = next((f for f in files if f.pk == file_pk), None)
    if attachment is None:
        raise Http404
    audit_export(request, kind="attachment", rows=1, name=attachment.name)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.mime,
    )


@login_required
@require_POST
def key_agency_quality(request, pk: int):
    evaluation = _evaluation(request, pk)
    act(
        request,
        lambda: registry.agency_quality_score(
            actor=request.user,
            evaluation=evaluation,
            score=request.POST.get("score", ""),
            note=request.POST.get("note", ""),
        ),
        _("已记录第三方机构执业质量评分。"),
    )
    return redirect(_back(evaluation))


# --------------------------------------------------------------------------- quality checks


def _year(request) -> int:
    text = str(request.GET.get("year") or request.POST.get("year") or "")
    return int(text) if text.isdigit() else request.work.year


@login_required
def quality_checks(request):
    """The year's random quality checks: the draw (office), its seed and a repeat of it, and
    each drawn report's re-reading."""
    region = _reader_region(request)
    year = _year(request)
    if request.method == "POST":
        if not request.user.has_role(Role.PERFORMANCE):
            raise PermissionDenied(_("只有绩效办可以抽取质量抽查。"))
        seed = request.POST.get("seed", "")
        act(
            request,
            lambda: registry.quality_draw(actor=request.user, region=region, year=year, seed=seed),
            _("已抽取 %(y)s 年的质量抽查。") % {"y": year},
        )
        return redirect(reverse("quality-checks") + f"?year={year}")
    checks = list(
        QualityCheck.objects.visible_to(request.user)
        .filter(region=region, year=year)
        .select_related("evaluation__agency", "evaluation__unit", "drawn_by")
    )
    redraw = registry.quality_redraw(region, year)
    return render(
        request,
        "evaluations/key/quality_checks.html",
        {
            "year": year,
            "checks": checks,
            "redraw": redraw,
            "redraw_matches": redraw is not None
            and sorted(c.evaluation_id for c in checks) == redraw.drawn,
            "population": len(registry.quality_population(region, year)),
            "can_edit": request.user.has_role(Role.PERFORMANCE),
        },
    )


@login_required
@require_POST
def quality_check_record(request, pk: int):
    region = _keeper_region(request)
    check = QualityCheck.objects.filter(region=region).get_visible_or_404(request.user, pk=pk)
    post = request.POST
    act(
        request,
        lambda: registry.quality_record(
            actor=request.user,
            check=check,
            reviewer=post.get("reviewer", ""),
            findings=post.get("findings", ""),
            score=post.get("score", ""),
            done_on=parse_date(post.get("done_on", "") or "") if post.get("done_on") else None,
        ),
        _("已记录复核结果。"),
    )
    return redirect(reverse("quality-checks") + f"?year={check.year}")
