"""Pages for monitoring: rounds and their overview, reports, alerts and disposals, payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core import edit_stamp, jobs
from jixiao.core.imports import overlong
from jixiao.core.jobs import JobFile, file_builder
from jixiao.core.numbers import typed_decimal
from jixiao.core.scope_read import ScopedRow
from jixiao.core.sorting import sorting
from jixiao.core.views import (
    act,
    document_import_page,
    document_transition,
    edit_refused,
    error_text,
    file_or_job,
    import_page,
    paginate,
    queue_page,
    role_required,
    sheet_file,
    template_response,
)
from jixiao.orgs.models import Role

from . import selectors, services
from .importers import PaymentImporter
from .models import Alert, Cause, Likelihood, Report, ReportIndicator, ReportStatus, Round
from .workflow import REPORT_WORKFLOW


@login_required
def round_list(request):
    work = request.work
    sort = request.GET.get("sort", "")
    rounds = selectors.round_list(user=request.user, region=work.region, year=work.year, sort=sort)
    return render(
        request,
        "monitoring/round_list.html",
        {
            "rounds": rounds,
            "sorting": sorting(request, selectors.ROUND_SORTS),
            "can_open": request.user.has_role(Role.PERFORMANCE),
        },
    )


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("%(f)s“%(v)s”不是有效日期。") % {"f": label, "v": value}) from None


@role_required(Role.PERFORMANCE)
def round_create(request):
    work = request.work
    errors = []
    if request.method == "POST":
        try:
            return _round_start(request, work, request.POST)
        except (ValidationError, PermissionDenied) as exc:
            errors.append(error_text(exc))
    scope = services.default_scope(work.region, work.year)
    return render(
        request,
        "monitoring/round_create.html",
        {
            "errors": errors,
            "scope_count": scope.count(),
            "agencies": _agencies(work.region),
            "scope_funds": sum((p.full_total for p in scope), Decimal(0)),
        },
        status=400 if errors else 200,
    )


def _round_start(request, work, post):
    """Check the form in the request, then open the round as a job of the user ("round_open"):
    to the round once it is open (the job already ran), else to the job's page."""
    agency = _agency(work.region, post.get("agency", ""))
    params = {
        "region": work.region.code,
        "year": work.year,
        "code": post.get("code", "").strip()[:32],
        "name": post.get("name", "").strip()[:100],
        "period_end": _date(post.get("period_end", ""), _("监控截止日期")).isoformat(),
        "deadline": _date(post.get("deadline", ""), _("填报截止日期")).isoformat(),
        "extra": _codes(post.get("extra", "")),
        "key": _codes(post.get("key", "")),
        "agency": agency.pk if agency else None,
    }
    services.round_check(
        actor=request.user,
        region=work.region,
        year=work.year,
        code=params["code"],
        period_end=dt.date.fromisoformat(params["period_end"]),
        deadline=dt.date.fromisoformat(params["deadline"]),
    )
    job = jobs.start(user=request.user, kind="round_open", params=params)
    if job.status == job.Status.FAILED:
        raise ValidationError(job.error)
    if job.status != job.Status.DONE:
        messages.info(request, _("正在后台发起监控批次，完成后可在监控批次列表中查看。"))
        return redirect("job-detail", job.pk)
    messages.success(
        request,
        _("已发起监控批次，已为 %(n)s 个项目生成监控报告。") % {"n": job.result["reports"]},
    )
    if job.result.get("left_out"):
        messages.warning(
            request,
            _("%(n)s 个项目没有已批复的绩效目标，未纳入本轮监控（见批次页面的清单）。")
            % {"n": job.result["left_out"]},
        )
    return redirect("round-detail", pk=job.result["round"])


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]


def _agencies(region):
    from jixiao.orgs.models import User

    return [
        u
        for u in User.objects.filter(region=region, is_active=True).order_by("username")
        if u.has_role(Role.AGENCY)
    ]


def _agency(region, user_id: str):
    if not user_id:
        return None
    found = next((u for u in _agencies(region) if str(u.pk) == user_id), None)
    if found is None:
        raise ValidationError(_("请选择本区划的第三方机构。"))
    return found


