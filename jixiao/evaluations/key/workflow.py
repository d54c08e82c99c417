"""Who moves a key evaluation and an ex-ante assessment, and when (DOMAIN.md §6.4, §7).

Key evaluation (the office is the performance office, or for a department evaluation the
commissioning unit's leader):

draft ─notify(office)─► notified ─submit_plan(agency)─► plan_submitted ─approve_plan(office)─►
fieldwork ─submit_draft(agency)─► draft_report ─respond(unit leader)─► responded
─submit_final(agency)─► final ─approve_final(office)─► archived
The office may return the work plan (to notified) and the final report (to responded).

Ex-ante assessment: draft/returned ─submit(unit leader)─► submitted ─accept(performance)─►
scoring ─conclude(performance)─► concluded; the office may return a submission.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.workflow import Workflow, send_back, step, with_q
from jixiao.orgs.models import Role
from jixiao.orgs.review import EDITABLE, LEADER, NOTHING, own_unit, unit_filer

from .models import Agency, ExAnteAssessment, ExAnteStatus, KeyEvaluation, KeyStatus

PERFORMANCE = frozenset({Role.PERFORMANCE})
AGENCY = frozenset({Role.AGENCY})
# The commissioning side: the performance office, or a first-level unit's leader for its own
# department evaluations (部门评价).
OFFICE = frozenset({Role.PERFORMANCE, Role.LEADER})


def _office_q(user) -> Q:
    q = NOTHING
    if user.has_role(Role.PERFORMANCE):
        q |= Q(commissioner__isnull=True)
    if user.has_role(Role.LEADER) and user.unit_id:
        q |= Q(commissioner_id=user.unit_id)
    return q


@with_q(_office_q)
def commissioning_office(evaluation, user) -> str | None:
    """The office that commissioned the evaluation acts for the bureau's side."""
    if evaluation.commissioner_id is None and user.has_role(Role.PERFORMANCE):
        return None
    if evaluation.commissioner_id and user.has_role(Role.LEADER):
        if user.unit_id == evaluation.commissioner_id:
            return None
    return _("只有委托评价的绩效办（部门评价为委托单位）可以办理。")


def _agency_q(user) -> Q:
    members = Agency.members.through.objects.filter(
        agency_id=OuterRef("agency_id"), user_id=user.pk
    )
    return Q(Exists(members))


@with_q(_agency_q)
def assigned_agency(evaluation, user) -> str | None:
    if evaluation.agency_id and evaluation.agency.members.filter(pk=user.pk).exists():
        return None
    return _("只有承担本评价的第三方机构可以办理。")


def agency_assigned(evaluation, user) -> str | None:
    return None if evaluation.agency_id else _("尚未委托第三方机构。")


def work_plan_written(evaluation, user) -> str | None:
    return None if evaluation.work_plan.strip() else _("请先填写评价工作方案。")


def panel_scored(evaluation, user) -> str | None:
    """Every expert has submitted and every flagged spread has its agreed score."""
    panel = evaluation.panel
    members = list(panel.members.all())
    if not members:
        return _("尚未选派评审专家。")
    waiting = [str(m.expert) for m in members if not m.submitted_at]
    if waiting:
        return _("专家尚未提交评分：%(names)s。") % {"names": "、".join(waiting)}
    open_flags = panel.indicators.filter(flagged=True, agreed__isnull=True)
    if open_flags.exists():
        return _("有 %(n)d 个指标专家评分分歧较大，须先记录讨论结果。") % {"n": open_flags.count()}
    return None


def report_written(evaluation, user) -> str | None:
    return None if evaluation.reports.exists() else _("请先生成评价报告。")


def response_written(evaluation, user) -> str | None:
    if evaluation.unit_response.strip():
        return None
    return _("请先填写单位对报告初稿的反馈意见（交换意见）。")


def quality_scored(evaluation, user) -> str | None:
    if evaluation.agency_quality_score is not None or evaluation.agency_id is None:
        return None
    return _("请先对第三方机构的执业质量评分。")


