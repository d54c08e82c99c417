"""Pages for targets: list, review queue, declaration form with live lint, detail with review
actions and history, supporting files, the budget gate, reminders and year close."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.budgets.models import Project
from jixiao.budgets.selectors import year_is_open
from jixiao.core import edit_stamp, workflow
from jixiao.core.imports import overlong
from jixiao.core.numbers import typed_decimal
from jixiao.core.rulebook import thawed
from jixiao.core.scope_read import ScopedRow
from jixiao.core.views import (
    act,
    document_transition,
    edit_refused,
    error_text,
    list_page,
    queue_page,
    role_required,
    safe_back,
)
from jixiao.orgs.models import Role, Unit
from jixiao.orgs.selectors import unit_choices

from . import adapters, selectors, services
from .exports import TARGET_FILTERS, targets_file
from .models import REVIEW_DIMENSIONS, Indicator, Target, TargetStatus
from .workflow import TARGET_WORKFLOW


@login_required
def target_list(request):
    def context():
        work = request.work
        return {
            "statuses": TargetStatus.choices,
            "queue": False,
            "units": unit_choices(user=request.user, region=work.region, year=work.year),
            "can_declare": request.user.has_role(Role.FILER),
            "can_remind": request.user.has_role(Role.PERFORMANCE, Role.BUDGET),
        }

    return list_page(
        request,
        selector=selectors.target_list,
        filters=TARGET_FILTERS,
        builder=targets_file,
        template="targets/target_list.html",
        context=context,
        sorts=selectors.TARGET_SORTS,
    )


@login_required
def review_queue(request):
    work = request.work
    return queue_page(
        request,
        queue=lambda sort: selectors.review_queue(
            user=request.user, region=work.region, year=work.year, sort=sort
        ),
        sorts=selectors.QUEUE_SORTS,
        template="targets/target_list.html",
    )


@role_required(Role.FILER)
@require_POST
def target_declare(request):
    """Start a declaration for a project of the user's unit, or for the whole unit."""
    work = request.work
    project_id = request.POST.get("project", "")
    try:
        if project_id:
            project = Project.objects.get_visible_or_404(request.user, pk=project_id)
            target = services.target_create(
                actor=request.user, year=project.year, unit=project.unit, project=project
            )
        else:
            unit = Unit.objects.get_visible_or_404(
                request.user, pk=request.POST.get("unit") or request.user.unit_id
            )
            target = services.target_create(actor=request.user, year=work.year, unit=unit)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect(safe_back(request, "target-list"))
    return redirect("target-edit", pk=target.pk)


def _grid_from_post(post) -> list[dict]:
    """The indicator grid's rows, posted as parallel lists (one input per column per row)."""
    columns = (
        "category",
        "subcategory",
        "name",
        "value_text",
        "unit",
        "weight",
        "basis",
        "explanation",
        "source",
    )
    lists = {c: [_one_line(v) for v in post.getlist(f"ind-{c}")] for c in columns}
    count = max((len(v) for v in lists.values()), default=0)
    return [{c: (lists[c][i] if i < len(lists[c]) else "") for c in columns} for i in range(count)]


def _one_line(text: str) -> str:
    """A grid cell is one line of the official table: its text cells wrap on screen as
    textareas, and a line break typed or pasted there is dropped, as the page's script drops it
    (without the script it would be posted): Chinese text runs on without a space."""
    return "".join(text.splitlines())


def _overlong_cells(rows: list[dict]) -> list[str]:
    """A refusal for each grid cell longer than its column keeps, by row and column (the save
    cut them to fit: a 250-character 三级指标 lost its last 50 unseen)."""
    errors = []
    for n, row in enumerate(rows, start=1):
        for name in ("name", "value_text", "unit", "explanation"):
            field = Indicator._meta.get_field(name)
            label = _("第 %(n)s 行指标的%(f)s") % {"n": n, "f": field.verbose_name}
            if problem := overlong(label, row[name], field.max_length):
                errors.append(problem)
    return errors


