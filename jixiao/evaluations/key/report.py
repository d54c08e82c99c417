"""The key evaluation's report (评价报告, 财政资金绩效综合评价报告, DOMAIN.md §6.4): its sections in
the standard outline built from the data, its versions (generated, then edited; never
overwritten), the Word document, and its delivery to the unit and its 主管部门 with a read
receipt.

A version's `sections` JSON is

    {"title": "...", "parts": {"basics": "...", ..., "other": "..."},
     "table": [{"level1", "level2", "level3", "weight", "score"}], "total": "88.50", "grade": "良"}

where each part is plain text, one paragraph a line; a line that starts with "（一）" … is a
sub-heading in the Word document. `report_docx(version)` is the one entry point of the long work
(a province-year of reports moves to a background job through it).

The Word writer (`OfficialDocx`, the official layout) is in `docx_writer`; the agency's own score
table (第三方机构评分表) is imported by `score_import`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import audit, edit_stamp
from jixiao.orgs.models import Role, UnitYear

from .docx_writer import OfficialDocx
from .models import (
    ExpertScore,
    KeyEvaluation,
    KeyStatus,
    ReportDelivery,
    ReportVersion,
)
from .panel import panel_total
from .rate_inputs import satisfaction_rate
from .work import grades_of
from .workflow import KEY_WORKFLOW, assigned_agency, commissioning_office

#: The standard outline (DOMAIN.md §6.4): part key → heading.
OUTLINE = (
    ("basics", gettext_lazy("一、基本情况")),
    ("conduct", gettext_lazy("二、评价工作开展情况")),
    ("conclusion", gettext_lazy("三、综合评价结论")),
    ("analysis", gettext_lazy("四、绩效分析")),
    ("findings", gettext_lazy("五、主要经验、存在问题及原因")),
    ("recommendations", gettext_lazy("六、建议")),
    ("other", gettext_lazy("七、其他需要说明的问题")),
)
PART_KEYS = tuple(key for key, _label in OUTLINE)
LEVEL1_ORDER = ("决策", "过程", "产出", "效益")
CHINESE_NUMBERS = "一二三四五六七八九十"
#: While the agency may write the report; the office may until the evaluation is archived.
AGENCY_WRITES = frozenset({KeyStatus.FIELDWORK, KeyStatus.DRAFT_REPORT, KeyStatus.RESPONDED})
#: From when the evaluated unit reads the report (the draft it answers, then the final).
UNIT_READS = frozenset(
    {KeyStatus.DRAFT_REPORT, KeyStatus.RESPONDED, KeyStatus.FINAL, KeyStatus.ARCHIVED}
)
BUREAU_READERS = (Role.PERFORMANCE, Role.AUDITOR, Role.BUDGET, Role.BUSINESS)


# --------------------------------------------------------------------------- who may


def report_write_refusal(evaluation, user) -> str | None:
    """The assigned agency while fieldwork, draft report or the unit's response; the
    commissioning office until it is archived. Why not, or None."""
    if evaluation.status == KeyStatus.ARCHIVED:
        return _("评价已归档，报告不能再修改。")
    if commissioning_office(evaluation, user) is None:
        return None
    if assigned_agency(evaluation, user) is None and user.has_role(Role.AGENCY):
        if evaluation.status in AGENCY_WRITES:
            return None
        return _("评价处于“%(s)s”状态，第三方机构不能修改报告。") % {
            "s": KEY_WORKFLOW.label(evaluation.status)
        }
    return _("只有承担本评价的第三方机构或委托评价的绩效办可以编写报告。")


def report_readable(evaluation, user) -> bool:
    """Who reads the report: the bureau's offices, the assigned agency, the commissioning unit,
    and the evaluated unit (and its 主管部门) from the draft report on. Experts do not."""
    if user.has_role(*BUREAU_READERS) or commissioning_office(evaluation, user) is None:
        return True
    if user.has_role(Role.AGENCY) and assigned_agency(evaluation, user) is None:
        return True
    if user.has_role(Role.FILER, Role.LEADER) and evaluation.status in UNIT_READS:
        return (
            evaluation.unit_id in user.get_scope().unit_ids
            or deliveries_for(evaluation, user).exists()
        )
    return False


# --------------------------------------------------------------------------- sections


def _money(value) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text


def _score(value) -> str:
    return "—" if value is None else f"{Decimal(value).quantize(Decimal('0.01')):f}"


def score_rows(evaluation) -> list[dict]:
    """The score table: one row per third-level indicator with its agreed score."""
    return [
        {
            "level1": i.level1,
            "level2": i.level2,
            "level3": i.level3,
            "weight": _score(i.weight),
            "score": None if i.score is None else _score(i.score),
        }
        for i in evaluation.panel.indicators.all()
    ]


def overall(evaluation, rows: Sequence[dict]) -> tuple[str | None, str]:
    """The evaluation's total and grade: as recorded on it, else the panel's."""
    if evaluation.score is not None:
        return _score(evaluation.score), evaluation.grade
    scores = [None if r["score"] is None else Decimal(r["score"]) for r in rows]
    result = panel_total(scores, grades_of(evaluation))
    return (_score(result.total), result.grade or "") if result.complete else (None, "")


def _basics(evaluation) -> list[str]:
    project = evaluation.project
    lines = []
    subject = evaluation.subject
    if project is not None:
        subject = _("%(name)s（项目编码 %(code)s）") % {"name": project.name, "code": project.code}
    amount = evaluation.amount
    if amount is None and project is not None:
        amount = project.full_total
    lines.append(
        _("评价对象：%(subject)s，评价类型：%(kind)s，实施单位：%(unit)s，评价年度：%(year)s年。")
        % {
            "subject": subject,
            "kind": evaluation.get_kind_display(),
            "unit": evaluation.unit.name,
            "year": evaluation.year,
        }
    )
    lines.append(_("评价资金：%(amount)s万元。") % {"amount": _money(amount)})
    if evaluation.special_kind:
        lines.append(
            _("本项目属于%(kind)s项目，评价在共性指标体系基础上增加了该类别的个性指标。")
            % {"kind": evaluation.special_kind}
        )
    if project is not None and project.description:
        lines.append(project.description)
    return lines


def _conduct(evaluation) -> list[str]:
    lines = []
    if evaluation.agency_id:
        lines.append(
            _("本次评价由%(office)s委托%(agency)s实施。")
            % {
                "office": evaluation.commissioner.name
                if evaluation.commissioner_id
                else _("绩效办"),
                "agency": evaluation.agency.name,
            }
        )
    members = list(evaluation.panel.members.select_related("expert"))
    if members:
        names = "、".join(
            f"{m.expert.name}（{m.expert.title or m.expert.employer}）"
            if (m.expert.title or m.expert.employer)
            else m.expert.name
            for m in members
        )
        lines.append(_("评审专家%(n)s名：%(names)s。") % {"n": len(members), "names": names})
    lines.append(_("评价方法：现场勘查、比对打分和公众测评相结合。"))
    lines.append(_("（一）现场勘查"))
    visits = list(evaluation.site_visits.all())
    for visit in visits:
        lines.append(
            _(
                "%(date)s，在%(place)s开展现场勘查，参加人员：%(people)s；勘查内容：%(checked)s%(found)s"
            )
            % {
                "date": visit.visited_on.strftime("%Y年%m月%d日"),
                "place": visit.place,
                "people": visit.people,
                "checked": visit.checked,
                "found": _("；发现情况：%(f)s。") % {"f": visit.findings}
                if visit.findings
                else "。",
            }
        )
    if not visits:
        lines.append(_("本次评价未开展现场勘查。"))
    lines.append(_("（二）比对打分"))
    lines.append(
        _(
            "%(n)s名专家对%(m)s个三级指标独立评分，取平均分（5名及以上专家去掉一个最高分和一个最低分）；"
            "分差较大的指标经讨论确定得分。"
        )
        % {"n": len(members), "m": evaluation.panel.indicators.count()}
    )
    for indicator in evaluation.panel.indicators.filter(flagged=True):
        lines.append(
            _("“%(name)s”专家评分分差%(spread)s分，经讨论确定为%(score)s分：%(note)s")
            % {
                "name": indicator.level3,
                "spread": _score(indicator.spread),
                "score": _score(indicator.score),
                "note": indicator.discussion or "—",
            }
        )
    lines.append(_("（三）公众测评"))
    rate = satisfaction_rate(evaluation)  # the survey slot (rate_inputs.SATISFACTION_SOURCES)
    if rate is None:
        lines.append(_("本次评价未开展公众测评，满意度依据访谈和问卷资料评分。"))
    else:
        lines.append(
            _("公众测评的满意率为%(rate)s%%，作为满意度指标的评分依据。")
            % {"rate": f"{(rate * 100).quantize(Decimal('0.01')):f}"}
        )
    return lines


def _conclusion(evaluation, total, grade) -> list[str]:
    lines = []
    if total is None:
        lines.append(_("专家评分尚未全部完成，综合得分待定。"))
    else:
        lines.append(
            _("经综合评价，%(subject)s绩效评价得分为%(total)s分，评价等级为“%(grade)s”。")
            % {"subject": evaluation.subject, "total": total, "grade": grade or "—"}
        )
    if evaluation.conclusion:
        lines.extend(evaluation.conclusion.splitlines())
    lines.append(_("评分情况见下表。"))
    return lines


def _reasons(evaluation) -> dict[int, list[str]]:
    """Each indicator's deduction reasons from the raw scores, once each, in order."""
    reasons: dict[int, list[str]] = defaultdict(list)
    raw = ExpertScore.objects.filter(member__panel=evaluation.panel).select_related("indicator")
    for score in raw.order_by("indicator__order", "member_id"):
        reason = score.reason.strip()
        if score.score < score.indicator.weight and reason:
            if reason not in reasons[score.indicator_id]:
                reasons[score.indicator_id].append(reason)
    return reasons


