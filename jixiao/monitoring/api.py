"""API: /api/v1/monitoring-rounds, /api/v1/monitoring-reports (with submit, return, approve)
and /api/v1/alerts (with dispose) — CONTRACT.md."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jixiao.core import messages
from jixiao.core.api import add_workflow_routes, answers, error, paginate, sorted_by
from jixiao.core.api_writes import (
    loaded_of,
    number,
    problem,
    put_lines_document,
    rejected,
    write_answers,
)
from jixiao.orgs.models import Region

from . import selectors, services
from .models import Alert, Round
from .schemas import (
    MAX_PAYMENT_ROWS,
    PAYMENT_ROWS,
    AlertList,
    AlertOut,
    PaymentsIn,
    PaymentsOut,
    ReportDetailOut,
    ReportIn,
    ReportList,
    RoundDetailOut,
    RoundExclusionList,
    RoundList,
)
from .workflow import API_ACTIONS, REPORT_WORKFLOW

rounds_router = Router()
reports_router = Router()
alerts_router = Router()
payments_router = Router()


class DisposeIn(Schema):
    disposal: str
    reason: str


def _money(value) -> str | None:
    return None if value is None else str(value)


def _region(code: str):
    return Region.objects.filter(code=code).first() if code else None


def round_data(r: Round) -> dict:
    return {
        "id": r.id,
        "region": r.region.code,
        "year": r.year,
        "code": r.code,
        "name": r.name,
        "period_end": r.period_end.isoformat(),
        "deadline": r.deadline.isoformat(),
        "status": r.status,
    }


def report_data(r, *, detail: bool = False) -> dict:
    data = {
        "id": r.id,
        "round": r.round.code,
        "round_id": r.round_id,
        "region": r.region.code,
        "year": r.year,
        "unit": {"code": r.unit.code, "name": r.unit.name},
        "project": {"code": r.project.code, "name": r.project.name},
        "status": r.status,
        "submitted_at": r.submitted_at,
        "budget": {
            "initial": _money(r.project.initial_total),
            "full_year": _money(r.project.full_total),
            "executed": _money(r.executed),
            "expected_full_year": _money(r.expected_full_year),
            "contract_amount": _money(r.contract_amount),
        },
        "external_id": r.external_id,
    }
    if detail:
        data["indicators"] = [
            {
                "category": i.category,
                "subcategory": i.subcategory,
                "name": i.name,
                "target": i.target_text,
                "progress": i.progress or None,
                "expected": i.expected or None,
                "likelihood": i.likelihood or None,
                "cause": i.cause or None,
                "explanation": i.explanation or None,
                "measures": i.measures or None,
            }
            for i in r.indicators.all()
        ]
        data["alerts"] = [alert_data(a) for a in r.alerts.exclude(status="cleared")]
        data["not_judged"] = [not_judged_data(w) for w in r.alert_warnings]
    return data


def not_judged_data(warning: dict) -> dict:
    """A stored warning of the alert check (`services._keep_unjudged`, numbered from 1 for the
    page) as the API numbers indicators, from 0 like an alert's `indicator`."""
    return {
        "indicator": warning["indicator"] - 1,
        "name": warning["name"],
        "typed": warning["typed"],
        "message": messages.localized(warning, "message"),
    }


def alert_data(a: Alert) -> dict:
    return {
        "id": a.id,
        "code": a.code,
        "level": a.level,
        "message": a.message,
        "explanation": a.explanation,
        "indicator": a.indicator,
        "project": a.project.code,
        "round": a.round.code if a.round_id else None,
        "status": a.status,
        "due_date": a.due_date.isoformat(),
        "disposal": a.disposal or None,
        "disposal_reason": a.disposal_reason or None,
    }


@rounds_router.get("", response=answers(RoundList), summary="监控批次列表")
@sorted_by(selectors.ROUND_SORTS)
def list_rounds(
    request, region: str = "", year: int | None = None, page: int = 1, page_size: int | None = None
):
    rows = selectors.round_list(user=request.user, region=_region(region), year=year)
    if region and _region(region) is None:
        rows = rows.none()
    return paginate(request, rows, page=page, page_size=page_size, serialize=round_data)


