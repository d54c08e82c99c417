"""Pages of the unit assessment (部门预算绩效管理工作考核): the ranking of the working region and
year with its bar chart (an SVG drawn here, no script) and its xlsx, the compute button of the
performance office, a unit's page with each part, its explanation and links to its records, the
office's adjustment form, and the unit's one-page Word report.

Scope: a unit's own users see their own assessment only (another unit's page is a 404) and the
whole ranking only once it is published; the bureau sees the region's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core.exports import workbook_bytes
from jixiao.core.jobs import JobFile, file_builder
from jixiao.core.messages import localized
from jixiao.core.views import act, download_response, error_text, file_or_job
from jixiao.orgs.models import Region, Role

from . import assessment_files as files
from . import assessment_service as service
from .models import UnitAssessment

T = "results/"


def _work(request):
    if request.work.region is None:
        raise Http404
    return request.work.region, request.work.year


@file_builder
def ranking_file(user, *, region: str, year: int) -> JobFile:
    """The ranking's download as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows, _openable = service.ranking_rows(user=user, region=found, year=year)
    return ranking_sheet(list(rows), found, year)


def ranking_sheet(rows: list, region, year: int) -> JobFile:
    book = files.ranking_workbook(rows, title=files.ranking_title(region, year))
    name = _("%(year)s年度部门绩效管理工作考核.xlsx") % {"year": year}
    data = workbook_bytes(book)
    return JobFile(data, name, files.XLSX, audit_kind="unit-assessments", rows=len(rows))


def may_compute(user, region) -> bool:
    return bool(
        user.has_role(Role.PERFORMANCE)
        and user.region_id
        and region.path.startswith(user.region.path)
    )


# ── the chart ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Bar:
    label: str
    score: Decimal
    y: int
    width: Decimal
    url: str


CHART_WIDTH, LABEL_WIDTH, ROW = 640, 200, 18


def score_bars(rows, openable: set) -> dict:
    """A horizontal bar per unit (0..100 over the chart's width), for an inline SVG."""
    span = Decimal(CHART_WIDTH - LABEL_WIDTH - 50)
    bars = [
        Bar(
            label=row.unit.name[:14],
            score=row.score,
            y=i * ROW,
            width=(span * row.score / 100).quantize(Decimal("0.1")),
            url=reverse("assessment-detail", args=[row.pk]) if row.pk in openable else "",
        )
        for i, row in enumerate(rows)
    ]
    return {
        "bars": bars,
        "height": max(len(bars), 1) * ROW + 4,
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "text_dx": LABEL_WIDTH - 6,
    }


# ── the ranking ──────────────────────────────────────────────────────────────────────────


@login_required
def assessment_list(request):
    region, year = _work(request)
    rows, openable = service.ranking_rows(user=request.user, region=region, year=year)
    rows = list(rows)
    if request.GET.get("export") == "xlsx":
        return file_or_job(
            request,
            ranking_file,
            rows=len(rows),
            region=region,
            year=year,
            now=lambda: ranking_sheet(rows, region, year),
        )
    labels = files.part_labels(rows)
    table = [
        {
            "row": row,
            "url": reverse("assessment-detail", args=[row.pk]) if row.pk in openable else "",
            "points": [
                next((p["points"] for p in row.parts if p["key"] == key), "")
                for key, _label in labels
            ],
        }
        for row in rows
    ]
    return render(
        request,
        T + "assessment_list.html",
        {
            "year": year,
            "region": region,
            "table": table,
            "labels": [label for _key, label in labels],
            "chart": score_bars(rows, openable),
            "may_compute": may_compute(request.user, region),
            "published": service.ranking_published(region, year),
        },
    )


@require_POST
@login_required
def assessment_compute(request):
    region, year = _work(request)
    act(
        request,
        lambda: service.assessments_compute(actor=request.user, region=region, year=year),
        _("已计算%(year)s年度考核得分并排名。") % {"year": year},
    )
    return redirect("assessment-list")


# ── a unit's assessment ──────────────────────────────────────────────────────────────────