@login_required
def round_detail(request, pk: int):
    monitoring_round = Round.objects.select_related("region").get_visible_or_404(
        request.user, pk=pk
    )
    overview = selectors.round_overview(user=request.user, round=monitoring_round)
    if request.GET.get("export") == "xlsx":
        return file_or_job(
            request,
            overview_file,
            rows=len(overview["units"]),
            region=monitoring_round.region,
            year=monitoring_round.year,
            round_id=monitoring_round.pk,
            now=lambda: overview_sheet(monitoring_round, overview),
        )
    left_out, left_out_query = paginate(
        request, selectors.round_exclusions(user=request.user, round=monitoring_round)
    )
    chart = {
        "units": [u["name"].replace("南昌市东湖区", "") for u in overview["units"]],
        "rates": [
            round(float(u["rate"]) * 100, 2) if u["rate"] is not None else None
            for u in overview["units"]
        ],
        "time_progress": round(float(overview["time_progress"]) * 100, 2),
    }
    return render(
        request,
        "monitoring/round_detail.html",
        {
            "round": monitoring_round,
            "overview": overview,
            "chart": chart,
            "reports_url": reverse("report-list") + f"?round={monitoring_round.pk}",
            "left_out": left_out,
            "left_out_query": left_out_query,
            "can_close": request.user.has_role(Role.PERFORMANCE)
            and monitoring_round.status == Round.Status.OPEN,
        },
    )


@file_builder
def overview_file(user, *, region: str, year: int, round_id: int) -> JobFile:
    """The round's overview by unit as `user` sees it (in the request or as a job)."""
    monitoring_round = Round.objects.select_related("region").get_visible_or_404(user, pk=round_id)
    return overview_sheet(
        monitoring_round, selectors.round_overview(user=user, round=monitoring_round)
    )


def overview_sheet(monitoring_round, overview) -> JobFile:
    # One row per unit; each column: the unit's figure, its header and its width.
    columns = [
        ("name", _("预算单位"), 34),
        ("projects", _("监控项目数"), 10),
        ("submitted", _("按时提交"), 10),
        ("late", _("逾期提交"), 10),
        ("missing", _("未提交"), 10),
        ("full", _("全年预算（万元）"), 16),
        ("executed", _("执行数（万元）"), 16),
        ("rate", _("执行率"), 10),
        ("progress", _("时间进度"), 10),
        ("lag", _("差距（百分点）"), 12),
    ]
    progress = _pct(overview["time_progress"])
    units = [
        {**u, "rate": _pct(u["rate"]), "progress": progress, "lag": _points(u["lag"])}
        for u in overview["units"]
    ]
    return sheet_file(
        sheet=_("监控情况"),
        headers=[header for _key, header, _width in columns],
        rows=[[u[key] for key, _header, _width in columns] for u in units],
        title=str(monitoring_round),
        money_columns=(5, 6),
        widths=[width for _key, _header, width in columns],
        filename=f"{monitoring_round.code}-overview.xlsx",
        kind="monitoring-overview",
    )


def _pct(value) -> str:
    return "" if value is None else f"{float(value) * 100:.2f}%"


def _points(value) -> str:
    return "" if value is None else f"{float(value) * 100:.2f}"


@login_required
def report_import(request):
    """A unit's monitoring reports from the official form (xlsx, one per worksheet) or JSON,
    into its own units' reports of the work year; `?template=1` gives its reports as forms."""
    from .report_import import MonitoringReportImporter

    return document_import_page(
        request,
        MonitoringReportImporter,
        year=request.work.year,
        list_url=reverse("report-list"),
    )


@login_required
def report_list(request):
    work = request.work
    f = request.GET
    monitoring_round = None
    if f.get("round", "").isdigit():
        monitoring_round = Round.objects.get_visible_or_404(request.user, pk=f["round"])
    rows = selectors.report_list(
        user=request.user,
        round=monitoring_round,
        region=work.region,
        year=work.year,
        status=f.get("status", ""),
        unit=f.get("unit", ""),
        q=f.get("q", "").strip(),
        sort=f.get("sort", ""),
    )
    page, query = paginate(request, rows)
    return render(
        request,
        "monitoring/report_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.REPORT_SORTS),
            "statuses": ReportStatus.choices,
            "queue": False,
            "round": monitoring_round,
            "can_import": request.user.has_role(Role.FILER),
        },
    )


@login_required
def report_queue(request):
    work = request.work
    return queue_page(
        request,
        queue=lambda sort: selectors.report_queue(
            user=request.user, region=work.region, year=work.year, sort=sort
        ),
        sorts=selectors.REPORT_SORTS,
        template="monitoring/report_list.html",
    )


@login_required
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "alerts": selectors.report_alerts_shown(report),
            "status_label": REPORT_WORKFLOW.label(report.status),
            "can_edit": report.edit_refusal(request.user) is None,
            "blocked": REPORT_WORKFLOW.blocked(report, request.user),
            "rates": _rates(report),
            "can_write_findings": request.user.has_role(Role.AGENCY)
            and report.round.agency_id == request.user.pk
            and report.round.status == "open",
        },
    )