def _analysis(evaluation) -> list[str]:
    reasons = _reasons(evaluation)
    groups: dict[str, list] = defaultdict(list)
    for indicator in evaluation.panel.indicators.all():
        groups[indicator.level1].append(indicator)
    order = [g for g in LEVEL1_ORDER if g in groups] + [g for g in groups if g not in LEVEL1_ORDER]
    lines = []
    for number, level1 in enumerate(order):
        items = groups[level1]
        weight = sum((i.weight for i in items), Decimal(0))
        scored = [i.score for i in items if i.score is not None]
        got = _score(sum(scored, Decimal(0))) if len(scored) == len(items) else "—"
        lines.append(
            _("（%(n)s）%(level1)s指标（分值%(weight)s分，得分%(score)s分）")
            % {
                "n": CHINESE_NUMBERS[number],
                "level1": level1,
                "weight": _score(weight),
                "score": got,
            }
        )
        for indicator in items:
            line = _("%(name)s：分值%(weight)s分，得分%(score)s分。") % {
                "name": indicator.level3,
                "weight": _score(indicator.weight),
                "score": _score(indicator.score),
            }
            if reasons.get(indicator.pk):
                line += _("扣分原因：%(r)s") % {"r": "；".join(reasons[indicator.pk])}
            lines.append(line)
    return lines


