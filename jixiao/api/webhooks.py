"""Webhooks: the change feed pushed to other systems, signed, retried and logged.

A budget system that would rather be told than ask registers a receiver URL for some kinds of
change (`Webhook`). Each change of those kinds that the webhook's owner may see becomes a
`Delivery`, sent after the change commits by a background task (`webhooks_deliver`, on the
tasks queue; `jixiao tick` also sends whatever is due, so nothing waits on a lost task).

**Signed.** The body is the feed's item (`{"delivery": id, "change": {...}}`). The headers carry
`X-Jixiao-Timestamp` (Unix seconds) and `X-Jixiao-Signature: sha256=<hex>`, the HMAC-SHA256 of
`"<timestamp>." + body` with the webhook's secret, shown once when the webhook is made. A
receiver recomputes it and refuses a signature that differs or a timestamp minutes old.

**Retried.** A delivery that does not get a 2xx answer is tried again after 1, 5, 30, 120 and 720
minutes (`JIXIAO_WEBHOOK_RETRY_MINUTES`), then given up (`failed`); every attempt's answer code or
error is kept in the log. Redirects are not followed (a redirect could point anywhere).

**Checked targets.** A receiver must be http(s) on a public address: private, loopback,
link-local, multicast and reserved addresses are refused when the webhook is made and again at
each delivery (a name may resolve elsewhere later), except in the networks the administrator
allows in the deployment's settings (`JIXIAO_WEBHOOK_PRIVATE_NETWORKS`, e.g. "10.20.0.0/16" for
a receiver inside the bureau's network; docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jixiao.core.changes import FEED_MODELS
from jixiao.core.ticks import register_tick

from .models import Change, Delivery, Webhook

RETRY_MINUTES = (1, 5, 30, 120, 720)
TIMEOUT_SECONDS = 10


def retry_minutes() -> tuple[int, ...]:
    return tuple(getattr(settings, "JIXIAO_WEBHOOK_RETRY_MINUTES", RETRY_MINUTES))


# --- making a webhook ---------------------------------------------------------------------------


def allowed_networks() -> list:
    """The private networks the administrator lets webhooks reach (settings)."""
    return [
        ipaddress.ip_network(n, strict=False)
        for n in getattr(settings, "JIXIAO_WEBHOOK_PRIVATE_NETWORKS", ())
    ]


def webhook_create(*, actor, name: str, url: str, kinds: list[str]):
    """A new webhook of `actor` and its secret (shown once). Raises ValidationError with what is
    wrong."""
    unknown = sorted(set(kinds) - set(FEED_MODELS))
    if not kinds or unknown:
        raise ValidationError(
            _("变更类型须从以下选择：%(k)s。") % {"k": "、".join(sorted(FEED_MODELS))}
        )
    problem = target_problem(url)
    if problem:
        raise ValidationError(problem)
    if not name.strip():
        raise ValidationError(_("请填写名称。"))
    secret = secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        owner=actor,
        name=name.strip()[:100],
        url=url,
        secret=secret,
        kinds=sorted(set(kinds)),
    )
    return webhook, secret


def target_problem(url: str) -> str | None:
    """Why `url` cannot receive deliveries, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("接收地址须为 http 或 https 网址。")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        return _("无法解析接收地址的主机名“%(h)s”。") % {"h": parts.hostname}
    allowed = allowed_networks()
    for *_rest, address in found:
        ip = ipaddress.ip_address(address[0])
        if any(ip in network for network in allowed):
            continue
        if not ip.is_global or ip.is_multicast:
            return _("接收地址“%(h)s”指向内网、本机或保留地址（%(ip)s），不能推送。") % {
                "h": parts.hostname,
                "ip": str(ip),
            }
    return None


# --- queueing -------------------------------------------------------------------------------------


#: whether any webhook is active, as SQL the change feed asks with its lock (api/changes.py)
ACTIVE_WEBHOOKS_SQL = (
    f"SELECT 1 FROM {Webhook._meta.db_table} WHERE {Webhook._meta.get_field('active').column}"
)