def _rates(report) -> dict:
    from .alerts import execution_rate, time_progress

    # A district's round is in the report's own region, read with the report: the rulebook's
    # lookup below need not read it again.
    if report.round.region_id == report.region_id:
        report.round.region = report.region
    method = selectors._time_method(report.round)
    progress, _text = time_progress(report.round.period_end, method)
    full = report.project.full_total
    rate = execution_rate(report.executed, full) if report.executed is not None and full else None
    return {
        "time": _pct(progress),
        "execution": _pct(rate),
        "gap": _points(progress - rate) if rate is not None else "",
    }


def _money(raw: str, label: str):
    try:
        value = typed_decimal(raw)
    except ValueError:
        raise ValidationError(
            _("%(f)s“%(v)s”不是数字。") % {"f": label, "v": raw.strip()}
        ) from None
    if value is None:
        return None
    if value.as_tuple().exponent < -6:
        raise ValidationError(_("%(f)s最多 6 位小数。") % {"f": label})
    return value


@role_required(Role.FILER)
def report_edit(request, pk: int):
    # A save's rows are the form's; the service reads the stored ones under its lock. A page
    # drawn again after a refused save reads them then.
    report = selectors.report_get(user=request.user, pk=pk, indicators=request.method != "POST")
    if refused := edit_refused(request, report, reverse("report-detail", args=[pk])):
        return refused
    errors = []
    if request.method == "POST":
        post = request.POST
        rows = [
            {"position": p, **{f: post.get(f"{f}-{p}", "") for f in services.INDICATOR_FIELDS}}
            for p in post.getlist("position")
        ]
        amounts = _amounts(post, errors)
        errors += _overlong(post, rows)
        try:
            if not errors:  # every amount's mistake is told at once, then nothing is saved
                services.report_save(
                    actor=request.user,
                    report=report,
                    **amounts,
                    execution_note=post.get("execution_note", ""),
                    indicators=rows,
                    loaded=edit_stamp.posted(post),
                )
        except (ValidationError, PermissionDenied) as exc:
            errors.append(error_text(exc))
            edit_stamp.restamp(report, exc)  # a colleague's newer save: the form's new stamp
        if not errors:
            messages.success(request, _("已保存，预警已重新计算。"))
            return redirect("report-detail", pk=pk)
    return render(
        request,
        "monitoring/report_edit.html",
        {
            "report": report,
            "rows": _typed_rows(report, request.POST) if errors else report.indicators.all(),
            "errors": errors,
            "likelihoods": Likelihood.choices,
            "causes": Cause.choices,
            "rates": _rates(report),
        },
        status=400 if errors else 200,
    )


def _amounts(post, errors: list) -> dict:
    """The form's three amounts by the service's names; each one refused adds its message to
    `errors` (the filer sees all of them, not the first alone)."""
    amounts = {}
    for name, label in (
        ("executed", _("执行数")),
        ("expected_full_year", _("全年预计执行数")),
        ("contract_amount", _("合同或进度应付金额")),
    ):
        try:
            amounts[name] = _money(post.get(name), label)
        except ValidationError as exc:
            errors.append(error_text(exc))
    return amounts


NOTE_LIMIT = 2000  # 执行情况说明: a page's note, as the official form's box holds it


def _overlong(post, rows: list[dict]) -> list[str]:
    """A refusal for the note or a row's cell longer than it keeps, saying which (the save cut
    them to fit: the last 500 characters of a 2,500-character note were lost unseen)."""
    errors = []
    if problem := overlong(_("执行情况说明"), post.get("execution_note"), NOTE_LIMIT):
        errors.append(problem)
    for row in rows:
        for name in services.INDICATOR_FIELDS:
            field = ReportIndicator._meta.get_field(name)
            if field.choices or not str(row["position"]).isdigit():
                continue
            label = _("第 %(n)s 行指标的%(f)s") % {
                "n": int(row["position"]) + 1,
                "f": field.verbose_name,
            }
            if problem := overlong(label, row[name], field.max_length):
                errors.append(problem)
    return errors


def _typed_rows(report: Report, post) -> list:
    """The report's indicator rows with what the refused form held, not saved: a refusal (one
    amount with a typo) must not wipe the progress typed into every row. The note likewise."""
    report.execution_note = post.get("execution_note", "")
    rows = list(report.indicators.all())
    for row in rows:
        for field in services.INDICATOR_FIELDS:
            setattr(row, field, post.get(f"{field}-{row.position}", getattr(row, field)))
    return rows


