"""Money: budget years and projects with their amounts by funding source (DOMAIN.md §2).

Amounts are in 万元 with 6 decimals (real tables carry 207.4538 万元), never floats. A project
keeps its initial (年初) and full-year (全年, adjusted) budget for each funding source of the
official 自评表: 当年财政拨款 (current), 上年结转资金 (carry-over), 其他资金 (other).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.core.audit import audited
from jixiao.core.fields import optional_link
from jixiao.core.idempotency import external_id_field, external_id_unique
from jixiao.core.scope import Scope, ScopedQuerySet
from jixiao.orgs.models import Region, RegionRow, Unit, unit_year_scope_q

MONEY = {"max_digits": 18, "decimal_places": 6}
ZERO = Decimal("0")

# (field suffix, label) in the order of the official table.
FUNDING_SOURCES = [
    ("current", _("当年财政拨款")),
    ("carryover", _("上年结转资金")),
    ("other", _("其他资金")),
]
STAGES = [("initial", _("年初预算")), ("full", _("全年预算"))]


@audited
class FiscalYear(RegionRow):
    """A budget year of a region. Closing it locks its documents (DOMAIN.md §4.5)."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已关闭")

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="fiscal_years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预算年度")
        verbose_name_plural = _("预算年度")
        ordering = ["region__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="fiscalyear_unique")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return Q(region__in=Region.objects.filter(Region.scope_q(scope)))


class ProjectKind(models.Model):
    """项目类别 (DOMAIN.md §2); a project may have several. Labels travel verbatim in JSON."""

    code = models.CharField(max_length=32, unique=True)
    label = models.CharField(_("类别"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.label


# The nine kinds are seeded by migration 0003; codes are the English names used in filters.
SPECIAL_FUND = "special_fund"


class ProjectQuerySet(ScopedQuerySet):
    def with_totals(self):
        """Annotate `initial_sum` and `full_sum` (all sources) for lists and statistics."""

        def total(stage):
            parts = [Coalesce(F(f"{stage}_{src}"), Value(ZERO)) for src, _l in FUNDING_SOURCES]
            return parts[0] + parts[1] + parts[2]

        return self.annotate(initial_sum=total("initial"), full_sum=total("full"))


def full_total_of(path: str = ""):
    """A project's full-year budget (`Project.full_total`) added up by the database, for the
    rows that reach the project through `path` ("project__"): lists sort by it."""
    first, *rest = (F(f"{path}full_{src}") for src, _l in FUNDING_SOURCES)
    return sum(rest, first)


@audited
class Project(models.Model):
    """A project line in a unit's budget for a year (项目). A level-2 project (二级项目) names its
    level-1 project (一级项目) as parent."""

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    code = models.CharField(_("项目编码"), max_length=64)
    name = models.CharField(_("项目名称"), max_length=300)
    unit = models.ForeignKey(
        Unit, verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="projects"
    )
    kinds = models.ManyToManyField(ProjectKind, verbose_name=_("项目类别"), related_name="projects")
    parent = optional_link("self", _("一级项目"), related_name="children")
    multi_year = models.BooleanField(_("跨年度项目"), default=False)
    serves_public = models.BooleanField(
        _("有服务对象"), default=True, help_text=_("不面向公众或服务对象的项目可不设满意度指标")
    )
    description = models.TextField(_("项目概况"), blank=True)
    # 预算安排: set only through the budget gate (targets.services.project_arrange), which
    # refuses a project without an approved target (DOMAIN.md §4.5).
    arranged = models.BooleanField(_("已安排预算"), default=False, editable=False)
    arranged_at = models.DateTimeField(_("预算安排时间"), null=True, blank=True, editable=False)

    initial_current = models.DecimalField(_("年初预算·当年财政拨款"), **MONEY, default=ZERO)
    initial_carryover = models.DecimalField(_("年初预算·上年结转资金"), **MONEY, default=ZERO)
    initial_other = models.DecimalField(_("年初预算·其他资金"), **MONEY, default=ZERO)
    full_current = models.DecimalField(_("全年预算·当年财政拨款"), **MONEY, default=ZERO)
    full_carryover = models.DecimalField(_("全年预算·上年结转资金"), **MONEY, default=ZERO)
    full_other = models.DecimalField(_("全年预算·其他资金"), **MONEY, default=ZERO)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_exclude = ("updated_at",)
    external_id = external_id_field()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = pgettext_lazy("heading", "项目")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "code"], name="project_unique_code"),
            external_id_unique("project_external_id"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{stage}_{src}__gte": 0}), name=f"project_{stage}_{src}_nonneg"
                )
                for stage, _s in STAGES
                for src, _l in FUNDING_SOURCES
            ],
        ]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.region.code if self.region_id else ""

    @property
    def initial_total(self) -> Decimal:
        return self.initial_current + self.initial_carryover + self.initial_other

    @property
    def full_total(self) -> Decimal:
        return self.full_current + self.full_carryover + self.full_other

    def amounts(self) -> list[dict]:
        """Rows for the money block: one per funding source plus the total, as the 自评表."""
        rows = [
            {
                "label": label,
                "initial": getattr(self, f"initial_{src}"),
                "full": getattr(self, f"full_{src}"),
            }
            for src, label in FUNDING_SOURCES
        ]
        return [{"label": _("合计"), "initial": self.initial_total, "full": self.full_total}, *rows]

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return unit_year_scope_q(scope)


class Payment(models.Model):
    """Money paid for a project in one month (国库支付), imported from the treasury's export.
    Execution in monitoring and self-evaluation can come from here rather than be typed."""

    # No index of its own: the unique (project, month) index serves every lookup by project
    # (EXPLAIN on SQLite and PostgreSQL), and a second one was a sixth of inserting a
    # province-year's 480,000 payments.
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="payments",
        db_index=False,
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    amount = models.DecimalField(_("支付金额"), **MONEY)
    batch = models.UUIDField(_("导入批次"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("支付数据")
        verbose_name_plural = _("支付数据")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="payment_project_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="payment_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month}月 {self.amount}"


class PaymentTotal(models.Model):
    """A project's payments added up: the year's and December's (DOMAIN.md §5, M05). Kept by
    every writer of payments, in its transaction (`services.refresh_payment_totals`), so the
    work year's figures read one row a project instead of summing its months on each read
    (a province-year holds 480,000 monthly rows). A project without payments has none."""

    project = models.OneToOneField(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="payment_total",
    )
    total = models.DecimalField(_("支付合计"), **MONEY)
    december = models.DecimalField(_("12月支付"), **MONEY)

    class Meta:
        verbose_name = _("支付合计")
        verbose_name_plural = _("支付合计")

    def __str__(self) -> str:
        return f"{self.project_id} {self.total}"


@audited
class ProgressAmount(models.Model):
    """What a project owes by contract or by measured progress as of a date (合同或进度款),
    against which payments beyond progress are found (超额支付进度款, DOMAIN.md §5 M06)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_amounts"
    )
    as_of = models.DateField(_("截至日期"))
    amount = models.DecimalField(_("合同或进度应付金额"), **MONEY)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("合同或进度金额")
        verbose_name_plural = _("合同或进度金额")
        ordering = ["project", "-as_of"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.as_of} {self.amount}"

    @property
    def audit_region_code(self) -> str:
        return self.project.region.code
