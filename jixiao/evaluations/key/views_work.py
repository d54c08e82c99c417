"""Pages of key evaluations: the list, the evaluation page and its fieldwork (work plan,
framework, data requests, site visits, findings, the unit's response). Expert scoring is in
`views_scoring`; the URLs of all the page modules are in `urls`.

Every page reads the evaluation through `selectors.key_get`: outside the user's scope (an agency
or expert not assigned, another unit) it is a 404. An expert reaches only the scoring page and
the evidence (the data requests' files, the site visits)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core import attachments, edit_stamp
from jixiao.core.models import Attachment
from jixiao.core.sorting import sorting
from jixiao.core.views import act, document_transition, download_response, error_text, paginate
from jixiao.orgs.models import Role, Unit

from . import (
    selectors,
    services,
    views_registry,
    views_report,
    views_scoring,
    work,
)
from .forms_work import (
    AnswerForm,
    DataRequestForm,
    FindingForm,
    ResponseForm,
    SiteVisitForm,
    WorkPlanForm,
)
from .models import LEVEL1, DataRequest, Finding, KeyKind, KeyStatus, SiteVisit
from .rate_inputs import rate_inputs_refusal, rate_inputs_save, rate_rows
from .workflow import KEY_WORKFLOW

T = "evaluations/key/"


def expert_only(user) -> bool:
    """An expert's login reaches the scoring page and the evidence, nothing else."""
    return bool(user.role_set) and user.role_set <= {Role.EXPERT}


def _get(request, pk: int, *, experts: bool = False):
    """The evaluation in the user's scope (404 otherwise); `experts`: an expert may open it."""
    evaluation = selectors.key_get(user=request.user, pk=pk)
    if expert_only(request.user) and not experts:
        raise Http404
    return evaluation


def _detail(evaluation, anchor: str = "") -> str:
    return reverse("key-detail", args=[evaluation.pk]) + (f"#{anchor}" if anchor else "")


# --------------------------------------------------------------------------- list and queue


@login_required
def key_list(request):
    work_ = request.work
    if work_.region is None:
        raise Http404
    names = ("status", "kind", "unit", "q", "sort")
    filters = {name: request.GET.get(name, "").strip() for name in names}
    rows = selectors.key_list(
        user=request.user, region=work_.region, year=work_.year, filters=filters
    )
    return _list_page(request, rows, queue=False)


@login_required
def key_queue(request):
    work_ = request.work
    if work_.region is None:
        raise Http404
    rows = selectors.key_queue(
        user=request.user,
        region=work_.region,
        year=work_.year,
        sort=request.GET.get("sort", ""),
    )
    return _list_page(request, rows, queue=True)


def _list_page(request, rows, *, queue: bool):
    page, query = paginate(request, rows)
    units = Unit.objects.filter(
        pk__in=selectors.key_list(
            user=request.user, region=request.work.region, year=request.work.year
        ).values("unit_id")
    )
    return render(
        request,
        T + "key_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.KEY_SORTS),
            "queue": queue,
            "statuses": KeyStatus.choices,
            "kinds": KeyKind.choices,
            "units": units,
            "expert": expert_only(request.user),
        },
    )


# --------------------------------------------------------------------------- the evaluation page


@login_required
def key_detail(request, pk: int):
    evaluation = selectors.key_get(user=request.user, pk=pk)
    if expert_only(request.user):
        return redirect("key-score", pk=pk)
    user = request.user
    panel = evaluation.panel
    indicators = list(panel.indicators.all())
    return render(
        request,
        T + "key_detail.html",
        {
            "evaluation": evaluation,
            "members": panel.members.select_related("expert").order_by("pk"),
            "indicators": indicators,
            "framework_problems": work.framework_problems(evaluation, indicators),
            "rates": rate_rows(evaluation, indicators),
            "scoring_table": views_scoring.scoring_table(
                request, panel, _detail(evaluation, "scores")
            ),
            "requests": _request_rows(evaluation),
            "visits": evaluation.site_visits.prefetch_related("photos__attachment"),
            "findings": evaluation.findings.select_related("indicator"),
            "finding_statuses": Finding.Status.choices,
            "may": {
                "plan": work.plan_refusal(evaluation, user) is None,
                "framework": work.framework_refusal(evaluation, user) is None,
                "rates": rate_inputs_refusal(evaluation, user) is None,
                "request": work.request_refusal(evaluation, user) is None,
                "answer": work.unit_may_answer(evaluation, user) is None,
                "visit": work.visit_refusal(evaluation, user) is None,
                "finding": work.finding_refusal(evaluation, user) is None,
                "finding_status": work.commissioning_office(evaluation, user) is None,
                "response": work.response_refusal(evaluation, user) is None,
                "score": selectors.panel_member(panel, user) is not None,
            },
            "registry_panel": views_registry.registry_panel(request, evaluation),
            "report_panel": views_report.report_panel(request, evaluation),
        },
    )


