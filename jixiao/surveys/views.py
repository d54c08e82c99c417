"""Pages of the survey builder: the list, a new survey for a subject, a survey's page, its
edit page (facts and, while a draft, the questions), channels, one-time codes (a printable list,
audited as an export), open, close and marking an answer invalid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core.sorting import sorting
from jixiao.core.views import act, audit_export, error_text, paginate

from . import results, selectors, services, subjects
from .forms import ChannelForm, CodesForm, QuestionForm, SurveyForm
from .models import Question, Response, SubjectKind, SurveyStatus

T = "surveys/"


def _work(request):
    if request.work.region is None:
        raise Http404
    return request.work.region, request.work.year


def set_choices() -> list[tuple[str, str]]:
    """(kind, label) of the question sets by project type, labels translated."""
    from . import question_sets

    return [(kind, _(label)) for kind, label in question_sets.choices()]


@login_required
def survey_list(request):
    """The surveys of the working region and year, each with its live figures (answers, valid
    ones, needed sample, rate), counted for the whole page at once (`results.list_figures`)."""
    region, year = _work(request)
    status, kind = request.GET.get("status", ""), request.GET.get("subject_kind", "")
    rows = selectors.survey_list(
        user=request.user,
        region=region,
        year=year,
        status=status,
        subject_kind=kind,
        sort=request.GET.get("sort", ""),
    )
    page, query = paginate(request, results.WithListFigures(rows))
    return render(
        request,
        T + "survey_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.SURVEY_SORTS),
            "statuses": SurveyStatus.choices,
            "kinds": SubjectKind.choices,
            "may_create": bool(
                selectors.buildable_subjects(user=request.user, region=region, year=year)
            ),
        },
    )


@login_required
def survey_new(request):
    """Choose the subject (or come from its page with `?subject_kind=…&subject=…`) and the
    question set; the survey starts as a draft with a copy of the set's questions."""
    region, year = _work(request)
    data = request.POST if request.method == "POST" else request.GET
    kind, pk = data.get("subject_kind", ""), data.get("subject", "")
    if ":" in data.get("pick", ""):
        kind, pk = data["pick"].split(":", 1)
    chosen = None
    if kind and str(pk).isdigit():
        chosen = selectors.subject_get(user=request.user, kind=kind, pk=pk)
        if request.method == "GET" and (refusal := services.build_refusal(chosen, request.user)):
            messages.error(request, refusal)
            chosen = None
    if request.method == "POST":
        if chosen is None:
            messages.error(request, _("请选择测评对象。"))
        else:
            made = []
            if act(
                request,
                lambda: made.append(
                    services.survey_create(
                        actor=request.user, subject=chosen, kind=data.get("question_set", "")
                    )
                ),
                _("问卷已建立（草稿）：请核对题目，再发布。"),
            ):
                return redirect("survey-detail", made[0].pk)
    groups = [
        (SubjectKind(k).label, k, [(s.pk, subjects.subject_title(s), s) for s in rows])
        for k, rows in selectors.buildable_subjects(user=request.user, region=region, year=year)
    ]
    if not groups and chosen is None:
        raise Http404
    return render(
        request,
        T + "survey_new.html",
        {
            "groups": groups,
            "chosen": chosen,
            "chosen_kind": kind,
            "chosen_title": subjects.subject_title(chosen) if chosen else "",
            "sets": set_choices(),
        },
    )


def _survey(request, pk):
    return selectors.survey_get(user=request.user, pk=pk)


def _builder_survey(request, pk):
    """A survey the user builds; in scope but not theirs to build: 403 with the reason."""
    survey = _survey(request, pk)
    refusal = services.build_refusal(subjects.subject_of(survey), request.user)
    if refusal:
        raise PermissionDenied(refusal)
    return survey


@login_required
def survey_detail(request, pk: int):
    survey = _survey(request, pk)
    subject = subjects.subject_of(survey)
    responses = survey.responses.all()
    return render(
        request,
        T + "survey_detail.html",
        {
            "survey": survey,
            "subject": subject,
            "subject_title": subjects.subject_title(subject),
            "questions": survey.questions.all(),
            "channels": survey.channels.all(),
            "codes_total": survey.codes.count(),
            "codes_used": survey.codes.filter(used_at__isnull=False).count(),
            "answers": responses.count(),
            "valid": responses.filter(valid=True).count(),
            "invalid_rows": responses.filter(valid=False).order_by("-submitted_at")[:50],
            "recent": responses.filter(valid=True).order_by("-submitted_at")[:20],
            "may_build": services.build_refusal(subject, request.user) is None,
            "counting": survey.questions.filter(kind="scale", counts=True).count(),
            "written": subjects.written_note(survey),
            "rate_percent": subjects.percent(survey.rate) if survey.rate is not None else "",
        },
    )


