"""The lists behind the results figures (DOMAIN.md §8): fund actions, rectifications, linkage
proposals, the unit ranking and disclosures, as topics of `records.TOPICS` (the dashboards'
and the summary annex's lists). Registered when the app starts (`apps.py::ready()`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .records import LazyRows, Record, _date, _display, _names, optional_detail_url, topic
from .selectors import WorkYear


def results_year(work: WorkYear):
    from jixiao.results.figures import ResultsYear

    today = getattr(work, "today", None)
    return ResultsYear(region=work.region, year=work.year, user=work.user, today=today)


def _fund_action_keys(work):
    from jixiao.results.models import FundActionKind

    return list(FundActionKind.choices)


@topic(
    "fund-actions",
    _("资金调整、收回和盘活"),
    [
        _("处理方式"),
        _("项目编码"),
        _("项目名称"),
        _("单位名称"),
        _("金额（万元）"),
        _("日期"),
        _("文号"),
        _("接收项目"),
        _("理由"),
    ],
    money_columns=(4,),
    keys=_fund_action_keys,
)
def fund_actions(work: WorkYear, key: str) -> LazyRows:
    rows = (
        results_year(work)
        .fund_actions_of(key)
        .select_related("project", "receiving_project")
        .order_by("kind", "date", "pk")
    )
    url = optional_detail_url("fund-action-detail")

    def build(chunk):
        names = _names(work, [a.unit_id for a in chunk])
        for a in chunk:
            receiving = a.receiving_project
            yield Record(
                (
                    _display(a, "kind"),
                    a.project.code,
                    a.project.name,
                    names.get(a.unit_id, ""),
                    a.amount,
                    _date(a.date),
                    a.document_number,
                    f"{receiving.code} {receiving.name}" if receiving else "",
                    a.reason,
                ),
                url(a.pk),
            )

    return LazyRows(rows, build)


RECTIFICATION_KEYS = (
    ("issued", _("本年度下达")),
    ("closed", _("本年度销号")),
    ("closed_on_time", _("按期销号")),
    ("overdue", _("逾期未整改")),
)
RECTIFICATION_COLUMNS = [
    _("整改编号"), _("单位名称"), _("项目名称"), _("来源"), _("存在问题"), _("下达日期"),
    _("整改期限"), _("销号日期"), _("状态"),
]  # fmt: skip


@topic(
    "rectifications",
    _("整改事项"),
    RECTIFICATION_COLUMNS,
    keys=lambda work: list(RECTIFICATION_KEYS),
)
def rectifications(work: WorkYear, key: str) -> LazyRows:
    rows = (
        results_year(work)
        .rectifications(key or "issued")
        .select_related("project")
        .order_by("unit__code", "issued_on", "pk")
    )
    url = optional_detail_url("rectification-detail")

    def build(chunk):
        names = _names(work, [r.unit_id for r in chunk])
        for r in chunk:
            yield Record(
                (
                    r.number,
                    names.get(r.unit_id, ""),
                    r.project.name if r.project_id else "",
                    _display(r, "source"),
                    r.problem,
                    _date(r.issued_on),
                    _date(r.due),
                    _date(r.closed_on),
                    _display(r, "status"),
                ),
                url(r.pk),
            )

    return LazyRows(rows, build)


def _linkage_keys(work):
    from jixiao.results.models import LinkageRule

    return [*LinkageRule.choices, ("cancelled", _("决定取消"))]


@topic(
    "linkage",
    _("预算挂钩建议"),
    [
        _("项目编码"),
        _("项目名称"),
        _("单位名称"),
        _("评价等级"),
        _("适用规则"),
        _("本年预算（万元）"),
        _("建议安排（万元）"),
        _("决定安排（万元）"),
        _("状态"),
    ],
    money_columns=(5, 6, 7),
    keys=_linkage_keys,
)
def linkage(work: WorkYear, key: str) -> LazyRows:
    rows = (
        results_year(work)
        .proposals_of(key)
        .select_related("project")
        .order_by("unit__code", "project__code")
    )
    url = optional_detail_url("linkage-detail")

    def build(chunk):
        names = _names(work, [p.unit_id for p in chunk])
        for p in chunk:
            yield Record(
                (
                    p.project.code,
                    p.project.name,
                    names.get(p.unit_id, ""),
                    p.grade,
                    _display(p, "rule"),
                    p.current_amount,
                    p.proposed_amount,
                    p.decided_amount,
                    _("取消") if p.cancelled else _display(p, "status"),
                ),
                url(p.pk),
            )

    return LazyRows(rows, build)


@topic("unit-ranking", _("部门预算绩效管理工作考核排名"), [_("排名"), _("单位"), _("得分")])
def unit_ranking(work: WorkYear, key: str) -> LazyRows:
    url = optional_detail_url("assessment-detail")

    def build(chunk):
        names = _names(work, [a.unit_id for a in chunk])
        for a in chunk:
            yield Record((a.rank, names.get(a.unit_id, a.unit.name), a.score), url(a.pk))

    return LazyRows(results_year(work).assessments.select_related("unit"), build)


DISCLOSURE_KEYS = (("published", _("本年度已公开")), ("overdue", _("未按期公开")))


@topic(
    "disclosures",
    _("绩效信息公开"),
    [_("公开内容"), _("公开事项"), _("单位名称"), _("公开期限"), _("公开日期"), _("状态")],
    keys=lambda work: list(DISCLOSURE_KEYS),
)
def disclosures(work: WorkYear, key: str) -> LazyRows:
    rows = results_year(work).disclosures(key or "published").order_by("due", "pk")
    url = optional_detail_url("disclosure-detail")

    def build(chunk):
        names = _names(work, [x.unit_id for x in chunk if x.unit_id])
        for x in chunk:
            yield Record(
                (
                    _display(x, "kind"),
                    x.subject,
                    names.get(x.unit_id, ""),
                    _date(x.due),
                    _date(x.published_on),
                    _display(x, "status"),
                ),
                url(x.pk),
            )

    return LazyRows(rows, build)