def active_webhooks_exist() -> bool:
    """The same question by itself (SQLite, which has no feed lock to ask it with)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({ACTIVE_WEBHOOKS_SQL})")
        return bool(cursor.fetchone()[0])


def deliveries_queue(changes: list[Change]) -> int:
    """Deliveries of these just-stored changes to every active webhook that wants their kind
    and whose owner may see their object; sent once the caller's transaction commits."""
    hooks = list(Webhook.objects.filter(active=True).select_related("owner"))
    if not hooks or not changes:
        return 0
    rows = []
    for hook in hooks:
        wanted = [c for c in changes if c.kind in hook.kinds]
        for kind in {c.kind for c in wanted}:
            ids = {c.object_id for c in wanted if c.kind == kind}
            visible = set(
                FEED_MODELS[kind]
                .objects.visible_to(hook.owner)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            rows += [
                Delivery(webhook=hook, change=c)
                for c in wanted
                if c.kind == kind and c.object_id in visible
            ]
    Delivery.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(lambda: webhooks_deliver.enqueue())
    return len(rows)


# --- sending --------------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other non-2xx: a failed attempt


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(hook: Webhook, delivery: Delivery, body: bytes) -> int:
    timestamp = int(time.time())
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Jixiao-Webhook/1",
            "X-Jixiao-Event": delivery.change.kind,
            "X-Jixiao-Delivery": str(delivery.pk),
            "X-Jixiao-Timestamp": str(timestamp),
            "X-Jixiao-Signature": signature(hook.secret, timestamp, body),
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def delivery_send(delivery: Delivery, *, now: dt.datetime) -> bool:
    """One attempt; the log row says how it went. True when delivered."""
    hook = delivery.webhook
    body = json.dumps(
        {"delivery": delivery.pk, "change": delivery.change.as_item()}, ensure_ascii=False
    ).encode()
    delivery.attempts += 1
    problem = target_problem(hook.url)
    status, error = None, problem or ""
    if problem is None:
        try:
            status = _post(hook, delivery, body)
        except (OSError, ValueError) as exc:  # refused, timed out, TLS …
            error = f"{type(exc).__name__}: {exc}"[:500]
        if status is not None and not 200 <= status < 300:
            error = _("接收方答复 %(s)s") % {"s": status}
    delivery.last_status, delivery.last_error = status, error[:500]
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            Delivery.Status.DELIVERED,
            now,
            None,
        )
    else:
        waits = retry_minutes()
        if delivery.attempts > len(waits):
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        else:
            delivery.next_attempt_at = now + dt.timedelta(minutes=waits[delivery.attempts - 1])
    delivery.save()
    return not error


def deliveries_send_due(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the deliveries that are due, oldest first; several workers share the work (rows a
    worker holds are skipped by the others on PostgreSQL)."""
    now = now or timezone.now()
    sent = failed = 0
    with transaction.atomic():
        due = (
            Delivery.objects.filter(status=Delivery.Status.PENDING)
            .exclude(next_attempt_at__gt=now)
            .select_related("webhook", "change")
            .order_by("pk")
        )
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True, of=("self",))
        for delivery in list(due[:limit]):
            if delivery_send(delivery, now=now):
                sent += 1
            else:
                failed += 1
    return {"sent": sent, "failed": failed}


@task(queue_name=settings.JIXIAO_TASKS_QUEUE)
def webhooks_deliver() -> None:
    """The background task: send what is due now (retries are due later; the tick sends them)."""
    deliveries_send_due()


@register_tick
def webhooks_tick(now: dt.datetime) -> str:
    result = deliveries_send_due(now=now)
    if not (result["sent"] or result["failed"]):
        return ""
    return _("变更推送：送达 %(s)s 条，未送达待重试 %(f)s 条。") % {
        "s": result["sent"],
        "f": result["failed"],
    }