def _request_rows(evaluation) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "row": row,
            "overdue": work.is_overdue(row, today),
            "files": attachments.attachments_of(row),
        }
        for row in evaluation.data_requests.all()
    ]


key_transition = document_transition(
    get=selectors.key_get,
    workflow=KEY_WORKFLOW,
    perform=services.key_transition,
    document_arg="evaluation",
    detail="key-detail",
)


@login_required
def key_file(request, pk: int, file_pk: int):
    """A file of the evaluation's data requests or site visits (the evidence), for those who
    see the evaluation; the download is logged."""
    evaluation = _get(request, pk, experts=True)
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=file_pk)
    owners = {
        DataRequest: evaluation.data_requests,
        SiteVisit: evaluation.site_visits,
    }
    model = attachment.content_type.model_class()
    if model not in owners or not owners[model].filter(pk=attachment.object_id).exists():
        raise Http404
    with attachment.file.open("rb") as stored:
        data = stored.read()
    return download_response(
        request, data, attachment.name, attachment.mime, kind="attachment", rows=1
    )


# --------------------------------------------------------------------------- forms of the work


def _refused(request, evaluation, refusal, anchor: str = ""):
    """A page the user may not use now: say why and go back to the evaluation."""
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect(_detail(evaluation, anchor))


def _work_form(request, evaluation, *, refusal, form, save, success, anchor: str, title, **more):
    """A fieldwork form: refused now → back to the evaluation with the reason; a valid POST
    goes through the service `save(cleaned_data)` (its refusal shows on the form), then back to
    the evaluation's section `anchor`, or to the same form again with "save and add another",
    or to `more["done"](saved)`. A form that edits a part of the evaluation (`more["part"]`, its
    content as drawn) carries that part's edit stamp: its service refuses a save over a
    colleague's newer save of the part, and the form is drawn again with the newer stamp
    (core/edit_stamp.py)."""
    done = more.pop("done", None)
    part = more.pop("part", None)
    newer = None
    if refused := _refused(request, evaluation, refusal, anchor):
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
            newer = getattr(exc, "stamp", None)
        else:
            messages.success(request, success)
            if request.POST.get("then") == "more":
                return redirect(request.path)
            return redirect(done(saved) if done else _detail(evaluation, anchor))
    template = more.pop("template", "work_form.html")
    if part is not None:
        more["loaded"] = newer or edit_stamp.stamp(evaluation, part=part)
    return render(
        request,
        T + template,
        {"evaluation": evaluation, "title": title, "form": form, **more},
        status=400 if form.errors else 200,
    )


def _photos(request) -> list[tuple[str, bytes]]:
    files = request.FILES.getlist("photos")
    for upload in files:
        attachments.check_upload_size(upload.size)
    return [(upload.name, upload.read()) for upload in files]


@dataclass(frozen=True)
class WorkForm:
    """One fieldwork form page of an evaluation, declared: who may use it now, its form, the
    service it saves through, the section it returns to."""

    refusal: Callable  # (evaluation, user) -> reason or None
    form: Callable  # (evaluation, request) -> bound or unbound form
    save: Callable  # (request, evaluation, cleaned data) -> the saved row
    success: str
    anchor: str
    title: str
    template: str = "work_form.html"
    add_more: bool = False
    done: Callable | None = None  # (saved) -> URL, instead of the evaluation's section
    # (evaluation) -> the part of it the form edits, as drawn: its edit stamp (core/edit_stamp)
    part: Callable | None = None


