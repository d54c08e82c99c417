"""Who moves a rectification (整改), and when (DOMAIN.md §8.1).

draft ─issue(issuer)─► issued ─receive(unit; or automatically after `receipt_days`)─► received
─submit_plan(filer)─► plan_ready ─confirm_plan(leader, attests)─► in_progress
─submit_report(filer: report and evidence)─► report_ready ─confirm_report(leader, attests)─►
reported ─verify(issuer)─► closed
The leader may send the plan or the report back to the filer (with a reason); the issuer may
return a report (with a reason) to in_progress.

The issuer is an office (`Rectification.issuer`): the unit's business office for alerts and
self-evaluations, the performance office for key-evaluation findings, whole-unit evaluations and
audit findings (`issuer_kind`). Its staff of the right role act for it. The document's editor is
the issuer while it is a draft (the problem and the required action) and the unit's filer while
it is received or in progress (the plan, the report, the evidence files).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.attachments import attachments_of
from jixiao.core.workflow import Workflow, send_back, step, with_q
from jixiao.orgs.models import Office, Role
from jixiao.orgs.review import FILER, LEADER, NOTHING, own_unit

from .models import Rectification, RectificationSource, RectificationStatus

ISSUERS = frozenset({Role.BUSINESS, Role.PERFORMANCE})
UNIT = FILER | LEADER

# Which kind of office issues and verifies the rectifications of each source.
ISSUER_KIND = {
    RectificationSource.ALERT: Office.Kind.BUSINESS,
    RectificationSource.SELFEVAL: Office.Kind.BUSINESS,
    RectificationSource.UNIT_EVALUATION: Office.Kind.PERFORMANCE,
    RectificationSource.KEY_EVALUATION: Office.Kind.PERFORMANCE,
    RectificationSource.AUDIT: Office.Kind.PERFORMANCE,
}
ROLE_OF_KIND = {Office.Kind.BUSINESS: Role.BUSINESS, Office.Kind.PERFORMANCE: Role.PERFORMANCE}


def _issuer_q(user) -> Q:
    if not user.office_id or not user.has_role(*ISSUERS):
        return NOTHING
    return Q(issuer_id=user.office_id)


@with_q(_issuer_q)
def issuing_office(rectification, user) -> str | None:
    """The staff of the office that issued the rectification act for the bureau's side."""
    if user.office_id and user.office_id == rectification.issuer_id and user.has_role(*ISSUERS):
        return None
    return _("只有下达整改的股室可以办理。")


def _unit_q(user) -> Q:
    return Q(unit_id__in=sorted(user.get_scope().unit_ids)) if user.unit_id else NOTHING


@with_q(_unit_q)
def unit_of_rectification(rectification, user) -> str | None:
    """The unit's staff (or its parent's, which acts on its behalf) receive the notice."""
    if user.unit_id and rectification.unit_id in user.get_scope().unit_ids:
        return None
    return _("只能处理本单位的整改事项。")


def plan_written(rectification, user) -> str | None:
    return None if rectification.plan.strip() else _("请先填写整改方案。")


def report_written(rectification, user) -> str | None:
    return None if rectification.report.strip() else _("请先填写整改完成情况。")


def evidence_attached(rectification, user) -> str | None:
    if attachments_of(rectification).exists():
        return None
    return _("请先上传至少一份整改佐证材料。")


def problem_stated(rectification, user) -> str | None:
    if rectification.problem.strip() and rectification.required_action.strip():
        return None
    return _("请先填写存在问题和整改要求。")


S = RectificationStatus
# fmt: off
RECTIFICATION_STEPS = [  # name, button, from, to, who, conditions (besides the role)
    step("issue", gettext_lazy("下达整改通知"), S.DRAFT, S.ISSUED, ISSUERS,
         issuing_office, problem_stated),
    step("receive", gettext_lazy("签收整改通知"), S.ISSUED, S.RECEIVED, UNIT,
         unit_of_rectification),
    step("submit_plan", gettext_lazy("提交整改方案"), S.RECEIVED, S.PLAN_READY, FILER,
         own_unit, plan_written),
    step("confirm_plan", gettext_lazy("确认整改方案"), S.PLAN_READY, S.IN_PROGRESS, LEADER,
         own_unit, plan_written, attest=True),
    send_back("return_plan", gettext_lazy("退回填报人"), S.PLAN_READY, S.RECEIVED, LEADER,
              own_unit),
    step("submit_report", gettext_lazy("提交整改报告"), S.IN_PROGRESS, S.REPORT_READY, FILER,
         own_unit, report_written, evidence_attached),
    step("confirm_report", gettext_lazy("确认整改报告"), S.REPORT_READY, S.REPORTED, LEADER,
         own_unit, report_written, evidence_attached, attest=True),
    send_back("return_report", gettext_lazy("退回填报人"), S.REPORT_READY, S.IN_PROGRESS,
              LEADER, own_unit),
    step("verify", gettext_lazy("核验销号"), S.REPORTED, S.CLOSED, ISSUERS, issuing_office),
    send_back("return", gettext_lazy("退回重新整改"), S.REPORTED, S.IN_PROGRESS, ISSUERS,
              issuing_office),
]
# fmt: on


def rectification_editor(rectification, user) -> str | None:
    """The issuer writes the draft; the unit's filer writes the plan, the report and the
    evidence while the rectification is received or in progress."""
    if rectification.status == S.DRAFT:
        return issuing_office(rectification, user)
    if user.has_role(Role.FILER) and rectification.unit_id in user.get_scope().unit_ids:
        return None
    return _("只有整改单位的填报人员可以填写整改方案和整改报告。")


RECTIFICATION_WORKFLOW = Workflow(
    states=dict(RectificationStatus.choices),
    transitions=RECTIFICATION_STEPS,
    editable=frozenset({S.DRAFT, S.RECEIVED, S.IN_PROGRESS}),
    editor=rectification_editor,
    edit_state_refusal=gettext_lazy("整改事项处于“%(s)s”状态，不能修改。"),
    document=Rectification,
)