@role_required(Role.PERFORMANCE)
@require_POST
def round_close(request, pk: int):
    monitoring_round = Round.objects.get_visible_or_404(request.user, pk=pk)
    act(
        request,
        partial(services.round_close, actor=request.user, round=monitoring_round),
        _("监控批次已结束。"),
    )
    return redirect("round-detail", pk=pk)


@login_required
@require_POST
def report_agency_findings(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, indicators=False)
    findings = request.POST.get("findings", "")
    act(
        request,
        partial(
            services.agency_findings_save, actor=request.user, report=report, findings=findings
        ),
        _("已提交重点监控意见。"),
    )
    return redirect("report-detail", pk=pk)


def _report_to_move(*, user, pk: int) -> Report:
    """The report a review step moves, seen by the user (404 otherwise), with the rows the step
    reads (the region for the year lock, the round and project naming it in the audit and in
    its checks). The step reads and locks its row again inside its transaction, so the detail
    page's indicators (`report_get`) are not read for it."""
    return _REPORT_TO_MOVE.get_or_404(user, pk)


# SQL compiled once a process for each shape of scope (core/scope_read.py).
_REPORT_TO_MOVE = ScopedRow(
    lambda: Report.objects.select_related("region", "round", "project", "unit")
)


report_transition = document_transition(
    get=_report_to_move,
    workflow=REPORT_WORKFLOW,
    perform=services.report_transition,
    document_arg="report",
    detail="report-detail",
)


@login_required
def alert_list(request):
    work = request.work
    f = request.GET
    rows = selectors.alert_list(
        user=request.user,
        region=work.region,
        year=work.year,
        code=f.get("code", ""),
        level=f.get("level", ""),
        status=f.get("status", ""),
        round=f.get("round", ""),
        unit=f.get("unit", ""),
        sort=f.get("sort", ""),
    )
    page, query = paginate(request, rows)
    return render(
        request,
        "monitoring/alert_list.html",
        {
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.ALERT_SORTS),
            "statuses": Alert.Status.choices,
            "codes": [f"M0{i}" for i in range(1, 8)],
            "can_import": request.user.has_role(Role.BUDGET, Role.PERFORMANCE),
        },
    )


@login_required
def alert_detail(request, pk: int):
    """An alert, and for its unit the disposal form. A refused disposal (a colleague disposed
    of it first, or no reason given) draws the page again with the reason and what was typed,
    status 400: once disposed, the typed text stays on the page, unsaved, to be copied."""
    alert = Alert.objects.select_related("project", "unit", "round", "report").get_visible_or_404(
        request.user, pk=pk
    )
    may_dispose = (
        request.user.has_role(Role.FILER, Role.LEADER)
        and alert.unit_id in request.user.get_scope().unit_ids
    )
    error, disposal = "", request.POST.get("disposal", "")
    if request.method == "POST":
        if not may_dispose:
            raise PermissionDenied(_("您不能处置该预警。"))
        try:
            services.alert_dispose(
                actor=request.user,
                alert=alert,
                disposal=disposal,
                reason=request.POST.get("reason", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            error = error_text(exc)
            alert.refresh_from_db()  # as the refusal found it: a colleague's disposal shows
        else:
            messages.success(request, _("已处置预警。"))
            return redirect("alert-detail", pk=pk)
    open_ = alert.status in (Alert.Status.OPEN, Alert.Status.SUSPENDED)
    return render(
        request,
        "monitoring/alert_detail.html",
        {
            "alert": alert,
            "can_dispose": may_dispose and open_,
            "disposals": Alert.Disposal.choices,
            "error": error,
            # what the refused disposal said, kept on the page once the form is gone
            "typed": error and not open_,
            "typed_disposal": dict(Alert.Disposal.choices).get(disposal, "") if error else "",
        },
        status=400 if error else 200,
    )


@role_required(Role.BUDGET, Role.PERFORMANCE)
def payment_import(request):
    return import_page(
        request,
        importer=PaymentImporter(actor=request.user, region=request.work.region),
        template_url=reverse("payment-template"),
        back_url=reverse("alert-list"),
    )


@login_required
def payment_template(request):
    return template_response(
        request,
        sheet=_("支付数据"),
        headers=["项目编码", "年度", "月份", "支付金额（万元）"],
        examples=[[f"{request.work.year}-113-01", request.work.year, 3, Decimal("12.5")]],
        title=_("国库支付数据导入模板（也可用“支付日期”代替年度和月份；金额列标“（元）”则按元计）"),
        widths=[20, 8, 8, 18],
        filename="payments-template.xlsx",
        kind="payments-template",
    )
