"""Reading budget linkage proposals (与预算挂钩): the list every page, export and API answer
shares, one proposal, the totals of a list and the sheet of the export."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from jixiao.core.listing import narrowed
from jixiao.core.sorting import Sorts

from .models import LinkageProposal, LinkageRule, LinkageStatus

SEARCH = ("project__code", "project__name", "unit__name")


def money_text(value) -> str | None:
    """An amount (万元) as the API and the audit write it: two decimals, or as many as it has
    beyond them (a budget of 100.123456 stays exact); None stays None."""
    if value is None:
        return None
    cents = Decimal(value).quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == value else f"{Decimal(value).normalize():f}"


#: The columns the proposal list and its export sort by (core/sorting.py): the unit's code, then
#: the project's (the default), the project's code, the rule, this year's, the proposed and the
#: decided amounts, and the status. The grade is a word (优, 良 …): no order of its own.
LINKAGE_SORTS = Sorts(
    "unit",
    unit=("unit__code", "project__code"),
    project=("project__code",),
    rule=("rule", "unit__code", "project__code"),
    current=("current_amount",),
    proposed=("proposed_amount",),
    decided=("decided_amount",),
    status=("status", "unit__code", "project__code"),
)


def proposal_list(
    *, user, region=None, year=None, status="", unit="", rule="", q="", cancelled="", sort=""
):
    """The proposals of budget year `year` the user may see (a unit only its own), in the order
    `sort` asks for (`LINKAGE_SORTS`: by unit unless asked)."""
    rows = LinkageProposal.objects.visible_to(user).select_related("project", "unit", "region")
    rows = narrowed(
        rows,
        statuses=LinkageStatus.values,
        search=SEARCH,
        region=region,
        year=year,
        status=status,
        unit=unit,
        q=q,
    )
    if rule in LinkageRule.values:
        rows = rows.filter(rule=rule)
    if cancelled in ("1", "true"):
        rows = rows.filter(cancelled=True)
    return LINKAGE_SORTS.apply(rows, sort)


def proposal_get(*, user, pk) -> LinkageProposal:
    return LinkageProposal.objects.select_related(
        "project", "unit", "region", "decided_by"
    ).get_visible_or_404(user, pk=pk)


def totals(rows) -> dict:
    """This year's, proposed and decided amounts of a list, the differences, and the projects
    per rule and per status, in one query."""
    zero = Decimal("0")
    figures = rows.order_by().aggregate(
        current=Sum("current_amount"),
        proposed=Sum("proposed_amount"),
        decided=Sum("decided_amount"),
        decided_proposed=Sum("proposed_amount", filter=Q(decided_amount__isnull=False)),
        projects=Count("pk"),
        **{f"rule_{r}": Count("pk", filter=Q(rule=r)) for r in LinkageRule.values},
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in LinkageStatus.values},
        cancelled=Count("pk", filter=Q(cancelled=True)),
    )
    current, proposed = figures["current"] or zero, figures["proposed"] or zero
    decided = figures["decided"] or zero
    return {
        **figures,
        "current": current,
        "proposed": proposed,
        "decided": decided,
        "change": proposed - current,
        "decision_difference": decided - (figures["decided_proposed"] or zero),
    }


def by_unit(rows) -> list[dict]:
    """Totals per unit (this year's, proposed, decided), for the list's summary table."""
    return list(
        rows.order_by()
        .values("unit_id", "unit__code", "unit__name")
        .annotate(
            projects=Count("pk"),
            current=Sum("current_amount"),
            proposed=Sum("proposed_amount"),
            decided=Sum("decided_amount"),
        )
        .order_by("unit__code")
    )


def sheet_spec(year: int) -> dict:
    """The worksheet of the proposals (its name, headers, title, widths, money columns), the
    same for the page's download and `jixiao export linkage-proposals`."""
    return {
        "sheet": _("预算挂钩"),
        "headers": sheet_headers(),
        "title": _("%(year)s年度预算挂钩建议") % {"year": year},
        "widths": (8, 18, 30, 24, 8, 10, 10, 14, 14, 14, 14, 12, 8, 50, 30),
        "money_columns": (8, 9, 10, 11),
    }


def proposals_workbook(rows, year: int):
    """An xlsx workbook of the proposals (`core.tabular.write_sheet`)."""
    import openpyxl

    from jixiao.core.tabular import write_sheet

    spec = sheet_spec(year)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = spec.pop("sheet")
    write_sheet(ws, spec.pop("headers"), sheet_rows(rows), **spec)
    return book


def sheet_headers() -> list[str]:
    return [
        _("预算年度"), _("项目编码"), _("项目名称"), _("预算单位"), _("评价等级"), _("等级来源"),
        _("适用规则"), _("本年预算（万元）"), _("建议安排（万元）"), _("决定安排（万元）"),
        _("差额（万元）"), _("状态"), _("取消项目"), _("建议理由"), _("调整理由"),
    ]  # fmt: skip


def sheet_rows(rows) -> list[list]:
    return [
        [
            p.year,
            p.project.code,
            p.project.name,
            p.unit.name,
            p.grade,
            p.grade_source,
            str(p.get_rule_display()),
            p.current_amount,
            p.proposed_amount,
            p.decided_amount,
            p.difference,
            str(p.get_status_display()),
            _("是") if p.cancelled else "",
            p.reason,
            p.decision_reason,
        ]
        for p in rows
    ]