def _amounts_from_post(post) -> tuple[dict, list[str]]:
    amounts, errors = {}, []
    for key, label in (
        ("total", _("资金总额")),
        ("current", _("当年财政拨款")),
        ("carryover", _("上年结转资金")),
        ("other", _("其他资金")),
    ):
        raw = post.get(f"amount_{key}", "")
        try:
            # "1,234.5" is 1234.5; "12,5" is refused, never read as 125 (core.numbers).
            amounts[key] = typed_decimal(raw)
        except ValueError:
            errors.append(_("%(f)s“%(v)s”不是数字。") % {"f": label, "v": raw.strip()})
            continue
        if amounts[key] is not None and (amounts[key] < 0 or amounts[key].as_tuple().exponent < -6):
            errors.append(_("%(f)s须为非负数，最多 6 位小数。") % {"f": label})
    return amounts, errors


@role_required(Role.FILER)
def target_edit(request, pk: int):
    # A save's grid is the form's; the service reads the stored rows under its lock.
    posted = request.method == "POST"
    target = selectors.target_get(user=request.user, pk=pk, indicators=not posted)
    if refused := edit_refused(request, target, reverse("target-detail", args=[pk])):
        return refused
    errors = []
    adding = posted and request.POST.get("then") == "add-row"
    if not posted:
        rows = [_row_of(i) for i in target.indicators.all()]
    elif adding:
        # The page without JavaScript (whose 添加一行 adds a row in the browser): the form as
        # typed again with a blank row more, nothing saved.
        rows = [*_grid_from_post(request.POST), {}]
    else:
        rows = _grid_from_post(request.POST)
        amounts, errors = _amounts_from_post(request.POST)
        errors += _overlong_cells(rows)
        if not errors:
            try:
                saved = services.target_save(
                    actor=request.user,
                    target=target,
                    goal=request.POST.get("goal", ""),
                    medium_term_goal=request.POST.get("medium_term_goal", ""),
                    amounts=amounts,
                    serves_public=bool(request.POST.get("serves_public")),
                    indicators=rows,
                    loaded=edit_stamp.posted(request.POST),
                )
            except (ValidationError, PermissionDenied) as exc:
                errors.append(error_text(exc))
                edit_stamp.restamp(target, exc)  # a colleague's newer save: the form's new stamp
            else:
                # The row as saved and linted, without reading it back.
                for field in Target._meta.concrete_fields:
                    setattr(target, field.attname, getattr(saved, field.attname))
                messages.success(
                    request,
                    _("已保存。")
                    if not target.blocking_count
                    else _("已保存，但还有 %(n)s 个必须修改的问题。")
                    % {"n": target.blocking_count},
                )
                if request.POST.get("then") == "complete":
                    return _complete_after_save(request, target)
                return redirect("target-edit", pk=pk)
    _rules, catalogue = adapters.rules_of(target)
    return render(
        request,
        "targets/target_edit.html",
        {
            "target": target,
            "rows": rows + [{}] * 3 if not rows else rows,
            "errors": errors,
            "categories": thawed(catalogue["categories"]),  # the page's json_script
            "bases": [b for b, _l in _basis_choices()],
            "sectors": selectors.library_sectors(),
            "post": request.POST if errors or adding else None,
        },
        status=400 if errors else 200,
    )


def _basis_choices():
    from .models import Basis

    return Basis.choices


def _complete_after_save(request, target):
    try:
        services.target_transition(actor=request.user, target=target, name="complete")
    except workflow.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("target-edit", pk=target.pk)
    messages.success(request, _("已填报完成，等待单位负责人审核提交。"))
    return redirect("target-detail", pk=target.pk)


def _row_of(indicator) -> dict:
    return {
        f: getattr(indicator, f) if getattr(indicator, f) is not None else ""
        for f in services.INDICATOR_FIELDS
    }


@role_required(Role.FILER)
@require_POST
def target_lint_preview(request, pk: int):
    """htmx: lint the form as it stands, without saving (findings shown as the user types)."""
    target = selectors.target_get(user=request.user, pk=pk, indicators=False)
    amounts, errors = _amounts_from_post(request.POST)
    findings, skipped = [], []
    try:
        rows = adapters.parse_rows(target, _grid_from_post(request.POST))
    except ValidationError as exc:
        errors += exc.messages
        rows = []
    if not errors:
        findings, skipped = adapters.preview(
            target,
            goal=request.POST.get("goal", ""),
            amounts=amounts,
            rows=rows,
            serves_public=bool(request.POST.get("serves_public")),
        )
    return render(
        request,
        "targets/_findings.html",
        {"findings": findings, "errors": errors, "skipped": skipped, "live": True},
    )


@login_required
def library(request):
    """htmx: search the indicator library for the declaration form."""
    rows = selectors.library_search(
        q=request.GET.get("q", "").strip(),
        sector=request.GET.get("sector", ""),
        region=request.work.region,
    )
    return render(request, "targets/_library.html", {"templates": rows})


