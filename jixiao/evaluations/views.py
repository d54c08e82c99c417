"""Pages for evaluations. In work year Y the units evaluate the projects of Y−1 (DOMAIN.md §9),
so lists show the previous year's projects."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.budgets.models import FUNDING_SOURCES, Project
from jixiao.core import edit_stamp, jobs, workflow
from jixiao.core.imports import overlong
from jixiao.core.numbers import decimal_places, typed_decimal
from jixiao.core.review_draft import keep_review_draft, review_draft
from jixiao.core.rulebook import BASES
from jixiao.core.sorting import sorting
from jixiao.core.views import (
    act,
    document_import_page,
    document_transition,
    edit_refused,
    error_text,
    paginate,
    queue_page,
    role_required,
)
from jixiao.orgs.models import Role, Unit

from . import selectors, services
from .models import EvaluationStatus, SelfEvalIndicator, UnitEvaluation
from .workflow import SELFEVAL_WORKFLOW, UNIT_EVALUATION_WORKFLOW

BANDS = ["达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差"]


def _evaluated_year(request) -> int:
    return request.work.year - 1


@login_required
def selfeval_list(request):
    work = request.work
    f = request.GET
    rows = selectors.selfeval_list(
        user=request.user,
        region=work.region,
        year=_evaluated_year(request),
        status=f.get("status", ""),
        grade=f.get("grade", ""),
        unit=f.get("unit", ""),
        q=f.get("q", "").strip(),
        flagged=f.get("flagged", ""),
        sort=f.get("sort", ""),
    )
    page, query = paginate(request, rows)
    candidates = []
    if request.user.has_role(Role.FILER):
        candidates = selectors.startable_projects(user=request.user, year=_evaluated_year(request))
    return render(
        request,
        "evaluations/selfeval_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.SELFEVAL_SORTS),
            "statuses": EvaluationStatus.choices,
            "queue": False,
            "evaluated_year": _evaluated_year(request),
            "candidates": candidates,
            "can_import": request.user.has_role(Role.FILER),
        },
    )


@login_required
def selfeval_import(request):
    """A unit's self-evaluations from the official table (xlsx, one per worksheet) or JSON, for
    its own projects of the evaluated year; `?template=1` gives its self-evaluations as tables."""
    from .importers import SelfEvalImporter

    return document_import_page(
        request,
        SelfEvalImporter,
        year=_evaluated_year(request),
        list_url=reverse("selfeval-list"),
    )


@login_required
def selfeval_queue(request):
    year = _evaluated_year(request)
    return queue_page(
        request,
        queue=lambda sort: selectors.selfeval_queue(
            user=request.user, region=request.work.region, year=year, sort=sort
        ),
        sorts=selectors.SELFEVAL_SORTS,
        template="evaluations/selfeval_list.html",
        evaluated_year=year,
    )


@role_required(Role.FILER)
@require_POST
def selfeval_start(request):
    project = Project.objects.get_visible_or_404(request.user, pk=request.POST.get("project"))
    try:
        selfeval = services.selfeval_create(actor=request.user, project=project)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("selfeval-list")
    return redirect("selfeval-edit", pk=selfeval.pk)


@role_required(Role.FILER)
@require_POST
def selfeval_start_all(request):
    """为全部可自评项目开始自评: the 自评表 of every project the filer may start now (of their
    units, or of the unit posted: 404 outside them), at once; past the rulebook's row threshold
    as a background job. The projects refused are listed with their reasons."""
    unit = None
    if request.POST.get("unit"):
        unit = get_object_or_404(
            Unit, pk__in=request.user.get_scope().unit_ids, pk=request.POST["unit"]
        )
    year = _evaluated_year(request)
    projects = selectors.startable_projects(user=request.user, year=year, unit=unit)
    if jobs.too_big(projects.count(), region=request.work.region, year=request.work.year):
        params = {"year": year, "unit": unit.pk if unit is not None else None}
        return jobs.start_and_follow(request, kind="selfevals_start", params=params)
    result = services.selfevals_start(actor=request.user, projects=projects)
    (messages.warning if result.refused else messages.success)(
        request, services.start_summary(result.as_data())
    )
    return redirect("selfeval-list")


def _rows(post) -> list[dict]:
    return [
        {
            "position": p,
            **{f: post.get(f"{f}-{p}", "") for f in services.ROW_FIELDS if f"{f}-{p}" in post},
        }
        for p in post.getlist("position")
    ]


def _executed(post) -> dict:
    return {
        src: post.get(f"executed_{src}", "")
        for src, _l in FUNDING_SOURCES
        if f"executed_{src}" in post
    }


@role_required(Role.FILER)
def selfeval_edit(request, pk: int):
    selfeval = selectors.selfeval_get(user=request.user, pk=pk)
    if refused := edit_refused(request, selfeval, reverse("selfeval-detail", args=[pk])):
        return refused
    errors = []
    if request.method == "POST" and (errors := _overlong(selfeval, request.POST)):
        _keep_typed(selfeval, request.POST)
    elif request.method == "POST":
        try:
            services.selfeval_save(
                actor=request.user,
                selfeval=selfeval,
                executed=_executed(request.POST),
                goal_achieved=request.POST.get("goal_achieved", ""),
                report=request.POST.get("report", ""),
                rows=_rows(request.POST),
                loaded=edit_stamp.posted(request.POST),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors.append(error_text(exc))
            _keep_typed(selfeval, request.POST)
            edit_stamp.restamp(selfeval, exc)  # a colleague's newer save: the form's new stamp
        else:
            messages.success(request, _("已保存并按规则评分。"))
            if request.POST.get("then") == "complete":
                try:
                    services.selfeval_transition(
                        actor=request.user, selfeval=selfeval, name="complete"
                    )
                except workflow.TransitionError as exc:
                    messages.error(request, str(exc))
                    return redirect("selfeval-edit", pk=pk)
                return redirect("selfeval-detail", pk=pk)
            return redirect("selfeval-edit", pk=pk)
    return render(
        request,
        "evaluations/selfeval_edit.html",
        {
            "selfeval": selfeval,
            "errors": errors,
            "bands": BANDS,
            "sources": [
                (
                    src,
                    label,
                    getattr(selfeval.project, f"initial_{src}"),
                    getattr(selfeval.project, f"full_{src}"),
                    # what the user typed survives a refused save
                    request.POST.get(f"executed_{src}")
                    if errors
                    else getattr(selfeval, f"executed_{src}"),
                )
                for src, label in FUNDING_SOURCES
            ],
        },
        status=400 if errors else 200,
    )


def _overlong(selfeval, post) -> list[str]:
    """A refusal for each line's cell longer than it keeps, by line and column (the save cut
    them to fit: a 250-character 实际完成值 lost its last 50 unseen)."""
    errors = []
    for line in selfeval.indicators.all():
        for name in services.ROW_FIELDS:
            field = SelfEvalIndicator._meta.get_field(name)
            if field.get_internal_type() != "CharField" or field.choices:
                continue
            label = _("第 %(n)s 行（%(i)s）的%(f)s") % {
                "n": line.position + 1,
                "i": line.name,
                "f": field.verbose_name,
            }
            if problem := overlong(label, post.get(f"{name}-{line.position}"), field.max_length):
                errors.append(problem)
    return errors


def _keep_typed(selfeval, post) -> None:
    """What the refused form held, set on `selfeval` and its indicator lines in memory (never
    saved) for the page drawn again: one typo must not wipe the actual values, scores and
    explanations typed into every line, nor the goal achieved and the report."""
    selfeval.goal_achieved = post.get("goal_achieved", "")
    selfeval.report = post.get("report", "")
    typed = {int(row.pop("position")): row for row in _rows(post) if row["position"].isdigit()}
    for line in selfeval.indicators.all():
        for field, value in typed.get(line.position, {}).items():
            setattr(line, field, value)


@role_required(Role.FILER)
@require_POST
def selfeval_preview(request, pk: int):
    """htmx: the scores by the rules of the form as it stands, without saving."""
    selfeval = selectors.selfeval_get(user=request.user, pk=pk)
    try:
        result = services.score_preview(
            selfeval=selfeval, executed=_executed(request.POST), rows=_rows(request.POST)
        )
        error = "；".join(p["message"] for p in result.get("schema_errors", []))
        result = None if error else result
    except (ValidationError, ValueError) as exc:
        result, error = None, error_text(exc) if isinstance(exc, ValidationError) else str(exc)
    return render(request, "evaluations/_score.html", {"result": result, "error": error})


@login_required
def selfeval_detail(request, pk: int):
    selfeval = selectors.selfeval_get(user=request.user, pk=pk)
    return render(
        request,
        "evaluations/selfeval_detail.html",
        {
            "selfeval": selfeval,
            "can_edit": selfeval.edit_refusal(request.user) is None,
            "blocked": SELFEVAL_WORKFLOW.blocked(selfeval, request.user),
            "rulebook": _rulebook_shown(selfeval.rulebook),
            "can_adjust": selfeval.status in ("submitted", "first_passed")
            and request.user.has_role(Role.BUSINESS, Role.BUDGET),
            "can_spot_check": request.user.has_role(Role.PERFORMANCE),
            # what a refused adjustment or spot check had typed (core.review_draft)
            "typed": review_draft(request),
            "sources": [
                (
                    label,
                    getattr(selfeval.project, f"initial_{src}"),
                    getattr(selfeval.project, f"full_{src}"),
                    getattr(selfeval, f"executed_{src}"),
                )
                for src, label in FUNDING_SOURCES
            ],
        },
    )


def _rulebook_shown(label: str) -> str:
    """The rules a score was made by, as the page names them: the base by its name
    ("国家默认（经典指标体系）", not the stored key "national"), a region's own rules after it."""
    base, *sources = label.split(" + ") if label else ["—"]
    return " + ".join((str(BASES.get(base, base)), *sources))