def _get(request, pk: int) -> UnitAssessment:
    return UnitAssessment.objects.select_related("unit", "region").get_visible_or_404(
        request.user, pk=pk
    )


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


#: What a record's title (its `__str__`) reads beside its own fields: its project, round or unit.
_TITLE_RELATIONS = ("project", "round", "unit")


def _record_titles(user, parts: list[dict]) -> dict[tuple[str, int], str]:
    """(model label, id) → the record's title (2022 校舍维修改造 v1), one query a kind of record,
    for the records `user` may open: a record beyond the reader's scope (a key evaluation its
    unit has not been told of yet) keeps its kind and number only."""
    ids: dict[str, set[int]] = {}
    for part in parts:
        for record in part.get("records", []):
            ids.setdefault(record["model"], set()).add(record["id"])
    titles = {}
    for label, pks in ids.items():
        model = _model(label)
        if model is None or not hasattr(model.objects, "visible_to"):
            continue
        fields = {f.name for f in model._meta.get_fields()}
        related = [name for name in _TITLE_RELATIONS if name in fields]
        rows = model.objects.visible_to(user).filter(pk__in=pks).select_related(*related)
        titles.update(((label, row.pk), str(row)) for row in rows)
    return titles


def _record_rows(part: dict, titles: dict) -> list[dict]:
    names = {}
    out = []
    for record in part.get("records", []):
        label = record["model"]
        if label not in names:
            model = _model(label)
            names[label] = model._meta.verbose_name if model else label
        title = titles.get((label, record["id"]), "")
        out.append({**record, "name": names[label], "title": title})
    return out


def _parts(user, assessment: UnitAssessment) -> list[dict]:
    titles = _record_titles(user, assessment.parts)
    return [
        {
            "key": p["key"],
            "label": localized(p, "label"),
            "weight": p["weight"],
            "points": p["points"],
            "explanation": localized(p, "explanation"),
            "records": _record_rows(p, titles),
            "against": sum(1 for r in p.get("records", []) if not r["ok"]),
        }
        for p in assessment.parts
    ]


class AdjustmentForm(forms.Form):
    points = forms.DecimalField(
        label=gettext_lazy("调整分值"),
        max_digits=6,
        decimal_places=2,
        help_text=gettext_lazy("加分为正数，减分为负数，如 -2 或 1.5"),
    )
    reason = forms.CharField(
        label=gettext_lazy("调整理由"), widget=forms.Textarea(attrs={"rows": 3})
    )
    document_number = forms.CharField(label=gettext_lazy("依据文件"), max_length=100)


@login_required
def assessment_detail(request, pk: int):
    assessment = _get(request, pk)
    total = UnitAssessment.objects.filter(region=assessment.region, year=assessment.year).count()
    return render(
        request,
        T + "assessment_detail.html",
        {
            "assessment": assessment,
            "parts": _parts(request.user, assessment),
            "adjustments": assessment.adjustments.select_related("created_by"),
            "total": total,
            "may_adjust": may_compute(request.user, assessment.region),
            "form": AdjustmentForm(),
        },
    )


@login_required
def assessment_adjust(request, pk: int):
    assessment = _get(request, pk)
    if not may_compute(request.user, assessment.region):
        raise PermissionDenied(_("只有绩效办可以计算和调整部门绩效管理工作考核。"))
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.assessment_adjust(
                actor=request.user, assessment=assessment, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已记录考核调整，排名已更新。"))
            return redirect("assessment-detail", pk=assessment.pk)
    elif request.method == "POST":
        messages.error(request, error_text(ValidationError(_("请检查标出的字段。"))))
    return render(request, T + "assessment_adjust.html", {"assessment": assessment, "form": form})


@login_required
def assessment_docx(request, pk: int):
    assessment = _get(request, pk)
    total = UnitAssessment.objects.filter(region=assessment.region, year=assessment.year).count()
    data = files.unit_report_docx(assessment, total=total)
    name = _("%(year)s年度考核情况-%(unit)s.docx") % {
        "year": assessment.year,
        "unit": assessment.unit.name,
    }
    return download_response(request, data, name, files.DOCX, kind="unit-assessments", rows=1)
