"""Using the results (结果运用, DOMAIN.md §8): what the year's alerts and evaluations lead to.

- a `Rectification` (整改) is one problem sent to a unit, from a red alert, a low grade, a
  key-evaluation finding or an `AuditFinding`; it moves issued → received → plan → in progress
  → completion report → closed (`results.workflow`), with deadlines in calendar days from
  receipt (`results.deadlines`);
- a `LinkageProposal` (预算挂钩) is the system's proposal for one continuing project's amount in
  the next budget year, from its latest results (`results.linkage`), and the budget office's
  decision on it;
- a `FundAction` (调整、收回、盘活) takes money from a project's current budget from its date on,
  never rewriting what was measured before;
- a `UnitAssessment` (部门预算绩效管理工作考核) is a first-level unit's yearly score, each point
  traced to its records (`results.assessment`), with the office's documented adjustments;
- a `Disclosure` (信息公开) is one publishable item and its state; the public portal shows the
  published ones only. `ApprovalDates` are the days the budget and the final accounts were
  approved, from which the disclosure deadlines run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.budgets.models import MONEY
from jixiao.core.audit import audited
from jixiao.core.fields import optional_link
from jixiao.core.models import ReviewableDocument
from jixiao.core.scope import Scope, ScopedQuerySet, scope_filter
from jixiao.orgs.models import Office, Region, RegionRow, Unit, unit_year_scope_q

SCORE = {"max_digits": 7, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


def _region_scope(scope: Scope) -> Q:
    """Rows only the region's staff read (the bureau-wide ones: a ranking, an approval date)."""
    return scope_filter(scope, region_path="region__path")


class UnitYearRow(RegionRow):
    """A row of one unit's year (its `region`, `unit` and `year`): read by the unit and its
    parent, the offices the unit was assigned to that year, and the region's staff. A row
    without a unit (the year's ranking) is the region staff's only."""

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)


# ── Rectification (整改) ────────────────────────────────────────────────────────────────


class RectificationSource(models.TextChoices):
    """Where a problem came from (CONTRACT.md `source`)."""

    ALERT = "alert", _("监控预警")
    SELFEVAL = "selfeval", _("项目自评")
    UNIT_EVALUATION = "unit_evaluation", _("部门整体评价")
    KEY_EVALUATION = "key_evaluation", _("重点评价")
    AUDIT = "audit", _("审计发现")


class RectificationStatus(models.TextChoices):
    """DOMAIN.md §8.1. A draft is a problem found but not yet sent; the unit's filer writes the
    plan and the report, its leader confirms each, the issuer verifies."""

    DRAFT = "draft", _("待下达")
    ISSUED = "issued", _("已下达")
    RECEIVED = "received", _("已接收")
    PLAN_READY = "plan_ready", _("整改方案待单位确认")
    IN_PROGRESS = "in_progress", _("整改中")
    REPORT_READY = "report_ready", _("整改报告待单位确认")
    REPORTED = "reported", _("待核验")
    CLOSED = "closed", _("已销号")