S = KeyStatus
# fmt: off
KEY_STEPS = [  # name, button, from, to, who, conditions (besides the role)
    step("notify", gettext_lazy("下达评价通知"), S.DRAFT, S.NOTIFIED, OFFICE,
         commissioning_office, agency_assigned),
    step("submit_plan", gettext_lazy("提交工作方案"), S.NOTIFIED, S.PLAN_SUBMITTED, AGENCY,
         assigned_agency, work_plan_written),
    step("approve_plan", gettext_lazy("批复工作方案"), S.PLAN_SUBMITTED, S.FIELDWORK, OFFICE,
         commissioning_office),
    send_back("return_plan", gettext_lazy("退回工作方案"), S.PLAN_SUBMITTED, S.NOTIFIED, OFFICE,
              commissioning_office),
    step("submit_draft", gettext_lazy("提交报告初稿"), S.FIELDWORK, S.DRAFT_REPORT, AGENCY,
         assigned_agency, panel_scored, report_written),
    step("respond", gettext_lazy("确认反馈意见"), S.DRAFT_REPORT, S.RESPONDED, LEADER,
         own_unit, response_written, attest=True),
    step("submit_final", gettext_lazy("提交最终报告"), S.RESPONDED, S.FINAL, AGENCY,
         assigned_agency, report_written),
    step("approve_final", gettext_lazy("审定报告并归档"), S.FINAL, S.ARCHIVED, OFFICE,
         commissioning_office, quality_scored),
    send_back("return_final", gettext_lazy("退回最终报告"), S.FINAL, S.RESPONDED, OFFICE,
              commissioning_office),
]
# fmt: on
KEY_WORKFLOW = Workflow(
    states=dict(KeyStatus.choices),
    transitions=KEY_STEPS,
    # The evaluation's working papers change until it is archived; then they are kept.
    editable=frozenset(set(KeyStatus.values) - {KeyStatus.ARCHIVED}),
    editor=lambda evaluation, user: (
        commissioning_office(evaluation, user) and assigned_agency(evaluation, user)
    ),
    edit_state_refusal=gettext_lazy("评价处于“%(s)s”状态，工作底稿不能再修改。"),
    document=KeyEvaluation,
)


def _notice_dated(evaluation, transition, actor) -> None:
    """The notice's date is the day it goes out (the 评价通知书 shows it), whoever sends it:
    the pages, the API or the demo."""
    if transition.name == "notify":
        evaluation.notified_on = timezone.localdate()
        evaluation.save(update_fields=["notified_on"])


KEY_WORKFLOW.on_transition.append(_notice_dated)


def work_refusal(evaluation, user) -> str | None:
    """Why `user` may not change the evaluation's working papers now (None: they may)."""
    return KEY_WORKFLOW.edit_refusal(evaluation, user)


def unit_may_answer(evaluation, user) -> str | None:
    """The evaluated unit's filers answer data requests and write the response, while the
    evaluation is under way."""
    if not (user.has_role(Role.FILER) and evaluation.unit_id in user.get_scope().unit_ids):
        return _("只有被评价单位的填报人员可以办理。")
    if evaluation.status in (KeyStatus.DRAFT, KeyStatus.FINAL, KeyStatus.ARCHIVED):
        return _("评价处于“%(s)s”状态，不能修改。") % {"s": KEY_WORKFLOW.label(evaluation.status)}
    return None


def _panel_has_experts(assessment, user) -> str | None:
    return None if assessment.panel.members.exists() else _("尚未选派评审专家。")


def _assessment_scored(assessment, user) -> str | None:
    return panel_scored(assessment, user)


def _concluded(assessment, user) -> str | None:
    return None if assessment.conclusion else _("请先选择评估结论。")


E = ExAnteStatus
# fmt: off
EX_ANTE_STEPS = [
    step("submit", gettext_lazy("确认并提交"), EDITABLE, E.SUBMITTED, LEADER, own_unit,
         attest=True),
    step("accept", gettext_lazy("受理并组织评审"), E.SUBMITTED, E.SCORING, PERFORMANCE,
         _panel_has_experts),
    send_back("return", gettext_lazy("退回"), frozenset({E.SUBMITTED, E.SCORING}), E.RETURNED,
              PERFORMANCE),
    step("conclude", gettext_lazy("出具评估结论"), E.SCORING, E.CONCLUDED, PERFORMANCE,
         _assessment_scored, _concluded),
]
# fmt: on
EX_ANTE_WORKFLOW = Workflow(
    states=dict(ExAnteStatus.choices),
    transitions=EX_ANTE_STEPS,
    editable=EDITABLE,
    editor=unit_filer(gettext_lazy("只有本单位的填报人员可以填写事前评估申请。")),
    edit_state_refusal=gettext_lazy("事前评估处于“%(s)s”状态，不能修改。"),
    document=ExAnteAssessment,
)
