"""Pages of key evaluations: the report (versions, generate, edit, Word download, delivery and
read receipts), the notification letter and the agency's score-table import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core import edit_stamp
from jixiao.core.tabular import InputRejected
from jixiao.core.views import act, download_response, error_text, read_upload

from . import letters, report, score_import
from .models import ReportDelivery
from .selectors import key_get
from .workflow import commissioning_office

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _detail(evaluation) -> str:
    return reverse("key-detail", args=[evaluation.pk])


def _readable_or_404(evaluation, user) -> None:
    if not report.report_readable(evaluation, user):
        raise Http404


def report_panel(request, evaluation) -> str:
    """The evaluation page's report section (versions, docx, delivery, score-table import)."""
    user = request.user
    readable = report.report_readable(evaluation, user)
    versions = list(evaluation.reports.select_related("created_by")) if readable else []
    office = commissioning_office(evaluation, user) is None
    deliveries = ReportDelivery.objects.none()
    if readable and versions:
        deliveries = ReportDelivery.objects.filter(report__evaluation=evaluation).select_related(
            "unit", "read_by", "report"
        )
        if not (office or user.has_role(*report.BUREAU_READERS)):
            deliveries = deliveries.filter(unit_id=user.unit_id)
    return render_to_string(
        "evaluations/key/_report.html",
        {
            "evaluation": evaluation,
            "readable": readable,
            "versions": versions,
            "deliveries": deliveries,
            "can_write": report.report_write_refusal(evaluation, user) is None,
            "can_import": evaluation.edit_refusal(user) is None,
            "score_tables": score_import.score_tables(evaluation) if readable else [],
            "notice": letters.notice_refusal(evaluation) is None,
        },
        request=request,
    )


@login_required
@require_POST
def report_generate_view(request, pk: int):
    evaluation = key_get(user=request.user, pk=pk)
    act(
        request,
        lambda: report.report_generate(actor=request.user, evaluation=evaluation),
        _("已根据评价数据生成新版本的评价报告。"),
    )
    return redirect(_detail(evaluation))


class ReportEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("报告标题"), max_length=200)
    note = forms.CharField(label=gettext_lazy("修改说明"), max_length=200)

    def __init__(self, *args, parts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, heading in report.OUTLINE:
            self.fields[key] = forms.CharField(
                label=heading,
                required=False,
                initial=parts.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 8}),
            )


@login_required
def report_edit_view(request, pk: int):
    evaluation = key_get(user=request.user, pk=pk)
    _readable_or_404(evaluation, request.user)
    refusal = report.report_write_refusal(evaluation, request.user)
    latest = evaluation.reports.order_by("-number").first()
    if refusal or latest is None:
        messages.error(request, refusal or _("请先生成评价报告。"))
        return redirect(_detail(evaluation))
    content = latest.sections or {}
    form = ReportEditForm(
        request.POST or None,
        parts=content.get("parts", {}),
        initial={"title": content.get("title", "")},
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        sections = {key: form.cleaned_data[key] for key in report.PART_KEYS}
        sections["title"] = form.cleaned_data["title"]
        try:
            # a version saved since the form was drawn is a newer save (core/edit_stamp.py)
            version = report.report_edit(
                actor=request.user,
                evaluation=evaluation,
                sections=sections,
                note=form.cleaned_data["note"],
                loaded=edit_stamp.posted(request.POST),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            latest = getattr(exc, "saved", None) or latest  # the newer version's stamp
            refused = True
        else:
            messages.success(request, _("已保存为第%(n)s版。") % {"n": version.number})
            return redirect(_detail(evaluation))
    return render(
        request,
        "evaluations/key/report_edit.html",
        {"evaluation": evaluation, "form": form, "latest": latest},
        status=400 if refused else 200,
    )


def _version(request, pk: int, number: int):
    evaluation = key_get(user=request.user, pk=pk)
    _readable_or_404(evaluation, request.user)
    version = get_object_or_404(evaluation.reports.select_related("created_by"), number=number)
    report.report_mark_read(version, request.user)
    return evaluation, version


@login_required
def report_version_view(request, pk: int, number: int):
    evaluation, version = _version(request, pk, number)
    content = version.sections or {}
    parts = content.get("parts", {})
    outline = [(heading, parts.get(key, "")) for key, heading in report.OUTLINE]
    return render(
        request,
        "evaluations/key/report_version.html",
        {
            "evaluation": evaluation,
            "version": version,
            "content": content,
            "outline": outline,
            "deliveries": version.deliveries.select_related("unit", "read_by"),
        },
    )


@login_required
def report_docx_view(request, pk: int, number: int):
    evaluation, version = _version(request, pk, number)
    data = report.report_docx(version)
    return download_response(
        request, data, report.docx_name(version), DOCX, kind="key_report", rows=1
    )


@login_required
def notice_docx_view(request, pk: int):
    evaluation = key_get(user=request.user, pk=pk)
    refusal = letters.notice_refusal(evaluation)
    if refusal:
        messages.error(request, refusal)
        return redirect(_detail(evaluation))
    data = letters.notice_docx(evaluation)
    name = letters.notice_name(evaluation)
    return download_response(request, data, name, DOCX, kind="key_notice", rows=1)


class ScoreTableForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("评分表文件（.xlsx 或 .json）"))


@login_required
def score_import_view(request, pk: int):
    evaluation = key_get(user=request.user, pk=pk)
    refusal = evaluation.edit_refusal(request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(_detail(evaluation))
    form = ScoreTableForm(request.POST or None, request.FILES or None)
    problems, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload)
            result, _attachment = score_import.score_table_import(
                actor=request.user, evaluation=evaluation, name=upload.name, data=data
            )
        except InputRejected as exc:
            problems = exc.problems
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("评分表已核对并保存为第三方机构评分表。"))
    return render(
        request,
        "evaluations/key/report_score_import.html",
        {"evaluation": evaluation, "form": form, "problems": problems, "result": result},
        status=400 if problems else 200,
    )