@audited
class AuditFinding(UnitYearRow):
    """A problem an audit report found (审计发现), entered by the performance office; the
    auditor only reads. Each one becomes a rectification."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="audit_findings"
    )
    project = optional_link("budgets.Project", _("项目"), related_name="audit_findings")
    report_title = models.CharField(_("审计报告"), max_length=200)
    report_number = models.CharField(_("文号"), max_length=60, blank=True)
    report_date = models.DateField(_("报告日期"))
    problem = models.TextField(_("审计发现的问题"))
    recommendation = models.TextField(_("审计建议"), blank=True)
    amount = models.DecimalField(_("涉及金额（万元）"), **MONEY, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审计发现")
        verbose_name_plural = _("审计发现")
        ordering = ["-report_date", "pk"]

    def __str__(self) -> str:
        return f"{self.report_title}：{self.problem[:30]}"


class RectificationQuerySet(ScopedQuerySet):
    """The two definitions every figure, list and to-do of rectifications shares."""

    def overdue(self, as_of: date) -> RectificationQuerySet:
        """Issued, not closed by `as_of`, and past a deadline by then: the plan not confirmed by
        its due day, or the whole not closed by its due day (DOMAIN.md §8.1). A closed year
        counts as of 31 December, the live year as of today (the caller says which)."""
        open_then = Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
        plan_late = Q(plan_due__lt=as_of) & (Q(planned_on__isnull=True) | Q(planned_on__gt=as_of))
        return self.filter(
            open_then & (Q(due__lt=as_of) | plan_late),
            issued_on__isnull=False,
            issued_on__lte=as_of,
        )

    def closed_on_time(self) -> RectificationQuerySet:
        return self.filter(closed_on__isnull=False, closed_on__lte=F("due"))


@audited
class Rectification(ReviewableDocument, UnitYearRow):
    """One problem sent to a unit for rectification, linked back to its source."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("工作年度"), db_index=True, help_text=_("下达整改的年度")
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="rectifications"
    )
    project = optional_link("budgets.Project", _("项目"), related_name="rectifications")
    status = ReviewableDocument.status_field(RectificationStatus)
    number = models.CharField(_("整改编号"), max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=RectificationSource.choices)
    # The source itself, one of these (the one `source` names).
    alert = optional_link("monitoring.Alert", _("预警"), related_name="rectifications")
    selfeval = optional_link(
        "evaluations.SelfEvaluation", _("项目自评"), related_name="rectifications"
    )
    unit_evaluation = optional_link(
        "evaluations.UnitEvaluation", _("部门整体评价"), related_name="rectifications"
    )
    finding = optional_link("evaluations.Finding", _("重点评价发现"), related_name="rectifications")
    audit_finding = optional_link(AuditFinding, _("审计发现"), related_name="rectifications")
    issuer = models.ForeignKey(
        Office, verbose_name=_("下达股室"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.TextField(_("存在问题"))
    required_action = models.TextField(_("整改要求"))
    result_date = models.DateField(_("结果产生日期"), help_text=_("反馈须在此后 20 日内下达"))
    issued_on = models.DateField(_("下达日期"), null=True, blank=True)
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    plan_due = models.DateField(_("方案期限"), null=True, blank=True)
    due = models.DateField(_("整改期限"), null=True, blank=True)
    plan = models.TextField(_("整改方案"), blank=True)
    planned_on = models.DateField(_("方案确认日期"), null=True, blank=True)
    report = models.TextField(_("整改完成情况"), blank=True)
    reported_on = models.DateField(_("报告确认日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_note = models.TextField(_("核验意见"), blank=True)
    # Reminders and escalations sent, so `jixiao tick` sends each once.
    plan_reminded_on = models.DateField(null=True, blank=True, editable=False)
    due_reminded_on = models.DateField(null=True, blank=True, editable=False)
    escalated_on = models.DateField(_("逾期督办日期"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["-year", "unit__code", "pk"]
        indexes = [models.Index(fields=["region", "year", "status"])]

    def __str__(self) -> str:
        return self.number or _("整改事项 %(pk)s") % {"pk": self.pk}

    def attachments_editable_by(self, user) -> bool:
        # Evidence files belong to the unit's completion report, while it may write it.
        return self.edit_refusal(user) is None

    @property
    def source_object(self):
        return {
            RectificationSource.ALERT: self.alert,
            RectificationSource.SELFEVAL: self.selfeval,
            RectificationSource.UNIT_EVALUATION: self.unit_evaluation,
            RectificationSource.KEY_EVALUATION: self.finding,
            RectificationSource.AUDIT: self.audit_finding,
        }.get(self.source)


# ── Budget linkage (与预算挂钩) ──────────────────────────────────────────────────────────


class LinkageRule(models.TextChoices):
    """The row of the linkage table a proposal follows (DOMAIN.md §8.2)."""

    GROW = "grow", _("优先保障")
    KEEP = "keep", _("不新增")
    CUT = "cut", _("压减")
    CANCEL = "cancel", _("取消")


class LinkageStatus(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    ACCEPTED = "accepted", _("已采纳")
    OVERRIDDEN = "overridden", _("已调整金额")


@audited
class LinkageProposal(UnitYearRow):
    """The proposal for one continuing project's amount in `year` (the next budget year), from
    its results in the year before, and the budget office's decision."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("预算年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="linkage_proposals",
        help_text=_("上一年度的项目"),
    )
    grade = models.CharField(_("评价等级"), max_length=2, blank=True)
    grade_source = models.CharField(_("等级来源"), max_length=40, blank=True)
    open_rectifications = models.PositiveIntegerField(_("未完成整改"), default=0)
    execution_rate = models.DecimalField(_("预算执行率"), **RATE, null=True, blank=True)
    key_conclusion = models.CharField(_("重点评价结论"), max_length=200, blank=True)
    one_off = models.BooleanField(_("一次性项目"), default=False)
    rule = models.CharField(_("适用规则"), max_length=8, choices=LinkageRule.choices)
    current_amount = models.DecimalField(_("本年预算（万元）"), **MONEY)
    proposed_amount = models.DecimalField(_("建议安排（万元）"), **MONEY)
    reason = models.TextField(_("建议理由"))
    explanation = models.JSONField(_("计算过程"), default=list, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=LinkageStatus.choices,
        default=LinkageStatus.PROPOSED,
        db_index=True,
    )
    cancelled = models.BooleanField(_("取消项目"), default=False)
    decided_amount = models.DecimalField(_("决定安排（万元）"), **MONEY, null=True, blank=True)
    decision_reason = models.TextField(_("调整理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预算挂钩建议")
        verbose_name_plural = _("预算挂钩建议")
        ordering = ["-year", "unit__code", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="linkage_one_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.project}"

    @property
    def difference(self) -> Decimal | None:
        """The decision minus the proposal (what the budget office changed)."""
        if self.decided_amount is None:
            return None
        return self.decided_amount - self.proposed_amount


# ── Fund actions (调整、收回、盘活) ──────────────────────────────────────────────────────


class FundActionKind(models.TextChoices):
    """Stored as the words users read (CONTRACT.md `action`)."""

    ADJUST = "调整", _("调整")
    RECOVER = "收回", _("收回")
    REDEPLOY = "盘活", _("盘活")


@audited
class FundAction(UnitYearRow):
    """Money taken from a project's current budget from `date` on: adjusted (调减), recovered to
    the treasury, or redeployed to `receiving_project`. The amount is positive, in 万元."""

    class Source(models.TextChoices):
        """What the action rests on; the action links the alert, evaluation or rectification."""

        ALERT = "alert", _("监控预警")
        EVALUATION = "evaluation", _("绩效评价")
        RECTIFICATION = "rectification", _("整改")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("预算年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="fund_actions",
    )
    kind = models.CharField(_("处理方式"), max_length=4, choices=FundActionKind.choices)
    amount = models.DecimalField(_("金额（万元）"), **MONEY)
    date = models.DateField(_("日期"))
    reason = models.TextField(_("理由"))
    source = models.CharField(_("依据来源"), max_length=16, choices=Source.choices)
    alert = optional_link("monitoring.Alert", _("预警"), related_name="fund_actions")
    selfeval = optional_link("evaluations.SelfEvaluation", _("项目自评"), related_name="+")
    key_evaluation = optional_link("evaluations.KeyEvaluation", _("重点评价"), related_name="+")
    rectification = optional_link(Rectification, _("整改事项"), related_name="fund_actions")
    document_number = models.CharField(_("文号"), max_length=60)
    receiving_project = optional_link(
        "budgets.Project", _("接收项目"), related_name="fund_actions_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("资金处理")
        verbose_name_plural = _("资金处理")
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_action_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.project} {self.amount}"


FundActionSource = FundAction.Source  # the name the services and pages use


# ── Unit assessment (部门预算绩效管理工作考核) ──────────────────────────────────────────


@audited
class UnitAssessment(UnitYearRow):
    """A first-level unit's yearly score. `parts` keeps each part's points and the records it
    was computed from (as the pure rules explain it); `adjustment` is the sum of the office's
    documented adjustments; `score` = the parts + the adjustment, held within 0..100."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("考核年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="assessments"
    )
    computed = models.DecimalField(_("计算得分"), **SCORE)
    adjustment = models.DecimalField(_("调整分"), **SCORE, default=Decimal("0"))
    score = models.DecimalField(_("考核得分"), **SCORE)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    parts = models.JSONField(_("分项得分"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门绩效管理工作考核")
        verbose_name_plural = _("部门绩效管理工作考核")
        ordering = ["-year", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="assessment_one_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"


@audited
class AssessmentAdjustment(models.Model):
    """The office's documented change to a unit's assessment score (加减分), with its reason and
    the document it rests on."""

    assessment = models.ForeignKey(
        UnitAssessment, on_delete=models.CASCADE, related_name="adjustments"
    )
    points = models.DecimalField(_("调整分值"), **SCORE)
    reason = models.TextField(_("调整理由"))
    document_number = models.CharField(_("依据文件"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考核调整")
        verbose_name_plural = _("考核调整")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.points:+} {self.reason[:30]}"

    @property
    def audit_region_code(self) -> str:
        return self.assessment.region.code


# ── Disclosure (信息公开) ────────────────────────────────────────────────────────────────


class DisclosureKind(models.TextChoices):
    """What is published, and with what (DOMAIN.md §8.4): the targets with the department
    budget, the self-evaluation results with the final accounts, the key reports on the
    bureau's site, the ranking with the year's summary."""

    TARGETS = "targets", _("绩效目标")
    SELFEVAL = "selfeval", _("自评结果")
    KEY_REPORT = "key_report", _("重点评价报告")
    UNIT_RANKING = "unit_ranking", _("部门考核排名")


class DisclosureStatus(models.TextChoices):
    PENDING = "pending", _("待公开")
    PUBLISHED = "published", _("已公开")
    WITHHELD = "withheld", pgettext_lazy("disclosure status", "不予公开")
    WITHDRAWN = "withdrawn", _("已撤回")


@audited
class ApprovalDates(RegionRow):
    """The days a region's budget and final accounts of a year were approved (批复); the
    disclosure deadlines run from them (DOMAIN.md §8.4)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    budget_approved_on = models.DateField(_("部门预算批复日期"), null=True, blank=True)
    accounts_approved_on = models.DateField(_("部门决算批复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("预决算批复日期")
        verbose_name_plural = _("预决算批复日期")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="approval_dates_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _region_scope(scope)


class DisclosureQuerySet(ScopedQuerySet):
    """The one definition of an overdue disclosure for lists, to-dos and figures alike (the
    pure `disclosure_rules.is_overdue`, as a filter): its due day passed by `as_of` and it was
    still pending, or it was published (and maybe withdrawn since) after its due day. A
    withheld item and one without a due day are never overdue."""

    def overdue(self, as_of: date) -> DisclosureQuerySet:
        late = Q(status__in=("published", "withdrawn"), published_on__gt=F("due"))
        return self.filter(due__isnull=False, due__lt=as_of).filter(Q(status="pending") | late)


@audited
class Disclosure(UnitYearRow):
    """One publishable item (a unit's approved targets of a year, its self-evaluation results, a
    key-evaluation report, the year's unit ranking) and its state. What the portal shows is
    read from the item at publication and kept in `content`, so a later change to the item
    does not change what was published."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("公开内容"), max_length=16, choices=DisclosureKind.choices)
    unit = optional_link(Unit, _("预算单位"), related_name="disclosures")
    key_evaluation = optional_link(
        "evaluations.KeyEvaluation", _("重点评价"), related_name="disclosures"
    )
    subject = models.CharField(_("公开事项"), max_length=300)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=DisclosureStatus.choices,
        default=DisclosureStatus.PENDING,
        db_index=True,
    )
    due = models.DateField(_("公开期限"), null=True, blank=True)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    reason = models.TextField(_("不予公开或撤回理由"), blank=True)
    content = models.JSONField(_("公开内容快照"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("信息公开")
        verbose_name_plural = _("信息公开")
        ordering = ["-year", "kind", "unit__code", "pk"]
        # One record per item (region, year, kind, unit, key evaluation): kept by
        # `disclosures.ensure_records`, since NULLs are distinct in a unique constraint.
        indexes = [models.Index(fields=["region", "year", "kind"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def public_url(self) -> str:
        return f"/public/disclosures/{self.pk}/"


# ── How each result was used (结果应用情况) ──────────────────────────────────────────────

#: The six uses of a result, in the national platform's order (field name → label).
RESULT_USE_FLAGS = (
    "fed_back",
    "tied_to_budget",
    "policy_adjusted",
    "reported_to_government",
    "reported_to_congress",
)


@audited
class ResultUse(UnitYearRow):
    """How one result of the work year `year` was used (DOMAIN.md §8.2): exactly one of
    `selfeval`, `unit_evaluation` or `key_evaluation` is set, one row per result (kept by
    `result_uses.result_use_save`); `instruction` is the leaders' instruction, blank when none."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("工作年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="+"
    )
    selfeval = optional_link("evaluations.SelfEvaluation", _("项目自评"), related_name="uses")
    unit_evaluation = optional_link(
        "evaluations.UnitEvaluation", _("部门整体评价"), related_name="uses"
    )
    key_evaluation = optional_link("evaluations.KeyEvaluation", _("重点评价"), related_name="uses")
    fed_back = models.BooleanField(_("反馈被评价单位"), default=False)
    tied_to_budget = models.BooleanField(_("与预算安排挂钩"), default=False)
    policy_adjusted = models.BooleanField(_("完善政策或管理"), default=False)
    reported_to_government = models.BooleanField(_("报送本级政府"), default=False)
    reported_to_congress = models.BooleanField(_("报送人大"), default=False)
    instruction = models.TextField(_("领导批示情况"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("结果应用情况")
        verbose_name_plural = _("结果应用情况")
        ordering = ["year", "unit__code", "pk"]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self) -> str:
        return str(self.selfeval or self.unit_evaluation or self.key_evaluation)
