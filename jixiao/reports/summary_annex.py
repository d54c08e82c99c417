"""The summary's page of charts and its appendix of the records behind every figure
(DOMAIN.md §9): the parts of `summary_docx` after the text."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.results.figures import FUND_KEYS

from .officedoc import HEITI, SMALL_SIZE, SONGTI, OfficialDocument
from .records import TOPICS, LazyRows, Record, Topic, optional_detail_url
from .selectors import WorkYear
from .stats import GRADES, KEY_LEVEL1, LINT_LABELS, counted_key_evaluations, with_key_facts
from .wording import chinese_date, chinese_figure, chinese_numeral


def _appendix_cell(value, *, money: bool):
    """Money keeps two decimals in the appendix (万元, as in the text)."""
    if money and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(chinese_figure(value))
    return value


def charts_page(writer: OfficialDocument, stats: dict) -> None:
    """A page of charts: grade distribution, alerts and lint findings by code, execution
    against time progress. A chart with nothing to show is left out."""
    from . import charts
    from .charts import Label

    names = {"year": stats["year"], "prior": stats["selfeval"]["year"]}
    pinyin = dict(zip(GRADES, ("You", "Liang", "Zhong", "Cha"), strict=True))
    pictures = []
    grades = stats["selfeval"]["grades"]
    if stats["selfeval"]["projects"]:
        pictures.append(
            (
                charts.bar_chart(
                    [Label(g, pinyin[g]) for g in GRADES],
                    [grades[g] for g in GRADES],
                    value_axis=Label(_("项目数（个）"), "Projects"),
                ),
                _("%(prior)s 年度项目绩效自评等级分布") % names,
            )
        )
    alerts = stats["monitoring"]["alerts"]
    if any(alerts.values()):
        pictures.append(
            (
                charts.bar_chart(
                    list(alerts),
                    list(alerts.values()),
                    colors=[charts.PALETTE["orange"]] * len(alerts),
                    value_axis=Label(_("预警数（条）"), "Alerts"),
                ),
                _("%(year)s 年度运行监控预警（按预警代码）") % names,
            )
        )
    lint = {c: n for c, n in stats["lint"].items() if n}
    if lint:
        pictures.append(
            (
                charts.bar_chart(
                    list(lint),
                    list(lint.values()),
                    colors=[charts.PALETTE["red"]] * len(lint),
                    value_axis=Label(_("发现数（处）"), "Findings"),
                ),
                _("%(year)s 年度绩效目标质量问题（按问题代码）") % names,
            )
        )
    execution = stats["monitoring"]["execution"]
    if execution["rate"] is not None:
        pictures.append(
            (
                charts.bar_chart(
                    [Label(_("预算执行率"), "Execution"), Label(_("时间进度"), "Time progress")],
                    [Decimal(execution["rate"]) * 100, Decimal(execution["time_progress"]) * 100],
                    colors=[charts.PALETTE["blue"], charts.PALETTE["grey"]],
                    percent=True,
                    limit=100,
                ),
                _("截至 %(end)s 预算执行率与时间进度")
                % {"end": chinese_date(datetime.date.fromisoformat(execution["period_end"]))},
            )
        )
    if not pictures:
        return
    writer.page_break()
    writer.heading(_("附图"))
    for png, caption in pictures:
        writer.picture(png, caption)


def _appendix_topics(stats: dict) -> list[tuple[str, str, str | None]]:
    """(topic slug, key, heading) in the order of the text; lint codes only where found."""
    lint = [
        (
            "lint",
            code,
            _("绩效目标质量问题：%(code)s %(label)s")
            % {"code": code, "label": LINT_LABELS.get(code, code)},
        )
        for code, n in stats["lint"].items()
        if n
    ]
    return [
        ("units", "", None),
        ("targets", "declared", _("申报绩效目标的项目")),
        ("targets", "unit", _("部门整体支出绩效目标")),
        ("policies", "", None),
        ("monitored", "", None),
        ("alerts", "", _("运行监控预警")),
        ("selfevals", "", None),
        ("special-kinds", "", None),
        ("unit-evaluations", "", None),
        ("key-evaluations", "", None),
        *lint,
        ("year-end-rush", "", None),
        *_results_topics(stats["results"]),
    ]


def _results_topics(results: dict) -> list[tuple[str, str, str | None]]:
    """The lists behind the results figures, only those with something to list: a year
    without results keeps the appendix it had."""
    counts = results["rectifications"]
    topics = [
        ("fund-actions", "", None) if any(results[k] for k in FUND_KEYS.values()) else None,
        ("rectifications", "issued", _("本年度下达的整改事项")) if counts["issued"] else None,
        ("rectifications", "closed", _("本年度销号的整改事项")) if counts["closed"] else None,
        ("rectifications", "overdue", _("逾期未完成整改的事项")) if counts["overdue"] else None,
        ("linkage", "", None) if results["linkage"]["total"]["projects"] else None,
        ("unit-ranking", "", None) if results["unit_assessment"]["units"] else None,
    ]
    return [t for t in topics if t]


# ── the key evaluations behind `key_evaluations` ─────────────────────────────────────────────
def _key_detail_url() -> Callable[[int], str]:
    """The evaluation's page, once the pages that show it are installed."""
    return optional_detail_url("key-detail")