selfeval_transition = document_transition(
    get=selectors.selfeval_get,
    workflow=SELFEVAL_WORKFLOW,
    perform=services.selfeval_transition,
    document_arg="selfeval",
    detail="selfeval-detail",
)


def _score_input(raw: str) -> Decimal | None:
    """The reviewer's score as typed (full-width digits read; "NaN" or "1e1" refused, not a
    server error or 10), refused with more places than a score keeps rather than rounded."""
    try:
        value = typed_decimal(raw)
    except ValueError:
        raise ValidationError(_("“%(v)s”不是数字。") % {"v": (raw or "").strip()}) from None
    field = SelfEvalIndicator._meta.get_field("reviewed_score")
    if value is not None and decimal_places(value) > field.decimal_places:
        raise ValidationError(
            _("%(f)s最多 %(p)s 位小数。") % {"f": field.verbose_name, "p": field.decimal_places}
        )
    return value


@role_required(Role.BUSINESS, Role.BUDGET)
@require_POST
def selfeval_adjust(request, pk: int):
    selfeval = selectors.selfeval_get(user=request.user, pk=pk)
    back = reverse("selfeval-detail", args=[pk])
    position = None
    try:
        position = int(request.POST.get("position", "-1"))
        services.review_adjust(
            actor=request.user,
            selfeval=selfeval,
            position=position,
            score_value=_score_input(request.POST.get("score")),
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied, ValueError) as exc:
        text = error_text(exc) if not isinstance(exc, ValueError) else str(exc)
        line = next((i for i in selfeval.indicators.all() if i.position == position), None)
        if line is not None:  # where: the row of the 审核调整 column the reviewer typed in
            text = _("指标“%(n)s”的审核调整：%(e)s") % {"n": line.name, "e": text}
        messages.error(request, text)
        keep_review_draft(request, back)  # the score and reason come back in that row's form
    except selfeval.indicators.model.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, _("已记录审核调整。"))
    return redirect(back)


