"""The summary's part on using the results (section 二, "绩效结果运用情况", the 2021 summary's
(五)): one sentence for each thing that happened in the work year, from the stats' `results`
block; nothing is said of what did not happen."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .wording import chinese_figure


def results_use_sentences(results: dict, names: dict) -> list[str]:
    """The money adjusted, recovered and redeployed, the rectifications, the linkage proposals
    for the next year and how the results were used; `names` fills the year into the text."""
    sentences = (
        funds_sentence(results, names),
        rectifications_sentence(results["rectifications"]),
        linkage_sentence(results["linkage"]),
        uses_sentence(results["uses"]),
    )
    return [text for text in sentences if text]


def funds_sentence(results: dict, names: dict) -> str:
    funds = (
        ("funds_adjusted", _("调整资金 %(m)s 万元")),
        ("funds_recovered", _("收回资金 %(m)s 万元")),
        ("funds_redeployed", _("盘活资金 %(m)s 万元")),
    )
    listed = [text % {"m": chinese_figure(results[key])} for key, text in funds if results[key]]
    if not listed:
        return ""
    return _(
        "%(year)s 年，对偏离绩效目标、资金使用低效的项目及时调整、收回和盘活，共%(list)s。"
    ) % {**names, "list": "、".join(listed)}


def rectifications_sentence(counts: dict) -> str:
    if not (counts["issued"] or counts["closed"]):
        return ""
    parts = []
    if counts["issued"]:
        parts.append(_("全年下达整改事项 %(n)s 项") % {"n": counts["issued"]})
    if counts["closed"]:
        closed = _("完成整改并销号 %(n)s 项") % {"n": counts["closed"]}
        if counts["closed_on_time"] == counts["closed"]:
            closed += _("，均按期完成")
        elif counts["closed_on_time"]:
            closed += _("，其中按期完成 %(n)s 项") % {"n": counts["closed_on_time"]}
        parts.append(closed)
    return _("对评价和监控发现的问题督促落实整改，") + "，".join(parts) + _("。")


def linkage_sentence(linkage: dict) -> str:
    total = linkage["total"]["projects"]
    if not total:
        return ""
    rules = (
        ("grow", _("优先保障 %(n)s 个")),
        ("keep", _("不新增预算 %(n)s 个")),
        ("cut", _("压减预算 %(n)s 个")),
        ("cancel", _("建议取消 %(n)s 个")),
    )
    listed = "、".join(
        text % {"n": linkage[key]["projects"]} for key, text in rules if linkage[key]["projects"]
    )
    text = _(
        "将绩效评价结果作为 %(next)s 年度预算安排的重要依据，对 %(n)s 个延续项目提出预算"
        "安排建议，其中%(list)s，涉及本年预算 %(current)s 万元、建议安排 %(proposed)s 万元"
    ) % {
        "next": linkage["budget_year"],
        "n": total,
        "list": listed,
        "current": chinese_figure(linkage["total"]["current"]),
        "proposed": chinese_figure(linkage["total"]["proposed"]),
    }
    if linkage["cancelled"]["projects"]:
        text += _("；经审核决定取消项目 %(n)s 个") % {"n": linkage["cancelled"]["projects"]}
    return text + _("。")


def uses_sentence(uses: dict) -> str:
    """How the results were used (`results.result_uses`): nothing until one is recorded."""
    if not uses["recorded"]:
        return ""
    if uses["fed_back"] and uses["fed_back"] == uses["results"]:
        parts = [_("评价结果已全部反馈被评价单位")]
    elif uses["fed_back"]:
        parts = [_("评价结果反馈被评价单位 %(n)s 项") % {"n": uses["fed_back"]}]
    else:
        parts = []
    counted = (
        ("tied_to_budget", _("与预算安排挂钩 %(n)s 项")),
        ("reported_to_government", _("报送本级政府 %(n)s 项")),
        ("reported_to_congress", _("报送人大 %(n)s 项")),
        ("policy_adjusted", _("推动完善政策或管理 %(n)s 项")),
        ("instructions", _("获领导批示 %(n)s 项")),
    )
    parts += [text % {"n": uses[key]} for key, text in counted if uses[key]]
    if not parts:
        return ""
    return "，".join(parts) + _("。")
