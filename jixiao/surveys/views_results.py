"""The results of a survey: the page with its live figures, a chart per question, the texts and
the answers (each can be marked invalid with a reason), and its two downloads (the raw answers
as xlsx, the results section as docx), both audited.

Every page reads the survey in the user's scope (`Survey.objects.get_visible_or_404`): a user of
another unit gets a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core.exports import workbook_bytes
from jixiao.core.jobs import XLSX, JobFile, file_builder
from jixiao.core.views import act, download_response, file_or_job, paginate

from . import exports, results, services
from .models import Response, Survey, SurveyStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def survey_results(request, pk: int):
    survey = Survey.objects.get_visible_or_404(request.user, pk=pk)
    figures = results.survey_figures(survey)
    responses = (
        Response.objects.filter(survey=survey)
        .select_related("channel", "entered_by")
        .order_by("-submitted_at", "-pk")
    )
    page, query = paginate(request, responses)
    return render(
        request,
        "surveys/results_page.html",
        {
            "survey": survey,
            "figures": figures,
            "charts": figures.charts,
            "page": page,
            "query": query,
            # marking an answer invalid and entering paper ones: the builders, while it is open
            "can_manage": survey.status == SurveyStatus.OPEN
            and services.may_build(survey, request.user),
            "back_url": reverse("survey-detail", args=[survey.pk]),
        },
    )


@require_POST
@login_required
def survey_response_invalid(request, pk: int, response_pk: int):
    """Mark one answer invalid by hand (the reason written is kept with it)."""
    survey = Survey.objects.get_visible_or_404(request.user, pk=pk)
    response = get_object_or_404(Response, survey=survey, pk=response_pk)
    note = request.POST.get("note", "")
    act(
        request,
        lambda: services.response_mark_invalid(actor=request.user, response=response, note=note),
        _("已将第 %(n)s 号答卷标记为无效。") % {"n": response.pk},
    )
    return redirect(reverse("survey-results", args=[survey.pk]) + "#answers")


@login_required
def survey_export_xlsx(request, pk: int):
    survey = Survey.objects.select_related("region").get_visible_or_404(request.user, pk=pk)
    count = Response.objects.filter(survey=survey).count()
    return file_or_job(
        request, answers_file, rows=count, region=survey.region, year=survey.year, survey_id=pk
    )


@file_builder
def answers_file(user, *, region: str, year: int, survey_id: int) -> JobFile:
    """A survey's raw answers as xlsx (in the request, or as a job past the threshold)."""
    survey = Survey.objects.get_visible_or_404(user, pk=survey_id)
    book, rows = exports.answers_workbook(survey)
    name = _("%(title)s-原始答卷.xlsx") % {"title": survey.title}
    return JobFile(workbook_bytes(book), name, XLSX, audit_kind="survey-answers", rows=rows)


@login_required
def survey_export_docx(request, pk: int):
    survey = Survey.objects.get_visible_or_404(request.user, pk=pk)
    figures = results.survey_figures(survey)
    data = exports.results_docx(figures)
    name = _("%(title)s-测评结果.docx") % {"title": survey.title}
    return download_response(
        request, data, name, DOCX, kind="survey-results", rows=len(figures.questions)
    )
