"""The bureau's policy documents (制度): the rules it issued, listed in the work summary
(DOMAIN.md §9: title, 文号 such as 东财绩〔2020〕1号, date; those in force at the end of the year)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.audit import audited
from jixiao.core.scope import Scope, ScopedQuerySet, scope_filter
from jixiao.orgs.models import Office, Region, Unit

from .navigation import POLICY_EDITORS


def policy_editable_by(user, region: Region) -> bool:
    """Each bureau's performance office keeps its own registry; a superior office reads it."""
    return (
        getattr(user, "is_authenticated", False)
        and user.has_role(*POLICY_EDITORS)
        and user.region_id == region.id
    )


class PolicyDocumentQuerySet(ScopedQuerySet):
    def in_force_at(self, day: datetime.date):
        """Issued on or before `day` and not repealed by then."""
        return self.filter(issued_on__lte=day).filter(
            Q(repealed_on__isnull=True) | Q(repealed_on__gt=day)
        )


@audited
class PolicyDocument(models.Model):
    """制度文件: one document the bureau issued, with its 文号 and whether it is still in force."""

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="policy_documents"
    )
    number = models.CharField(_("文号"), max_length=60, help_text=_("如 东财绩〔2020〕1号"))
    title = models.CharField(_("标题"), max_length=300)
    issued_on = models.DateField(_("印发日期"))
    issuer = models.CharField(_("发文机关"), max_length=100)
    repealed_on = models.DateField(
        _("废止日期"), null=True, blank=True, help_text=_("为空表示现行有效")
    )
    repeal_note = models.CharField(
        _("废止说明"),
        max_length=300,
        blank=True,
        help_text=_("废止依据，如 被东财绩〔2020〕3号替代"),
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("制度文件")
        verbose_name_plural = _("制度文件")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="policydocument_number"),
            models.CheckConstraint(
                condition=Q(repealed_on__isnull=True) | Q(repealed_on__gte=models.F("issued_on")),
                name="policydocument_repealed_after_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    @property
    def audit_region_code(self) -> str:
        return self.region.code

    @property
    def in_force(self) -> bool:
        return self.repealed_on is None

    def attachments_editable_by(self, user) -> bool:
        """The signed document's scan (PDF/OFD/Word) is kept by whoever keeps the registry."""
        return policy_editable_by(user, self.region)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        """The bureau's rules bind every unit of the region: a unit's staff read them too, and
        so does a business office, whose scope is its units, not the region."""
        own_region = Q(region__in=Unit.objects.filter(id__in=scope.unit_ids).values("region"))
        office_region = Q(
            region__in=Office.objects.filter(id__in=scope.office_ids).values("region")
        )
        return (
            scope_filter(scope, region_path="region__path")
            | (own_region if scope.unit_ids else Q(pk__in=[]))
            | (office_region if scope.office_ids else Q(pk__in=[]))
        )


class FiguresVersion(models.Model):
    """The data version of one region's year (year 0: data of no particular year), under which
    the figures of `reports.figures_cache` are cached. Each change noticed in that region and
    year (`core.figures_cache.changed`) gives it a new random token once its transaction
    commits: a random token, not a counter, so a version never comes back after a rollback
    or a region deleted and made again."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    token = models.BigIntegerField()
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("统计数据版本")
        verbose_name_plural = _("统计数据版本")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="figures_version_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.token}"
