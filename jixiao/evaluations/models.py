"""Evaluation after the year (DOMAIN.md §6.1–6.3): project self-evaluations (单位自评) and
whole-unit evaluations (部门整体支出绩效评价).

Scores decide budgets, so three figures are kept side by side and never overwrite each
other: the unit's own score (as it filled the table), the score by the rules (computed, with
its explanation and the rulebook it came from), and the reviewer's adjustment with its reason;
a bureau spot check (抽查复核) records a fourth.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.budgets.models import MONEY
from jixiao.core.audit import audited
from jixiao.core.idempotency import external_id_field, external_id_unique
from jixiao.core.models import ReviewableDocument
from jixiao.core.scope import Scope, ScopedQuerySet
from jixiao.orgs.models import Region, Unit, unit_year_scope_q

SCORE = {"max_digits": 7, "decimal_places": 2}


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    READY = "ready", _("待单位审核")
    SUBMITTED = "submitted", _("业务股室审核中")
    FIRST_PASSED = "first_passed", _("预算股确认中")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")


# DOMAIN.md §9: only documents submitted or beyond count.
COUNTED = (EvaluationStatus.SUBMITTED, EvaluationStatus.FIRST_PASSED, EvaluationStatus.CONFIRMED)


@audited
class SelfEvaluation(ReviewableDocument):
    """项目支出绩效自评表 of one project of `year`, done in the following year."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("项目年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="selfevals"
    )
    project = models.OneToOneField(
        "budgets.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="selfeval"
    )
    target = models.ForeignKey(
        "targets.Target",
        verbose_name=_("绩效目标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = ReviewableDocument.status_field(EvaluationStatus)

    executed_current = models.DecimalField(_("执行数·当年财政拨款"), **MONEY, null=True, blank=True)
    executed_carryover = models.DecimalField(
        _("执行数·上年结转资金"), **MONEY, null=True, blank=True
    )
    executed_other = models.DecimalField(_("执行数·其他资金"), **MONEY, null=True, blank=True)
    execution_from_payments = models.BooleanField(_("执行数取自支付数据"), default=False)
    goal_achieved = models.TextField(_("年度总体目标完成情况"), blank=True)
    report = models.TextField(
        _("自评报告"), blank=True, help_text=_("简要说明项目实施、目标完成、存在问题和改进措施")
    )

    self_execution_score = models.DecimalField(
        _("单位自评预算执行得分"), **SCORE, null=True, blank=True
    )
    self_total = models.DecimalField(_("单位自评总分"), **SCORE, null=True, blank=True)

    total = models.DecimalField(_("按规则得分"), **SCORE, null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=2, blank=True)
    complete = models.BooleanField(_("得分完整"), default=False)
    result = models.JSONField(_("评分明细"), default=dict, blank=True)
    rulebook = models.CharField(_("评分所用规则"), max_length=120, blank=True)

    reviewed_total = models.DecimalField(_("审核后得分"), **SCORE, null=True, blank=True)
    reviewed_grade = models.CharField(_("审核后等级"), max_length=2, blank=True)
    spot_check_total = models.DecimalField(_("抽查复核得分"), **SCORE, null=True, blank=True)
    spot_check_note = models.TextField(_("抽查复核意见"), blank=True)
    spot_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spot_checked_at = models.DateTimeField(_("抽查复核时间"), null=True, blank=True)

    external_id = external_id_field()

    audit_exclude = ("updated_at", "result")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目自评")
        verbose_name_plural = _("项目自评")
        ordering = ["year", "unit__code", "project__code"]
        indexes = [models.Index(fields=["region", "year", "status"])]
        constraints = [external_id_unique("selfeval_external_id")]

    def __str__(self) -> str:
        return f"{self.year} {self.project.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

    @property
    def executed_total(self) -> Decimal | None:
        parts = (self.executed_current, self.executed_carryover, self.executed_other)
        if all(p is None for p in parts):
            return None
        return sum((p or Decimal(0) for p in parts), Decimal(0))

    def attachments_editable_by(self, user) -> bool:
        """Supporting files change with the document: while its filer may edit it."""
        return self.edit_refusal(user) is None

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)


class SelfEvalIndicator(models.Model):
    """One indicator line: the approved target, what was achieved, and the three scores."""

    selfeval = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField()
    category = models.CharField(_("一级指标"), max_length=40, blank=True)
    subcategory = models.CharField(_("二级指标"), max_length=40, blank=True)
    name = models.CharField(_("三级指标"), max_length=200, blank=True)
    target_text = models.CharField(_("年度指标值"), max_length=200, blank=True)
    weight = models.DecimalField(_("分值"), **SCORE, null=True, blank=True)
    actual = models.CharField(_("实际完成值"), max_length=200, blank=True)
    # Where a measured actual value came from (a public survey's result), shown beside it.
    actual_source = models.CharField(_("实际值来源"), max_length=200, blank=True)
    band = models.CharField(_("完成档次"), max_length=20, blank=True)
    entered_score = models.DecimalField(
        _("评定得分"), **SCORE, null=True, blank=True, help_text=_("定性指标在档次范围内评定的得分")
    )
    explanation = models.TextField(_("超额完成说明"), blank=True)
    deviation = models.TextField(_("偏差原因分析及改进措施"), blank=True)
    self_score = models.DecimalField(_("单位自评得分"), **SCORE, null=True, blank=True)

    score = models.DecimalField(_("按规则得分"), **SCORE, null=True, blank=True)
    score_explanation = models.TextField(_("计算过程"), blank=True)
    problems = models.JSONField(_("问题"), default=list, blank=True)

    reviewed_score = models.DecimalField(_("审核调整后得分"), **SCORE, null=True, blank=True)
    review_reason = models.TextField(_("调整理由"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("自评指标")
        verbose_name_plural = _("自评指标")
        ordering = ["selfeval", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["selfeval", "position"], name="selfevalindicator_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.actual}"


@audited
class UnitEvaluation(ReviewableDocument):
    """部门整体支出绩效评价 of a unit for `year` (DOMAIN.md §6.3): the unit's figures and
    judgements, scored by the framework's rule rows."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("评价年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="unit_evaluations"
    )
    status = ReviewableDocument.status_field(EvaluationStatus)
    values = models.JSONField(_("填报数据"), default=dict, blank=True)
    judgements = models.JSONField(_("评判项目"), default=dict, blank=True)
    total = models.DecimalField(_("得分"), **SCORE, null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=2, blank=True)
    result = models.JSONField(_("评分明细"), default=dict, blank=True)
    rulebook = models.CharField(_("评分所用规则"), max_length=120, blank=True)

    audit_exclude = ("updated_at", "result")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门整体支出绩效评价")
        verbose_name_plural = _("部门整体支出绩效评价")
        ordering = ["year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unitevaluation_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)


# Key evaluations and ex-ante assessments (DOMAIN.md §6.4, §7) live in their own module.
from .key.models import (  # noqa: E402, F401
    Agency,
    AgencyEngagement,
    DataRequest,
    ExAnteAssessment,
    Expert,
    ExpertScore,
    Finding,
    KeyCandidate,
    KeyEvaluation,
    PanelIndicator,
    PanelMember,
    QualityCheck,
    ReportDelivery,
    ReportVersion,
    ScoringPanel,
    SitePhoto,
    SiteVisit,
)
