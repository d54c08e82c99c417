"""Performance targets (绩效目标, DOMAIN.md §4): declarations of projects and whole units.

A `Target` row is one version of a declaration. An adjustment after approval (调整) makes a new
version that is reviewed again; the approved one stays until the new one is approved, and then
becomes `superseded`. Both versions keep their indicators and history.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.budgets.models import MONEY
from jixiao.core.audit import audited
from jixiao.core.fields import optional_link
from jixiao.core.idempotency import external_id_field, external_id_unique
from jixiao.core.models import ReviewableDocument
from jixiao.core.scope import Scope, ScopedQuerySet
from jixiao.orgs.models import Region, Unit, unit_year_scope_q


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    READY = "ready", _("待单位审核")
    PARENT_REVIEW = "parent_review", _("主管部门审核中")
    SUBMITTED = "submitted", _("业务股室初审中")
    FIRST_PASSED = "first_passed", _("预算股终审中")
    APPROVED = "approved", _("已批复")
    RETURNED = "returned", _("已退回")
    REJECTED = "rejected", _("不予安排")
    SUPERSEDED = "superseded", _("已被调整")


# DOMAIN.md §9: only documents submitted or beyond count in statistics.
COUNTED = (
    TargetStatus.PARENT_REVIEW,
    TargetStatus.SUBMITTED,
    TargetStatus.FIRST_PASSED,
    TargetStatus.APPROVED,
    TargetStatus.SUPERSEDED,
    TargetStatus.REJECTED,
)


class Grade(models.TextChoices):
    """Review grades (DOMAIN.md §4.5); labels travel verbatim."""

    EXCELLENT = "优", "优"
    GOOD = "良", "良"
    FAIR = "中", "中"
    POOR = "差", "差"


REVIEW_DIMENSIONS = [
    ("completeness", _("完整性")),
    ("relevance", _("相关性")),
    ("appropriateness", _("适当性")),
    ("feasibility", _("可行性")),
]


class TargetQuerySet(ScopedQuerySet):
    def current(self):
        """The version in force or in progress: everything but superseded versions."""
        return self.exclude(status=TargetStatus.SUPERSEDED)


@audited
class Target(ReviewableDocument):
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="targets"
    )
    project = optional_link(
        "budgets.Project",
        _("项目"),
        related_name="targets",
        help_text=_("为空表示部门整体支出绩效目标"),
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("调整前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustment",
    )
    status = ReviewableDocument.status_field(TargetStatus)

    goal = models.TextField(_("年度总体目标"), blank=True)
    medium_term_goal = models.TextField(_("中期目标"), blank=True)
    amount_total = models.DecimalField(_("资金总额"), **MONEY, null=True, blank=True)
    amount_current = models.DecimalField(_("当年财政拨款"), **MONEY, null=True, blank=True)
    amount_carryover = models.DecimalField(_("上年结转资金"), **MONEY, null=True, blank=True)
    amount_other = models.DecimalField(_("其他资金"), **MONEY, null=True, blank=True)
    serves_public = models.BooleanField(_("有服务对象"), default=True)

    # The latest lint run, kept so that lists and queues need no re-linting (refreshed by the
    # service on every save; the lint module is the authority).
    findings = models.JSONField(_("质量检查结果"), default=list, blank=True)
    blocking_count = models.PositiveSmallIntegerField(default=0)
    warning_count = models.PositiveSmallIntegerField(default=0)
    # The findings' codes, "code;" each (`codes_of`), written with `findings` by every writer of
    # them: the work year's figures count the codes from the index below without parsing the
    # JSON of each declaration.
    finding_codes = models.TextField(default="", blank=True, editable=False)

    grades = models.JSONField(_("审核评级"), default=dict, blank=True)
    attested_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批复时间"), null=True, blank=True)
    deadline = models.DateField(_("申报截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    external_id = external_id_field()

    audit_exclude = ("updated_at", "findings", "finding_codes")

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")
        ordering = ["year", "unit__code", "project__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"],
                condition=Q(project__isnull=False),
                name="target_project_version",
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "version"],
                condition=Q(project__isnull=True),
                name="target_unit_year_version",
            ),
            # every version of a declaration keeps the budget system's identifier
            external_id_unique("target_external_id", "version"),
        ]
        indexes = [
            # Covering for the work year's figures (reports.stats): the counts by status, unit
            # and project, the late ones and the findings' codes read from the index alone,
            # not from the wide rows (the findings and goals).
            models.Index(
                fields=[
                    "region",
                    "year",
                    "status",
                    "unit",
                    "project",
                    "deadline",
                    "submitted_at",
                    "finding_codes",
                ],
                name="target_figures",
            ),
            # The declarations with findings alone, for the figures' count by findings' codes
            # (reports.stats `_current`): the rest of the year's declarations are not read, as
            # they were through `target_figures` (province scale: 4 ms of 15 on either
            # database). Only a declaration with findings is written to it.
            models.Index(
                fields=["region", "year", "status", "finding_codes"],
                condition=~Q(finding_codes=""),
                name="target_findings",
            ),
        ]

    def __str__(self) -> str:
        subject = self.project.name if self.project_id else _("部门整体支出")
        return f"{self.year} {subject} v{self.version}"

    def save(self, *args, **kwargs):
        # The codes follow the findings on every save, so a writer through the ORM (a test's
        # fixture, the admin, a future service) cannot store one without the other; the bulk
        # writers (import, demo, re-lint's update) set both themselves.
        self.finding_codes = self.codes_of(self.findings)
        fields = kwargs.get("update_fields")
        if fields is not None and "findings" in fields and "finding_codes" not in fields:
            kwargs["update_fields"] = [*fields, "finding_codes"]
        super().save(*args, **kwargs)

    @staticmethod
    def codes_of(findings) -> str:
        """`finding_codes` of a findings list: "code;" for each finding (an object), in order."""
        return "".join(f"{f.get('code') or ''};" for f in findings or () if isinstance(f, dict))

    @property
    def audit_region_code(self) -> str:
        return self.region.code if self.region_id else ""

    @property
    def is_unit_target(self) -> bool:
        return self.project_id is None

    def attachments_editable_by(self, user) -> bool:
        """Supporting files change with the document: while its filer may edit it."""
        return self.edit_refusal(user) is None

    def sources_sum(self) -> Decimal:
        return sum(
            (
                v or Decimal(0)
                for v in (self.amount_current, self.amount_carryover, self.amount_other)
            ),
            Decimal(0),
        )

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)


class Basis(models.TextChoices):
    PLAN = "计划标准", _("计划标准")
    INDUSTRY = "行业标准", _("行业标准")
    HISTORY = "历史标准", _("历史标准")
    OTHER = "其他标准", _("其他标准")


class Indicator(models.Model):
    """One line of a target's indicator grid (三级指标), in the order the user arranged."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("一级指标"), max_length=40, blank=True)
    subcategory = models.CharField(_("二级指标"), max_length=40, blank=True)
    name = models.CharField(_("三级指标"), max_length=200, blank=True)
    value_text = models.CharField(
        _("指标值"),
        max_length=200,
        blank=True,
        help_text=_("如 ≥50个、≤90万元、12月底前完成、达成预期指标"),
    )
    operator = models.CharField(_("计算符号"), max_length=12, blank=True)
    number = models.DecimalField(_("数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("度量单位"), max_length=20, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.CharField(_("指标解释"), max_length=500, blank=True)
    basis = models.CharField(_("指标值确定依据"), max_length=8, choices=Basis.choices, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    supports = models.ForeignKey(
        "self",
        verbose_name=_("支撑的一级项目指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["target", "position"]
        constraints = [
            models.UniqueConstraint(fields=["target", "position"], name="indicator_position")
        ]

    def __str__(self) -> str:
        return f"{self.subcategory} {self.name} {self.value_text}"


class Reminder(models.Model):
    """A reminder (催报) sent by the bureau to a unit that has not submitted."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="target_reminders")
    message = models.CharField(_("内容"), max_length=300)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("催报")
        verbose_name_plural = _("催报")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.message}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)
