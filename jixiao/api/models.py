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

    #: where the object sits, kept in `data` and shown beside the change (as codes)
    CONTEXT = ("region", "year", "unit", "project")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.state}"

    def as_item(self) -> dict:
        """The change as the feed and the webhooks show it (docs/api.md, Change feed)."""
        data = dict(self.data)
        return {
            "kind": self.kind,
            "id": self.object_id,
            "external_id": self.external_id or None,
            "state": self.state,
            "at": self.at.isoformat(),
            **{key: data.pop(key, None) for key in self.CONTEXT},
            "data": data,
        }


class Webhook(models.Model):
    """A receiver another system runs: every change of the chosen kinds that its owner may see
    is POSTed to `url`, signed with `secret` (jixiao/api/webhooks.py)."""

    owner = models.ForeignKey(
        "orgs.User", verbose_name=_("所属用户"), on_delete=models.CASCADE, related_name="webhooks"
    )
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=100, editable=False)
    kinds = models.JSONField(_("变更类型"), default=list)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推送地址")
        verbose_name_plural = _("推送地址")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One change sent (or to be sent) to one webhook: the delivery log, with its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.webhook} #{self.change_id}: {self.status}"