@rounds_router.get(
    "/{int:round_id}", response=answers(RoundDetailOut, 404), summary="监控批次及其概况"
)
def get_round(request, round_id: int):
    r = Round.objects.select_related("region").get_visible_or_404(request.user, pk=round_id)
    overview = selectors.round_overview(user=request.user, round=r)
    return {
        **round_data(r),
        "reports": overview["reports"],
        "funds": str(overview["funds"]),
        "executed": str(overview["executed"]),
        "time_progress": f"{float(overview['time_progress']):.4f}",
        "alerts": [
            {"code": a["code"], "level": a["level"], "count": a["n"]} for a in overview["alerts"]
        ],
        "left_out": selectors.round_exclusions(user=request.user, round=r).count(),
    }


def exclusion_data(x) -> dict:
    return {
        "project": {"code": x.project.code, "name": x.project.name},
        "unit": {"code": x.unit.code, "name": x.unit.name},
        "reason": x.reason,
        "target_status": x.target_status or None,
        "reason_text": x.reason_text,
    }


@rounds_router.get(
    "/{int:round_id}/left-out",
    response=answers(RoundExclusionList, 404),
    summary="未纳入本轮监控的项目",
)
def list_left_out(request, round_id: int, page: int = 1, page_size: int | None = None):
    r = Round.objects.get_visible_or_404(request.user, pk=round_id)
    rows = selectors.round_exclusions(user=request.user, round=r)
    return paginate(request, rows, page=page, page_size=page_size, serialize=exclusion_data)


@reports_router.get("", response=answers(ReportList, 404), summary="监控报告列表")
@sorted_by(selectors.REPORT_SORTS)
def list_reports(
    request,
    region: str = "",
    year: int | None = None,
    unit: str = "",
    status: str = "",
    round: int | None = None,
    page: int = 1,
    page_size: int | None = None,
):
    found = Round.objects.get_visible_or_404(request.user, pk=round) if round else None
    rows = selectors.report_list(
        user=request.user, round=found, region=_region(region), year=year, status=status
    )
    if unit:
        rows = rows.filter(unit__code=unit)
    return paginate(
        request,
        rows.select_related("region"),
        page=page,
        page_size=page_size,
        serialize=report_data,
    )


@reports_router.get("/{int:report_id}", response=answers(ReportDetailOut, 404), summary="监控报告")
def get_report(request, report_id: int):
    return report_data(selectors.report_get(user=request.user, pk=report_id), detail=True)


@reports_router.put(
    "/{int:report_id}",
    response=write_answers(ReportDetailOut),
    summary="填报监控报告内容（草稿或被退回）",
)
def update_report(request, report_id: int, body: ReportIn):
    report = selectors.report_get(user=request.user, pk=report_id)

    def parse(errors):
        money = {
            key: number(getattr(body.budget, key), f"budget.{key}", errors, places=6)
            for key in ("executed", "expected_full_year", "contract_amount")
        }
        return money, len(body.indicators)

    return put_lines_document(
        report,
        request.user,
        REPORT_WORKFLOW,
        parse=parse,
        lines="indicators",
        save=lambda money: services.report_save(
            actor=request.user,
            report=report,
            execution_note=body.execution_note,
            indicators=[i.model_dump(exclude_unset=True) for i in body.indicators],
            loaded=loaded_of(request, report),
            **money,
        ),
        external_id=body.external_id,
        refused_at="budget",
        answer=lambda saved: report_data(
            selectors.report_get(user=request.user, pk=saved.pk), detail=True
        ),
    )


add_workflow_routes(
    reports_router,
    get=lambda request, report_id: selectors.report_get(user=request.user, pk=report_id),
    workflow=REPORT_WORKFLOW,
    perform=lambda request, report, name, body: services.report_transition(
        actor=request.user, report=report, name=name, comment=body.comment, attest=body.attest
    ),
    serialize=lambda report: report_data(report, detail=True),
    actions=API_ACTIONS,
    noun="report",
    approve_summary="业务股室初审或预算股终审通过",
)


