"""The annual work summary (预算绩效管理工作总结, DOMAIN.md §9) as a Word document.

The wording and order follow the customer's own 2021 summary (shared/reference): what was done,
the results, the problems counted from the data, and a space for the bureau's next steps; then
the signature, a page of charts and an appendix listing the records behind every figure. Every
number in the text is a figure of `year_stats` (the same as `jixiao summary --format json`) or a
share computed from two of them, so the document and the JSON cannot disagree.

The layout (GB/T 9704: A4, 仿宋 三号 body, 黑体 and 楷体 headings, East Asian fonts on every run)
is `officedoc.OfficialDocument`'s. Long lists are capped in the appendix (`ROW_CAP` rows per
table), their headings still giving the full count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.text import WD_ALIGN_PARAGRAPH

from jixiao.monitoring.models import ALERT_LABELS

from .officedoc import OfficialDocument
from .records import DatedWorkYear
from .stats import GRADES, LINT_LABELS, rate, summary_figures
from .summary_annex import appendix, charts_page
from .summary_results import results_use_sentences
from .wording import chinese_date, chinese_figure, chinese_numeral, percent, points

#: The appendix lists at most this many rows per table; its heading still gives the full count.
ROW_CAP = 500
#: A sentence names at most this many projects ("如 A、B、C 等").
NAMES_CAP = 10
#: The key evaluations' methods as the 2021 summary names them, in its order: the figure of
#: `key_evaluations.methods` says how many evaluations used each.
KEY_METHODS = (
    ("site_visits", gettext_lazy("现场勘查")),
    ("expert_scoring", gettext_lazy("比对打分")),
    ("public_survey", gettext_lazy("公众测评")),
)


#: How the bureau names its own region in the text, by the region's last character or level:
#: (我区, 全区) and so on. Whole words, so that each translates as a whole.
_SELF = {
    "区": (gettext_lazy("我区"), gettext_lazy("全区")),
    "县": (gettext_lazy("我县"), gettext_lazy("全县")),
    "市": (gettext_lazy("我市"), gettext_lazy("全市")),
    "省": (gettext_lazy("我省"), gettext_lazy("全省")),
}
_SELF_BY_LEVEL = {"province": "省", "city": "市", "district": "区"}


def self_reference(region) -> tuple[str, str]:
    """(我区, 全区), (我县, 全县), (我市, 全市) or (我省, 全省) for the region."""
    last = region.name[-1:] if region.name else ""
    key = last if last in _SELF else _SELF_BY_LEVEL.get(region.level, "区")
    we, whole = _SELF[key]
    return str(we), str(whole)


def _project_names(projects: list[dict], cap: int = NAMES_CAP, *, with_kinds: bool = False) -> str:
    def one(p):
        kinds = "、".join(p.get("kinds") or [])
        return (
            _("%(name)s（%(kinds)s项目）") % {"name": p["name"], "kinds": kinds}
            if with_kinds and kinds
            else p["name"]
        )

    shown = "、".join(one(p) for p in projects[:cap])
    return shown + (_("等") if len(projects) > cap else "")


class Numbering:
    """（一）（二）… for the level-2 headings of one section, only for those written."""

    def __init__(self):
        self.n = 0

    def __call__(self, text: str) -> str:
        self.n += 1
        return _("（%(n)s）%(text)s") % {"n": chinese_numeral(self.n), "text": text}


# ── the sections ─────────────────────────────────────────────────────────────────────────────
class Summary:
    """The text of one work year's summary, written from its figures."""

    def __init__(self, writer: OfficialDocument, stats: dict, region, *, today: datetime.date):
        self.w, self.s, self.region, self.today = writer, stats, region, today
        self.year, self.prior = stats["year"], stats["selfeval"]["year"]
        self.we, self.whole = self_reference(region)

    def write(self) -> None:
        self.w.title(_("%(region)s财政局 %(year)s 年度预算绩效管理") % self._names(), _("工作总结"))
        self.w.para(
            _(
                "按照上级财政部门对预算绩效管理工作的要求，%(year)s 年%(we)s全面推进预算绩效管理"
                "工作。现将相关情况总结如下："
            )
            % self._names()
        )
        self.work_done()
        self.results()
        self.problems()
        self.next_steps()
        self.signature()

    def _table(self, caption: str, headers, rows) -> None:
        self.w.numbered_caption(caption)
        self.w.table(headers, rows)

    def _names(self) -> dict:
        return {"region": self.region.name, "year": self.year, "prior": self.prior, "we": self.we}

    def _say(self, text: str, **values) -> None:
        """A paragraph of the summary: `text` filled with the region's names and `values`."""
        self.w.para(text % {**self._names(), **values})

    # 一、what was done
    def work_done(self) -> None:
        names = self._names()
        self.w.heading(_("一、%(year)s 年度绩效管理工作开展情况") % names)
        self.w.para(self._coverage_sentence() + self._figures_sentence())
        number = Numbering()
        self._policies(number)
        self._targets(number)
        self._monitoring(number)
        self._evaluations(number)
        self._special_kinds(number)
        self._table(
            _("%(year)s 年度预算绩效管理主要指标") % names,
            [_("指标"), _("数值")],
            self._main_figures(),
        )

    def _coverage_sentence(self) -> str:
        units = self.s["units"]
        text = _(
            "%(year)s 年，%(region)s开展预算绩效管理工作预算单位数 %(covered)s 个，占一级预算"
            "单位数 %(first)s 个的 %(share)s"
        ) % {
            **self._names(),
            "covered": units["covered"],
            "first": units["first_level"],
            "share": percent(units["coverage_rate"]),
        }
        if units["first_level"] and units["covered"] == units["first_level"]:
            text += _("，实现全覆盖考评要求")
        return text + _("。")

    def _figures_sentence(self) -> str:
        s = self.s
        parts = [
            _(
                "%(year)s 年，开展预算部门绩效自评资金为 %(funds)s 万元，涉及 %(prior)s 年度项目 "
                "%(projects)s 个"
            )
            % {
                **self._names(),
                "funds": chinese_figure(s["selfeval"]["funds"]),
                "projects": s["selfeval"]["projects"],
            },
            _("开展预算部门绩效运行监控的资金为 %(funds)s 万元，涉及项目 %(projects)s 个")
            % {
                "funds": chinese_figure(s["monitoring"]["funds"]),
                "projects": s["monitoring"]["projects"],
            },
        ]
        evaluated, first = s["unit_evaluations"], s["units"]["first_level"]
        if evaluated and evaluated == first:
            parts.append(_("%(n)s 个预算单位全部开展预算部门整体支出绩效评价") % {"n": evaluated})
        else:
            parts.append(_("%(n)s 个预算单位开展预算部门整体支出绩效评价") % {"n": evaluated})
        parts.append(
            _("%(units)s 个预算单位申报部门整体支出绩效目标，%(projects)s 个项目申报预算绩效目标")
            % {
                "units": s["targets"]["units_declared"],
                "projects": s["targets"]["projects_declared"],
            }
        )
        return "；".join(parts) + _("。")

    def _policies(self, number: Numbering) -> None:
        self.w.heading(number(_("聚焦建章立制，加强预算绩效制度建设。")), 2)
        documents = self.s["policy_documents"]
        if not documents:
            self.w.para(
                _(
                    "【制度文件登记簿中没有 %(year)s 年末现行有效的制度文件。请在“制度文件”中"
                    "登记后重新生成，或在此处填写。】"
                )
                % self._names(),
                highlight=True,
            )
            return
        listed = "、".join(
            _("《%(title)s》（%(number)s，%(date)s印发）")
            % {
                "title": d["title"],
                "number": d["number"],
                "date": chinese_date(datetime.date.fromisoformat(d["date"])),
            }
            for d in documents
        )
        self.w.para(
            _(
                "为全面推进预算绩效管理，落实预算绩效管理相关制度，%(we)s出台了%(list)s等制度办法，"
                "截至 %(year)s 年末现行有效的预算绩效管理制度文件共 %(n)s 件，为绩效管理工作的开展"
                "提供了制度保障。"
            )
            % {**self._names(), "list": listed, "n": len(documents)}
        )

    def _targets(self, number: Numbering) -> None:
        targets = self.s["targets"]
        if not (targets["projects_declared"] or targets["units_declared"]):
            return
        self.w.heading(number(_("聚焦目标导向，加强预算绩效目标管理。")), 2)
        self._say(
            _(
                "按照“谁申请资金、谁编制目标”的原则，将申报绩效目标作为申请预算的前置条件。"
                "%(year)s 年，%(projects)s 个项目申报预算绩效目标，其中 %(approved)s 个项目的绩效"
                "目标已批复，涉及资金 %(funds)s 万元；%(units)s 个预算单位编制部门整体支出绩效"
                "目标。"
            ),
            projects=targets["projects_declared"],
            approved=targets["projects_approved"],
            funds=chinese_figure(targets["funds_approved"]),
            units=targets["units_declared"],
        )

    def _monitoring(self, number: Numbering) -> None:
        monitoring = self.s["monitoring"]
        if not monitoring["rounds"]:
            return
        levels = monitoring["alert_levels"]
        self.w.heading(number(_("聚焦事中纠偏，加强预算绩效运行监控。")), 2)
        self._say(
            _(
                "%(year)s 年组织开展绩效运行监控 %(rounds)s 批次，对 %(projects)s 个项目、"
                "%(funds)s 万元资金的预算执行进度和绩效目标实现程度开展“双监控”，收到监控报告 "
                "%(reports)s 份，发出预警 %(alerts)s 条，其中红色预警 %(red)s 条、黄色预警 "
                "%(yellow)s 条。"
            ),
            rounds=monitoring["rounds"],
            projects=monitoring["projects"],
            funds=chinese_figure(monitoring["funds"]),
            reports=monitoring["reports"]["submitted"],
            alerts=levels.get("red", 0) + levels.get("yellow", 0),
            red=levels.get("red", 0),
            yellow=levels.get("yellow", 0),
        )

    def _evaluations(self, number: Numbering) -> None:
        s = self.s
        selfeval, key = s["selfeval"], s["key_evaluations"]
        if not (selfeval["projects"] or s["unit_evaluations"] or key["count"]):
            return
        self.w.heading(number(_("聚焦事后跟踪，加强预算绩效评价管理。")), 2)
        text = _(
            "组织预算单位对 %(prior)s 年的 %(projects)s 个预算项目开展绩效自评，涉及预算金额 "
            "%(funds)s 万元；%(units)s 个预算单位开展部门整体支出绩效评价。"
        ) % {
            **self._names(),
            "projects": selfeval["projects"],
            "funds": chinese_figure(selfeval["funds"]),
            "units": s["unit_evaluations"],
        }
        if key["count"]:
            text += _(
                "同时委托第三方机构进行重点评价，选取了 %(n)s 个覆盖面广、影响力大、社会关注度高"
                "的项目进行事后评价：%(names)s。"
            ) % {"n": key["count"], "names": _project_names(key["projects"])}
            text += self._key_methods_sentence(key)
        text += self._surveys_sentence()
        self.w.para(text)

    def _surveys_sentence(self) -> str:
        """The public surveys of the year and their valid questionnaires, when there were any."""
        surveys = self.s["surveys"]
        if not surveys["count"]:
            return ""
        return _("开展公众满意度测评 %(n)s 项，收回有效问卷 %(valid)s 份。") % {
            "n": surveys["count"],
            "valid": surveys["valid_responses"],
        }

    def _key_methods_sentence(self, key: dict) -> str:
        """The methods the key evaluations' records show (the 2021 summary: 现场勘查、比对打分、
        公众测评), only those used; and the reports sent to the units."""
        used = [
            str(label)
            for method, label in KEY_METHODS
            if key["methods"].get(method)  # how many evaluations used it
        ]
        text = ""
        if used:
            text += _("采用%(methods)s等方式对项目进行客观、综合的分析评价。") % {
                "methods": "、".join(used)
            }
        if key["reports_delivered"]:
            text += _(
                "对 %(n)s 个项目形成财政资金绩效综合评价报告，指出项目存在的问题，提出改进建议，"
                "并及时将报告反馈给项目实施单位及其主管预算部门。"
            ) % {"n": key["reports_delivered"]}
        return text

    def _special_kinds(self, number: Numbering) -> None:
        # The special-kind key evaluations, named as the 2021 summary names them: 城北消防站建设
        # 项目（政府债务项目）.
        chosen = [
            {"name": p["name"], "kinds": [p["kind"]]}
            for p in self.s["key_evaluations"]["special_kinds"]
        ]
        evaluated = self.s["selfeval"]["special_kinds"]
        if not (chosen or evaluated["count"]):
            return
        self.w.heading(number(_("聚焦管理创新，推进特殊类别项目绩效管理。")), 2)
        parts = []
        if chosen:
            parts.append(
                _("%(year)s 年选取了 %(n)s 个具有特色代表性的项目开展绩效评价，如%(names)s")
                % {
                    **self._names(),
                    "n": len(chosen),
                    "names": _project_names(chosen, with_kinds=True),
                }
            )
        if evaluated["count"]:
            parts.append(
                _(
                    "%(prior)s 年度政府债务、政府采购、政府性基金等特殊类别项目中有 %(n)s 个"
                    "开展了绩效自评，如%(names)s"
                )
                % {
                    **self._names(),
                    "n": evaluated["count"],
                    "names": _project_names(evaluated["projects"], with_kinds=True),
                }
            )
        self.w.para(
            _(
                "逐步将政府投资基金、政府采购、政府和社会资本合作（PPP）、政府债务、政府性基金、"
                "国有资本经营、社会保险基金等项目纳入绩效管理。"
            )
            + "；".join(parts)
            + _("。")
        )

    def _main_figures(self) -> list[tuple[str, str]]:
        s = self.s
        units, monitoring, selfeval = s["units"], s["monitoring"], s["selfeval"]
        prior = {"prior": self.prior}
        return [
            (_("一级预算单位数（个）"), units["first_level"]),
            (_("开展预算绩效管理的单位数（个）"), units["covered"]),
            (_("覆盖率"), percent(units["coverage_rate"])),
            (_("申报绩效目标的项目数（个）"), s["targets"]["projects_declared"]),
            (_("绩效目标已批复的项目数（个）"), s["targets"]["projects_approved"]),
            (_("申报部门整体支出目标的单位数（个）"), s["targets"]["units_declared"]),
            (_("运行监控项目数（个）"), monitoring["projects"]),
            (_("运行监控资金（万元）"), chinese_figure(monitoring["funds"])),
            (_("绩效自评项目数（%(prior)s 年度，个）") % prior, selfeval["projects"]),
            (_("绩效自评资金（%(prior)s 年度，万元）") % prior, chinese_figure(selfeval["funds"])),
            (_("部门整体支出绩效评价单位数（个）"), s["unit_evaluations"]),
            (_("重点评价项目数（个）"), s["key_evaluations"]["count"]),
            (_("特殊类别项目绩效自评数（个）"), selfeval["special_kinds"]["count"]),
            (_("现行有效的制度文件（件）"), len(s["policy_documents"])),
        ]

    # 二、results
    def results(self) -> None:
        self.w.heading(_("二、%(year)s 年度绩效工作主要成效") % self._names())
        number = Numbering()
        self._coverage(number)
        self._grades(number)
        self._alerts(number)
        self._execution(number)
        self._on_time(number)
        self._results_use(number)

    def _coverage(self, number: Numbering) -> None:
        units = self.s["units"]
        self.w.heading(number(_("预算绩效管理覆盖情况")), 2)
        text = _(
            "%(year)s 年，在%(whole)s预算单位落实开展预算绩效管理工作，%(we)s开展预算绩效管理工作"
            "预算单位数 %(covered)s 个，占一级预算单位数 %(first)s 个的 %(share)s。"
        ) % {
            **self._names(),
            "whole": self.whole,
            "covered": units["covered"],
            "first": units["first_level"],
            "share": percent(units["coverage_rate"]),
        }
        missing = units["not_covered"]
        if missing:
            text += _(
                "尚有 %(n)s 个一级预算单位未开展预算绩效管理工作（单位编码：%(codes)s）。"
            ) % {
                "n": len(missing),
                "codes": "、".join(missing[: NAMES_CAP * 2])
                + (_("等") if len(missing) > NAMES_CAP * 2 else ""),
            }
        self.w.para(text)

    def _grades(self, number: Numbering) -> None:
        selfeval = self.s["selfeval"]
        if not selfeval["projects"] and not self.s["unit_evaluations"]:
            return
        self.w.heading(number(_("绩效评价结果")), 2)
        names = self._names()
        if selfeval["projects"]:
            shares = [
                (
                    g,
                    selfeval["grades"][g],
                    percent(rate(selfeval["grades"][g], selfeval["projects"])),
                )
                for g in GRADES
            ]
            listed = "；".join(
                _("%(grade)s %(n)s 个，占 %(share)s") % {"grade": g, "n": n, "share": share}
                for g, n, share in shares
            )
            self.w.para(
                _("%(prior)s 年度 %(projects)s 个项目的绩效自评结果为：%(list)s。")
                % {**names, "projects": selfeval["projects"], "list": listed}
            )
            self._table(
                _("%(prior)s 年度项目绩效自评等级分布") % names,
                [_("评价等级"), _("项目数（个）"), _("占比")],
                shares,
            )
        evaluated = self.s["unit_evaluations"]
        if evaluated:
            grades = self.s["unit_evaluation_grades"]
            listed = "、".join(
                _("%(grade)s %(n)s 个") % {"grade": g, "n": grades[g]}
                for g in GRADES
                if grades.get(g)
            )
            self.w.para(
                _("%(n)s 个预算单位开展部门整体支出绩效评价，评价结果为：%(list)s。")
                % {"n": evaluated, "list": listed or _("尚未评定等级")}
            )

    def _alerts(self, number: Numbering) -> None:
        monitoring = self.s["monitoring"]
        by_code = {c: n for c, n in monitoring["alerts"].items() if n}
        if not monitoring["rounds"]:
            return
        self.w.heading(number(_("运行监控预警及处置情况")), 2)
        if not by_code:
            self.w.para(_("%(year)s 年运行监控未发现需要预警的项目。") % self._names())
            return
        listed = "、".join(
            _("%(label)s（%(code)s）%(n)s 条")
            % {"label": ALERT_LABELS.get(c, c), "code": c, "n": n}
            for c, n in by_code.items()
        )
        status, disposals = monitoring["alert_status"], monitoring["disposals"]
        text = _("%(year)s 年运行监控共发出预警 %(total)s 条：%(list)s。") % {
            **self._names(),
            "total": sum(by_code.values()),
            "list": listed,
        }
        text += _(
            "已处置 %(disposed)s 条，其中继续实施 %(continue)s 条、调整调剂 %(adjust)s 条、"
            "取消项目 %(cancel)s 条；待处置 %(open)s 条；逾期未处置、资金暂停 %(suspended)s "
            "条。"
        ) % {
            "disposed": status.get("disposed", 0),
            "continue": disposals.get("continue", 0),
            "adjust": disposals.get("adjust", 0),
            "cancel": disposals.get("cancel", 0),
            "open": status.get("open", 0),
            "suspended": status.get("suspended", 0),
        }
        self.w.para(text)
        self._table(
            _("%(year)s 年度运行监控预警情况") % self._names(),
            [_("预警代码"), _("预警内容"), _("预警数（条）")],
            [(c, ALERT_LABELS.get(c, c), n) for c, n in by_code.items()],
        )

    def _execution(self, number: Numbering) -> None:
        execution = self.s["monitoring"]["execution"]
        if not execution["period_end"] or execution["rate"] is None:
            return
        self.w.heading(number(_("预算执行进度情况")), 2)
        gap = Decimal(execution["time_progress"]) - Decimal(execution["rate"])
        if gap > 0:
            compare = _("低于时间进度 %(p)s 个百分点") % {"p": points(gap)}
        elif gap < 0:
            compare = _("高于时间进度 %(p)s 个百分点") % {"p": points(gap)}
        else:
            compare = _("与时间进度持平")
        self.w.para(
            _(
                "截至 %(end)s，运行监控项目全年预算 %(funds)s 万元，已执行 %(executed)s 万元，"
                "预算执行率 %(rate)s，时间进度 %(progress)s，执行率%(compare)s。"
            )
            % {
                "end": chinese_date(datetime.date.fromisoformat(execution["period_end"])),
                "funds": chinese_figure(execution["funds"]),
                "executed": chinese_figure(execution["executed"]),
                "rate": percent(execution["rate"]),
                "progress": percent(execution["time_progress"]),
                "compare": compare,
            }
        )

    def _on_time(self, number: Numbering) -> None:
        on_time = self.s["on_time"]
        targets, reports = on_time["targets"], on_time["monitoring"]
        if not (targets["due"] or reports["due"]):
            return
        self.w.heading(number(_("按时报送情况")), 2)
        parts = []
        if targets["due"]:
            parts.append(
                _("设定申报期限的绩效目标 %(due)s 份，逾期申报 %(late)s 份，按时申报率 %(rate)s")
                % {
                    "due": targets["due"],
                    "late": targets["late"],
                    "rate": percent(targets["on_time_rate"]),
                }
            )
        if reports["due"]:
            parts.append(
                _("应报监控报告 %(due)s 份，逾期报送 %(late)s 份，按时报送率 %(rate)s")
                % {
                    "due": reports["due"],
                    "late": reports["late"],
                    "rate": percent(reports["on_time_rate"]),
                }
            )
        self.w.para(_("%(year)s 年，") % self._names() + "；".join(parts) + _("。"))

    def _results_use(self, number: Numbering) -> None:
        """The money adjusted, recovered and redeployed in Y, the rectifications and the linkage
        proposals for Y + 1 (the 2021 summary's (五)); nothing is written of what did not
        happen, and the heading only when something did."""
        parts = results_use_sentences(self.s["results"], self._names())
        if not parts:
            return
        self.w.heading(number(_("绩效结果运用情况")), 2)
        self.w.para("".join(parts))

    # 三、problems
    def problems(self) -> None:
        self.w.heading(_("三、存在的问题"))
        number = Numbering()
        written = [
            self._target_quality(number),
            self._execution_problems(number),
            self._low_grades(number),
            self._key_findings(number),
            self._overdue(number),
        ]
        if not any(written):
            self.w.para(
                _(
                    "经系统统计，%(year)s 年度未发现绩效目标质量、预算执行、评价结果和按时报送"
                    "方面的问题。"
                )
                % self._names()
            )

    def _target_quality(self, number: Numbering) -> bool:
        lint = {c: n for c, n in self.s["lint"].items() if n}
        flagged = self.s["problems"]["lint_targets"]
        if not flagged:
            return False
        self.w.heading(number(_("绩效目标设置问题")), 2)
        ranked = sorted(lint.items(), key=lambda item: (-item[1], item[0]))
        listed = "；".join(
            _("%(label)s %(n)s 处") % {"label": LINT_LABELS.get(c, c), "n": n} for c, n in ranked
        )
        self.w.para(
            _(
                "%(year)s 年度申报的绩效目标中，%(targets)s 份存在质量问题，共发现问题 %(total)s "
                "处，主要是：%(list)s。"
            )
            % {**self._names(), "targets": flagged, "total": sum(lint.values()), "list": listed}
        )
        self._table(
            _("%(year)s 年度绩效目标质量问题") % self._names(),
            [_("问题代码"), _("问题"), _("发现数（处）")],
            [(c, LINT_LABELS.get(c, c), n) for c, n in ranked],
        )
        return True

    def _execution_problems(self, number: Numbering) -> bool:
        problems = self.s["problems"]
        lag, rush = problems["execution_lag"], problems["year_end_rush"]
        parts = []
        if lag["projects"]:
            text = _(
                "%(year)s 年运行监控中，%(n)s 个项目预算执行进度落后于时间进度或低于节点要求"
            ) % {**self._names(), "n": lag["projects"]}
            if lag["red"]:
                text += _("，其中 %(n)s 个项目为红色预警") % {"n": lag["red"]}
            parts.append(text)
        if rush["projects"]:
            parts.append(
                _(
                    "%(prior)s 年度有 %(n)s 个项目存在年末突击拨款现象，12 月集中支付 "
                    "%(december)s 万元，不利于保障财政资金安全"
                )
                % {
                    **self._names(),
                    "n": rush["projects"],
                    "december": chinese_figure(rush["december"]),
                }
            )
        if not parts:
            return False
        self.w.heading(number(_("预算执行问题")), 2)
        self.w.para("；".join(parts) + _("。"))
        return True

    def _low_grades(self, number: Numbering) -> bool:
        low = self.s["problems"]["low_grades"]
        if not low["projects"]:
            return False
        self.w.heading(number(_("资金使用成效问题")), 2)
        listed = "、".join(
            _("%(grade)s %(n)s 个") % {"grade": g, "n": n} for g, n in low["grades"].items() if n
        )
        self._say(
            _(
                "%(prior)s 年度绩效自评结果为%(grades)s的项目 %(n)s 个（%(list)s），部分项目"
                "资金使用效益发挥不明显，未达到财政资金使用目的。"
            ),
            grades="、".join(low["grades"]),
            n=low["projects"],
            list=listed,
        )
        return True

    def _key_findings(self, number: Numbering) -> bool:
        """The problems the key evaluations found, counted by level-1 indicator."""
        findings = self.s["key_evaluations"]["findings"]
        total = sum(findings.values())
        if not total:
            return False
        self.w.heading(number(_("重点评价发现的问题")), 2)
        listed = "、".join(
            _("%(level)s方面 %(n)s 个") % {"level": level, "n": n} for level, n in findings.items()
        )
        self._say(
            _(
                "%(year)s 年 %(evaluations)s 个项目的重点评价共发现问题 %(total)s 个，其中"
                "%(list)s。"
            ),
            evaluations=self.s["key_evaluations"]["count"],
            total=total,
            list=listed,
        )
        self._table(
            _("%(year)s 年度重点评价发现的问题") % self._names(),
            [_("一级指标"), _("问题数（个）")],
            list(findings.items()),
        )
        return True

    def _overdue(self, number: Numbering) -> bool:
        overdue = self.s["problems"]["overdue"]
        items = [
            (overdue["targets_late"], _("逾期申报的绩效目标 %(n)s 份")),
            (overdue["reports_late"], _("逾期报送的监控报告 %(n)s 份")),
            (overdue["reports_missing"], _("逾期未报送的监控报告 %(n)s 份")),
            (overdue["alerts"], _("逾期未处置的预警 %(n)s 条")),
            (
                self.s["results"]["rectifications"]["overdue"],
                _("逾期未完成整改的事项 %(n)s 项"),
            ),
            (self.s["results"]["disclosure"]["overdue"], _("未按期公开的绩效信息 %(n)s 项")),
        ]
        parts = [text % {"n": n} for n, text in items if n]
        if not parts:
            return False
        self.w.heading(number(_("按时报送和整改问题")), 2)
        self.w.para(_("%(year)s 年，") % self._names() + "、".join(parts) + _("。"))
        return True

    # 四、next steps: the bureau's own words, never generated
    def next_steps(self) -> None:
        self.w.heading(_("四、下一步工作思路"))
        self.w.para(
            _(
                "【此处由财政局填写下一步工作思路（如加强预算绩效管理、明确绩效指标设置思路、加强"
                "跟踪问效、严控资金管理等），系统不自动生成。填写后请删除本段提示。】"
            ),
            highlight=True,
        )

    def signature(self) -> None:
        self.w.blank(keep_with_next=True)
        self.w.blank(keep_with_next=True)
        self.w.para(
            _("%(region)s财政局") % self._names(),
            first_indent=False,
            align=WD_ALIGN_PARAGRAPH.RIGHT,
            right_chars=4,
            keep_with_next=True,
        )
        self.w.para(
            chinese_date(self.today),
            first_indent=False,
            align=WD_ALIGN_PARAGRAPH.RIGHT,
            right_chars=4,
        )


# ── entry point ──────────────────────────────────────────────────────────────────────────────
def summary_docx(
    *,
    user,
    region,
    year: int,
    today: datetime.date | None = None,
    cap: int = ROW_CAP,
    progress: Callable | None = None,
) -> bytes:
    """The annual work summary of `region`'s work year `year` as `user` sees it, as .docx
    bytes. `today` dates the document and judges what is overdue; `progress` wraps the
    appendix's topics (the CLI's progress bar)."""
    today = today or timezone.localdate()
    stats = summary_figures(user=user, region=region, year=year, today=today)
    work = DatedWorkYear(user=user, region=region, year=year, today=today)
    writer = OfficialDocument()
    Summary(writer, stats, region, today=today).write()
    charts_page(writer, stats)
    appendix(writer, stats, work, cap=cap, progress=progress or (lambda items: items))
    return writer.to_bytes()
