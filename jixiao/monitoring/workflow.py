"""The review workflow of monitoring reports: the same path as targets (DOMAIN.md §5: "the same
review workflow as targets (unit → business office → budget office, with returns)")."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.locks import year_lock
from jixiao.core.compiled import KeyedQuery, prefetched_rows
from jixiao.core.workflow import with_q
from jixiao.orgs.review import SUBMITTED, unit_review_workflow, withdraw

from .models import Report, ReportIndicator, ReportStatus


@with_q(lambda user: Q(round__status="open"))
def _round_open(report, user) -> str | None:
    return None if report.round.status == "open" else _("监控批次已结束。")


#: A report's indicator rows in order, by SQL compiled once a process: its pages (and every
#: review step that leads to the detail page), its save and its steps' conditions read them;
#: through the ORM, building the query cost more CPU than the database's answer.
REPORT_INDICATORS = KeyedQuery(
    lambda report_id: ReportIndicator.objects.filter(report_id=report_id).order_by("position"),
    30001,
)


#: Indicators named when some still lack their progress; past it the message says how many.
SHOWN_MISSING = 5


def _indicators_reported(report, user) -> str | None:
    rows = prefetched_rows(report, "indicators")  # the detail page's, read with the report
    if rows is None:
        rows = REPORT_INDICATORS.all(report.pk)
    missing = [r.name for r in rows if not (r.progress or "").strip()]
    if report.executed is None:
        return _("请填写截至监控期的执行数。")
    if len(missing) > SHOWN_MISSING:  # the first few by name, and how many in all
        return _("有 %(total)s 条指标还没有填写完成值：%(n)s 等") % {
            "total": len(missing),
            "n": "、".join(missing[:SHOWN_MISSING]),
        }
    if missing:
        return _("以下指标还没有填写完成值：%(n)s") % {"n": "、".join(missing)}
    return None


REPORT_WORKFLOW = unit_review_workflow(
    document=Report,
    status=ReportStatus,
    final=("approve", gettext_lazy("终审通过"), ReportStatus.APPROVED),
    lock=year_lock(),
    checks=(_round_open, _indicators_reported),
    after_submit=(withdraw(SUBMITTED),),
    edit_refusal=gettext_lazy("只有本单位的填报人员可以填写监控报告。"),
    state_refusal=gettext_lazy("报告处于“%(s)s”状态，不能修改。"),
)

API_ACTIONS = {
    "submit": ("submit",),
    "approve": ("pass", "approve"),
    "return": ("return_first", "return_final"),
}