@login_required
def target_detail(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    return render(
        request,
        "targets/target_detail.html",
        {
            "target": target,
            "versions": selectors.target_versions(target=target),
            "can_edit": target.edit_refusal(request.user) is None,
            "can_adjust": target.status == TargetStatus.APPROVED
            and request.user.has_role(Role.FILER)
            and not Target.objects.filter(previous=target).exists(),
            "can_arrange": target.project_id
            and target.status == TargetStatus.APPROVED
            and request.user.has_role(Role.BUDGET)
            and not target.project.arranged,
            "year_open": year_is_open(region=target.region, year=target.year),
        },
    )


def _review_grades(request) -> dict:
    """The reviewer's grades from the 办理 card, per review dimension and overall."""
    grades = {k: request.POST.get(f"grade_{k}", "") for k, _l in REVIEW_DIMENSIONS}
    grades["overall"] = request.POST.get("grade_overall", "")
    return {"grades": grades}


def _target_to_move(*, user, pk: int) -> Target:
    """The target a review step moves: seen by the user (404 otherwise), with the rows the step
    reads (the region for the year lock and the grade rule, the project naming it in the audit,
    the unit in the change feed). The step reads and locks its row again inside its
    transaction, so the detail page's other joins and indicators (`target_get`) are not read."""
    return _TARGET_TO_MOVE.get_or_404(user, pk)


# SQL compiled once a process for each shape of scope (core/scope_read.py).
_TARGET_TO_MOVE = ScopedRow(lambda: Target.objects.select_related("region", "project", "unit"))


target_transition = document_transition(
    get=_target_to_move,
    workflow=TARGET_WORKFLOW,
    perform=services.target_transition,
    document_arg="target",
    detail="target-detail",
    extra=_review_grades,
)


@role_required(Role.FILER)
@require_POST
def target_adjust(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk, indicators=False)
    try:
        new = services.target_adjust(actor=request.user, target=target)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("target-detail", pk=pk)
    messages.success(request, _("已建立调整版本，审核通过后替代原目标。"))
    return redirect("target-edit", pk=new.pk)


@role_required(Role.BUDGET)
@require_POST
def project_arrange(request, pk: int):
    """The budget gate: arrange a project in the budget only with an approved target."""
    project = Project.objects.get_visible_or_404(request.user, pk=pk)
    act(
        request,
        partial(services.project_arrange, actor=request.user, project=project),
        _("已安排预算。"),
    )
    return redirect(safe_back(request, reverse("project-detail", args=[pk])))


@role_required(Role.PERFORMANCE, Role.BUDGET)
@require_POST
def reminders_send(request):
    work = request.work
    deadline = request.POST.get("deadline") or None
    try:
        count = services.reminders_send(
            actor=request.user,
            region=work.region,
            year=work.year,
            message=request.POST.get("message", "").strip() or _("请尽快完成绩效目标申报。"),
            deadline=deadline,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已向 %(n)s 个未完成申报的单位发送催报。") % {"n": count})
    return redirect("target-list")


@login_required
def target_import(request):
    """Import declarations from the official form (xlsx, one per worksheet) or JSON; with
    `?template=project|unit`, the blank form. Importing is a filer's, for their own units
    (DOMAIN.md §3; see targets.importers)."""
    from django.urls import reverse

    from jixiao.core.rulebook import rules_for
    from jixiao.core.views import import_page, xlsx_response

    from .excel import template_workbook
    from .importers import TargetImporter

    work = request.work
    if work.region is None:
        raise Http404
    kind = request.GET.get("template")
    if kind:
        catalogue = rules_for(work.region.lineage_codes, work.year).section("catalogue")
        book = template_workbook(
            year=work.year, unit=kind == "unit", catalogue=catalogue.get("categories")
        )
        name = _("部门整体支出绩效目标申报表") if kind == "unit" else _("项目支出绩效目标申报表")
        return xlsx_response(
            request, book, f"{name}-{work.year}.xlsx", kind="targets-template", rows=0
        )
    importer = TargetImporter.for_page(actor=request.user, region=work.region, year=work.year)
    return import_page(
        request,
        importer=importer,
        template_url=reverse("target-import") + "?template=project",
        back_url=reverse("target-list"),
        success_url=reverse("target-list"),
    )
