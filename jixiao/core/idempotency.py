"""Pushing the same thing twice changes nothing.

Two means, for another system that retries:

- `external_id`: the budget system's own identifier on an object, unique per region and kind
  (several objects may have none: a conditional unique constraint). A POST naming an
  `external_id` that exists updates that object instead of creating another, and answers it
  unchanged when nothing differs (`unchanged`).
- the `Idempotency-Key` header on a POST or PUT (`idempotent`, wrapped around every API
  operation): the first answer (status and body) is kept for the caller and key for 24 hours,
  and a retry with the same key and the same request gets it back without anything being done
  again; the same key with another request answers 422. Refusals of the caller rather than of
  the request (401, 403, 429) and server errors are not kept. Of two retries at once, one runs: the
  key's row is inserted in the same transaction as the write, so the second waits on the
  unique key and then reads the answer the first committed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEADER = "HTTP_IDEMPOTENCY_KEY"
#: How long an answer is kept for a retry.
KEPT_FOR = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
#: Answers that say nothing about the request itself (who sent it, how often) and are not kept:
#: a retry once signed in again, or after the rate limit's window, runs. A 5xx is not kept either.
NOT_KEPT = frozenset({401, 403, 429})
EXTERNAL_ID_LENGTH = 64


def external_id_field() -> models.CharField:
    """The budget system's identifier of an object (null when it came from elsewhere)."""
    return models.CharField(
        gettext_lazy("外部系统标识"),
        max_length=EXTERNAL_ID_LENGTH,
        null=True,
        blank=True,
        help_text=gettext_lazy("预算管理一体化系统中的标识，同一区划同类对象中唯一"),
    )


def external_id_unique(name: str, *fields: str) -> models.UniqueConstraint:
    """Unique per region (and `fields`) among the objects that have one."""
    return models.UniqueConstraint(
        fields=["region", *fields, "external_id"],
        condition=Q(external_id__isnull=False),
        name=name,
    )


def _same(sent, stored) -> bool:
    if isinstance(sent, dict):
        return isinstance(stored, dict) and all(
            _same(v, stored.get(k)) for k, v in sent.items() if k in stored
        )
    if isinstance(sent, list):
        return (
            isinstance(stored, list)
            and len(sent) == len(stored)
            and all(_same(a, b) for a, b in zip(sent, stored, strict=True))
        )
    if sent in ("", None) or stored in ("", None):
        return sent in ("", None) and stored in ("", None)
    if isinstance(sent, bool) or isinstance(stored, bool):
        return type(sent) is type(stored) and sent == stored
    try:
        return Decimal(str(sent)) == Decimal(str(stored))
    except (InvalidOperation, ValueError):
        return str(sent).strip() == str(stored).strip()


def unchanged(sent: dict, stored: dict) -> bool:
    """True when every field `sent` names that the stored representation also has holds the
    same value there (numbers compared as numbers, empty as null, lists item by item)."""
    return _same(sent, stored)


def _caller(request):
    user = getattr(request, "token_user", None)
    if user is None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return user


def _answer(status: int, detail: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail, "errors": []}, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


def idempotent(run):
    """An API operation (django-ninja "view" decorator) that honours `Idempotency-Key`."""

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        key = request.META.get(HEADER, "").strip()
        user = _caller(request) if key and request.method in ("POST", "PUT") else None
        if user is None:
            return run(request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return _answer(422, _("Idempotency-Key 过长（最多 255 个字符）。"))
        return _once(run, request, user, key, *args, **kwargs)

    return checked


def _digest(request) -> str:
    sha = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), request.body):
        sha.update(part)
        sha.update(b"\0")
    return sha.hexdigest()


def _once(run, request, user, key: str, *args, **kwargs) -> HttpResponse:
    from .models import IdempotentRequest

    digest = _digest(request)
    with transaction.atomic():
        IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=user, key=key, request_hash=digest, status=0, body=b""
                )
        except IntegrityError:  # taken: by an earlier request, or one that just committed
            record = None
        if record is None:
            kept = IdempotentRequest.objects.get(user=user, key=key)
            if kept.request_hash != digest:
                return _answer(
                    422, _("该 Idempotency-Key 已用于另一个请求，请为新的请求使用新的键。")
                )
            replay = HttpResponse(bytes(kept.body), status=kept.status)
            replay["Content-Type"] = kept.content_type
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = run(request, *args, **kwargs)
        if response.status_code in NOT_KEPT or response.status_code >= 500 or response.streaming:
            transaction.set_rollback(True)  # not kept: a retry runs again
            return response
        record.status = response.status_code
        record.body = response.content
        record.content_type = response.get("Content-Type", "application/json")[:100]
        record.save(update_fields=["status", "body", "content_type"])
        return response