WORK_FORMS = {
    "plan": WorkForm(
        refusal=work.plan_refusal,
        form=lambda e, r: WorkPlanForm(r.POST or None, initial={"text": e.work_plan}),
        save=lambda r, e, d: work.work_plan_save(
            actor=r.user, evaluation=e, text=d["text"], loaded=edit_stamp.posted(r.POST)
        ),
        success=gettext_lazy("已保存评价工作方案。"),
        anchor="plan",
        title=gettext_lazy("评价工作方案"),
        part=lambda e: e.work_plan,
    ),
    "response": WorkForm(
        refusal=work.response_refusal,
        form=lambda e, r: ResponseForm(r.POST or None, initial={"text": e.unit_response}),
        save=lambda r, e, d: work.response_save(
            actor=r.user, evaluation=e, text=d["text"], loaded=edit_stamp.posted(r.POST)
        ),
        success=gettext_lazy("已保存反馈意见，请单位负责人确认。"),
        anchor="response",
        title=gettext_lazy("单位反馈意见（交换意见）"),
        part=lambda e: e.unit_response,
    ),
    "request": WorkForm(
        refusal=work.request_refusal,
        form=lambda e, r: DataRequestForm(r.POST or None),
        save=lambda r, e, d: work.data_request_add(actor=r.user, evaluation=e, **d),
        success=gettext_lazy("已列入资料清单。"),
        anchor="requests",
        title=gettext_lazy("列出需单位提供的资料"),
        add_more=True,
    ),
    "finding": WorkForm(
        refusal=work.finding_refusal,
        form=lambda e, r: FindingForm(r.POST or None, panel=e.panel),
        save=lambda r, e, d: work.finding_add(actor=r.user, evaluation=e, **d),
        success=gettext_lazy("已记录问题。"),
        anchor="findings",
        title=gettext_lazy("记录评价发现的问题"),
    ),
    # 现场勘查, phone first: the facts of the visit and photos from the phone's camera.
    "visit": WorkForm(
        refusal=work.visit_refusal,
        form=lambda e, r: SiteVisitForm(
            r.POST or None, initial={"visited_on": timezone.localdate().isoformat()}
        ),
        save=lambda r, e, d: work.site_visit_create(
            actor=r.user, evaluation=e, photos=_photos(r), **d
        ),
        success=gettext_lazy("已记录现场勘查。"),
        anchor="visits",
        title=pgettext_lazy("heading", "现场勘查"),
        template="visit_new.html",
        done=lambda visit: reverse("key-visit", args=[visit.evaluation_id, visit.pk]),
    ),
}


@login_required
def work_form(request, pk: int, name: str):
    """The page of one of `WORK_FORMS` for the evaluation."""
    evaluation = _get(request, pk)
    spec = WORK_FORMS[name]
    return _work_form(
        request,
        evaluation,
        refusal=spec.refusal(evaluation, request.user),
        form=spec.form(evaluation, request),
        save=lambda data: spec.save(request, evaluation, data),
        success=spec.success,
        anchor=spec.anchor,
        title=spec.title,
        template=spec.template,
        more=spec.add_more,
        done=spec.done,
        part=spec.part(evaluation) if spec.part else None,
    )


def _request_row(request, evaluation, request_pk: int) -> DataRequest:
    return get_object_or_404(evaluation.data_requests, pk=request_pk)


@login_required
def key_request_answer(request, pk: int, request_pk: int):
    """The unit's page for one requested item: upload its files, then mark it answered."""
    evaluation = _get(request, pk)
    row = _request_row(request, evaluation, request_pk)
    return _work_form(
        request,
        evaluation,
        refusal=work.unit_may_answer(evaluation, request.user),
        form=AnswerForm(request.POST or None, initial={"note": row.answer_note}),
        save=lambda d: work.data_request_answer(actor=request.user, row=row, note=d["note"]),
        success=_("已提交资料。"),
        anchor="requests",
        title=_("提交资料：%(i)s") % {"i": row.item},
        template="work_answer.html",
        row=row,
        overdue=work.is_overdue(row),
        files=attachments.attachments_of(row),
    )


@login_required
@require_POST
def key_request_upload(request, pk: int, request_pk: int):
    evaluation = _get(request, pk)
    row = _request_row(request, evaluation, request_pk)
    uploads = request.FILES.getlist("file")

    def upload():
        if not uploads:
            raise ValidationError(_("请选择文件。"))
        for upload in uploads:
            attachments.check_upload_size(upload.size)
            work.data_request_upload(
                actor=request.user, row=row, name=upload.name, data=upload.read()
            )

    act(request, upload, _("已上传 %(n)s 个文件。") % {"n": len(uploads)})
    return redirect("key-request-answer", pk=pk, request_pk=request_pk)


@login_required
@require_POST
def key_request_remind(request, pk: int, request_pk: int):
    evaluation = _get(request, pk)
    row = _request_row(request, evaluation, request_pk)
    act(
        request,
        lambda: work.data_request_remind(actor=request.user, row=row),
        _("已催报“%(i)s”，单位的待办中会提示。") % {"i": row.item},
    )
    return redirect(_detail(evaluation, "requests"))


