"""The indicator library (指标库): reusable indicators by sector (DOMAIN.md §2, §4)."""

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Region


class IndicatorTemplate(models.Model):
    """指标库: a reusable indicator by sector (DOMAIN.md §2), inserted into declarations."""

    class Kind(models.TextChoices):
        COMMON = "common", _("共性指标")
        SPECIFIC = "specific", _("个性指标")

    sector = models.CharField(_("行业领域"), max_length=20, db_index=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.SPECIFIC)
    category = models.CharField(_("一级指标"), max_length=40)
    subcategory = models.CharField(_("二级指标"), max_length=40)
    name = models.CharField(_("三级指标"), max_length=200)
    value_hint = models.CharField(_("参考指标值"), max_length=100, blank=True)
    unit = models.CharField(_("度量单位"), max_length=20, blank=True)
    explanation = models.CharField(_("指标解释"), max_length=500, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, help_text=_("为空表示全国通用")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标库指标")
        verbose_name_plural = _("指标库")
        ordering = ["sector", "category", "subcategory", "name"]
        constraints = [
            # One template per sector, subcategory and name within a region, or nationally
            # (region NULL, which would never clash in a unique index: it counts as -1 here).
            models.UniqueConstraint(
                Coalesce("region", Value(-1)),
                "sector",
                "subcategory",
                "name",
                name="indicatortemplate_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector}·{self.name}"