def _findings(evaluation) -> tuple[list[str], list[str]]:
    findings = list(evaluation.findings.select_related("indicator"))
    problems = [
        _("（一）主要经验"),
        _("（由评价机构根据评价情况填写。）"),
        _("（二）存在问题及原因"),
    ]
    advice = []
    for number, finding in enumerate(findings, start=1):
        where = finding.indicator.level3 if finding.indicator_id else finding.level1
        line = _("%(n)s. %(problem)s（%(where)s）") % {
            "n": number,
            "problem": finding.problem.strip().rstrip("。"),
            "where": where,
        }
        if finding.evidence:
            line += _("依据：%(e)s") % {"e": finding.evidence}
        problems.append(line)
        if finding.recommendation:
            advice.append(
                _("%(n)s. %(text)s") % {"n": len(advice) + 1, "text": finding.recommendation}
            )
    if not findings:
        problems.append(_("评价未发现需要整改的问题。"))
    if not advice:
        advice.append(_("（由评价机构根据存在的问题提出建议。）"))
    return problems, advice


def _other(evaluation) -> list[str]:
    lines = []
    if evaluation.unit_response:
        lines.append(_("被评价单位对报告初稿的反馈意见（交换意见）："))
        lines.extend(evaluation.unit_response.splitlines())
    lines.append(
        _("本报告依据被评价单位提供的资料和现场勘查情况编制，评价结论仅对本次评价对象有效。")
    )
    return lines