@role_required(Role.PERFORMANCE)
@require_POST
def selfeval_spot_check(request, pk: int):
    selfeval = selectors.selfeval_get(user=request.user, pk=pk)

    def check():
        total = _score_input(request.POST.get("total"))
        if total is None:
            raise ValidationError(_("请填写复核得分。"))
        services.spot_check(
            actor=request.user, selfeval=selfeval, total=total, note=request.POST.get("note", "")
        )

    back = reverse("selfeval-detail", args=[pk])
    if not act(request, check, _("已记录抽查复核。")):
        keep_review_draft(request, back)  # the score and note typed come back in the form
    return redirect(back)


# --- whole-unit evaluations ----------------------------------------------------------------


@login_required
def unit_evaluation_list(request):
    rows = selectors.unit_evaluation_list(
        user=request.user,
        region=request.work.region,
        year=_evaluated_year(request),
        sort=request.GET.get("sort", ""),
    )
    page, query = paginate(request, rows)
    return render(
        request,
        "evaluations/unit_evaluation_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.UNIT_EVALUATION_SORTS),
            "evaluated_year": _evaluated_year(request),
            "can_fill": request.user.has_role(Role.FILER) and request.user.unit_id,
        },
    )


@login_required
def unit_evaluation(request, unit_pk: int, year: int):
    unit = Unit.objects.get_visible_or_404(request.user, pk=unit_pk)
    evaluation = UnitEvaluation.objects.filter(unit=unit, year=year).first()
    rules, _label = services.unit_evaluation_rules(unit.region, year)
    document = evaluation or UnitEvaluation(region=unit.region, year=year, unit=unit)
    can_edit = document.edit_refusal(request.user) is None
    errors = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您不能填写该单位的整体评价。"))
        values = {
            name: request.POST.get(f"value-{name}", "").strip()
            for row in rules["rows"]
            for name in row.get("inputs", [])
        }
        judgements = {
            row["indicator"]: {
                "band": request.POST.get(f"band-{row['indicator']}"),
                "score": request.POST.get(f"score-{row['indicator']}"),
            }
            for row in rules["rows"]
            if "formula" not in row
        }
        try:
            # a form drawn before the evaluation existed carries "new": a colleague's first
            # save since then is a newer save too
            evaluation = services.unit_evaluation_save(
                actor=request.user,
                unit=unit,
                year=year,
                values=values,
                judgements=judgements,
                loaded=edit_stamp.posted(request.POST),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors.append(error_text(exc))
            evaluation = edit_stamp.restamp(evaluation, exc)  # the newer save's stamp
        else:
            messages.success(request, _("已保存并评分。"))
            return redirect("unit-evaluation", unit_pk=unit.pk, year=year)
    return render(
        request,
        "evaluations/unit_evaluation.html",
        {
            "unit": unit,
            "year": year,
            "evaluation": evaluation,
            # what the user typed survives a refused save
            "rows": _framework_rows(rules, evaluation, typed=request.POST if errors else None),
            "can_edit": can_edit,
            "errors": errors,
            "band_labels": [b["label"] for b in rules["bands"]],
        },
        status=400 if errors else 200,
    )


def _framework_rows(rules, evaluation, *, typed=None) -> list[dict]:
    """The framework's rows with what the unit entered and what it scored, for the form; with
    `typed` (a refused form's POST) the figures and judgements it held instead."""
    values = (evaluation.values or {}) if evaluation else {}
    judgements = (evaluation.judgements or {}) if evaluation else {}
    if typed is not None:
        values = {k.removeprefix("value-"): v for k, v in typed.items() if k.startswith("value-")}
        judgements = {
            row["indicator"]: {
                "band": typed.get(f"band-{row['indicator']}"),
                "score": typed.get(f"score-{row['indicator']}"),
            }
            for row in rules["rows"]
        }
    items = {
        i["indicator"]: i
        for i in ((evaluation.result or {}).get("items", []) if evaluation else [])
    }
    return [
        {
            "row": row,
            "inputs": [(name, values.get(name, "")) for name in row.get("inputs", [])],
            "band": (judgements.get(row["indicator"]) or {}).get("band") or "",
            "score": (judgements.get(row["indicator"]) or {}).get("score") or "",
            "item": items.get(row["indicator"]),
        }
        for row in rules["rows"]
    ]


unit_evaluation_transition = document_transition(
    get=lambda user, pk: UnitEvaluation.objects.get_visible_or_404(user, pk=pk),
    workflow=UNIT_EVALUATION_WORKFLOW,
    perform=services.unit_evaluation_transition,
    document_arg="evaluation",
    detail=lambda evaluation: reverse(
        "unit-evaluation", args=[evaluation.unit_id, evaluation.year]
    ),
)