@alerts_router.get("", response=answers(AlertList), summary="预警列表")
@sorted_by(selectors.ALERT_SORTS)
def list_alerts(
    request,
    region: str = "",
    year: int | None = None,
    code: str = "",
    level: str = "",
    status: str = "",
    unit: str = "",
    page: int = 1,
    page_size: int | None = None,
):
    rows = selectors.alert_list(
        user=request.user, region=_region(region), year=year, code=code, level=level, status=status
    )
    if unit:
        rows = rows.filter(unit__code=unit)
    return paginate(request, rows, page=page, page_size=page_size, serialize=alert_data)


@alerts_router.get("/{int:alert_id}", response=answers(AlertOut, 404), summary="预警")
def get_alert(request, alert_id: int):
    alert = Alert.objects.select_related("project", "round").get_visible_or_404(
        request.user, pk=alert_id
    )
    return alert_data(alert)


@alerts_router.post(
    "/{int:alert_id}/dispose",
    response=answers(AlertOut, 400, 404),
    summary="处置预警（继续实施、调整调剂、取消项目）",
)
def dispose(request, alert_id: int, body: DisposeIn):
    alert = Alert.objects.select_related("project", "round").get_visible_or_404(
        request.user, pk=alert_id
    )
    try:
        alert = services.alert_dispose(
            actor=request.user, alert=alert, disposal=body.disposal, reason=body.reason
        )
    except PermissionDenied as exc:
        return Status(403, error(str(exc)))
    except ValidationError as exc:
        return Status(422, error("；".join(exc.messages)))
    return Status(200, alert_data(alert))


@payments_router.post(
    "",
    response=write_answers(PaymentsOut, 413),
    summary="推送国库支付数据（一次至多 10000 行，全部写入或全部不写入）",
)
def push_payments(request, body: PaymentsIn):
    """The payments import (`importers.PaymentImporter`) over the rows as a JSON document:
    the same checks and messages, one transaction, one audit entry for the batch; each
    problem located at `rows[i].field`."""
    from django.shortcuts import get_object_or_404

    from jixiao.core.imports import JsonDocument, run_import
    from jixiao.core.tabular import InputRejected
    from jixiao.orgs.models import Role

    from .importers import PaymentImporter

    if not request.user.has_role(Role.BUDGET, Role.PERFORMANCE):
        raise PermissionDenied(_("只有预算股或绩效办可以导入支付数据。"))
    if len(body.rows) > MAX_PAYMENT_ROWS:
        return Status(
            413,
            error(
                _("一次至多推送 %(max)s 行支付数据（收到 %(n)s 行），请分批推送。")
                % {"max": MAX_PAYMENT_ROWS, "n": len(body.rows)}
            ),
        )
    if body.region:
        region = get_object_or_404(Region.objects.visible_to(request.user), code=body.region)
    else:
        region = request.user.region
    if region is None:
        return rejected([problem("region", _("请填写导入的区划代码。"), "required")])
    importer = PaymentImporter(actor=request.user, region=region)
    # UTF-8 JSON, every field, as the importer reads, with the values it holds: the importer
    # checks the document and records its SHA-256, and takes the values without parsing it
    data = JsonDocument(
        PAYMENT_ROWS.dump_json(body.rows),
        lambda: PAYMENT_ROWS.dump_python(body.rows, mode="json"),
    )
    try:
        result = run_import(importer, data, "api-payments.json")
    except InputRejected as exc:
        keys = {str(c.label): c.key for c in importer.columns}
        return rejected(
            [
                problem(
                    f"rows[{p.row - 1}].{keys.get(p.field, p.field)}" if p.row else "rows",
                    p.message,
                )
                for p in exc.problems
            ],
            _("支付数据有误，未写入任何数据（共 %(n)s 个问题）。") % {"n": exc.total},
        )
    return Status(
        200,
        {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "batch": result.batch_id,
        },
    )