def report_sections(evaluation) -> dict:
    """The report of the evaluation as it stands, in the standard outline (DOMAIN.md §6.4)."""
    rows = score_rows(evaluation)
    total, grade = overall(evaluation, rows)
    problems, advice = _findings(evaluation)
    parts = {
        "basics": _basics(evaluation),
        "conduct": _conduct(evaluation),
        "conclusion": _conclusion(evaluation, total, grade),
        "analysis": _analysis(evaluation),
        "findings": problems,
        "recommendations": advice,
        "other": _other(evaluation),
    }
    return {
        "title": _("%(subject)s绩效评价报告") % {"subject": evaluation.subject},
        "parts": {key: "\n".join(str(line) for line in lines) for key, lines in parts.items()},
        "table": rows,
        "total": total,
        "grade": grade,
    }


# --------------------------------------------------------------------------- versions


def _next_number(evaluation) -> int:
    return (evaluation.reports.aggregate(n=Max("number"))["n"] or 0) + 1


def _save_version(*, actor, evaluation, sections: dict, note: str) -> ReportVersion:
    refusal = report_write_refusal(evaluation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    KeyEvaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
    version = ReportVersion.objects.create(
        evaluation=evaluation,
        number=_next_number(evaluation),
        sections=sections,
        note=note[:200],
        created_by=actor,
    )
    audit.record(
        action="create",
        instance=evaluation,
        actor=actor,
        after={"report_version": version.number},
        message=_("评价报告第%(n)s版：%(note)s") % {"n": version.number, "note": note[:150]},
    )
    return version


@transaction.atomic
def report_generate(*, actor, evaluation) -> ReportVersion:
    """A new version of the report built from the evaluation's data."""
    return _save_version(
        actor=actor,
        evaluation=evaluation,
        sections=report_sections(evaluation),
        note=str(_("根据评价数据生成")),
    )


@transaction.atomic
def report_edit(
    *, actor, evaluation, sections: dict, note: str, loaded: str | None = None
) -> ReportVersion:
    """Save an edited copy of the latest version as the next version. `sections` maps part keys
    (`PART_KEYS`) to their text; parts not given keep the latest version's text. Refused
    (`edit_stamp.Overwritten`) when a version was saved since the form's `loaded` stamp."""
    # the latest version as read under the evaluation's lock, which every new version takes
    KeyEvaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
    latest = evaluation.reports.order_by("-number").first()
    if latest is None:
        raise ValidationError(_("请先生成评价报告。"))
    edit_stamp.check(latest, loaded)
    unknown = sorted(set(sections) - set(PART_KEYS) - {"title"})
    if unknown:
        raise ValidationError(_("报告没有这些部分：%(k)s。") % {"k": "、".join(unknown)})
    if not note.strip():
        raise ValidationError(_("请填写修改说明。"))
    content = dict(latest.sections)
    parts = dict(content.get("parts", {}))
    for key in PART_KEYS:
        if key in sections:
            parts[key] = str(sections[key]).replace("\r\n", "\n").strip()
    content["parts"] = parts
    if str(sections.get("title", "")).strip():
        content["title"] = str(sections["title"]).strip()[:200]
    return _save_version(actor=actor, evaluation=evaluation, sections=content, note=note.strip())


# --------------------------------------------------------------------------- delivery


def deliveries_for(evaluation, user):
    """The deliveries of the evaluation's reports addressed to the user's own unit."""
    if not user.unit_id:
        return ReportDelivery.objects.none()
    return ReportDelivery.objects.filter(report__evaluation=evaluation, unit_id=user.unit_id)


def report_deliver(evaluation, *, actor=None) -> list[ReportDelivery]:
    """Send the final version to the evaluated unit and its 主管部门 (the parent unit of the
    year, if any); sending twice sends once."""
    final = evaluation.reports.order_by("-number").first()
    if final is None:
        return []
    units = [evaluation.unit]
    link = UnitYear.objects.filter(unit=evaluation.unit, year=evaluation.year).first()
    if link is not None and link.parent_id and link.parent_id != evaluation.unit_id:
        units.append(link.parent)
    sent = []
    for unit in units:
        delivery, created = ReportDelivery.objects.get_or_create(report=final, unit=unit)
        sent.append(delivery)
        if created:
            audit.record(
                action="action",
                instance=evaluation,
                actor=actor,
                message=_("评价报告第%(n)s版送达%(u)s") % {"n": final.number, "u": unit.name},
            )
    return sent


def _deliver_on_archive(evaluation, transition, actor) -> None:
    """KEY_WORKFLOW hook: approving the final report archives it and sends it."""
    if transition.name == "approve_final":
        if evaluation.archived_on is None:
            KeyEvaluation.objects.filter(pk=evaluation.pk).update(archived_on=timezone.localdate())
        report_deliver(evaluation, actor=actor)


if _deliver_on_archive not in KEY_WORKFLOW.on_transition:
    KEY_WORKFLOW.on_transition.append(_deliver_on_archive)


def report_mark_read(version: ReportVersion, user) -> list[ReportDelivery]:
    """The read receipt: the first time someone of a receiving unit opens the delivered
    version, its delivery records when and who."""
    if not user.has_role(Role.FILER, Role.LEADER) or not user.unit_id:
        return []
    marked = []
    for delivery in version.deliveries.filter(unit_id=user.unit_id, read_at__isnull=True):
        delivery.read_at, delivery.read_by = timezone.now(), user
        delivery.save(update_fields=["read_at", "read_by"])
        audit.record(
            action="action",
            instance=version.evaluation,
            actor=user,
            message=_("%(u)s已阅评价报告第%(n)s版")
            % {"u": delivery.unit.name, "n": version.number},
        )
        marked.append(delivery)
    return marked


# --------------------------------------------------------------------------- Word


def score_table_headers() -> list[str]:
    return [_("一级指标"), _("二级指标"), _("三级指标"), _("分值"), _("得分")]


def report_docx(version: ReportVersion) -> bytes:
    """The report version as a Word document in the official layout: the entry point of the
    long work."""
    content = version.sections or {}
    parts = content.get("parts", {})
    doc = OfficialDocx()
    doc.title(content.get("title") or str(version.evaluation))
    for key, heading in OUTLINE:
        doc.heading(str(heading))
        doc.text(parts.get(key, ""))
        if key == "conclusion" and content.get("table"):
            rows = [
                (r["level1"], r["level2"], r["level3"], r["weight"], r.get("score") or "—")
                for r in content["table"]
            ]
            weight = sum((Decimal(r["weight"]) for r in content["table"]), Decimal(0))
            total = content.get("total") or "—"
            rows.append(
                (_("合计"), "", "", _score(weight), f"{total} {content.get('grade') or ''}")
            )
            doc.table(score_table_headers(), rows)
    evaluation = version.evaluation
    if evaluation.agency_id:
        doc.para(evaluation.agency.name, indent=False, right=True)
    doc.para(
        timezone.localtime(version.created_at).strftime("%Y年%m月%d日"), indent=False, right=True
    )
    return doc.to_bytes()


def docx_name(version: ReportVersion) -> str:
    return _("%(subject)s绩效评价报告（第%(n)s版）.docx") % {
        "subject": version.evaluation.subject,
        "n": version.number,
    }