@login_required
@require_POST
def key_finding_status(request, pk: int, finding_pk: int):
    evaluation = _get(request, pk)
    finding = get_object_or_404(evaluation.findings, pk=finding_pk)
    act(
        request,
        lambda: work.finding_status_set(
            actor=request.user, finding=finding, status=request.POST.get("status", "")
        ),
        _("已更新整改状态。"),
    )
    return redirect(_detail(evaluation, "findings"))


@login_required
@require_POST
def key_rate_inputs(request, pk: int):
    """The agency's figures of the rate indicators (fields `rate-<indicator id>-<input index>`)
    during the fieldwork; the rules' suggestions follow from them."""
    evaluation = _get(request, pk)
    values = {}
    for key, text in request.POST.items():
        head, *numbers = key.split("-")
        if head == "rate" and len(numbers) == 2 and all(n.isdigit() for n in numbers):
            values[(int(numbers[0]), int(numbers[1]))] = text
    act(
        request,
        lambda: rate_inputs_save(actor=request.user, evaluation=evaluation, values=values),
        _("已保存计分规则数据。"),
    )
    return redirect(_detail(evaluation, "rates"))


# --------------------------------------------------------------------------- site visits


@login_required
def visit_detail(request, pk: int, visit_pk: int):
    """A recorded visit with its photos' EXIF facts; the agency may add photos."""
    evaluation = _get(request, pk, experts=True)
    visit = get_object_or_404(evaluation.site_visits.select_related("recorded_by"), pk=visit_pk)
    if request.method == "POST":
        act(
            request,
            lambda: work.site_visit_photos_add(
                actor=request.user, visit=visit, photos=_photos(request)
            ),
            _("已添加照片。"),
        )
        return redirect("key-visit", pk=pk, visit_pk=visit_pk)
    return render(
        request,
        T + "visit_detail.html",
        {
            "evaluation": evaluation,
            "visit": visit,
            "photos": visit.photos.select_related("attachment"),
            "may_add": work.visit_refusal(evaluation, request.user) is None,
            "back_url": reverse("key-score", args=[pk])
            if expert_only(request.user)
            else _detail(evaluation, "visits"),
        },
    )


# --------------------------------------------------------------------------- framework


def _posted_rows(post) -> list[dict]:
    """The framework form's rows in order; a new row left empty is skipped."""
    rows = []
    for key in post.getlist("row"):
        row = {name: post.get(f"{name}-{key}", "") for name in work.INDICATOR_FIELDS}
        row["id"] = key if key.isdigit() else ""
        if post.get(f"delete-{key}"):
            continue
        if not row["id"] and not (row["level3"].strip() or row["weight"].strip()):
            continue
        rows.append(row)
    return rows


@login_required
def key_framework(request, pk: int):
    evaluation = _get(request, pk)
    refusal = work.framework_refusal(evaluation, request.user)
    if refused := _refused(request, evaluation, refusal, "framework"):
        return refused
    problems = []
    indicators = list(evaluation.panel.indicators.all())
    rows = [
        {"key": str(i.pk), **{f: getattr(i, f) for f in work.INDICATOR_FIELDS}} for i in indicators
    ]
    loaded = edit_stamp.stamp(evaluation, part=work.framework_drawn(indicators))
    if request.method == "POST":
        posted = _posted_rows(request.POST)
        try:
            work.framework_save(
                actor=request.user,
                evaluation=evaluation,
                rows=posted,
                loaded=edit_stamp.posted(request.POST),
            )
        except (ValidationError, PermissionDenied) as exc:
            problems = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            loaded = getattr(exc, "stamp", loaded)  # a colleague's newer save: its stamp
            rows = [{"key": r["id"] or f"new{n}", **r} for n, r in enumerate(posted)]
        else:
            messages.success(request, _("已保存指标体系。"))
            return redirect(_detail(evaluation, "framework"))
    rules = work.rules_of(evaluation)
    blank = {f: "" for f in work.INDICATOR_FIELDS}
    rows += [{"key": f"add{n}", **blank} for n in range(3)]
    return render(
        request,
        T + "work_framework.html",
        {
            "evaluation": evaluation,
            "loaded": loaded,
            "rows": rows,
            "problems": problems,
            # the saved framework's own slips (one made before these rules, or by a kind's set)
            "current": [] if problems else work.framework_problems(evaluation, indicators),
            "level1": LEVEL1,
            "rate_rules": [(code, r["name"]) for code, r in rules["rate_rules"].items()],
        },
        status=400 if problems else 200,
    )
