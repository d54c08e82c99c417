"""In-year monitoring (运行监控, "双监控", DOMAIN.md §5): rounds, reports, alerts, disposals.

A round (监控批次) has a period end, a deadline and a scope of projects. Each project in scope
gets a report that the unit fills in and that is reviewed like a target. Alerts (预警) come
from the pure rules in `alerts.py`, computed when a report is saved and when payments are
imported; each asks the unit for a disposal within a number of working days, after which the
project's funds are suspended until one is given.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jixiao.budgets.models import MONEY
from jixiao.core.audit import audited
from jixiao.core.idempotency import external_id_field, external_id_unique
from jixiao.core.indexes import CoveringIndex
from jixiao.core.models import ReviewableDocument
from jixiao.core.scope import Scope, ScopedQuerySet, scope_filter
from jixiao.orgs.models import Region, Unit, unit_year_scope_q
from jixiao.targets.models import TargetStatus


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    READY = "ready", _("待单位审核")
    SUBMITTED = "submitted", _("业务股室初审中")
    FIRST_PASSED = "first_passed", _("预算股终审中")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


# DOMAIN.md §9: only reports submitted or beyond count.
COUNTED = (ReportStatus.SUBMITTED, ReportStatus.FIRST_PASSED, ReportStatus.APPROVED)


@audited
class Round(models.Model):
    """监控批次: what is monitored, up to when, and by when units must report."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="monitoring_rounds"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("批次编号"), max_length=32)
    name = models.CharField(_("批次名称"), max_length=100)
    period_end = models.DateField(_("监控截止日期"), help_text=_("如 7 月 31 日：1–7 月的执行情况"))
    deadline = models.DateField(_("填报截止日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    agency = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("第三方重点监控机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控批次")
        verbose_name_plural = _("监控批次")
        ordering = ["-year", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "code"], name="round_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        """Everyone who may see a report of the round sees the round itself."""
        q = scope_filter(scope, region_path="region__path") | Q(
            pk__in=Report.objects.filter(unit_year_scope_q(scope)).values("round_id")
        )
        return q | Q(agency_id=scope.assignee_id) if scope.assignee_id else q


class RoundProject(models.Model):
    """A project in a round's scope: by default every 专项资金 project, plus ones added."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scope")
    project = models.ForeignKey(
        "budgets.Project", on_delete=models.PROTECT, related_name="monitoring_scope"
    )
    added_by_hand = models.BooleanField(_("手工加入"), default=False)
    key_monitoring = models.BooleanField(_("第三方重点监控"), default=False)

    class Meta:
        verbose_name = _("监控项目")
        verbose_name_plural = _("监控项目")
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="roundproject_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.project}"


class RoundExclusion(models.Model):
    """A project of a round's scope left out of it at opening, and why (DOMAIN.md §5: only the
    funds "纳入年度预算绩效目标管理" are monitored, so a project enters a round only with an
    approved target). Stored as the round found it: a target approved later does not put the
    project in the round, and the list stays the office's finding of that day."""

    class Reason(models.TextChoices):
        NO_TARGET = "no_target", _("无绩效目标")
        NOT_APPROVED = "not_approved", _("绩效目标未批复")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exclusions")
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="monitoring_exclusions",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("未纳入原因"), max_length=16, choices=Reason.choices)
    # the status of the target's current version at opening (a TargetStatus value), if any
    target_status = models.CharField(_("绩效目标状态"), max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("未纳入监控的项目")
        verbose_name_plural = _("未纳入监控的项目")
        ordering = ["round", "unit__code", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="roundexclusion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.project}"

    @property
    def reason_text(self) -> str:
        """ "无绩效目标", or "绩效目标未批复（状态：已退回）" with the target's status then."""
        if self.reason == self.Reason.NO_TARGET:
            return str(self.Reason.NO_TARGET.label)
        label = dict(TargetStatus.choices).get(self.target_status, self.target_status)
        return _("绩效目标未批复（状态：%(s)s）") % {"s": label}

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)


class Likelihood(models.TextChoices):
    CERTAIN = "确定能", _("确定能")
    POSSIBLE = "有可能", _("有可能")
    IMPOSSIBLE = "完全不可能", _("完全不可能")


class Cause(models.TextChoices):
    FUNDING = "经费保障", _("经费保障")
    RULES = "制度保障", _("制度保障")
    STAFF = "人员保障", _("人员保障")
    HARDWARE = "硬件条件保障", _("硬件条件保障")
    OTHER = "其他", _("其他")


class ReportQuerySet(ScopedQuerySet):
    pass


@audited
class Report(ReviewableDocument):
    """A project's monitoring report for one round (绩效监控表), reviewed like a target."""

    round = models.ForeignKey(
        Round, verbose_name=_("监控批次"), on_delete=models.PROTECT, related_name="reports"
    )
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
    )
    target = models.ForeignKey(
        "targets.Target",
        verbose_name=_("绩效目标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("预算单位"),
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    status = ReviewableDocument.status_field(ReportStatus)

    executed = models.DecimalField(_("截至监控期执行数"), **MONEY, null=True, blank=True)
    expected_full_year = models.DecimalField(_("全年预计执行数"), **MONEY, null=True, blank=True)
    contract_amount = models.DecimalField(_("合同或进度应付金额"), **MONEY, null=True, blank=True)
    execution_from_payments = models.BooleanField(_("执行数取自支付数据"), default=False)
    execution_note = models.TextField(_("执行情况说明"), blank=True)
    agency_findings = models.TextField(_("第三方监控意见"), blank=True)
    external_id = external_id_field()
    # The indicators the alert check could not judge at the last save (an unreadable progress
    # or target): [{"indicator", "name", "typed", "message", "message_i18n"}], shown on the
    # report's page so that the filer learns why M03 said nothing. Derived, so not audited.
    alert_warnings = models.JSONField(_("未判断的指标"), default=list, blank=True, editable=False)

    audit_exclude = ("updated_at", "alert_warnings")

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控报告")
        verbose_name_plural = _("监控报告")
        ordering = ["round", "unit__code", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="report_round_project"),
            external_id_unique("report_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.project.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

    def attachments_editable_by(self, user) -> bool:
        """Supporting files change with the document: while its filer may edit it."""
        return self.edit_refusal(user) is None

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        if not scope.assignee_id:
            return unit_year_scope_q(scope)
        # A third-party agency sees the reports of the projects chosen for key monitoring in
        # the rounds assigned to it, and nothing else (DOMAIN.md §5).
        key = RoundProject.objects.filter(
            round=OuterRef("round"), project=OuterRef("project"), key_monitoring=True
        )
        return unit_year_scope_q(scope) | (Q(round__agency_id=scope.assignee_id) & Q(Exists(key)))


class ReportIndicator(models.Model):
    """Progress of one indicator of the approved target, as of the round's period end."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    indicator = models.ForeignKey(
        "targets.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(_("一级指标"), max_length=40, blank=True)
    subcategory = models.CharField(_("二级指标"), max_length=40, blank=True)
    name = models.CharField(_("三级指标"), max_length=200, blank=True)
    target_text = models.CharField(_("年度指标值"), max_length=200, blank=True)
    unit = models.CharField(_("度量单位"), max_length=20, blank=True)
    progress = models.CharField(_("截至监控期完成值"), max_length=200, blank=True)
    expected = models.CharField(_("全年预计完成值"), max_length=200, blank=True)
    likelihood = models.CharField(
        _("完成目标可能性"), max_length=8, choices=Likelihood.choices, blank=True
    )
    cause = models.CharField(_("偏差原因"), max_length=8, choices=Cause.choices, blank=True)
    explanation = models.TextField(_("原因说明"), blank=True)
    measures = models.TextField(_("纠偏措施"), blank=True)

    class Meta:
        verbose_name = _("监控指标")
        verbose_name_plural = _("监控指标")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="reportindicator_position")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.progress}"


class AlertQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=(Alert.Status.OPEN, Alert.Status.SUSPENDED))


#: What each monitoring alert finds (DOMAIN.md §5).
ALERT_LABELS = {
    "M01": _("执行进度落后于时间进度"),
    "M02": _("执行率低于节点要求"),
    "M03": _("资金支出快于目标进度"),
    "M04": _("绩效目标可能无法实现"),
    "M05": _("年末突击拨款"),
    "M06": _("超额支付进度款"),
    "M07": _("监控报告逾期报送"),
}


@audited
class Alert(models.Model):
    """预警 (DOMAIN.md §5): a code, a level, the figures, and the unit's disposal."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处置")
        DISPOSED = "disposed", _("已处置")
        SUSPENDED = "suspended", _("逾期未处置，资金暂停")
        CLEARED = "cleared", _("已解除")

    class Disposal(models.TextChoices):
        CONTINUE = "continue", _("继续实施")
        ADJUST = "adjust", _("调整调剂")
        CANCEL = "cancel", _("取消项目")

    # region, project, code and disposed_by have no index of their own: the leading columns of
    # the (region, year, code) index and of `alert_unique_key` serve every lookup by the first
    # three, no query looks alerts up by who disposed of them (deleting a user reads them all
    # once), and a payment import inserts tens of thousands of alerts. `year` keeps its own:
    # the lists filter the region by its path (a join), so only that index narrows them to
    # the year. Each query was checked with EXPLAIN on SQLite and PostgreSQL (docs/performance.md,
    # payment files, tenth pass).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="alerts"
    )
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("监控批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    code = models.CharField(_("预警代码"), max_length=4)
    level = models.CharField(
        _("等级"), max_length=8, choices=[("yellow", _("黄色")), ("red", _("红色"))]
    )
    indicator = models.PositiveSmallIntegerField(_("指标序号"), null=True, blank=True)
    message = models.TextField(_("预警内容"))
    explanation = models.TextField(_("计算过程"), blank=True)
    # The message and explanation as codes and parameters (jixiao.core.rule_messages), so pages
    # show them in the reader's language; empty for alerts raised before they were kept.
    texts_i18n = models.JSONField(default=dict, blank=True, editable=False)
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)
    due_date = models.DateField(_("处置期限"))
    # indexed by `Meta.indexes`: a text field's db_index adds on PostgreSQL a second index for
    # LIKE, which no query of a status needs
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    disposal = models.CharField(_("处置方式"), max_length=10, choices=Disposal.choices, blank=True)
    disposal_reason = models.TextField(_("处置理由"), blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    disposed_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("资金暂停时间"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()
    audit_exclude = ("texts_i18n",)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "code"]
        indexes = [
            # The work year's figures (breakdown by code and level, lagging codes, dashboard
            # counts) read the region-year's standing alerts from this index alone on
            # PostgreSQL (the status, level and project carried as INCLUDE): the rows are wide
            # (messages, explanations), and with no index on the code alone the lagging codes
            # were a sequential scan of the table (docs/performance.md, payment files).
            CoveringIndex(
                fields=["region", "year", "code"],
                covering=["status", "level", "project"],
                name="alert_figures",
            ),
            models.Index(fields=["status"], name="alert_status"),
        ]
        constraints = [
            # `key`: one alert per project, round (none: the year, M05), code and indicator.
            # NULLs never clash in a unique index, so they count as -1 (no id or position).
            models.UniqueConstraint(
                "project",
                Coalesce("round", Value(-1)),
                "code",
                Coalesce("indicator", Value(-1)),
                name="alert_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.project.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

    @property
    def key(self) -> tuple:
        """What makes two alerts the same one: recomputing must not duplicate it."""
        return (self.project_id, self.round_id, self.code, self.indicator)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)