KEY_EVALUATION_HEADERS = (
    gettext_lazy("项目编码"),
    gettext_lazy("评价对象"),
    gettext_lazy("被评价单位"),
    gettext_lazy("特殊类别"),
    gettext_lazy("状态"),
    gettext_lazy("评价等级"),
    gettext_lazy("现场勘查"),
    gettext_lazy("比对打分"),
    gettext_lazy("公众测评"),
    gettext_lazy("报告已送达"),
    # one column per level-1 indicator, in the order of KEY_LEVEL1
    gettext_lazy("决策问题数"),
    gettext_lazy("过程问题数"),
    gettext_lazy("产出问题数"),
    gettext_lazy("效益问题数"),
)


def key_evaluations(work: WorkYear, key: str) -> LazyRows:
    """The rows counted by `key_evaluations` (count, projects, special kinds, methods — 现场勘查,
    比对打分, 公众测评 as `with_key_facts` finds them —, reports and findings by level-1
    indicator): each figure is a count or a column sum of this list."""
    findings = {
        f"findings_{i}": Count("findings", filter=Q(findings__level1=level))
        for i, level in enumerate(KEY_LEVEL1)
    }
    rows = (
        with_key_facts(counted_key_evaluations(work))
        .annotate(**findings)
        .select_related("project", "unit")
        .order_by("pk")
    )
    url = _key_detail_url()
    yes, no = _("是"), _("否")

    def build(chunk):
        for e in chunk:
            yield Record(
                (
                    e.project.code if e.project_id else "",
                    e.subject,
                    e.unit.name,
                    e.special_kind,
                    e.get_status_display(),
                    e.grade,
                    yes if e.visited else no,
                    yes if e.scored else no,
                    yes if e.surveyed else no,
                    yes if e.reported else no,
                    *(getattr(e, name) for name in findings),
                ),
                url(e.pk),
            )

    return LazyRows(rows, build)


#: The appendix's lists that are not drill-downs of a dashboard: kept out of `records.TOPICS`
#: (as `dashboards.DASHBOARD_TOPICS` is), so that registry does not depend on what was imported.
ANNEX_TOPICS = {
    "key-evaluations": Topic(
        "key-evaluations",
        gettext_lazy("重点评价项目"),
        KEY_EVALUATION_HEADERS,
        key_evaluations,
    )
}


def _capped(records: Iterable, cap: int) -> tuple[list, int]:
    """The first `cap` records and the full count (the rest is counted, not kept)."""
    if isinstance(records, LazyRows):  # counted by the database, only `cap` rows built
        return records[:cap], records.count()
    kept, total = [], 0
    for record in records:
        total += 1
        if total <= cap:
            kept.append(record)
    return kept, total


def appendix(
    writer: OfficialDocument, stats: dict, work: WorkYear, *, cap: int, progress: Callable
) -> None:
    writer.landscape_section()
    writer.para(_("附件：数据明细"), first_indent=False, font=HEITI)
    writer.title(
        _("%(region)s %(year)s 年度预算绩效管理工作总结数据明细")
        % {"region": stats["region_name"], "year": stats["year"]}
    )
    writer.para(_("本附件列出正文各项数字所依据的记录，与系统中各统计图表的明细清单一致。"))
    number = 0
    for slug, key, heading in progress(_appendix_topics(stats)):
        topic = TOPICS.get(slug) or ANNEX_TOPICS.get(slug)
        if topic is None:
            continue
        records, total = _capped(topic.rows(work, key), cap)
        number += 1
        label = heading or str(topic.label)
        writer.heading(
            _("%(n)s、%(label)s（共 %(total)s 条）")
            % {"n": chinese_numeral(number), "label": label, "total": total}
        )
        if not total:
            writer.para(_("无。"))
            continue
        if total > cap:
            writer.para(_("仅列前 %(n)s 条，完整清单见系统导出。") % {"n": cap})
        rows = (
            [_appendix_cell(v, money=i in topic.money_columns) for i, v in enumerate(r.cells)]
            for r in records
        )
        writer.table(topic.headers, rows, size=SMALL_SIZE, font=SONGTI)
