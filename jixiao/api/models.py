"""The change feed's rows (`GET /api/v1/changes`, jixiao/api/changes.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Change(models.Model):
    """One change another system may follow: an object of a kind reached a state. The feed
    is ordered by id, and ids are handed out in commit order (jixiao/api/changes.py)."""

    kind = models.CharField(_("类型"), max_length=32)
    object_id = models.BigIntegerField(_("对象编号"))
    external_id = models.CharField(_("外部编号"), max_length=100, blank=True)
    state = models.CharField(_("新状态"), max_length=32)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("变更")
        verbose_name_plural = _("变更")
        indexes = [
            models.Index(fields=["kind", "object_id"], name="change_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.state}"
