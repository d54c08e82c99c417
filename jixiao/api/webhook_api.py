"""/api/v1/webhooks: receivers of the change feed (jixiao/api/webhooks.py). A user sees and
manages only their own webhooks; anyone else's answers 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from jixiao.core.api import answers, error, not_found, paginate
from jixiao.core.schemas import Page

from .models import Delivery, Webhook
from .webhooks import webhook_create

router = Router()


class WebhookIn(Schema):
    name: str
    url: str
    kinds: list[str]


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    kinds: list[str]
    active: bool
    created_at: str


class WebhookCreated(WebhookOut):
    secret: str


class DeliveryOut(Schema):
    id: int
    change: int
    kind: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str
    next_attempt_at: str | None
    delivered_at: str | None


def _out(hook: Webhook) -> dict:
    return {
        "id": hook.pk,
        "name": hook.name,
        "url": hook.url,
        "kinds": hook.kinds,
        "active": hook.active,
        "created_at": hook.created_at.isoformat(),
    }


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _mine(request, webhook_id: int) -> Webhook | None:
    return Webhook.objects.filter(owner=request.user, pk=webhook_id).first()


@router.get("", summary="本人的推送地址", response=answers(Page[WebhookOut]))
def webhooks(request, page: int = 1, page_size: int | None = None):
    rows = Webhook.objects.filter(owner=request.user).order_by("pk")
    return paginate(request, rows, page=page, page_size=page_size, serialize=_out)


@router.post(
    "",
    summary="新建推送地址（签名密钥只在此时返回一次）",
    response={201: WebhookCreated} | answers(WebhookOut, 400),
)
def webhook_add(request, body: WebhookIn):
    try:
        hook, secret = webhook_create(
            actor=request.user,
            name=body.name,
            url=body.url,
            kinds=body.kinds,
        )
    except ValidationError as exc:
        return Status(
            422,
            error(exc.messages[0], [{"path": "", "code": "invalid", "message": exc.messages[0]}]),
        )
    return Status(201, _out(hook) | {"secret": secret})


@router.delete("/{webhook_id}", summary="停用并删除推送地址", response=answers(dict, 404))
def webhook_remove(request, webhook_id: int):
    hook = _mine(request, webhook_id)
    if hook is None:
        return Status(404, error(not_found()))
    hook.delete()
    return Status(200, {"deleted": webhook_id})


def _delivery(d: Delivery) -> dict:
    return {
        "id": d.pk,
        "change": d.change_id,
        "kind": d.change.kind,
        "status": d.status,
        "attempts": d.attempts,
        "last_status": d.last_status,
        "last_error": d.last_error,
        "next_attempt_at": _when(d.next_attempt_at),
        "delivered_at": _when(d.delivered_at),
    }


@router.get(
    "/{webhook_id}/deliveries",
    summary="推送记录：每次尝试的结果、下次重试时间（最新的在前）",
    response=answers(Page[DeliveryOut], 404),
)
def webhook_deliveries(request, webhook_id: int, page: int = 1, page_size: int | None = None):
    hook = _mine(request, webhook_id)
    if hook is None:
        return Status(404, error(not_found()))
    rows = Delivery.objects.filter(webhook=hook).select_related("change").order_by("-pk")
    return paginate(request, rows, page=page, page_size=page_size, serialize=_delivery)