@login_required
def survey_edit(request, pk: int):
    survey = _builder_survey(request, pk)
    back = reverse("survey-detail", args=[survey.pk])
    if survey.status == SurveyStatus.CLOSED:
        messages.error(request, _("问卷已结束，不能修改。"))
        return redirect(back)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.FACT_FIELDS}
        survey.refresh_from_db()
        if act(
            request,
            lambda: services.survey_update(actor=request.user, survey=survey, values=values),
            _("问卷信息已保存。"),
        ):
            return redirect("survey-edit", survey.pk)
    return render(
        request,
        T + "survey_edit.html",
        {
            "survey": survey,
            "form": form,
            "questions": survey.questions.all(),
            "question_form": QuestionForm(initial={"required": True}),
            "draft": survey.status == SurveyStatus.DRAFT,
        },
    )


@login_required
def question_edit(request, pk: int, question_pk: int | None = None):
    """Add a question (no `question_pk`) or change one, while the survey is a draft."""
    survey = _builder_survey(request, pk)
    question = None
    if question_pk is not None:
        question = get_object_or_404(Question, survey=survey, pk=question_pk)
    form = QuestionForm(request.POST) if request.method == "POST" else None
    if form is None:
        form = QuestionForm.of(question) if question else QuestionForm(initial={"required": True})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if act(
            request,
            lambda: services.question_save(
                actor=request.user,
                survey=survey,
                question=question,
                kind=c["kind"],
                text=c["text"],
                options=form.option_list(),
                required=c["required"],
                counts=c["counts"],
            ),
            _("题目已保存。"),
        ):
            return redirect("survey-edit", survey.pk)
    return render(
        request, T + "question_edit.html", {"survey": survey, "question": question, "form": form}
    )


@login_required
@require_POST
def question_move(request, pk: int, question_pk: int):
    survey = _builder_survey(request, pk)
    question = get_object_or_404(Question, survey=survey, pk=question_pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.question_move(actor=request.user, survey=survey, question=question, step=step)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("survey-edit", survey.pk)


@login_required
@require_POST
def question_remove(request, pk: int, question_pk: int):
    survey = _builder_survey(request, pk)
    question = get_object_or_404(Question, survey=survey, pk=question_pk)
    act(
        request,
        lambda: services.question_remove(actor=request.user, survey=survey, question=question),
        _("题目已删除。"),
    )
    return redirect("survey-edit", survey.pk)


@login_required
@require_POST
def channel_add(request, pk: int):
    survey = _builder_survey(request, pk)
    form = ChannelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写渠道名称和标识。"))
    else:
        act(
            request,
            lambda: services.channel_add(actor=request.user, survey=survey, **form.cleaned_data),
            _("渠道已添加。"),
        )
    return redirect(reverse("survey-detail", args=[survey.pk]) + "#channels")


@login_required
@require_POST
def codes_generate(request, pk: int):
    survey = _builder_survey(request, pk)
    form = CodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("一次可生成 1 至 %(m)s 个作答码。") % {"m": services.MAX_CODES})
    else:
        act(
            request,
            lambda: services.codes_generate(
                actor=request.user, survey=survey, count=form.cleaned_data["count"]
            ),
            _("作答码已生成。"),
        )
    return redirect(reverse("survey-detail", args=[survey.pk]) + "#codes")


@login_required
def survey_codes(request, pk: int):
    """The printable list of one-time codes (each slip with the survey's address), audited as
    an export: whoever holds a code may answer once."""
    survey = _builder_survey(request, pk)
    codes = list(survey.codes.order_by("pk"))
    audit_export(request, kind="survey-codes", rows=len(codes), name=survey.title)
    return render(request, T + "survey_codes.html", {"survey": survey, "codes": codes})


@login_required
@require_POST
def survey_open(request, pk: int):
    survey = _builder_survey(request, pk)
    act(
        request,
        lambda: services.survey_open(actor=request.user, survey=survey),
        _("问卷已发布，公开链接和二维码现在可以作答。"),
    )
    return redirect("survey-detail", survey.pk)


@login_required
@require_POST
def survey_close(request, pk: int):
    survey = _builder_survey(request, pk)
    outcome = []
    if act(
        request,
        lambda: outcome.append(services.survey_close(actor=request.user, survey=survey)),
        _("问卷已结束。"),
    ):
        written = outcome[0][1]
        (messages.success if written.written else messages.warning)(request, written.note)
    return redirect("survey-detail", survey.pk)


@login_required
@require_POST
def response_invalid(request, pk: int, response_pk: int):
    survey = _builder_survey(request, pk)
    response = get_object_or_404(Response, survey=survey, pk=response_pk)
    act(
        request,
        lambda: services.response_mark_invalid(
            actor=request.user, response=response, note=request.POST.get("note", "")
        ),
        _("已标记为无效答卷。"),
    )
    return redirect(reverse("survey-detail", args=[survey.pk]) + "#responses")
